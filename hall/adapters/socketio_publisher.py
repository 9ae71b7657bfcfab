"""Publishing the hall's messages to Socket.IO rooms, each with its stream's sequence number.

Every connection listens on one stream per kind of message it shows (its role's
stream, plus its own kiosk or agent stream), and every message goes to a stream
at most once, so a gap in a stream's ``seq`` means a missed message: the client
refetches ``GET /hall``. Counters live in Redis when several nodes share one hall.

A stream's ``seq`` never goes back: clients drop what they think they have seen
already. So wherever the numbering may break (Redis lost its counters, or a node
numbered on its own while Redis was away) it jumps ahead to the current time in
milliseconds, which is past every number handed out before as long as a stream
carries less than one message a millisecond. Clients see the jump as a gap and
resync, which is exactly right after such a break.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable

import socketio

from hall.domain import events as ev
from hall.domain.events import Message

log = logging.getLogger("hall.realtime")


def streams_for(message: Message) -> list[str]:
    """The streams a message goes to, from whom it concerns."""
    out: list[str] = []
    a = message.audience
    if ev.SUPERVISORS in a:
        out.append("supervisors")
    if ev.DESK in a:
        # A terminal hears its own window's messages and the queues it serves; a message
        # about a window goes to that window's desk only, so no terminal hears it twice.
        if message.window is not None:
            out.append(f"desk:{message.window}")
        elif message.category is not None:
            out += [f"desk-category:{message.category}", "desk-category:*"]
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


def now_ms() -> int:
    return time.time_ns() // 1_000_000


class LocalSequence:
    """Per-stream counters of one process (the embedded default, and a node cut off from Redis)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._last: dict[str, int] = defaultdict(int)

    def take(self, streams: list[str], floor: int = 0) -> list[int]:
        """The next number of each stream, in order (a stream may repeat), at least ``floor + 1``."""
        with self._lock:
            out = []
            for stream in streams:
                self._last[stream] = max(self._last[stream], floor) + 1
                out.append(self._last[stream])
            return out

    def current(self, stream: str) -> int:
        with self._lock:
            return self._last[stream]

    def known(self, stream: str) -> int:
        """The last number this process emitted: every later one follows it."""
        return self.current(stream)

    def raise_to(self, stream: str, value: int) -> None:
        with self._lock:
            self._last[stream] = max(self._last[stream], value)

    def high_water(self) -> dict[str, int]:
        with self._lock:
            return dict(self._last)


# KEYS: the streams' counters, in order (a key may repeat); ARGV[i]: the lowest value key i
# may take now, ARGV[#KEYS+1]: the current time in ms. A missing key means Redis lost it
# (or the stream is new): start past every earlier number. With ARGV[#KEYS+2] (a channel)
# and one message per key after it, each message is published there with its number in
# place of SEQ_MARK: a script runs alone, so every node receives a stream's messages in
# the order of their numbers, whichever nodes sent them.
SEQ_MARK = "__hall_seq__"
_TAKE = """
local n = #KEYS
local now = tonumber(ARGV[n + 1])
local channel = ARGV[n + 2]
local mark = '"%s"'
local out = {}
for i, key in ipairs(KEYS) do
  local v = redis.call('INCR', key)
  local floor = tonumber(ARGV[i])
  if v == 1 then floor = math.max(floor, now) end
  if v <= floor then v = floor + 1; redis.call('SET', key, v) end
  out[i] = v
  if channel then
    local msg = ARGV[n + 2 + i]
    local at = string.find(msg, mark, 1, true)
    redis.call('PUBLISH', channel, string.sub(msg, 1, at - 1) .. string.format('%%d', v) .. string.sub(msg, at + #mark))
  end
end
return out
""" % SEQ_MARK
# Reads a counter, lifting it to at least ARGV[1] (ARGV[2] when missing) so that the next
# number any node hands out follows what a client was just told.
_CURRENT = """
local v = tonumber(redis.call('GET', KEYS[1]) or ARGV[2])
v = math.max(v, tonumber(ARGV[1]))
redis.call('SET', KEYS[1], v)
return v
"""
# Lifts counters to at least the given values: what this node handed out on its own.
_RAISE = """
for i, key in ipairs(KEYS) do
  if tonumber(redis.call('GET', key) or 0) < tonumber(ARGV[i]) then redis.call('SET', key, ARGV[i]) end
end
return 0
"""


class RedisSequence:
    """Per-stream counters shared by every node of a hall, numbering locally while Redis is away."""

    PREFIX = "hall:seq:"

    def __init__(self, url: str):
        import redis
        self._redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._take = self._redis.register_script(_TAKE)
        self._current = self._redis.register_script(_CURRENT)
        self._raise = self._redis.register_script(_RAISE)
        self._local = LocalSequence()   # the highest number this node handed out or read, per stream
        self._floor = 0                 # when numbering last broke, in ms: no stream falls below it
        self._outage = False

    def number(self, streams: list[str], channel: str | None = None,
               messages: list[str] = ()) -> tuple[list[int], bool]:
        """The next number of each stream (in order; a stream may repeat), from Redis when it
        answers, and then with ``messages`` published on ``channel``, numbered, in the same
        step. Else numbered by this node alone, and False: nothing was published."""
        high = self._local.high_water()
        floor = now_ms() if self._outage else self._floor  # back from an outage: past every local number
        args = [max(high.get(s, 0), floor) for s in streams] + [now_ms()] + ([channel, *messages] if channel else [])
        try:
            values = [int(v) for v in self._take(keys=[self.PREFIX + s for s in streams], args=args)]
        except Exception as e:
            if not self._outage:
                log.warning("sequence counters in Redis unavailable (%s); numbering locally", e)
                self._outage, self._floor = True, now_ms()
            return self._local.take(streams, self._floor), False
        self._outage, self._floor = False, floor
        for stream, value in zip(streams, values):
            self._local.raise_to(stream, value)
        return values, True

    def current(self, stream: str) -> int:
        low = max(self._local.current(stream), self._floor)
        try:
            value = int(self._current(keys=[self.PREFIX + stream], args=[low, max(low, now_ms())]))
        except Exception:
            return low
        return value

    def known(self, stream: str) -> int | None:
        """The last number of ``stream`` that this node delivered or numbered, None if it has
        seen none yet. Unlike ``current`` it leaves out what other nodes have numbered but
        this node not yet delivered: those still come."""
        value = self._local.current(stream)
        return value or None

    def saw(self, payload) -> None:
        """A message this node delivered, maybe numbered by another node: its clients know that number."""
        if isinstance(payload, dict) and isinstance(payload.get("seq"), int) and "stream" in payload:
            self._local.raise_to(payload["stream"], payload["seq"])

    def recovered(self) -> None:
        """Redis is back and this node subscribed again: no stream may fall behind what this
        node numbered. (Its clients get fresh snapshots next, so what other nodes numbered
        meanwhile cannot confuse them.)"""
        high = self._local.high_water()
        if high:
            self._raise(keys=[self.PREFIX + s for s in high], args=list(high.values()))
        self._outage, self._floor = False, 0


class MessageQueue(socketio.RedisManager):
    """The Redis manager of a node that keeps serving its own clients while Redis is away.

    Emits reach this node's clients before they go to Redis, so an outage only cuts
    the other nodes off; publishing then fails fast (short timeouts, one try a second
    instead of two per emit), the outage is logged once and shown by ``status()``, and
    once the listener is subscribed again ``on_recovered`` resyncs this node's clients,
    which may have missed what other nodes sent meanwhile.
    """

    CHANNEL = "flask-socketio"      # where Flask-SocketIO servers listen
    RETRY_S = 1.0
    MAX_BACKOFF_S = 5.0             # Redis back means screens resync within this

    def __init__(self, url: str):
        super().__init__(url, channel=self.CHANNEL,
                         redis_options={"socket_connect_timeout": 2, "health_check_interval": 10})
        self._publisher = None
        self._down_since: float | None = time.time()  # up once subscribed
        self._error: str | None = "not subscribed yet"
        self._next_try = 0.0
        self.on_recovered: Callable[[], None] | None = None
        self.on_delivered: Callable[[object], None] | None = None

    def status(self) -> dict:
        down = self._down_since is not None
        since = dt.datetime.fromtimestamp(self._down_since, dt.timezone.utc).isoformat(timespec="seconds") \
            if down else None
        return {"connected": not down, "down_since": since, "error": self._error}

    def _down(self, error: Exception | str) -> None:
        if self._down_since is None:
            self._down_since = time.time()
            log.error("message queue unavailable (%s): serving this node's clients only", error)
        self._error = str(error)

    def _publish(self, data):
        if self._down_since is not None and time.monotonic() < self._next_try:
            return None
        try:
            if self._publisher is None:
                import redis
                self._publisher = redis.Redis.from_url(self.redis_url, socket_timeout=2, socket_connect_timeout=2)
            return self._publisher.publish(self.channel, self.json.dumps(data))
        except Exception as e:
            self._next_try = time.monotonic() + self.RETRY_S
            self._down(e)
            return None

    def _handle_emit(self, message):
        super()._handle_emit(message)
        if self.on_delivered and len(message["data"]) == 1:
            self.on_delivered(message["data"][0])

    def _redis_listen_with_retries(self):
        backoff = self.RETRY_S
        while True:
            try:
                self._redis_connect()
                self.pubsub.subscribe(self.channel)
                self._up()
                backoff = self.RETRY_S
                yield from self.pubsub.listen()
            except Exception as e:
                self._down(e)
                time.sleep(backoff)
                backoff = min(backoff * 2, self.MAX_BACKOFF_S)

    def _up(self) -> None:
        if self._down_since is None:
            return
        log.warning("message queue connected again after %.1f s", time.time() - self._down_since)
        self._down_since, self._error, self._next_try = None, None, 0.0
        if self.on_recovered:
            self.server.start_background_task(self.on_recovered)


def _routed(messages: Iterable[Message]) -> list[tuple[Message, str]]:
    return [(message, stream) for message in messages for stream in streams_for(message)]


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")


def _emit_all(emit: Callable[..., object], routed: list[tuple[Message, str]], seqs: list[int], at: str) -> None:
    for (message, stream), seq in zip(routed, seqs):
        emit(message.name, {**message.payload, "at": at, "stream": stream, "seq": seq}, to=stream)


class SocketIOPublisher:
    """One process: numbers each stream itself and emits to its rooms."""

    def __init__(self, emit: Callable[..., object], sequence: LocalSequence):
        self.emit = emit
        self.sequence = sequence

    def publish(self, messages: Iterable[Message]) -> None:
        routed = _routed(messages)
        if routed:
            _emit_all(self.emit, routed, self.sequence.take([stream for _, stream in routed]), _now())


class QueuePublisher:
    """Nodes joined by Redis: every message goes out through Redis, numbered there, to every
    node, this one included, so that all clients of a stream get it in the same order.

    While Redis is away the messages reach this process's own clients only, through
    ``local_emit`` (a process without clients of its own passes None)."""

    EVERY_NODE = "hall"  # a host id no node has: python-socketio skips its own messages otherwise

    def __init__(self, sequence: RedisSequence, local_emit: Callable[..., object] | None = None):
        self.sequence = sequence
        self.local_emit = local_emit

    def publish(self, messages: Iterable[Message]) -> None:
        routed = _routed(messages)
        if not routed:
            return
        at = _now()
        bodies = [json.dumps({"method": "emit", "event": message.name,
                              "data": [{"seq": SEQ_MARK, **message.payload, "at": at, "stream": stream}],
                              "binary": False, "namespace": "/", "room": stream, "skip_sid": None,
                              "callback": None, "host_id": self.EVERY_NODE})
                  for message, stream in routed]
        seqs, published = self.sequence.number([stream for _, stream in routed], MessageQueue.CHANNEL, bodies)
        if published:
            return
        if self.local_emit is None:
            log.error("message queue unavailable: %d events not delivered", len(routed))
            return
        _emit_all(self.local_emit, routed, seqs, at)


def external_publisher(url: str) -> QueuePublisher:
    """For processes outside the server (the CLI, a night job): emits reach every node's clients."""
    return QueuePublisher(RedisSequence(url))
