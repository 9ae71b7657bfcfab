"""Publishing the hall's messages to Socket.IO rooms, each with its stream's sequence number.

Every connection listens on one stream per kind of message it shows (its role's
stream, plus its own kiosk or agent stream), and every message goes to a stream
at most once, so a gap in a stream's ``seq`` means a missed message: the client
refetches ``GET /hall``. Counters live in Redis when several nodes share one hall.
"""
from __future__ import annotations

import datetime as dt
import itertools
import logging
import threading
from collections import defaultdict
from collections.abc import Iterable

from hall.domain import events as ev
from hall.domain.events import Message

log = logging.getLogger("hall.realtime")


def streams_for(message: Message) -> list[str]:
    """The streams a message goes to, from whom it concerns."""
    out: list[str] = []
    a = message.audience
    if ev.STAFF in a:
        out += ["clerks", "supervisors"]
    elif ev.SUPERVISORS in a:
        out.append("supervisors")
    if ev.DISPLAYS in a:
        out.append("display:hall")
        if message.zone:
            out.append(f"display:zone:{message.zone}")
    if ev.WINDOW in a and message.window is not None:
        out.append(f"window:{message.window}")
    if ev.PAD in a and message.window is not None:
        out.append(f"pad:{message.window}")
    if ev.KIOSK in a:
        out.append(f"kiosk:{message.kiosk}" if message.kiosk else "kiosks")
    if ev.AGENTS in a:
        out.append("agents")
    if ev.AGENT in a and message.agent is not None:
        out.append(f"agent:{message.agent}")
    if ev.PUBLIC in a:
        out.append("public")
    return out


class LocalSequence:
    """Per-stream counters of one process (the embedded default)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._counters: dict[str, itertools.count] = defaultdict(lambda: itertools.count(1))
        self._last: dict[str, int] = defaultdict(int)

    def next(self, stream: str) -> int:
        with self._lock:
            n = next(self._counters[stream])
            self._last[stream] = n
            return n

    def current(self, stream: str) -> int:
        with self._lock:
            return self._last[stream]


class RedisSequence:
    """Per-stream counters shared by every node of a hall."""

    PREFIX = "hall:seq:"

    def __init__(self, url: str):
        import redis
        self._redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._fallback = LocalSequence()

    def next(self, stream: str) -> int:
        try:
            return int(self._redis.incr(self.PREFIX + stream))
        except Exception as e:  # Redis down: keep numbering locally; clients resync on the jump
            log.warning("sequence counter in Redis unavailable (%s); numbering locally", e)
            return self._fallback.next(stream)

    def current(self, stream: str) -> int:
        try:
            return int(self._redis.get(self.PREFIX + stream) or 0)
        except Exception:
            return self._fallback.current(stream)


class SocketIOPublisher:
    def __init__(self, socketio, sequence):
        self.socketio = socketio
        self.sequence = sequence

    def publish(self, messages: Iterable[Message]) -> None:
        for message in messages:
            at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")
            for stream in streams_for(message):
                payload = {**message.payload, "at": at, "stream": stream, "seq": self.sequence.next(stream)}
                self.socketio.emit(message.name, payload, to=stream)
