"""Chinese ESC/POS ticket printers: our own ticket rendering, python-escpos for the link.

python-escpos sends hanzi without FS &, turns lines of full-width punctuation into `?`
and draws QR codes as images, so the ticket is rendered here to raw bytes and written
with `_raw`; python-escpos only opens and closes the network, USB, serial or file link.
"""

from __future__ import annotations

import codecs
import re
from datetime import datetime
from urllib.parse import parse_qsl, urlsplit

import serial

from devices.interfaces import DeviceError, DeviceState, Option, PrintedTicket, positive

ESC, GS, FS, DLE = b"\x1b", b"\x1d", b"\x1c", b"\x10"
INIT = ESC + b"@"
HANZI_ON = FS + b"&"
HANZI_OFF = FS + b"."
ALIGN_CENTER = ESC + b"a\x01"
BOLD_ON, BOLD_OFF = ESC + b"E\x01", ESC + b"E\x00"
PARTIAL_CUT = GS + b"V\x01"
LF = b"\n"
QR_ERROR_M = 0x31


def size(width: int, height: int) -> bytes:
    """GS ! n: scales ASCII and hanzi alike (ESC ! does not scale hanzi on most Chinese printers)."""
    return GS + b"!" + bytes([(width - 1) << 4 | (height - 1)])


def _qr_function(fn: int, data: bytes) -> bytes:
    body = bytes([0x31, fn]) + data
    return GS + b"(k" + len(body).to_bytes(2, "little") + body


def qr_code(content: str, module_size: int = 6) -> bytes:
    """The printer's own QR code (GS ( k, model 2, error correction M)."""
    data = content.encode("utf-8")
    return (
        GS + b"(k\x04\x00\x31\x41\x32\x00"
        + _qr_function(0x43, bytes([module_size]))
        + _qr_function(0x45, bytes([QR_ERROR_M]))
        + _qr_function(0x50, b"\x30" + data)
        + _qr_function(0x51, b"\x30")
    )


def _line(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace") + LF


def _time(issued_at: str) -> str:
    """Wall-clock time of the hall as the server wrote it, without re-zoning it here."""
    try:
        return datetime.fromisoformat(issued_at).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return issued_at


def render_ticket(ticket: PrintedTicket, encoding: str = "gb18030", qr_size: int = 6) -> bytes:
    """The whole ticket as ESC/POS bytes, hanzi mode on for the text, cut at the end."""
    def line(text: str) -> bytes:
        return _line(text, encoding)

    out = [INIT, HANZI_ON, ALIGN_CENTER]
    out += [size(2, 2), BOLD_ON, line(ticket.hall_name), BOLD_OFF, size(1, 1)]
    out += [line(ticket.category_name)]
    if ticket.zone_name:
        out += [line(ticket.zone_name)]
    out += [size(4, 4), BOLD_ON, line(ticket.number), BOLD_OFF, size(1, 1)]
    if ticket.holder:
        out += [line(f"取号人：{ticket.holder}")]
    out += [line(f"您前面还有 {ticket.ahead} 人在等待"), line(_time(ticket.issued_at))]
    if ticket.notice:
        out += [line(ticket.notice)]
    out += [qr_code(ticket.track_url, qr_size), LF, line("扫码查看排队进度")]
    out += [HANZI_OFF, ESC + b"d\x04", PARTIAL_CUT]
    return b"".join(out)


# DLE EOT n: real-time status. Every reply byte has the pattern 0xx1xx10.
STATUS_PRINTER, STATUS_OFFLINE_CAUSE, STATUS_PAPER = 1, 2, 4


def status_query(n: int) -> bytes:
    return DLE + b"\x04" + bytes([n])


def valid_status_byte(byte: int) -> bool:
    return byte & 0x93 == 0x12


def decode_status(printer: int, offline_cause: int, paper: int) -> DeviceState:
    """The supervisors' view of three DLE EOT replies (1, 2, 4)."""
    if not all(map(valid_status_byte, (printer, offline_cause, paper))):
        return DeviceState.ERROR
    if paper & 0x60 or offline_cause & 0x20:
        return DeviceState.PAPER_OUT
    if offline_cause & 0x04:
        return DeviceState.COVER_OPEN
    if printer & 0x08:
        return DeviceState.OFFLINE
    if paper & 0x0C:
        return DeviceState.PAPER_LOW
    return DeviceState.OK


def status_reply(state: DeviceState) -> dict[int, int]:
    """The replies a printer in `state` gives to DLE EOT 1, 2 and 4 (for emulators and tests)."""
    offline = state not in (DeviceState.OK, DeviceState.PAPER_LOW)
    return {
        STATUS_PRINTER: 0x12 | (0x08 if offline else 0),
        STATUS_OFFLINE_CAUSE: 0x12
        | (0x04 if state is DeviceState.COVER_OPEN else 0)
        | (0x20 if state is DeviceState.PAPER_OUT else 0),
        STATUS_PAPER: 0x12
        | (0x60 if state is DeviceState.PAPER_OUT else 0)
        | (0x0C if state is DeviceState.PAPER_LOW else 0),
    }


def connection_printer(connection: str, timeout: float):
    """The python-escpos printer object for a `connection` URL (not opened yet)."""
    from escpos import printer as escpos_printer

    parts = urlsplit(connection)
    if parts.scheme == "tcp":
        if not parts.hostname:
            raise ValueError(f"{connection!r} needs a host")
        return escpos_printer.Network(parts.hostname, parts.port or 9100, timeout=timeout)
    if parts.scheme == "usb":
        match = re.fullmatch(r"([0-9a-fA-F]{4}):([0-9a-fA-F]{4})", parts.netloc)
        if not match:
            raise ValueError(f"{connection!r} must look like usb://04b8:0202")
        return escpos_printer.Usb(int(match[1], 16), int(match[2], 16), timeout=int(timeout * 1000))
    if parts.scheme == "serial":
        options = dict(parse_qsl(parts.query))
        unknown = set(options) - {"baudrate"}
        if unknown or not parts.path or not options.get("baudrate", "9600").isdigit():
            raise ValueError(f"{connection!r} must look like serial:///dev/ttyUSB0?baudrate=19200")
        return escpos_printer.Serial(parts.path, baudrate=int(options.get("baudrate", 9600)), timeout=timeout)
    if parts.scheme == "file":
        if not parts.path:
            raise ValueError(f"{connection!r} needs a path")
        return escpos_printer.File(parts.path)
    raise ValueError(f"unsupported printer connection {connection!r} (tcp://, usb://, serial://, file://)")


def _known_codec(name: str) -> bool:
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True


class EscposPrinter:
    """A ticket printer on any python-escpos link; `status()` costs at most three short waits."""

    OPTIONS = {
        "encoding": Option(str, "gb18030", _known_codec, "a Python codec name such as gb18030 or gbk"),
        "qr_size": Option(int, 6, lambda size: 1 <= size <= 16, "1 to 16 dots"),
        "status_timeout_s": Option(float, 1.5, positive, "more than 0"),
    }

    def __init__(self, connection: str, encoding: str = "gb18030", qr_size: int = 6, status_timeout_s: float = 1.5):
        self._printer = connection_printer(connection, status_timeout_s)
        self._encoding = encoding
        self._qr_size = qr_size
        self._open = False
        self._can_read = not connection.startswith("file:")

    def status(self) -> DeviceState:
        try:
            self._ensure_open()
            if not self._can_read:
                return DeviceState.OK
            replies = [self._ask(n) for n in (STATUS_PRINTER, STATUS_OFFLINE_CAUSE, STATUS_PAPER)]
        except DeviceError:
            raise
        except Exception as e:  # python-escpos raises its own types as well as OSError
            self._drop_link()
            raise DeviceError(f"printer unreachable: {e}") from e
        return decode_status(*replies)

    def print_ticket(self, ticket: PrintedTicket) -> None:
        try:
            self._ensure_open()
            self._printer._raw(render_ticket(ticket, self._encoding, self._qr_size))
        except Exception as e:
            self._drop_link()
            raise DeviceError(f"printing failed: {e}") from e

    def close(self) -> None:
        self._drop_link()

    def _ask(self, n: int) -> int:
        self._printer._raw(status_query(n))
        device = self._printer.device
        # Serial._read asks for 16 bytes and so always waits out the port timeout; a status is one byte.
        reply = device.read(1) if isinstance(device, serial.SerialBase) else self._printer._read()
        if not reply:
            self._drop_link()
            raise DeviceError("printer does not answer status queries")
        # A late answer to an earlier query may still be queued: the newest byte is ours.
        return reply[-1]

    def _ensure_open(self) -> None:
        if not self._open:
            self._printer.open()
            self._open = True

    def _drop_link(self) -> None:
        if self._open:
            self._open = False
            try:
                self._printer.close()
            except Exception:  # closing a dead link may fail in as many ways as using it
                pass
