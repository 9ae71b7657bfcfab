"""Cutting a byte stream from a serial bus or socket into frames.

Every framed protocol here starts its frames with a fixed header and says how long a
frame is, so one scanner serves them all: junk before a header is skipped, a frame that
fails its own checks is skipped one byte at a time so that a real header hidden inside
it is still found, and everything skipped is counted rather than raised.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Generic, TypeVar

F = TypeVar("F")


@dataclass(frozen=True)
class AddressedFrame:
    """A bus frame: which device, what command (or function), its data."""

    address: int
    command: int
    data: bytes


@dataclass(frozen=True)
class Scan(Generic[F]):
    """What a protocol made of the bytes at a header: a frame of `size` bytes, or a bad one."""

    size: int
    frame: F | None = None


BAD = Scan(size=1)


class StreamDecoder(Generic[F]):
    """Feeds bytes in, gets whole frames out; `dropped` counts garbled, bad or stale input.

    `scan(buffer)` is given a buffer that starts with `header` and returns None when it
    needs more bytes, `BAD` when the bytes at the header are not a valid frame, or a
    `Scan` with the frame. `max_frame` bounds what a lying length field can make us hold.
    """

    def __init__(self, header: bytes, scan: Callable[[bytes], Scan[F] | None], max_frame: int):
        self._header = header
        self._scan = scan
        self._max_frame = max_frame
        self._buffer = bytearray()
        self._after_bad = False
        self.dropped = 0
        self.frames = 0

    def feed(self, data: bytes) -> list[F]:
        self._buffer += data
        frames: list[F] = []
        while self._buffer:
            start = self._buffer.find(self._header)
            if start < 0:
                self._skip_junk(len(self._buffer) - self._possible_header_tail())
                break
            self._skip_junk(start)
            result = self._scan(bytes(self._buffer[: self._max_frame]))
            if result is None:
                if len(self._buffer) >= self._max_frame:
                    result = BAD
                else:
                    break
            if result.frame is None:
                self.dropped += 1
                self._after_bad = True
            else:
                frames.append(result.frame)
                self.frames += 1
                self._after_bad = False
            del self._buffer[: max(1, result.size)]
        return frames

    def flush_stale(self) -> list[F]:
        """The line went quiet, so a partial frame will never be finished: drop it.

        A corrupted length field makes a frame look longer than it is and swallow the
        frames behind it; rescanning what follows its first byte gets those back.
        """
        frames: list[F] = []
        if self._buffer:
            self.dropped += 1
        while self._buffer:
            del self._buffer[:1]
            self._after_bad = True
            frames += self.feed(b"")
        self._after_bad = False
        return frames

    @property
    def pending(self) -> int:
        return len(self._buffer)

    def _skip_junk(self, count: int) -> None:
        if count <= 0:
            return
        if not self._after_bad:
            self.dropped += 1
        self._after_bad = False
        del self._buffer[:count]

    def _possible_header_tail(self) -> int:
        """How many trailing bytes could be the start of a header split across reads."""
        for keep in range(min(len(self._header) - 1, len(self._buffer)), 0, -1):
            if self._header.startswith(bytes(self._buffer[-keep:])):
                return keep
        return 0
