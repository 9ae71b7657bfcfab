"""What the agent knows of the hall: built from the `snapshot`, kept current by events.

Pure state, no I/O: the agent feeds it payloads and asks it what screens and keypads
should show. It notices a gap or a restart in an event stream so the agent can resync.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any

RECENT_CALLS = 20
SHOWN_STATUSES = ("called", "serving")


@dataclass(frozen=True)
class Call:
    number: str
    window: int
    zone: str | None


class HallView:
    def __init__(self):
        self.windows: dict[int, dict[str, Any]] = {}
        self.queues: dict[str, dict[str, Any]] = {}
        self.calls: deque[Call] = deque(maxlen=RECENT_CALLS)
        self.last_finished: dict[int, str | int] = {}
        self.seqs: dict[str, int] = {}
        self.synced = False

    def apply_snapshot(self, snapshot: dict[str, Any]) -> None:
        """Takes a `snapshot` event or a `GET /hall` body (wrapped as {"hall": body})."""
        state = _dict(snapshot.get("hall"))
        known_zones = {number: window.get("zone") for number, window in self.windows.items()}
        self.windows = {}
        for window in state.get("windows") or []:
            if isinstance(window, dict):
                self._put_window(window, known_zones.get(window.get("number")))
        self.queues = {q["category"]: dict(q) for q in state.get("queues") or []
                       if isinstance(q, dict) and isinstance(q.get("category"), str)}
        self.calls = deque(maxlen=RECENT_CALLS)
        recent = [self._call_of(c) for c in state.get("recent_calls") or [] if isinstance(c, dict)]
        if not any(recent):
            recent = [Call(w["ticket"]["number"], n, w.get("zone")) for n, w in self.windows.items()
                      if self._shows_ticket(w)]
        self.calls.extend(call for call in recent if call and call not in self.calls)
        streams = _dict(snapshot.get("streams"))
        if isinstance(snapshot.get("stream"), str):
            streams = {**streams, snapshot["stream"]: snapshot.get("seq")}
        self.seqs = {stream: seq for stream, seq in streams.items() if isinstance(seq, int)}
        self.synced = True

    @staticmethod
    def _call_of(payload: dict[str, Any]) -> Call | None:
        ticket, number, zone = _dict(payload.get("ticket")), payload.get("window"), payload.get("zone")
        if not isinstance(number, int) or not isinstance(ticket.get("number"), str):
            return None
        return Call(ticket["number"], number, zone if isinstance(zone, str) else None)

    def in_sequence(self, payload: dict[str, Any]) -> bool:
        """False when an event of a stream was missed: the view needs a resync."""
        stream, seq = payload.get("stream"), payload.get("seq")
        if not self.synced:
            return False
        if not isinstance(stream, str) or not isinstance(seq, int):
            return True
        last = self.seqs.get(stream)
        self.seqs[stream] = seq if last is None else max(seq, last)
        return last is None or seq <= last + 1

    def apply(self, event: str, payload: dict[str, Any]) -> Call | None:
        """Applies one event; returns the call it made, if it was one."""
        if event == "ticket.called":
            call = self._call_of(payload)
            if call is None:
                return None
            window = self.windows.setdefault(call.window, {"number": call.window, "state": "busy"})
            window["ticket"] = payload["ticket"]
            window.setdefault("zone", call.zone)
            if call in self.calls:
                self.calls.remove(call)
            self.calls.appendleft(call)
            return call
        if event == "window.updated":
            self._put_window(payload, None)
        elif event == "queue.updated" and isinstance(payload.get("category"), str):
            self.queues.setdefault(payload["category"], {"category": payload["category"]}).update(payload)
        elif event in ("ticket.finished", "ticket.no_show", "ticket.transferred", "evaluation.requested"):
            self._ticket_left(event, payload)
        return None

    def waiting_for(self, number: int) -> int:
        """Tickets waiting in the categories the window serves ("*": all), else in its zone."""
        window = self.windows.get(number, {})
        categories, zone = window.get("categories"), window.get("zone")

        def served(queue: dict[str, Any]) -> bool:
            if isinstance(categories, list):
                return "*" in categories or queue.get("category") in categories
            return zone is None or queue.get("zone") == zone

        return sum(q["waiting"] for q in self.queues.values() if isinstance(q.get("waiting"), int) and served(q))

    def current_number(self, number: int) -> str:
        window = self.windows.get(number, {})
        return window["ticket"]["number"] if self._shows_ticket(window) else ""

    def state_of(self, number: int) -> str:
        return self.windows.get(number, {}).get("state", "closed")

    def _put_window(self, window: dict[str, Any], zone: str | None) -> None:
        number = window.get("number")
        if not isinstance(number, int) or isinstance(number, bool):
            return
        previous = self.windows.get(number, {})
        merged = {**window}
        merged.setdefault("zone", previous.get("zone", zone))
        self.windows[number] = merged

    def _ticket_left(self, event: str, payload: dict[str, Any]) -> None:
        ticket = _dict(payload["ticket"]) if "ticket" in payload else payload
        number = payload.get("window")
        if isinstance(number, dict):
            number = number.get("number")
        if number is None:
            number = ticket.get("window")
        if not isinstance(number, int) or not isinstance(ticket.get("id"), (str, int)):
            return
        if event in ("ticket.finished", "evaluation.requested"):
            self.last_finished[number] = ticket["id"]
        if event != "evaluation.requested":
            window = self.windows.get(number)
            if window and _dict(window.get("ticket")).get("id") == ticket["id"]:
                window["ticket"] = None

    @staticmethod
    def _shows_ticket(window: dict[str, Any]) -> bool:
        ticket = _dict(window.get("ticket"))
        return ticket.get("status", "called") in SHOWN_STATUSES and isinstance(ticket.get("number"), str)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
