"""Plain RS-485 strip screens (条屏), the `strip485` protocol, defined by this project.

For strips whose controller takes any documented framing (many accept a user-defined
serial protocol), and for our own firmware. Listen-only: strips never answer, so several
share one bus, each with its own address.

Frame: AA 55 | ADDR | CMD | LEN | DATA (LEN bytes) | CS, CS = (ADDR + CMD + LEN + ΣDATA) mod 256.
ADDR FF reaches every strip on the bus. CMD 01 shows DATA: GB2312 text, lines separated by
0A, nothing = blank. The text is cut to 255 bytes at a character boundary.
"""

from __future__ import annotations

from typing import Sequence

from devices.framing import BAD, AddressedFrame as Frame, Scan, StreamDecoder
from devices.interfaces import DeviceError, Option
from devices.links import SharedLink

HEADER = b"\xaa\x55"
SHOW_TEXT = 0x01
BROADCAST = 0xFF


def encode(frame: Frame) -> bytes:
    body = bytes([frame.address, frame.command, len(frame.data)]) + frame.data
    return HEADER + body + bytes([sum(body) % 256])


def scan(buffer: bytes) -> Scan[Frame] | None:
    if len(buffer) < 5:
        return None
    size = 2 + 3 + buffer[4] + 1
    if len(buffer) < size:
        return None
    body = buffer[2 : size - 1]
    if sum(body) % 256 != buffer[size - 1]:
        return BAD
    return Scan(size, Frame(body[0], body[1], bytes(body[3:])))


def decoder() -> StreamDecoder[Frame]:
    return StreamDecoder(HEADER, scan, max_frame=2 + 3 + 255 + 1)


def show_text(address: int, lines: Sequence[str]) -> Frame:
    text = "\n".join(lines)
    data = text.encode("gb2312", errors="replace")
    while len(data) > 255:
        text = text[:-1]
        data = text.encode("gb2312", errors="replace")
    return Frame(address, SHOW_TEXT, data)


def read_text(frame: Frame) -> list[str] | None:
    if frame.command != SHOW_TEXT:
        return None
    text = frame.data.decode("gb2312", errors="replace")
    return text.split("\n") if text else []


class Strip485Screen:
    OPTIONS = {"address": Option(int, 1, lambda address: 0 <= address <= 0xFF, "0 to 255")}

    def __init__(self, connection: str, address: int = 1):
        self._bus = SharedLink.to(connection)
        self._address = address

    def show(self, lines: Sequence[str]) -> None:
        frame = encode(show_text(self._address, lines))
        try:
            with self._bus.use() as link:
                link.write(frame)
                link.flush()
        except OSError as e:
            raise DeviceError(f"strip bus: {e}") from e

    def close(self) -> None:
        self._bus.close()
