"""The agent's pieces without processes: config errors, hall view, screens, workers with fake devices."""

import threading
from datetime import datetime

import pytest

from devices.agent.hall_view import HallView
from devices.agent.keypads import KeypadWorker
from devices.agent.printing import PrinterWorker, job_from_payload
from devices.agent.screens import ScreenWorker, board_lines, window_lines
from devices.agent.server import Reply
from devices.agent.workers import StatusBoard
from devices.config import ConfigError, KeypadConfig, PrinterConfig, ScreenConfig, load
from devices.interfaces import DeviceError, DeviceState, KeyPress

from device_helpers import wait_until

GOOD_PRINTER = '[[printers]]\nname = "p1"\nkiosk = "kiosk-1"\nconnection = "tcp://127.0.0.1:9100"\n'


def load_text(tmp_path, text):
    path = tmp_path / "agent.toml"
    path.write_text(text, encoding="utf-8")
    return load(path), path


@pytest.mark.parametrize("text, entry, field", [
    ('[[printers]]\nname = "p1"\nconnection = "tcp://h:9100"\n', "printers[0] ('p1')", "'kiosk'"),
    ('[[printers]]\nname = "p1"\nkiosk = 3\nconnection = "tcp://h:9100"\n', "printers[0] ('p1')", "'kiosk'"),
    (GOOD_PRINTER.replace("tcp://127.0.0.1:9100", "lpt://1"), "printers[0] ('p1')", "'connection'"),
    (GOOD_PRINTER + 'qr_size = "big"\n', "printers[0] ('p1')", "'qr_size'"),
    (GOOD_PRINTER + 'qr_size = 40\n', "printers[0] ('p1')", "'qr_size'"),
    (GOOD_PRINTER + 'encoding = "klingon"\n', "printers[0] ('p1')", "'encoding'"),
    ('[[led_screens]]\nzone = "A"\nprotocol = "onbon-bx"\nconnection = "tcp://h:5005"\ncolour = "blue"\n',
     "led_screens[0]", "'colour'"),
    ('[[led_screens]]\nwindow = 1\nprotocol = "nope"\nconnection = "serial:///dev/x"\n',
     "led_screens[0]", "'protocol'"),
    ('[[led_screens]]\nwindow = 1\nzone = "A"\nprotocol = "strip485"\nconnection = "serial:///dev/x"\n',
     "led_screens[0]", "'zone'"),
    ('[[led_screens]]\nwindow = 1\nprotocol = "strip485"\nconnection = "serial:///dev/x?baud=9600"\n',
     "led_screens[0]", "'connection'"),
    ('[[led_screens]]\nwindow = 1\nprotocol = "strip485"\nconnection = "tcp://h"\n', "led_screens[0]", "'connection'"),
    ('[[keypads]]\nprotocol = "keypad485"\nconnection = "serial:///dev/x"\nwindows = { a = 1 }\n', "keypads[0]",
     "'windows'"),
    ('[[keypads]]\nprotocol = "keypad485"\nconnection = "serial:///dev/x"\nwindows = { 1 = 1 }\nratings = { 0 = 9 }\n',
     "keypads[0]", "'ratings'"),
    ('[[card_readers]]\nconnection = "serial:///dev/x"\n', "card_readers[0]", "'kiosk'"),
])
def test_bad_config_names_file_entry_and_field(tmp_path, text, entry, field):
    with pytest.raises(ConfigError) as raised:
        load_text(tmp_path, text)
    message = str(raised.value)
    assert str(tmp_path / "agent.toml") in message and entry in message and field in message


@pytest.mark.parametrize("text, fragment", [
    (GOOD_PRINTER + "colour = 1\n", "unknown field(s) colour"),
    (GOOD_PRINTER + GOOD_PRINTER, "'p1' is used twice"),
    ("[[printers]\n", "not valid TOML"),
    ("[screens]\n", "unknown section(s) screens"),
])
def test_other_config_mistakes(tmp_path, text, fragment):
    with pytest.raises(ConfigError, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        load_text(tmp_path, text)


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError, match="cannot read"):
        load(tmp_path / "none.toml")


def test_config_defaults(tmp_path):
    config, _ = load_text(tmp_path, GOOD_PRINTER + '[[keypads]]\nprotocol = "keypad485"\n'
                          'connection = "socket://127.0.0.1:7000"\nwindows = { 1 = 5 }\n'
                          '[[led_screens]]\nzone = "BDC"\nprotocol = "onbon-bx"\nconnection = "tcp://10.0.0.9:5005"\n')
    assert config.printers[0].options == {"encoding": "gb18030", "qr_size": 6, "status_timeout_s": 1.5}
    assert config.keypads[0].windows == {1: 5} and config.keypads[0].ratings[0] == 5
    assert config.screens[0].name == "led-zone-BDC"


SNAPSHOT = {
    "stream": "agents", "seq": 4, "streams": {"agents": 4, "agent:7": 2},
    "hall": {
        "hall": {"name": "示例市民中心", "announce": "请{number}号到{window}号窗口办理"},
        "windows": [
            {"number": 1, "zone": "ZH", "state": "open", "categories": ["*"], "ticket": None},
            {"number": 5, "zone": "BDC", "state": "paused", "categories": ["A"], "ticket": None},
        ],
        "queues": [{"category": "A", "zone": "BDC", "waiting": 3}, {"category": "B", "zone": "GA", "waiting": 2}],
        "recent_calls": [{"ticket": {"number": "A002"}, "window": 5, "zone": "BDC"}],
    },
}


def called(number, window, zone, seq):
    return {"ticket": {"id": 9, "number": number, "status": "called"}, "window": window, "zone": zone,
            "stream": "agents", "seq": seq}


def test_hall_view_from_snapshot_and_events():
    view = HallView()
    view.apply_snapshot(SNAPSHOT)
    assert window_lines(view, 1) == ["1号窗口", "欢迎光临"]
    assert window_lines(view, 5) == ["5号窗口", "暂停服务"]
    assert window_lines(view, 9) == ["9号窗口", "暂停服务"]
    assert board_lines(view, "BDC", 4) == ["A002  5号窗口"]
    assert view.waiting_for(1) == 5 and view.waiting_for(5) == 3

    assert view.in_sequence(called("A003", 1, "ZH", 5))
    call = view.apply("ticket.called", called("A003", 1, "ZH", 5))
    assert call.number == "A003" and window_lines(view, 1) == ["1号窗口", "请A003号"]
    assert board_lines(view, None, 4) == ["A003  1号窗口", "A002  5号窗口"]
    assert board_lines(view, "ZH", 4) == ["A003  1号窗口"]
    assert view.current_number(1) == "A003"

    view.apply("ticket.finished", {"ticket": {"id": 9, "number": "A003"}, "window": 1})
    assert view.current_number(1) == "" and view.last_finished[1] == 9
    assert not view.in_sequence({"stream": "agents", "seq": 9}), "a gap asks for a resync"
    assert view.in_sequence({"stream": "agent:7", "seq": 3})


class FakePrinter:
    def __init__(self):
        self.state = DeviceState.OK
        self.printed = []
        self.fail_next = False

    def status(self):
        return self.state

    def print_ticket(self, ticket):
        if self.fail_next:
            self.fail_next = False
            raise DeviceError("cable pulled")
        self.printed.append(ticket.number)

    def close(self):
        pass


ISSUED_AT = "2026-11-23T09:00:00+08:00"


def job(job_id, number="A001", issued_at=ISSUED_AT):
    return {"job_id": job_id, "printer": "p1", "hall_name": "示例",
            "ticket": {"number": number, "category": "A", "ahead": 0, "issued_at": issued_at, "track_url": "/t/x"}}


@pytest.fixture
def printer_worker():
    device = FakePrinter()
    done, statuses = [], []
    config = PrinterConfig(name="p1", protocol="escpos", connection="tcp://x:9100", options={}, kiosk="k",
                           max_job_age_s=600, retry_s=0.05)
    now = {"t": datetime.fromisoformat(ISSUED_AT).timestamp() + 60}
    worker = PrinterWorker(config, StatusBoard(lambda event, payload: statuses.append(payload)), done.append,
                           clock=lambda: now["t"])
    worker._open_driver = lambda: device
    worker.start()
    yield worker, device, done, statuses, now
    worker.request_stop()
    worker.join(5)


def test_printer_worker_waits_for_paper_then_prints_and_acknowledges(printer_worker):
    worker, device, done, statuses, _ = printer_worker
    device.state = DeviceState.PAPER_OUT
    worker.submit(job("j1"), "http://hall")
    assert wait_until(lambda: {"device": "p1", "state": "paper_out"} in statuses)
    assert done == [] and device.printed == []
    device.state = DeviceState.OK
    assert wait_until(lambda: done == [{"job_id": "j1", "ok": True}])
    assert device.printed == ["A001"] and statuses[-1]["state"] == "ok"


def test_printer_worker_retries_a_failed_print(printer_worker):
    worker, device, done, statuses, _ = printer_worker
    device.fail_next = True
    worker.submit(job("j1"), "http://hall")
    assert wait_until(lambda: done == [{"job_id": "j1", "ok": True}], timeout=8)
    assert {"device": "p1", "state": "offline", "detail": "cable pulled"} in statuses


def test_printer_worker_drops_old_jobs_visibly(printer_worker):
    worker, device, done, _, now = printer_worker
    device.state = DeviceState.OFFLINE
    worker.submit(job("old"), "http://hall")
    now["t"] += 3600
    assert wait_until(lambda: done and done[0]["job_id"] == "old")
    assert done[0]["ok"] is False and "expired" in done[0]["error"]
    assert device.printed == []


def test_printer_worker_does_not_reprint_a_resent_job(printer_worker):
    worker, device, done, _, _ = printer_worker
    worker.submit(job("j1"), "http://hall")
    assert wait_until(lambda: len(done) == 1)
    worker.submit(job("j1"), "http://hall")
    assert wait_until(lambda: len(done) == 2)
    assert device.printed == ["A001"] and done[1] == {"job_id": "j1", "ok": True}


def test_printer_worker_refuses_a_malformed_job(printer_worker):
    worker, _, done, _, _ = printer_worker
    worker.submit({"job_id": "bad", "ticket": {"category": "A"}}, "http://hall")
    assert done[0]["job_id"] == "bad" and done[0]["ok"] is False


class FakeApi:
    def __init__(self):
        self.calls = []

    def post(self, path, body=None):
        self.calls.append((path, body))
        return Reply(200, {})


@pytest.fixture
def keypad():
    view = HallView()
    view.apply_snapshot(SNAPSHOT)
    lock = threading.Lock()

    def query(question):
        with lock:
            return question(view)

    config = KeypadConfig(name="k", protocol="keypad485", connection="loop://", options={}, windows={1: 1, 2: 5},
                          ratings={0: 5, 3: 2}, bad_reasons=("服务效率",))
    api = FakeApi()
    return KeypadWorker(config, StatusBoard(lambda *_: None), api, query), api, view


def test_keypad_actions(keypad):
    worker, api, view = keypad
    worker.handle(KeyPress(1, "call_next"))
    worker.handle(KeyPress(2, "call_next"))  # window 5 is paused: resume first
    worker.handle(KeyPress(2, "pause"))  # paused: the pause key resumes
    worker.handle(KeyPress(1, "pause"))
    worker.handle(KeyPress(1, "transfer", 7))
    worker.handle(KeyPress(1, "no_show"))
    worker.handle(KeyPress(9, "call_next"))
    assert api.calls == [
        ("/windows/1/call-next", None),
        ("/windows/5/resume", None), ("/windows/5/call-next", None),
        ("/windows/5/resume", None),
        ("/windows/1/pause", {"reason": "暂离"}),
        ("/windows/1/transfer", {"window": 7}),
        ("/windows/1/no-show", None),
    ]
    assert worker.unknown_addresses == 1


def test_evaluator_keys_rate_the_last_finished_ticket(keypad):
    worker, api, view = keypad
    worker.handle(KeyPress(1, "rate", 3))
    assert api.calls == [], "nothing finished yet"
    view.apply("evaluation.requested", {"ticket": {"id": 41, "number": "A001"}, "window": 1})
    worker.handle(KeyPress(1, "rate", 3))
    worker.handle(KeyPress(1, "rate", 0))
    assert api.calls == [("/evaluations", {"ticket_id": 41, "level": 2, "reasons": ["服务效率"]})]


def test_status_board_sends_changes_only_and_resends_all():
    sent = []
    board = StatusBoard(lambda event, payload: sent.append((event, payload)))
    board.report("p1", DeviceState.OK)
    board.report("p1", DeviceState.OK)
    board.report("p1", DeviceState.PAPER_OUT, "no paper")
    assert [p["state"] for _, p in sent] == ["ok", "paper_out"]
    board.resend()
    assert sent[-1] == ("device.status", {"device": "p1", "state": "paper_out", "detail": "no paper"})


class FakeScreen:
    def __init__(self):
        self.shown = []
        self.broken = False

    def show(self, lines):
        if self.broken:
            raise DeviceError("no route to controller")
        self.shown.append(list(lines))

    def close(self):
        pass


def test_screen_worker_flashes_a_call_then_recovers_from_a_dead_link():
    screen, statuses = FakeScreen(), []
    config = ScreenConfig(name="s", protocol="strip485", connection="loop://", options={}, window=1, flash_s=1.2)
    worker = ScreenWorker(config, StatusBoard(lambda event, payload: statuses.append(payload["state"])))
    worker._open_driver = lambda: screen
    worker.start()
    try:
        worker.update(["1号窗口", "请A001号"], flash=True)
        assert wait_until(lambda: [] in screen.shown and screen.shown[-1] == ["1号窗口", "请A001号"], 5)
        screen.broken = True
        worker.update(["1号窗口", "暂停服务"])
        assert wait_until(lambda: statuses[-1:] == ["offline"], 5)
        screen.broken = False
        assert wait_until(lambda: screen.shown[-1] == ["1号窗口", "暂停服务"] and statuses[-1] == "ok", 5)
    finally:
        worker.request_stop()
        worker.join(5)


def test_printer_worker_prints_on_a_low_roll_and_says_so(printer_worker):
    worker, device, done, statuses, _ = printer_worker
    device.state = DeviceState.PAPER_LOW
    worker.submit(job("j1"), "http://hall")
    assert wait_until(lambda: done == [{"job_id": "j1", "ok": True}])
    assert {"device": "p1", "state": "paper_low"} in statuses


@pytest.mark.parametrize("track_url, printed", [
    ("/t/abc", "http://10.0.0.2:8000/t/abc"),
    ("https://hall.example.gov.cn/t/abc", "https://hall.example.gov.cn/t/abc"),
])
def test_print_jobs_carry_an_absolute_track_url(track_url, printed):
    payload = job("j1")
    payload["ticket"].update(track_url=track_url, holder="张*三", category_name="不动产登记")
    printed_job = job_from_payload(payload, "http://10.0.0.2:8000/", 0.0)
    assert printed_job.ticket.track_url == printed
    assert printed_job.ticket.holder == "张*三" and printed_job.ticket.category_name == "不动产登记"
    assert printed_job.issued == datetime.fromisoformat(ISSUED_AT).timestamp()
