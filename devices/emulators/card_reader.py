"""A GA/T 467 ID card reader: answers find, select and read for the card laid on it.

Like a real reader, a card that has been read must be taken off and laid on again
before it is found again.

    python -m devices.emulators.card_reader --serial /tmp/ttyCARD
    (then type "NAME NUMBER" and Enter to lay a card on it)
"""

from __future__ import annotations

import sys
import threading

from devices.emulators import peers
from devices.interfaces import IdCard
from devices.protocols import gat467


class CardReaderEmulator:
    def __init__(self):
        self._decoder = gat467.decoder()
        self._card: IdCard | None = None
        self._read = False
        self._lock = threading.Lock()
        self.reads = 0

    @property
    def dropped(self) -> int:
        return self._decoder.dropped

    def lay(self, card: IdCard) -> None:
        with self._lock:
            self._card, self._read = card, False

    def remove(self) -> None:
        with self._lock:
            self._card = None

    def feed(self, data: bytes) -> bytes:
        return b"".join(self._answer(payload[:2]) for payload in self._decoder.feed(data))

    def _answer(self, command: bytes) -> bytes:
        with self._lock:
            present = self._card is not None and not self._read
            if command == bytes(gat467.FIND):
                return gat467.encode(gat467.SW_FOUND + b"\x00" * 4 if present else gat467.SW_NO_CARD)
            if command == bytes(gat467.SELECT):
                return gat467.encode(gat467.SW_OK + b"\x00" * 8 if present else b"\x00\x00\x81")
            if command == bytes(gat467.READ) and present:
                self._read = True
                self.reads += 1
                text = gat467.text_block(self._card.name, self._card.number)
                return gat467.encode(gat467.SW_OK + gat467.read_reply_data(text, b"\x00" * 1024))
            return gat467.encode(b"\x00\x00\x41")


def _take_cards(reader: CardReaderEmulator) -> None:
    for line in sys.stdin:
        words = line.split()
        if len(words) == 2:
            reader.lay(IdCard(name=words[0], number=words[1]))
            print(f"card laid: {words[0]}", flush=True)
        else:
            print("usage: NAME NUMBER", flush=True)


def main(argv: list[str] | None = None) -> None:
    args = peers.cli("Emulated ID card reader", default_port=None).parse_args(argv)
    reader = CardReaderEmulator()
    peers.run(args, reader, default_port=None)
    threading.Thread(target=_take_cards, args=(reader,), daemon=True).start()
    peers.wait_for_signal()


if __name__ == "__main__":
    main()
