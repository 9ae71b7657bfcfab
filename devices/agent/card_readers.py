"""ID card readers at kiosks: a read issues a ticket for the reader's category.

The ID number goes to the server only, which keeps a keyed hash of it and refuses a
second open ticket per person and category; the agent logs names masked, numbers never.
A reader without a category hands the card to its kiosk through the server
(`id_card.read`) for the visitor to choose one there.
"""

from __future__ import annotations

from typing import Callable

from devices.agent.server import HallApi
from devices.agent.workers import DeviceWorker, StatusBoard, log
from devices.config import CardReaderConfig
from devices.interfaces import DeviceState, IdCard

POLL_S = 0.3


def masked(name: str) -> str:
    """张三 → 张*, 张三丰 → 张*丰: enough for a log line, not enough to identify someone."""
    if len(name) <= 2:
        return name[:1] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


class CardReaderWorker(DeviceWorker):
    def __init__(self, config: CardReaderConfig, status: StatusBoard, api: HallApi, emit: Callable[[str, dict], bool]):
        super().__init__(config, status)
        self.config = config
        self._api = api
        self._emit = emit

    def step(self) -> None:
        # Readers report a card once until it is laid again, and the server refuses a second
        # open ticket per person and category, so a card read twice needs no debouncing here.
        card = self.driver.read_card()
        self.status.report(self.name, DeviceState.OK)
        if card is not None:
            self.use(card)
        self.pause(POLL_S)

    def use(self, card: IdCard) -> None:
        id_card = {"number": card.number, "name": card.name}
        if self.config.category is None:
            self._emit("id_card.read", {"reader": self.name, "kiosk": self.config.kiosk, "id_card": id_card})
            return
        reply = self._api.post("/tickets", {"category": self.config.category, "kiosk": self.config.kiosk,
                                            "id_card": id_card})
        if reply.ok:
            ticket = reply.body.get("ticket", {}) if isinstance(reply.body, dict) else {}
            log.info("%s: issued %s for %s", self.name, ticket.get("number"), masked(card.name))
        elif reply.error_code == "already_queued":
            log.info("%s: %s already holds an open %s ticket", self.name, masked(card.name), self.config.category)
        else:
            log.warning("%s: ticket for %s refused: %s", self.name, masked(card.name), reply.error_code)
