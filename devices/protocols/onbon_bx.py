"""Onbon (仰邦) BX-5E/6E/6Q controllers: text in a dynamic area (动态区), kept in RAM.

Programs (节目) live in flash, which wears out after ~100,000 writes, so every update
goes to a dynamic area instead, which may be rewritten without limit.

Frame: A5×8 | ESCAPED(screen address (2, LE), source 00 80, 4 reserved, checksum mode 00
(CRC-16), display mode, device type FE, protocol version 02, data length (2, LE), data,
CRC-16/ARC (2, LE) over everything from the screen address to the end of data) | 5A.
Escapes: A5 → A6 02, A6 → A6 01, 5A → 5B 02, 5B → 5B 01.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Sequence

from devices.framing import BAD, Scan, StreamDecoder
from devices.interfaces import DeviceError, Option
from devices.links import SharedLink

START = b"\xa5" * 8
END = 0x5A
HEADER_SIZE = 14
MAX_FRAME = 8192
ESCAPES = {0xA5: b"\xa6\x02", 0xA6: b"\xa6\x01", 0x5A: b"\x5b\x02", 0x5B: b"\x5b\x01"}
UNESCAPES = {bytes([first, second]): bytes([plain]) for plain, (first, second) in ESCAPES.items()}
DYNAMIC_TEXT = b"\xa3\x06"
STATIC = 0x01
COLOURS = {"red": "\\C1", "green": "\\C2", "yellow": "\\C3"}


def crc16_arc(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def escape(data: bytes) -> bytes:
    return b"".join(ESCAPES.get(b, bytes([b])) for b in data)


def unescape(data: bytes) -> bytes | None:
    out, i = bytearray(), 0
    while i < len(data):
        pair = data[i : i + 2]
        if data[i] in (0xA6, 0x5B):
            if pair not in UNESCAPES:
                return None
            out += UNESCAPES[pair]
            i += 2
        else:
            out.append(data[i])
            i += 1
    return bytes(out)


@dataclass(frozen=True)
class Frame:
    address: int
    data: bytes


def encode(frame: Frame) -> bytes:
    body = (
        frame.address.to_bytes(2, "little")
        + b"\x00\x80"
        + b"\x00\x00\x00\x00"  # reserved
        + b"\x00"  # CRC-16
        + b"\x00"  # normal display mode: dynamic areas beside the programs
        + b"\xfe\x02"
        + len(frame.data).to_bytes(2, "little")
        + frame.data
    )
    return START + escape(body + crc16_arc(body).to_bytes(2, "little")) + bytes([END])


def scan(buffer: bytes) -> Scan[Frame] | None:
    start = len(buffer) - len(buffer.lstrip(b"\xa5"))
    end = buffer.find(bytes([END]), start)
    if end < 0:
        return None
    body = unescape(buffer[start:end])
    if body is None or len(body) < HEADER_SIZE + 2:
        return BAD
    length = int.from_bytes(body[12:14], "little")
    if len(body) != HEADER_SIZE + length + 2 or crc16_arc(body[:-2]) != int.from_bytes(body[-2:], "little"):
        return BAD
    return Scan(end + 1, Frame(int.from_bytes(body[:2], "little"), body[HEADER_SIZE:-2]))


def decoder() -> StreamDecoder[Frame]:
    return StreamDecoder(START, scan, max_frame=MAX_FRAME)


@dataclass(frozen=True)
class Area:
    """A dynamic area's place (pixels) and looks."""

    area_id: int = 0
    x: int = 0
    y: int = 0
    width: int = 64
    height: int = 16
    colour: str = "red"


def _pixels(value: int) -> bytes:
    # The high bit of the high byte says "pixels" rather than units of 8 pixels.
    return (value | 0x8000).to_bytes(2, "little")


def dynamic_text(area: Area, lines: Sequence[str]) -> bytes:
    """Command A3 06: replace one dynamic area's text, shown still, several lines."""
    text = (COLOURS[area.colour] + "\n".join(lines)).encode("gb2312", errors="replace")
    area_data = (
        b"\x00"
        + _pixels(area.x) + _pixels(area.y) + _pixels(area.width) + _pixels(area.height)
        + bytes([area.area_id, 0])
        + b"\x00"  # run mode: loop over the area's data
        + b"\x00\x00"  # no timeout
        + b"\x00\x00"  # no voice, no extensions
        + b"\x0a"  # centred both ways
        + (b"\x02" if len(lines) > 1 else b"\x01")  # multi-line
        + b"\x02"  # wrap automatically
        + bytes([STATIC, 0, 0, 0])  # shown still: no entry effect, speed or pause
        + len(text).to_bytes(4, "little")
        + text
    )
    # Reply wanted, keep other areas, delete none, one area.
    return DYNAMIC_TEXT + b"\x01\x00\x00\x00\x01" + len(area_data).to_bytes(2, "little") + area_data


def read_dynamic_text(data: bytes) -> tuple[int, list[str]] | None:
    """(area id, lines) of an A3 06 command; None if `data` is not one we can read."""
    if not data.startswith(DYNAMIC_TEXT) or len(data) < 9:
        return None
    area = data[9:]
    if len(area) < 27:
        return None
    length = int.from_bytes(area[23:27], "little")
    raw = area[27 : 27 + length]
    if len(raw) != length:
        return None
    text = raw.decode("gb2312", errors="replace")
    for code in COLOURS.values():
        text = text.replace(code, "")
    return area[9], text.split("\n") if text else []


def ack(address: int) -> Frame:
    """The controller's general reply (A0 00, status 00 = done)."""
    return Frame(address, b"\xa0\x00\x00\x00\x00")


class OnbonScreen:
    """One dynamic area on a BX-5E/6E controller, over TCP (port 5005) or serial."""

    OPTIONS = {
        "address": Option(int, 1, lambda address: 0 <= address <= 0xFFFF, "0 to 65535"),
        "area": Option(int, 0, lambda area: 0 <= area <= 0xFF, "0 to 255"),
        "width": Option(int, 64, lambda pixels: 1 <= pixels <= 0x7FFF, "pixels, 1 to 32767"),
        "height": Option(int, 16, lambda pixels: 1 <= pixels <= 0x7FFF, "pixels, 1 to 32767"),
        "colour": Option(str, "red", COLOURS.__contains__, " or ".join(COLOURS)),
        "ack_timeout_s": Option(float, 1.0, lambda seconds: seconds >= 0, "0 (do not wait) or more"),
    }

    def __init__(self, connection: str, address: int = 1, area: int = 0, width: int = 64, height: int = 16,
                 colour: str = "red", ack_timeout_s: float = 1.0):
        self._controller = SharedLink.to(connection, timeout=0.05)
        self._address = address
        self._area = Area(area_id=area, width=width, height=height, colour=colour)
        self._ack_timeout = ack_timeout_s
        self._decoder = decoder()

    @property
    def dropped(self) -> int:
        return self._decoder.dropped

    def show(self, lines: Sequence[str]) -> None:
        """Several areas of one controller share its one connection, a frame and its reply at a time."""
        try:
            with self._controller.use() as link:
                link.reset_input_buffer()
                link.write(encode(Frame(self._address, dynamic_text(self._area, lines))))
                if self._ack_timeout > 0 and not self._await_ack(link):
                    raise OSError("no reply from the controller")
        except OSError as e:
            raise DeviceError(f"LED controller: {e}") from e

    def _await_ack(self, link) -> bool:
        deadline = time.monotonic() + self._ack_timeout
        while time.monotonic() < deadline:
            if self._decoder.feed(link.read(max(1, link.in_waiting))):
                return True
        self._decoder.flush_stale()
        return False

    def close(self) -> None:
        self._controller.close()
