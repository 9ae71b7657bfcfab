"""An LED controller (Onbon BX-5E/6E over TCP, or strip485 strips on a serial bus) that
decodes each frame to the text it would show.

    python -m devices.emulators.led_controller --protocol onbon-bx --listen 127.0.0.1:5005
    python -m devices.emulators.led_controller --protocol strip485 --serial /tmp/ttyLED
"""

from __future__ import annotations

import threading
import time
from typing import Callable

from devices.emulators import peers
from devices.protocols import onbon_bx, strip485


class LedControllerEmulator:
    """What every address (and Onbon area) shows now, and the history of what it showed."""

    def __init__(self, protocol: str, on_show: Callable[[tuple[int, int], list[str]], None] | None = None):
        if protocol not in ("onbon-bx", "strip485"):
            raise ValueError(f"unknown LED protocol {protocol!r}")
        self.protocol = protocol
        self._decoder = onbon_bx.decoder() if protocol == "onbon-bx" else strip485.decoder()
        self.shown: dict[tuple[int, int], list[str]] = {}
        self.history: list[tuple[float, tuple[int, int], list[str]]] = []
        self.unreadable = 0
        self._changed = threading.Condition()
        self._on_show = on_show

    @property
    def dropped(self) -> int:
        return self._decoder.dropped + self.unreadable

    def feed(self, data: bytes) -> bytes:
        replies = b""
        for frame in self._decoder.feed(data):
            if self.protocol == "onbon-bx":
                replies += onbon_bx.encode(onbon_bx.ack(frame.address))
                shown = onbon_bx.read_dynamic_text(frame.data)
                place = (frame.address, shown[0]) if shown else None
                lines = shown[1] if shown else None
            else:
                lines = strip485.read_text(frame)
                place = (frame.address, 0)
            if lines is None:
                self.unreadable += 1
                continue
            with self._changed:
                self.shown[place] = lines
                self.history.append((time.monotonic(), place, lines))
                self._changed.notify_all()
            if self._on_show:
                self._on_show(place, lines)
        return replies

    def text(self, address: int = 1, area: int = 0) -> str:
        return "\n".join(self.shown.get((address, area), []))

    def wait_for(self, predicate: Callable[["LedControllerEmulator"], bool], timeout: float) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: predicate(self), timeout)


def main(argv: list[str] | None = None) -> None:
    parser = peers.cli("Emulated LED controller", default_port=5005)
    parser.add_argument("--protocol", choices=("onbon-bx", "strip485"), default="onbon-bx")
    args = parser.parse_args(argv)

    def show(place: tuple[int, int], lines: list[str]) -> None:
        print(f"address {place[0]} area {place[1]}: {' / '.join(lines) or '(blank)'}", flush=True)

    peers.run(args, LedControllerEmulator(args.protocol, on_show=show), default_port=5005)
    peers.wait_for_signal()


if __name__ == "__main__":
    main()
