"""`hall agent` against a real `hall serve --demo`, driving emulated devices.

Printer and Onbon controller on TCP, strip screen, keypads and card reader on socat ptys,
and one board whose controller is unplugged all along: the rest must not mind.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import time

import pytest
import requests

from devices.emulators.card_reader import CardReaderEmulator
from devices.emulators.escpos_printer import EscposPrinterEmulator
from devices.emulators.keypad import KeypadBusEmulator
from devices.emulators.led_controller import LedControllerEmulator
from devices.emulators.peers import SerialPeer, TcpPeer
from devices.interfaces import DeviceState, IdCard

from device_helpers import wait_until

PASSWORD = "demo-pass-2026"


def free_port():
    """A port nothing listens on: the address of an unplugged controller."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
PRINTER = "kiosk-1-printer"


class Hall:
    """One demo hall, one agent and its emulated devices."""

    def __init__(self, server, tmp_path, make_pty_pair):
        self.server = server
        self.tmp_path = tmp_path
        self.printer = EscposPrinterEmulator()
        self.printer_peer = TcpPeer(self.printer).start()
        self.board = LedControllerEmulator("onbon-bx")
        self.board_peer = TcpPeer(self.board).start()
        self.strip = LedControllerEmulator("strip485")
        self.keypads = KeypadBusEmulator()
        self.cards = CardReaderEmulator()
        strip_host, strip_device = make_pty_pair("strip")
        keypad_host, keypad_device = make_pty_pair("keypad")
        card_host, card_device = make_pty_pair("card")
        self.peers = [self.printer_peer, self.board_peer, SerialPeer(self.strip, strip_device).start(),
                      SerialPeer(self.cards, card_device).start()]
        keypad_peer = SerialPeer(self.keypads, keypad_device).start()
        self.keypads.attach(keypad_peer)
        self.peers.append(keypad_peer)
        config = tmp_path / "agent.toml"
        config.write_text(f"""
[[printers]]
name = "{PRINTER}"
kiosk = "kiosk-1"
connection = "tcp://127.0.0.1:{self.printer_peer.port}"
status_timeout_s = 1.0
retry_s = 0.5

[[led_screens]]
window = 1
protocol = "strip485"
connection = "serial://{strip_host}?baudrate=9600"
address = 1
flash_s = 1.0

[[led_screens]]
zone = "ZH"
protocol = "onbon-bx"
connection = "tcp://127.0.0.1:{self.board_peer.port}"
area = 1
height = 64
flash_s = 1.0

[[led_screens]]
zone = "GA"
protocol = "onbon-bx"
connection = "tcp://127.0.0.1:{free_port()}"

[[keypads]]
protocol = "keypad485"
connection = "serial://{keypad_host}?baudrate=9600"
windows = {{ 1 = 1, 2 = 2 }}

[[card_readers]]
kiosk = "kiosk-1"
connection = "serial://{card_host}?baudrate=115200"
category = "A"
""", encoding="utf-8")
        enrol = subprocess.run([sys.executable, "-m", "hall.cli", "device", "add", "agent-e2e", "--kind", "agent",
                                "--db", server.db], capture_output=True, text=True, check=True, timeout=60)
        token = enrol.stdout.strip().splitlines()[-1]
        self.agent_log = open(tmp_path / "agent.log", "w+", encoding="utf-8")
        self.agent = subprocess.Popen(
            [sys.executable, "-m", "hall.cli", "agent", "--server", server.url, f"--token={token}",
             "--config", str(config)],
            stdout=self.agent_log, stderr=subprocess.STDOUT, start_new_session=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"})
        self.kiosk = server.tokens["kiosk-1"]
        self.supervisor = server.login("supervisor", PASSWORD)
        assert wait_until(lambda: "server accepted the agent's devices" in self.log(), 20), self.log()

    def log(self) -> str:
        self.agent_log.flush()
        self.agent_log.seek(0)
        return self.agent_log.read()

    def stop(self) -> int | None:
        if self.agent.poll() is None:
            os.killpg(self.agent.pid, signal.SIGTERM)
            try:
                self.agent.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.agent.pid, signal.SIGKILL)
                self.agent.wait(5)
        for peer in self.peers:
            peer.stop()
        return self.agent.returncode

    def issue(self, category="A", **body) -> requests.Response:
        return self.server.call("POST", "/tickets", self.kiosk, json={"category": category, **body})

    def signed_in_clerk(self, username: str, window: int) -> str:
        token = self.server.login(username, PASSWORD)
        reply = self.server.call("POST", f"/windows/{window}/sign-in", token, json={"post": "A"})
        assert reply.ok, reply.text
        return token

    def hall(self) -> dict:
        return self.server.call("GET", "/hall", self.supervisor).json()

    def window(self, number: int) -> dict:
        return next(w for w in self.hall()["windows"] if w["number"] == number)

    def device_alarm(self, state: str, device: str = PRINTER) -> bool:
        return any(a.get("device") == device and state in (a.get("message") or "") for a in self.hall()["alarms"])

    def receipts(self, count: int, timeout: float = 15):
        receipts = self.printer.wait_for_receipts(count, timeout)
        assert len(receipts) >= count, f"{len(receipts)} receipts, wanted {count}\n{self.log()}"
        return receipts


@pytest.fixture
def hall(hall_server, tmp_path, make_pty_pair):
    env = Hall(hall_server.spawn(), tmp_path, make_pty_pair)
    yield env
    assert env.stop() == 0, env.log()


def test_kiosk_ticket_comes_out_of_the_printer(hall):
    reply = hall.issue("A")
    assert reply.status_code == 201, reply.text
    ticket = reply.json()["ticket"]
    [receipt] = hall.receipts(1)
    number = receipt.line_with(ticket["number"])
    assert number and number.width == 4 and number.height == 4
    assert receipt.line_with("不动产登记")
    assert receipt.line_with(f"您前面还有 {ticket['ahead']} 人在等待")
    assert receipt.line_with("示例市民中心")
    track_url = ticket["track_url"] if ticket["track_url"].startswith("http") else hall.server.url + ticket["track_url"]
    assert receipt.qr_codes == [track_url] and receipt.cut
    assert requests.get(track_url, timeout=10).ok
    assert wait_until(lambda: hall.device_alarm("offline", "led-zone-GA"), 10), "the dead board is an alarm"


def test_paper_out_then_unplugged_printer(hall):
    hall.printer.state = DeviceState.PAPER_OUT
    assert wait_until(lambda: hall.device_alarm("paper_out"), 15), hall.log()
    first = hall.issue("A")
    assert first.status_code == 201, "a ticket is issued even when its printer cannot print"
    time.sleep(1.5)
    assert hall.printer.receipts == []
    hall.printer.state = DeviceState.OK
    [receipt] = hall.receipts(1)
    assert receipt.line_with(first.json()["ticket"]["number"])
    assert wait_until(lambda: not hall.device_alarm("paper_out"), 15)

    hall.printer_peer.stop()
    assert wait_until(lambda: hall.device_alarm("offline"), 20), hall.log()
    second = hall.issue("A")
    assert second.status_code == 201
    hall.printer_peer.start()
    receipts = hall.receipts(2, timeout=30)
    assert receipts[1].line_with(second.json()["ticket"]["number"])


def test_silent_printer_is_reported_offline(hall):
    hall.printer.silent = True
    assert wait_until(lambda: hall.device_alarm("offline"), 20), hall.log()
    hall.printer.silent = False
    assert wait_until(lambda: not hall.device_alarm("offline"), 20), hall.log()


def test_a_call_shows_on_the_zone_board_and_the_window_strip(hall):
    clerk = hall.signed_in_clerk("clerk1", 1)
    number = hall.issue("A").json()["ticket"]["number"]
    reply = hall.server.call("POST", "/windows/1/call-next", clerk)
    assert reply.status_code == 200, reply.text
    assert wait_until(lambda: hall.strip.text(1) == f"1号窗口\n请{number}号", 10), hall.strip.shown
    assert wait_until(lambda: hall.board.text(1, 1).startswith(f"{number}  1号窗口"), 10), hall.board.shown
    assert hall.strip.wait_for(lambda strip: ((1, 0), []) in [(p, lines) for _, p, lines in strip.history], 5), \
        "a new call flashes"
    reply = hall.server.call("POST", "/windows/1/pause", clerk, json={"reason": "暂离"})
    assert reply.ok, reply.text
    assert wait_until(lambda: hall.strip.text(1) == "1号窗口\n暂停服务", 10), hall.strip.shown


def test_keypad_calls_pauses_and_rates(hall):
    hall.signed_in_clerk("clerk1", 1)
    number = hall.issue("A").json()["ticket"]["number"]
    hall.keypads.send(b"\xff\x68\x03\x03\x68\x01\x01\x0c\x00\x16")  # a call key with a bad checksum
    assert wait_until(lambda: "keypad-1: dropped 1 garbled" in hall.log(), 10), hall.log()
    assert hall.window(1)["ticket"] is None
    hall.keypads.press(1, "call_next")
    assert wait_until(lambda: (hall.window(1)["ticket"] or {}).get("number") == number, 10), hall.log()
    digits = re.sub(r"\D", "", number)[-3:]
    assert hall.keypads.wait_for(lambda k: k.displays.get(1, ("", ""))[1] == digits, 10), hall.keypads.displays
    assert wait_until(lambda: hall.strip.text(1) == f"1号窗口\n请{number}号", 10)

    hall.keypads.press(1, "finish")
    assert wait_until(lambda: hall.window(1)["ticket"] is None, 10), hall.log()
    time.sleep(0.5)
    hall.keypads.press(1, "rate", 0)
    assert wait_until(lambda: "window 1 rated 5" in hall.log(), 10), hall.log()
    hall.keypads.press(1, "rate", 3)
    assert wait_until(lambda: "no finished ticket to rate" in hall.log(), 10), "one rating per finished ticket"

    hall.keypads.press(1, "pause")
    assert wait_until(lambda: hall.window(1)["state"] == "paused", 10), hall.log()
    assert wait_until(lambda: hall.strip.text(1) == "1号窗口\n暂停服务", 10)
    hall.keypads.press(1, "pause")
    assert wait_until(lambda: hall.window(1)["state"] != "paused", 10), hall.log()


def test_keypad_of_a_window_without_clerk_is_refused(hall):
    hall.issue("A")
    hall.keypads.press(2, "call_next")
    assert wait_until(lambda: "not_signed_in" in hall.log(), 10), hall.log()


def test_id_card_issues_once_per_person_and_category(hall):
    card = IdCard("张三丰", "110101199003071234")
    waiting_before = _waiting(hall, "A")
    hall.cards.lay(card)
    [receipt] = hall.receipts(1)
    assert receipt.line_with("张*丰"), receipt.text
    assert _waiting(hall, "A") == waiting_before + 1
    hall.cards.lay(card)
    assert wait_until(lambda: "already holds an open A ticket" in hall.log(), 10), hall.log()
    assert _waiting(hall, "A") == waiting_before + 1
    assert "110101199003071234" not in hall.log(), "ID numbers never reach the log"


def _waiting(hall, category):
    return next(q["waiting"] for q in hall.hall()["queues"] if q["category"] == category)


def test_agent_resyncs_screens_after_a_server_restart(hall):
    clerk = hall.signed_in_clerk("clerk1", 1)
    number = hall.issue("A").json()["ticket"]["number"]
    hall.server.call("POST", "/windows/1/call-next", clerk)
    assert wait_until(lambda: hall.strip.text(1) == f"1号窗口\n请{number}号", 10)
    connections = hall.board_peer.connections
    history = len(hall.board.history)
    hall.server.restart()
    assert wait_until(lambda: hall.log().count("server accepted the agent's devices") >= 2, 30), hall.log()
    assert wait_until(lambda: len(hall.board.history) > history, 10), "the board is redrawn on reconnect"
    assert hall.board_peer.connections == connections
    assert hall.board.text(1, 1).startswith(f"{number}  1号窗口")


def test_bad_config_is_named(tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text('[[led_screens]]\nwindow = 1\nprotocol = "nope"\nconnection = "serial:///dev/null"\n')
    result = subprocess.run([sys.executable, "-m", "hall.cli", "agent", "--server", "http://127.0.0.1:9",
                             "--token", "x", "--config", str(config)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert str(config) in result.stderr and "led_screens[0]" in result.stderr and "'protocol'" in result.stderr
