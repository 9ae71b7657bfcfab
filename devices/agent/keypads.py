"""RS-485 keypads: caller keys become the window's actions, evaluator keys its rating.

The server accepts the agent's token for a window only while a clerk is signed in there
and records that clerk, so a keypad acts exactly as the clerk's own counter screen would.
"""

from __future__ import annotations

import threading
from typing import Callable

from devices.agent.hall_view import HallView
from devices.agent.server import HallApi
from devices.agent.workers import DeviceWorker, StatusBoard, log
from devices.config import KeypadConfig
from devices.interfaces import DeviceState, KeyPress

SIMPLE_ACTIONS = {"call_next": "call-next", "recall": "recall", "finish": "finish", "no_show": "no-show"}
DISPLAY_REFRESH_S = 30.0


class KeypadWorker(DeviceWorker):
    def __init__(self, config: KeypadConfig, status: StatusBoard, api: HallApi,
                 query: Callable[[Callable[[HallView], object]], object]):
        super().__init__(config, status)
        self.config = config
        self._api = api
        self._query = query
        self._display_due = threading.Event()
        self._display_due.set()
        self._shown: dict[int, tuple[str, int]] = {}
        self.unknown_addresses = 0

    def refresh_displays(self) -> None:
        self._display_due.set()

    def step(self) -> None:
        for press in self.driver.poll():
            self.handle(press)
        self.status.report(self.name, DeviceState.OK)
        if self._display_due.is_set():
            self._display_due.clear()
            self._write_displays()

    def handle(self, press: KeyPress) -> None:
        window = self.config.windows.get(press.address)
        if window is None:
            self.unknown_addresses += 1
            log.warning("%s: key from address %d, which no window is mapped to", self.name, press.address)
            return
        if press.action == "rate":
            self._rate(window, press.argument)
            return
        paused = self._query(lambda view: view.state_of(window) == "paused")
        if press.action == "pause":
            self._act(window, "resume" if paused else "pause", None if paused else {"reason": self.config.pause_reason})
        elif press.action == "transfer":
            self._act(window, "transfer", {"window": press.argument})
        elif press.action in SIMPLE_ACTIONS:
            if paused and press.action == "call_next":
                self._act(window, "resume", None)
            self._act(window, SIMPLE_ACTIONS[press.action], None)
        self._display_due.set()

    def _act(self, window: int, action: str, body: dict | None) -> None:
        reply = self._api.post(f"/windows/{window}/{action}", body)
        if reply.ok:
            log.info("%s: window %d %s", self.name, window, action)
        else:
            log.warning("%s: window %d %s refused: %s", self.name, window, action, reply.error_code)

    def _rate(self, window: int, key: int | None) -> None:
        level = self.config.ratings.get(key if key is not None else -1)
        ticket_id = self._query(lambda view: view.last_finished.get(window))
        if level is None or ticket_id is None:
            log.warning("%s: evaluator key %s at window %d ignored (%s)", self.name, key, window,
                        "key not mapped" if level is None else "no finished ticket to rate")
            return
        body = {"ticket_id": ticket_id, "level": level}
        if level <= 2:
            body["reasons"] = list(self.config.bad_reasons)
        reply = self._api.post("/evaluations", body)
        if reply.ok or reply.error_code == "already_evaluated":
            self._query(lambda view: view.last_finished.pop(window, None))
        if reply.ok:
            log.info("%s: window %d rated %d", self.name, window, level)
        else:
            log.warning("%s: rating at window %d refused: %s", self.name, window, reply.error_code)

    def _write_displays(self) -> None:
        for address, window in self.config.windows.items():
            shown = self._query(lambda view: (view.current_number(window), view.waiting_for(window)))
            if self._shown.get(address) != shown:
                self.driver.display(address, *shown)
                self._shown[address] = shown

    def _close(self) -> None:
        self._shown = {}
        self._display_due.set()
        super()._close()
