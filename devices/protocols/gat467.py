"""Resident ID card readers (二代身份证阅读器), GA/T 467 serial frames.

Frame, both directions: AA AA AA 96 69 LEN(2, big-endian) PAYLOAD CHK, where LEN counts
PAYLOAD and CHK, and CHK = XOR of the LEN bytes and PAYLOAD. A request's payload is
CMD PARA DATA; a reply's is SW1 SW2 SW3 DATA (SW3 0x90 ok, 0x9F card found).
A read reply's data: text length (2), photo length (2), the text block (UCS-2LE, fixed
offsets) and the photo, which needs the licensed decoder and is ignored.
"""

from __future__ import annotations

import time
from functools import reduce

from devices.framing import BAD, Scan, StreamDecoder
from devices.interfaces import DeviceError, IdCard, Option, positive
from devices.links import open_link

PREAMBLE = b"\xaa\xaa\xaa\x96\x69"
MAX_LENGTH = 4096
FIND = (0x20, 0x01)
SELECT = (0x20, 0x02)
READ = (0x30, 0x01)
SW_OK = b"\x00\x00\x90"
SW_FOUND = b"\x00\x00\x9f"
SW_NO_CARD = b"\x00\x00\x80"
NAME = slice(0, 30)
NUMBER = slice(122, 158)
TEXT_SIZE = 256


def _xor(data: bytes) -> int:
    return reduce(lambda a, b: a ^ b, data, 0)


def encode(payload: bytes) -> bytes:
    length = (len(payload) + 1).to_bytes(2, "big")
    return PREAMBLE + length + payload + bytes([_xor(length + payload)])


def request(command: tuple[int, int], data: bytes = b"") -> bytes:
    return encode(bytes(command) + data)


def scan(buffer: bytes) -> Scan[bytes] | None:
    if len(buffer) < 7:
        return None
    length = int.from_bytes(buffer[5:7], "big")
    if not 3 <= length <= MAX_LENGTH:
        return BAD
    size = 7 + length
    if len(buffer) < size:
        return None
    if _xor(buffer[5 : size - 1]) != buffer[size - 1]:
        return BAD
    return Scan(size, bytes(buffer[7 : size - 1]))


def decoder() -> StreamDecoder[bytes]:
    return StreamDecoder(PREAMBLE, scan, max_frame=7 + MAX_LENGTH)


def text_block(name: str, number: str) -> bytes:
    """A text block as a card holds it (other fields blank), for emulators and tests."""
    block = bytearray(" ".encode("utf-16-le") * (TEXT_SIZE // 2))
    block[NAME] = name[:15].ljust(15).encode("utf-16-le")
    block[NUMBER] = number[:18].ljust(18).encode("utf-16-le")
    return bytes(block)


def read_reply_data(text: bytes, photo: bytes = b"") -> bytes:
    return len(text).to_bytes(2, "big") + len(photo).to_bytes(2, "big") + text + photo


def parse_read_reply(data: bytes) -> IdCard | None:
    """The card in a read reply's data; None when the data is not a plausible text block."""
    if len(data) < 4:
        return None
    text_length = int.from_bytes(data[:2], "big")
    text = data[4 : 4 + text_length]
    if text_length < NUMBER.stop or len(text) < text_length:
        return None
    name = text[NAME].decode("utf-16-le", errors="replace").strip(" \x00")
    number = text[NUMBER].decode("utf-16-le", errors="replace").strip(" \x00")
    if not name or len(number) != 18 or not number[:17].isdigit():
        return None
    return IdCard(name=name, number=number)


class Gat467Reader:
    """Find, select, read, on a serial link; one round per `read_card` call."""

    OPTIONS = {"reply_timeout_s": Option(float, 1.5, positive, "more than 0")}

    def __init__(self, connection: str, reply_timeout_s: float = 1.5):
        self._link = open_link(connection, timeout=0.05)
        self._decoder = decoder()
        self._reply_timeout = reply_timeout_s

    @property
    def dropped(self) -> int:
        return self._decoder.dropped

    def read_card(self) -> IdCard | None:
        if self._ask(FIND)[:3] != SW_FOUND:
            return None
        if self._ask(SELECT)[:3] != SW_OK:
            return None
        reply = self._ask(READ)
        if reply[:3] != SW_OK:
            return None
        card = parse_read_reply(reply[3:])
        if card is None:
            self._decoder.dropped += 1
        return card

    def _ask(self, command: tuple[int, int]) -> bytes:
        try:
            self._link.reset_input_buffer()
            self._link.write(request(command))
            deadline = time.monotonic() + self._reply_timeout
            while time.monotonic() < deadline:
                data = self._link.read(max(1, self._link.in_waiting))
                for payload in self._decoder.feed(data):
                    return payload
            for payload in self._decoder.flush_stale():
                return payload
        except OSError as e:
            raise DeviceError(f"card reader: {e}") from e
        raise DeviceError("card reader does not answer")

    def close(self) -> None:
        self._link.close()
