"""A Chinese ESC/POS network printer: decodes what it is sent into receipts and answers DLE EOT.

Text outside hanzi mode (FS &) is read as ASCII, so a renderer that forgets FS & shows up
as `?` here as it would as garbage on paper. While out of paper or with its cover open the
printer discards what it is sent; when silent it swallows everything and answers nothing.

    python -m devices.emulators.escpos_printer --listen 127.0.0.1:9100
    (then type paper-low, paper-out, cover-open, silent or ok and Enter to change its state)
"""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass, field
from typing import Callable

from devices.interfaces import DeviceState
from devices.protocols.escpos_ticket import status_reply

from devices.emulators import peers

ONE_PARAM = {
    0x1B: set(b"aEd!-tMJ3G"),
    0x1D: set(b"!aBfhwHk"),
    0x1C: set(b"!-"),
}


@dataclass
class Line:
    text: str
    width: int = 1
    height: int = 1
    bold: bool = False


@dataclass
class Receipt:
    lines: list[Line] = field(default_factory=list)
    qr_codes: list[str] = field(default_factory=list)
    cut: bool = False

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    def line_with(self, needle: str) -> Line | None:
        return next((line for line in self.lines if needle in line.text), None)


class EscposDecoder:
    """The printer's side of the byte stream. `feed` returns the status replies to send back."""

    def __init__(self):
        self._buffer = bytearray()
        self.receipts: list[Receipt] = []
        self.current = Receipt()
        self.unknown_commands = 0
        self.state = DeviceState.OK
        self.silent = False
        self.discarded = 0
        self._reset_modes()

    def _reset_modes(self) -> None:
        self._hanzi = False
        self._width = self._height = 1
        self._bold = False
        self._segments: list[tuple[bytes, bool]] = []
        self._text = bytearray()
        self._line_style = (1, 1, False)
        self._qr_data = b""

    def feed(self, data: bytes) -> bytes:
        self._buffer += data
        replies = bytearray()
        while self._buffer:
            used, reply = self._step(self._buffer)
            if used == 0:
                break
            del self._buffer[:used]
            replies += reply
        return b"" if self.silent else bytes(replies)

    def _step(self, buf: bytearray) -> tuple[int, bytes]:
        """Handles the command at the start of `buf`; (0, b"") when it is not complete yet."""
        byte = buf[0]
        if byte == 0x10:
            if len(buf) < 3:
                return 0, b""
            if buf[1] == 0x04 and buf[2] in (1, 2, 4):
                return 3, bytes([status_reply(self.state)[buf[2]]])
            self.unknown_commands += 1
            return 1, b""
        if byte in (0x1B, 0x1D, 0x1C):
            if len(buf) < 2:
                return 0, b""
            return self._command(byte, buf)
        if byte == 0x0A:
            self._end_line()
        elif byte != 0x0D:
            if not self._text:
                self._line_style = (self._width, self._height, self._bold)
            self._text.append(byte)
        return 1, b""

    def _command(self, prefix: int, buf: bytearray) -> tuple[int, bytes]:
        cmd = buf[1]
        if prefix == 0x1B and cmd == ord("@"):
            self._flush_segment()
            self._reset_modes()
            return 2, b""
        if prefix == 0x1C and cmd in b"&.":
            self._flush_segment()
            self._hanzi = cmd == ord("&")
            return 2, b""
        if prefix == 0x1D and cmd == ord("("):
            return self._function(buf)
        if prefix == 0x1D and cmd == ord("V"):
            if len(buf) < 3:
                return 0, b""
            self._cut()
            return (4 if buf[2] in (65, 66) else 3), b""
        if cmd in ONE_PARAM[prefix]:
            if len(buf) < 3:
                return 0, b""
            self._set(prefix, cmd, buf[2])
            return 3, b""
        self.unknown_commands += 1
        return 2, b""

    def _set(self, prefix: int, cmd: int, value: int) -> None:
        if prefix == 0x1D and cmd == ord("!"):
            self._width, self._height = (value >> 4) + 1, (value & 0x0F) + 1
        elif prefix == 0x1B and cmd == ord("E"):
            self._bold = bool(value & 1)

    def _function(self, buf: bytearray) -> tuple[int, bytes]:
        if len(buf) < 5:
            return 0, b""
        size = 5 + int.from_bytes(buf[3:5], "little")
        if len(buf) < size:
            return 0, b""
        body = bytes(buf[5:size])
        if buf[2] == ord("k") and len(body) >= 2 and body[0] == 0x31:
            if body[1] == 0x50 and len(body) >= 3:
                self._qr_data = body[3:]
            elif body[1] == 0x51:
                self.current.qr_codes.append(self._qr_data.decode("utf-8", errors="replace"))
        return size, b""

    def _flush_segment(self) -> None:
        if self._text:
            self._segments.append((bytes(self._text), self._hanzi))
            self._text = bytearray()

    def _end_line(self) -> None:
        self._flush_segment()
        if self._segments:
            text = "".join(raw.decode("gb18030" if hanzi else "ascii", errors="replace")
                           for raw, hanzi in self._segments)
            width, height, bold = self._line_style
            self.current.lines.append(Line(text, width, height, bold))
        elif not self.current.lines or self.current.lines[-1].text:
            self.current.lines.append(Line(""))
        self._segments = []

    def _cut(self) -> None:
        self._end_line()
        self.current.cut = True
        self.current.lines = [line for line in self.current.lines if line.text]
        if self.state in (DeviceState.OK, DeviceState.PAPER_LOW) and not self.silent:
            self.receipts.append(self.current)
        else:
            self.discarded += 1
        self.current = Receipt()


class EscposPrinterEmulator(EscposDecoder):
    """The decoder as a device: tests wait for receipts, the command line prints them."""

    def __init__(self, on_receipt: Callable[[Receipt], None] | None = None):
        super().__init__()
        self.receipt_printed = threading.Condition()
        self._on_receipt = on_receipt

    def _cut(self) -> None:
        printed = len(self.receipts)
        super()._cut()
        if self._on_receipt and len(self.receipts) > printed:
            self._on_receipt(self.receipts[-1])
        with self.receipt_printed:
            self.receipt_printed.notify_all()

    def wait_for_receipts(self, count: int, timeout: float) -> list[Receipt]:
        with self.receipt_printed:
            self.receipt_printed.wait_for(lambda: len(self.receipts) >= count, timeout)
        return list(self.receipts)


COMMANDS = {
    "ok": (DeviceState.OK, False),
    "paper-low": (DeviceState.PAPER_LOW, False),
    "paper-out": (DeviceState.PAPER_OUT, False),
    "cover-open": (DeviceState.COVER_OPEN, False),
    "silent": (DeviceState.OK, True),
}


def _print_receipt(receipt: Receipt) -> None:
    print("-" * 32, *(f"[{line.width}x{line.height}] {line.text}" for line in receipt.lines),
          *(f"[QR] {qr}" for qr in receipt.qr_codes), "[CUT]", sep="\n", flush=True)


def _take_commands(printer: EscposPrinterEmulator) -> None:
    for command in sys.stdin:
        if command.strip() in COMMANDS:
            printer.state, printer.silent = COMMANDS[command.strip()]
            print(f"state: {command.strip()}", flush=True)


def main(argv: list[str] | None = None) -> None:
    args = peers.cli("Emulated ESC/POS network printer", default_port=9100).parse_args(argv)
    printer = EscposPrinterEmulator(on_receipt=_print_receipt)
    peers.run(args, printer, default_port=9100)
    threading.Thread(target=_take_commands, args=(printer,), daemon=True).start()
    peers.wait_for_signal()


if __name__ == "__main__":
    main()
