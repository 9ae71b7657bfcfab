"""The agent: one worker thread per device, fed from the server's events.

Socket.IO handlers only update the hall view and hand work to the device threads
(non-blocking), so a slow or dead device never holds up events for the others.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Any, Callable, TypeVar

from devices.agent.card_readers import CardReaderWorker
from devices.agent.hall_view import Call, HallView
from devices.agent.keypads import KeypadWorker
from devices.agent.printing import PrinterWorker
from devices.agent.screens import ScreenWorker, flashes_for, lines_for
from devices.agent.server import HallApi, ServerLink
from devices.agent.workers import StatusBoard, log
from devices.config import AgentConfig

T = TypeVar("T")
VIEW_EVENTS = ("ticket.called", "window.updated", "queue.updated", "ticket.finished", "ticket.no_show",
               "ticket.transferred", "evaluation.requested")
MAX_UNSENT_ACKS = 1000


class Agent:
    def __init__(self, config: AgentConfig, server: str, token: str):
        self.server = server
        self.api = HallApi(server, token)
        self.link = ServerLink(server, token, on_connect=self._hello)
        self.status = StatusBoard(self.link.emit)
        self.view = HallView()
        self._lock = threading.RLock()
        self._unsent_acks: deque[dict] = deque(maxlen=MAX_UNSENT_ACKS)
        self._resyncing = threading.Lock()
        self.printers = {c.name: PrinterWorker(c, self.status, self._print_done) for c in config.printers}
        self.kiosk_printers = {c.kiosk: c.name for c in config.printers}
        self.screens = [ScreenWorker(c, self.status) for c in config.screens]
        self.keypads = [KeypadWorker(c, self.status, self.api, self.query) for c in config.keypads]
        self.card_readers = [CardReaderWorker(c, self.status, self.api, self.link.emit) for c in config.card_readers]
        self.config = config
        self.link.on("snapshot", self._guard(self._snapshot))
        self.link.on("print.job", self._guard(self._print_job))
        self.link.on("error", lambda payload=None: log.warning("server reports an error: %s", payload))
        for event in VIEW_EVENTS:
            self.link.on(event, self._guard(lambda payload, event=event: self._event(event, payload)))

    @property
    def workers(self) -> list:
        return [*self.printers.values(), *self.screens, *self.keypads, *self.card_readers]

    def start(self) -> None:
        for worker in self.workers:
            worker.start()
        self.link.start()

    def stop(self) -> None:
        for worker in self.workers:
            worker.request_stop()
        self.link.stop()
        for worker in self.workers:
            worker.join(timeout=5)

    def query(self, question: Callable[[HallView], T]) -> T:
        with self._lock:
            return question(self.view)

    def hello_payload(self) -> dict[str, Any]:
        return {
            "printers": [{"name": c.name, "kiosk": c.kiosk} for c in self.config.printers],
            "screens": [
                {"name": c.name, **({"window": c.window} if c.window is not None else {}),
                 **({"zone": c.zone} if c.zone else {})}
                for c in self.config.screens
            ],
            "keypads": [{"name": c.name, "windows": sorted(set(c.windows.values()))} for c in self.config.keypads],
            "card_readers": [{"name": c.name, "kiosk": c.kiosk} for c in self.config.card_readers],
        }

    def _hello(self) -> None:
        def acknowledged(reply: Any = None) -> None:
            if isinstance(reply, dict) and reply.get("ok") is False:
                log.error("server refused agent.hello: %s", reply)
                return
            log.info("server accepted the agent's devices")
            self._flush_acks()

        self.link.emit("agent.hello", self.hello_payload(), callback=acknowledged)
        self.status.resend()

    def _guard(self, handler: Callable[[Any], None]) -> Callable[[Any], None]:
        """Bad payloads from the server are logged, never allowed to kill Socket.IO's thread."""
        def guarded(payload: Any = None) -> None:
            if not isinstance(payload, dict):
                log.warning("ignored a malformed event payload: %r", payload)
                return
            try:
                handler(payload)
            except Exception:  # one bad event must not stop the next
                log.exception("event handler failed on %r", payload)
        return guarded

    def _snapshot(self, payload: dict) -> None:
        with self._lock:
            self.view.apply_snapshot(payload)
        self._refresh(None, resend=True)

    def _event(self, event: str, payload: dict) -> None:
        with self._lock:
            in_sequence = self.view.in_sequence(payload)
            call = self.view.apply(event, payload)
        if not in_sequence:
            threading.Thread(target=self._resync, name="resync", daemon=True).start()
        self._refresh(call)

    def _resync(self) -> None:
        if not self._resyncing.acquire(blocking=False):
            return
        try:
            reply = self.api.get("/hall")
            if reply.ok and isinstance(reply.body, dict):
                log.info("events were missed: resynchronised from /hall")
                self._snapshot({"hall": reply.body})
        finally:
            self._resyncing.release()

    def _refresh(self, call: Call | None, resend: bool = False) -> None:
        with self._lock:
            contents = [(screen, lines_for(screen.config, self.view)) for screen in self.screens]
        for screen, lines in contents:
            if resend:
                screen.resend()
            screen.update(lines, flash=call is not None and flashes_for(screen.config, call))
        for keypad in self.keypads:
            keypad.refresh_displays()

    def _print_job(self, payload: dict) -> None:
        name = payload.get("printer") or self.kiosk_printers.get(payload.get("kiosk"))
        printer = self.printers.get(name)
        if printer is None:
            log.warning("print job %s for unknown printer %r", payload.get("job_id"), name)
            self._print_done({"job_id": payload.get("job_id"), "ok": False, "error": f"no printer {name!r} here"})
            return
        printer.submit(payload, self.server)

    def _print_done(self, payload: dict) -> None:
        if not self.link.connected or not self.link.emit("print.done", payload):
            self._unsent_acks.append(payload)

    def _flush_acks(self) -> None:
        while self._unsent_acks:
            payload = self._unsent_acks.popleft()
            if not self.link.emit("print.done", payload):
                self._unsent_acks.appendleft(payload)
                return
