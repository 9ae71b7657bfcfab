"""RS-485 callers and evaluators on a bus: presses keys, shows what the host writes to their displays.

    socat pty,raw,echo=0,link=/tmp/ttyAGENT pty,raw,echo=0,link=/tmp/ttyKEYS &
    python -m devices.emulators.keypad --serial /tmp/ttyKEYS
    (then type e.g. "1 call_next", "1 transfer 5", "2 rate 0" and Enter)
"""

from __future__ import annotations

import sys
import threading
from typing import Callable

from devices.emulators import peers
from devices.protocols import keypad485

ACTIONS = ("call_next", "recall", "finish", "pause", "transfer", "no_show", "rate")


class KeypadBusEmulator:
    """Every keypad on one bus: `displays[address]` is (waiting, ticket digits) as shown."""

    def __init__(self, on_display: Callable[[int, tuple[str, str]], None] | None = None):
        self._decoder = keypad485.decoder()
        self.displays: dict[int, tuple[str, str]] = {}
        self.acks: list[keypad485.Frame] = []
        self._changed = threading.Condition()
        self._on_display = on_display
        self.send: Callable[[bytes], None] = lambda data: None

    @property
    def dropped(self) -> int:
        return self._decoder.dropped

    def attach(self, peer: peers.SerialPeer | peers.TcpPeer) -> "KeypadBusEmulator":
        self.send = peer.send
        return self

    def press(self, address: int, action: str, argument: int | None = None) -> None:
        self.send(keypad485.encode(keypad485.key_frame(address, action, argument)))

    def feed(self, data: bytes) -> bytes:
        for frame in self._decoder.feed(data):
            shown = keypad485.read_display(frame)
            with self._changed:
                if shown is None:
                    self.acks.append(frame)
                else:
                    self.displays[frame.address] = shown
                self._changed.notify_all()
            if shown is not None and self._on_display:
                self._on_display(frame.address, shown)
        return b""

    def wait_for(self, predicate: Callable[["KeypadBusEmulator"], bool], timeout: float) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: predicate(self), timeout)


def _take_keys(bus: KeypadBusEmulator) -> None:
    for line in sys.stdin:
        words = line.split()
        try:
            address, action = int(words[0]), words[1]
            argument = int(words[2]) if len(words) > 2 else None
            if action not in ACTIONS:
                raise ValueError(action)
        except (IndexError, ValueError):
            print(f"usage: ADDRESS ACTION [NUMBER], actions: {' '.join(ACTIONS)}", flush=True)
            continue
        bus.press(address, action, argument)


def main(argv: list[str] | None = None) -> None:
    args = peers.cli("Emulated RS-485 keypad bus", default_port=None).parse_args(argv)

    def show(address: int, shown: tuple[str, str]) -> None:
        print(f"keypad {address}: waiting [{shown[0]}] ticket [{shown[1]}]", flush=True)

    bus = KeypadBusEmulator(on_display=show)
    bus.attach(peers.run(args, bus, default_port=None))
    threading.Thread(target=_take_keys, args=(bus,), daemon=True).start()
    peers.wait_for_signal()


if __name__ == "__main__":
    main()
