"""RS-485 callers (呼叫器) and evaluators (评价器) on one bus, 9600 8N1.

Frame, both directions: FF 68 L L 68 ADDR FUNC DATA… CS 16, where L counts ADDR, FUNC
and DATA and CS = (ADDR + FUNC + ΣDATA) mod 256. The host echoes every frame it receives
as the acknowledgement the keypads wait for.
"""

from __future__ import annotations

from devices.framing import BAD, AddressedFrame as Frame, Scan, StreamDecoder
from devices.interfaces import DeviceError, KeyPress, Option
from devices.links import open_link

HEADER = b"\xff\x68"
END = 0x16
FUNC_DISPLAY = 0x02
FUNC_BEEP = 0x03
FUNC_EVALUATOR = 0x11
BLANK_DIGIT = 0x0A

# The key code is the last data byte; 0x0F (确认) takes the digit typed before it.
CALLER_KEYS = {0x0C: "call_next", 0x0D: "recall", 0x0B: "finish", 0x12: "pause", 0x13: "transfer"}
CONFIRMED_DIGITS = {0x06: "no_show"}
CONFIRM = 0x0F


def encode(frame: Frame) -> bytes:
    body = bytes([frame.address, frame.command]) + frame.data
    if len(body) > 255:
        raise ValueError("keypad frame data longer than 253 bytes")
    return bytes([0xFF, 0x68, len(body), len(body), 0x68]) + body + bytes([sum(body) % 256, END])


def scan(buffer: bytes) -> Scan[Frame] | None:
    if len(buffer) < 5:
        return None
    length = buffer[2]
    if buffer[3] != length or buffer[4] != 0x68 or length < 2:
        return BAD
    size = 5 + length + 2
    if len(buffer) < size:
        return None
    body = buffer[5 : 5 + length]
    if buffer[5 + length] != sum(body) % 256 or buffer[6 + length] != END:
        return BAD
    return Scan(size, Frame(body[0], body[1], bytes(body[2:])))


def decoder() -> StreamDecoder[Frame]:
    return StreamDecoder(HEADER, scan, max_frame=5 + 255 + 2)


def key_press(frame: Frame) -> KeyPress | None:
    """What a key frame asks for; None for keys we do not use (挂起, 回呼, 取消…)."""
    if not frame.data:
        return None
    if frame.command == FUNC_EVALUATOR:
        return KeyPress(frame.address, "rate", frame.data[0])
    key, before = frame.data[-1], frame.data[:-1]
    if key == CONFIRM:
        action = CONFIRMED_DIGITS.get(before[-1]) if before else None
        return KeyPress(frame.address, action) if action else None
    action = CALLER_KEYS.get(key)
    if action == "transfer":
        # The clerk types the target window number before 转移; without one there is nowhere to go.
        return KeyPress(frame.address, action, before[-1]) if before else None
    return KeyPress(frame.address, action) if action else None


def key_frame(address: int, action: str, argument: int | None = None) -> Frame:
    """The frame a keypad sends for `action`: the inverse of `key_press`, for emulators and tests."""
    if action == "rate":
        return Frame(address, FUNC_EVALUATOR, bytes([argument or 0]))
    prefix = bytes([argument]) if argument is not None else b""
    for code, name in CALLER_KEYS.items():
        if name == action:
            return Frame(address, 0x01, prefix + bytes([code]))
    for digit, name in CONFIRMED_DIGITS.items():
        if name == action:
            return Frame(address, 0x01, bytes([digit, CONFIRM]))
    raise ValueError(f"no keypad key for {action!r}")


def display_frame(address: int, number: str, waiting: int) -> Frame:
    """The caller's 6-digit display: waiting count on the left, the ticket's last 3 digits on the right."""
    digits = [int(c) for c in number if c.isdigit()][-3:]
    ticket = [BLANK_DIGIT] * (3 - len(digits)) + digits
    count = [int(c) for c in f"{min(max(waiting, 0), 999):03d}"]
    return Frame(address, FUNC_DISPLAY, bytes(count + ticket))


def read_display(frame: Frame) -> tuple[str, str] | None:
    """(waiting, ticket digits) as shown, blanks as spaces; None if not a display frame."""
    if frame.command != FUNC_DISPLAY or len(frame.data) != 6:
        return None
    shown = "".join(" " if d == BLANK_DIGIT else str(d % 10) for d in frame.data)
    return shown[:3], shown[3:]


class Keypad485Bus:
    """The host end of one keypad bus."""

    OPTIONS: dict[str, Option] = {}

    def __init__(self, connection: str):
        self._link = open_link(connection, timeout=0.1)
        self._decoder = decoder()

    @property
    def dropped(self) -> int:
        return self._decoder.dropped

    def poll(self) -> list[KeyPress]:
        try:
            data = self._link.read(max(1, self._link.in_waiting))
            frames = self._decoder.feed(data) if data else self._decoder.flush_stale()
            for frame in frames:
                self._link.write(encode(frame))
        except OSError as e:
            raise DeviceError(f"keypad bus: {e}") from e
        return [press for press in map(key_press, frames) if press]

    def display(self, address: int, number: str, waiting: int) -> None:
        try:
            self._link.write(encode(display_frame(address, number, waiting)))
        except OSError as e:
            raise DeviceError(f"keypad bus: {e}") from e

    def close(self) -> None:
        self._link.close()
