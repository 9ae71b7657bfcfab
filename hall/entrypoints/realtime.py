"""Socket.IO: who may connect, which streams they hear, and what devices may send."""
from __future__ import annotations

import logging
import socket
from typing import Annotated, Literal

from flask import request
from flask_socketio import SocketIO, join_room
from gevent import pywsgi
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from hall.adapters.socketio_publisher import (LocalSequence, MessageQueue, QueuePublisher, RedisSequence,
                                             SocketIOPublisher)
from hall.adapters.supervision import DeviceRef
from hall.domain.errors import HallError
from hall.domain.model import EVERY_CATEGORY, ID_CARD_NUMBER
from hall.service_layer import accounts, hall_state, id_cards, printing, supervision, tickets
from hall.service_layer.actors import Actor
from hall.service_layer.context import HallContext

log = logging.getLogger("hall.realtime")
SCAN_EVERY_S = 10
MAX_MESSAGE = 16 * 1024
Name = Annotated[str, StringConstraints(min_length=1, max_length=64)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="ignore")


class PrinterAnnouncement(_Strict):
    name: Name
    kiosk: Name


class ScreenAnnouncement(_Strict):
    name: Name
    window: Annotated[int, Field(ge=1, le=9999)] | None = None
    zone: Annotated[str, StringConstraints(max_length=8)] | None = None


class KeypadAnnouncement(_Strict):
    name: Name
    windows: Annotated[list[Annotated[int, Field(ge=1, le=9999)]], Field(max_length=300)] = []


class AgentHello(_Strict):
    printers: Annotated[list[PrinterAnnouncement], Field(max_length=100)] = []
    screens: Annotated[list[ScreenAnnouncement], Field(max_length=500)] = []
    keypads: Annotated[list[KeypadAnnouncement], Field(max_length=100)] = []
    card_readers: Annotated[list[PrinterAnnouncement], Field(max_length=100)] = []

    def devices(self) -> list[DeviceRef]:
        return ([DeviceRef(p.name, "printer", kiosk=p.kiosk) for p in self.printers]
                + [DeviceRef(s.name, "screen", window=s.window, zone=s.zone) for s in self.screens]
                + [DeviceRef(k.name, "keypad", window=k.windows[0] if len(k.windows) == 1 else None)
                   for k in self.keypads]
                + [DeviceRef(c.name, "card_reader", kiosk=c.kiosk) for c in self.card_readers])


class IdCard(_Strict):
    number: Annotated[str, StringConstraints(pattern=ID_CARD_NUMBER)]
    name: Annotated[str, StringConstraints(min_length=1, max_length=50)]


class IdCardRead(_Strict):
    kiosk: Name
    id_card: IdCard


class PrintDone(_Strict):
    job_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    ok: bool
    error: Annotated[str, StringConstraints(max_length=300)] | None = None


class DeviceStatus(_Strict):
    device: Name
    state: Literal["ok", "paper_out", "paper_low", "offline", "cover_open", "error"]
    detail: Annotated[str, StringConstraints(max_length=300)] | None = None


class ServeHandler(pywsgi.WSGIHandler):
    """`hall serve`'s connections (gunicorn has its own).

    Sends each write at once: with Nagle's algorithm a call's second event (or an HTTP body
    after its headers) waits for the client's delayed ACK, 40 ms on Linux. Formats no access
    log line: `hall serve` writes none, and pywsgi would format one per request anyway."""

    def handle(self):
        if self.socket.family in (socket.AF_INET, socket.AF_INET6):
            self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return super().handle()

    def log_request(self):
        pass


def streams_of(ctx: HallContext, actor: Actor | None, track: bool = False) -> list[str]:
    """The streams a connection hears: exactly what its screen shows."""
    if track:
        return ["public"]
    if actor.staff:
        if actor.is_supervisor:
            return ["supervisors"]
        # A counter terminal hears its window and the queues it serves, not the whole
        # hall: with 300 windows that is 20 deliveries a call instead of 1,500. It
        # reconnects when its window or what the window serves changes.
        desk = hall_state.desk_of(ctx, actor.staff_id)
        if desk is None:
            return ["desk:none"]
        number, categories = desk
        return [f"desk:{number}"] + (["desk-category:*"] if EVERY_CATEGORY in categories
                                     else [f"desk-category:{c}" for c in sorted(categories)])
    d = actor.device
    if d.kind == "display":
        return [f"display:zone:{d.zone}" if d.zone else "display:hall"]
    if d.kind == "window-screen":
        return [f"window:{d.window}"]
    if d.kind == "pad":
        return [f"pad:{d.window}"]
    if d.kind == "kiosk":
        return ["kiosks", f"kiosk:{d.name}"]
    return ["agents", f"agent:{d.id}"]


class HallViews:
    """`GET /hall` for snapshots, computed once for every client that connects until the next
    message: after a restart every screen of the hall reconnects at once, and each would
    otherwise cost the same query over the whole hall (70 ms with 300 windows).

    A view serves a snapshot with the numbers of what this node has delivered: the view
    was taken after all of those, and every message numbered or delivered since it was
    taken drops it."""

    def __init__(self, ctx: HallContext):
        self.ctx = ctx
        self.version = 0
        self._views: dict[bool, tuple[int, dict]] = {}  # supervisor or not: what GET /hall tells apart

    def touch(self) -> None:
        self.version += 1

    def get(self, actor: Actor | None) -> dict | None:
        if actor is None:
            return None
        hit = self._views.get(actor.is_supervisor)
        if hit and hit[0] == self.version:
            return hit[1]
        version = self.version  # before the query: a message meanwhile makes the view stale
        view = hall_state.hall(self.ctx, actor)
        self._views[actor.is_supervisor] = (version, view)
        return view

    def watching(self, publisher):
        views = self

        class Watched:
            def publish(self, messages):
                messages = list(messages)
                if messages:  # every transaction ends here, reads too
                    views.touch()
                    publisher.publish(messages)

        return Watched()


def init_realtime(app, ctx: HallContext, *, message_queue: str | None, async_mode: str) -> SocketIO:
    queue = MessageQueue(message_queue) if message_queue else None
    socketio = SocketIO(app, async_mode=async_mode, client_manager=queue, cors_allowed_origins="*",
                        max_http_buffer_size=MAX_MESSAGE,
                        logger=False, engineio_logger=False)
    views = HallViews(ctx)
    if queue:
        sequence = RedisSequence(message_queue)
        publisher = QueuePublisher(sequence, lambda event, data, to: socketio.emit(event, data, to=to,
                                                                               ignore_queue=True))
    else:
        sequence = LocalSequence()
        publisher = SocketIOPublisher(socketio.emit, sequence)
    ctx.publisher = views.watching(publisher)
    connections: dict[str, tuple[Actor | None, list[str]]] = {}
    app.extensions["hall_realtime"] = {"connections": connections, "message_queue": queue}

    def actor_of_sid() -> Actor | None:
        entry = connections.get(request.sid)
        return entry[0] if entry else None

    def tell(sid: str, event: str, data: dict) -> None:
        # Meant for this client alone, which is on this node: no need to go through Redis.
        socketio.emit(event, data, to=sid, ignore_queue=True)

    def fail(code: str, message: str):
        tell(request.sid, "error", {"error": {"code": code, "message": message}})

    def view_of(actor: Actor | None) -> dict | None:
        return hall_state.hall(ctx, actor) if actor else None

    def snapshot(streams: list[str], seqs: dict[str, int], view: dict | None) -> dict:
        # Sequence numbers are read before the state, so no event falls between the two.
        mine = {s: seqs[s] for s in streams}
        return {"stream": streams[0], "seq": mine[streams[0]], "streams": mine, "hall": view}

    def snapshot_for(actor: Actor | None, streams: list[str]) -> dict:
        seqs = {s: sequence.known(s) for s in streams}
        if None in seqs.values():  # a stream new to this node: ask Redis, and read the state after
            seqs = {s: sequence.current(s) for s in streams}
            return snapshot(streams, seqs, view_of(actor))
        return snapshot(streams, seqs, views.get(actor))

    @socketio.on("connect")
    def on_connect(auth):
        auth = auth if isinstance(auth, dict) else {}
        track = isinstance(auth.get("track"), str)
        try:
            if track:
                tickets.track(ctx, auth["track"])
                actor = None
            else:
                token = auth.get("token")
                actor = accounts.authenticate(ctx, token if isinstance(token, str) else None)
        except HallError as e:
            log.info("refused a connection: %s", e.message)
            return False
        streams = streams_of(ctx, actor, track)
        for stream in streams:
            join_room(stream)
        connections[request.sid] = (actor, streams)
        tell(request.sid, "snapshot", snapshot_for(actor, streams))

    def resync():
        """After a message-queue outage every client here may have missed what other nodes
        sent: each gets a fresh snapshot, as if it had reconnected."""
        try:
            sequence.recovered()
            entries = list(connections.items())
            seqs = {s: sequence.current(s) for _, (_, streams) in entries for s in streams}
            views: dict[bool | None, dict | None] = {}
            for sid, (actor, streams) in entries:
                kind = actor.is_supervisor if actor else None  # the two views GET /hall gives
                if kind not in views:
                    views[kind] = view_of(actor)
                tell(sid, "snapshot", snapshot(streams, seqs, views[kind]))
            log.info("resynced %d clients after the message queue came back", len(entries))
        except Exception:
            log.exception("resync after the message queue came back failed")

    if queue:
        queue.on_recovered = resync
        queue.on_delivered = lambda payload: (views.touch(), sequence.saw(payload))
        # python-socketio subscribes on the first connection only; a node without clients of
        # its own must still report the queue's health, and subscribe before anyone connects.
        socketio.server.manager_initialized = True
        queue.initialize()

    @socketio.on("disconnect")
    def on_disconnect(*_):
        actor, _ = connections.pop(request.sid, (None, []))
        if actor and actor.kind == "agent" and not any(
                a and a.device_id == actor.device_id for a, _ in connections.values()):
            printing.agent_gone(ctx, actor.device_id)

    def device_event(model, handle):
        def handler(data=None):
            actor = actor_of_sid()
            if actor is None or actor.kind != "agent":
                return fail("forbidden", "only device agents send this event")
            try:
                body = model.model_validate(data if isinstance(data, dict) else {})
                return handle(actor, body)
            except ValidationError as e:
                fail("validation_error", "; ".join(f"{'.'.join(map(str, x['loc']))}: {x['msg']}" for x in e.errors()))
            except HallError as e:
                fail(e.code, e.message)
        return handler

    def hello(actor, body: AgentHello):
        jobs = printing.agent_hello(ctx, actor, body.devices())
        ctx.publisher.publish(jobs)
        return {"ok": True, "pending_jobs": len(jobs)}

    def card_read(actor, body: IdCardRead):
        ctx.publisher.publish([id_cards.card_read(ctx, actor, body.kiosk, body.id_card.number, body.id_card.name)])
        return {"ok": True}

    socketio.on_event("agent.hello", device_event(AgentHello, hello))
    socketio.on_event("id_card.read", device_event(IdCardRead, card_read))
    socketio.on_event("print.done", device_event(
        PrintDone, lambda actor, b: printing.print_done(ctx, actor, b.job_id, b.ok, b.error) or {"ok": True}))
    socketio.on_event("device.status", device_event(
        DeviceStatus, lambda actor, b: printing.device_status(ctx, actor, b.device, b.state, b.detail) or {"ok": True}))

    @socketio.on("*")
    def unknown(event, *_):
        fail("unknown_event", f"unknown event {str(event)[:64]!r}")

    def watch():
        while True:
            socketio.sleep(SCAN_EVERY_S)
            try:
                supervision.scan(ctx)
                printing.expire_jobs(ctx)
            except Exception:
                log.exception("alarm scan failed")

    socketio.start_background_task(watch)
    return socketio


def health(app) -> dict:
    """The node serves its own clients either way; without its message queue it is one hall no more."""
    rt = app.extensions["hall_realtime"]
    queue: MessageQueue | None = rt["message_queue"]
    mq = queue.status() if queue else None
    return {"ok": True, "status": "degraded" if mq and not mq["connected"] else "ok",
            "connections": len(rt["connections"]), "message_queue": mq}
