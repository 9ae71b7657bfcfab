"""Drivers against the emulators, through real TCP sockets and socat pseudo-terminals."""

import time

import pytest

from devices.emulators.card_reader import CardReaderEmulator
from devices.emulators.escpos_printer import EscposPrinterEmulator
from devices.emulators.keypad import KeypadBusEmulator
from devices.emulators.led_controller import LedControllerEmulator
from devices.emulators.peers import SerialPeer, TcpPeer
from devices.interfaces import DeviceError, DeviceState, IdCard, KeyPress, PrintedTicket
from devices.protocols.escpos_ticket import EscposPrinter
from devices.protocols.gat467 import Gat467Reader
from devices.protocols.keypad485 import Keypad485Bus
from devices.protocols.onbon_bx import OnbonScreen
from devices.protocols.strip485 import Strip485Screen

from device_helpers import wait_until

TICKET = PrintedTicket(hall_name="示例市民中心", category_name="社保医保", number="B007", ahead=2,
                       issued_at="2026-11-23T10:00:00+08:00", track_url="http://127.0.0.1:8000/t/xyz")


@pytest.fixture
def network_printer():
    emulator = EscposPrinterEmulator()
    peer = TcpPeer(emulator).start()
    yield emulator, peer
    peer.stop()


def test_network_printer_prints_the_ticket(network_printer):
    emulator, peer = network_printer
    printer = EscposPrinter(f"tcp://127.0.0.1:{peer.port}", status_timeout_s=1.0)
    assert printer.status() is DeviceState.OK
    printer.print_ticket(TICKET)
    [receipt] = emulator.wait_for_receipts(1, timeout=5)
    assert receipt.line_with("B007").width == 4
    assert receipt.line_with("社保医保") and receipt.qr_codes == [TICKET.track_url] and receipt.cut
    printer.close()


@pytest.mark.parametrize("state", [DeviceState.PAPER_OUT, DeviceState.COVER_OPEN])
def test_network_printer_reports_paper_and_cover(network_printer, state):
    emulator, peer = network_printer
    emulator.state = state
    printer = EscposPrinter(f"tcp://127.0.0.1:{peer.port}", status_timeout_s=1.0)
    assert printer.status() is state
    printer.close()


def test_silent_printer_is_known_offline_within_seconds(network_printer):
    emulator, peer = network_printer
    emulator.silent = True
    printer = EscposPrinter(f"tcp://127.0.0.1:{peer.port}", status_timeout_s=1.0)
    started = time.monotonic()
    with pytest.raises(DeviceError) as raised:
        printer.status()
    assert raised.value.state is DeviceState.OFFLINE and time.monotonic() - started < 2.5


def test_unplugged_printer_comes_back(network_printer):
    emulator, peer = network_printer
    printer = EscposPrinter(f"tcp://127.0.0.1:{peer.port}", status_timeout_s=1.0)
    assert printer.status() is DeviceState.OK
    peer.stop()
    with pytest.raises(DeviceError):
        printer.print_ticket(TICKET)
        printer.status()
    peer.start()
    assert wait_until(lambda: _status(printer) is DeviceState.OK)
    printer.print_ticket(TICKET)
    assert emulator.wait_for_receipts(1, timeout=5)


def _status(printer):
    try:
        return printer.status()
    except DeviceError:
        return None


def test_serial_printer_over_a_pty(pty_pair):
    host, device = pty_pair
    emulator = EscposPrinterEmulator()
    peer = SerialPeer(emulator, device).start()
    printer = EscposPrinter(f"serial://{host}?baudrate=19200", status_timeout_s=1.0)
    started = time.monotonic()
    assert printer.status() is DeviceState.OK
    assert time.monotonic() - started < 1.0, "status queries must not wait out the serial timeout"
    printer.print_ticket(TICKET)
    assert emulator.wait_for_receipts(1, timeout=5)[0].line_with("B007")
    printer.close()
    peer.stop()


def test_onbon_screen_over_tcp():
    controller = LedControllerEmulator("onbon-bx")
    peer = TcpPeer(controller).start()
    screen = OnbonScreen(f"tcp://127.0.0.1:{peer.port}", address=1, area=0)
    screen.show(["5号窗口", "请A001号"])
    assert controller.text(1, 0) == "5号窗口\n请A001号"
    peer.stop()
    with pytest.raises(DeviceError):
        screen.show(["暂停服务"])
        screen.show(["暂停服务"])
    screen.close()


def test_strip_screens_share_a_pty_bus(pty_pair):
    host, device = pty_pair
    controller = LedControllerEmulator("strip485")
    peer = SerialPeer(controller, device).start()
    first, second = Strip485Screen(f"serial://{host}", address=1), Strip485Screen(f"serial://{host}", address=2)
    first.show(["1号窗口", "暂停服务"])
    second.show(["2号窗口", "请B002号"])
    assert wait_until(lambda: controller.text(1) == "1号窗口\n暂停服务" and controller.text(2) == "2号窗口\n请B002号")
    first.close(), second.close(), peer.stop()


def test_keypad_bus_over_a_pty(pty_pair):
    host, device = pty_pair
    keypads = KeypadBusEmulator()
    keypads.attach(SerialPeer(keypads, device).start())
    bus = Keypad485Bus(f"serial://{host}?baudrate=9600")
    keypads.press(1, "call_next")
    keypads.send(b"\xff\x68\x03\x03\x68\x01\x01\x0c\x00\x16")  # wrong checksum
    keypads.press(2, "transfer", 7)
    keypads.press(3, "rate", 0)
    presses = []
    assert wait_until(lambda: presses.extend(bus.poll()) or len(presses) == 3)
    assert presses == [KeyPress(1, "call_next"), KeyPress(2, "transfer", 7), KeyPress(3, "rate", 0)]
    assert bus.dropped == 1
    assert keypads.wait_for(lambda k: len(k.acks) == 3, timeout=5), "every good frame is echoed"
    bus.display(1, "A042", 13)
    assert keypads.wait_for(lambda k: k.displays.get(1) == ("013", "042"), timeout=5)
    bus.close()


@pytest.mark.parametrize("transport", ["pty", "socket"])
def test_card_reader(pty_pair, transport):
    reader_emulator = CardReaderEmulator()
    if transport == "pty":
        host, device = pty_pair
        peer, url = SerialPeer(reader_emulator, device).start(), f"serial://{host}?baudrate=115200"
    else:
        peer = TcpPeer(reader_emulator).start()
        url = f"socket://127.0.0.1:{peer.port}"
    reader = Gat467Reader(url)
    assert reader.read_card() is None
    reader_emulator.lay(IdCard("王小明", "110101199003071234"))
    assert reader.read_card() == IdCard("王小明", "110101199003071234")
    assert reader.read_card() is None, "a card is read once until it is laid again"
    reader.close()
    peer.stop()


class Mute:
    def feed(self, data):
        return b""


def test_card_reader_that_does_not_answer_is_a_device_error():
    peer = TcpPeer(Mute()).start()
    reader = Gat467Reader(f"socket://127.0.0.1:{peer.port}", reply_timeout_s=0.3)
    with pytest.raises(DeviceError):
        reader.read_card()
    reader.close()
    peer.stop()


def test_areas_of_one_onbon_controller_share_its_connection():
    controller = LedControllerEmulator("onbon-bx")
    peer = TcpPeer(controller).start()
    url = f"tcp://127.0.0.1:{peer.port}"
    window, board = OnbonScreen(url, area=0), OnbonScreen(url, area=1, height=64)
    window.show(["3号窗口", "暂停服务"])
    board.show(["A001  3号窗口", "B002  4号窗口"])
    window.show(["3号窗口", "请A003号"])
    assert controller.text(1, 0) == "3号窗口\n请A003号" and controller.text(1, 1) == "A001  3号窗口\nB002  4号窗口"
    assert peer.connections == 1
    window.close()
    peer.stop()
