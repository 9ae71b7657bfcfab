"""Issuing tickets, following them, and bringing a no-show back."""
from __future__ import annotations

import datetime as dt
import re
import secrets
import uuid

from sqlalchemy.exc import IntegrityError

from hall.adapters.unit_of_work import UnitOfWork
from hall.domain import events as ev
from hall.domain.errors import AlreadyQueued, Forbidden, InvalidRequest, NotFound, UnknownCategory
from hall.domain.events import Message
from hall.domain.issuing import business_date, check_can_issue, mask_name
from hall.domain.model import ID_CARD_NUMBER, Priority, Ticket
from hall.service_layer import id_cards
from hall.service_layer.actors import Actor, require
from hall.service_layer.context import HallContext
from hall.service_layer.messages import queue_updated
from hall.service_layer.views import ticket_view

ID_NUMBER = re.compile(ID_CARD_NUMBER)


def issue(ctx: HallContext, actor: Actor, *, category: str, priority: str = "normal",
          appointment_code: str | None = None, idempotency_key: str | None = None,
          id_card: dict | None = None, card_token: str | None = None,
          kiosk: str | None = None) -> tuple[dict, bool]:
    """A new ticket (and True), or the one this Idempotency-Key already got (and False)."""
    require(actor, roles=("supervisor", "admin"), kinds=("kiosk", "agent"), what="issue tickets")
    if appointment_code and priority == Priority.NORMAL.value:
        priority = Priority.APPOINTMENT.value
    if priority == Priority.APPOINTMENT.value and not appointment_code:
        raise InvalidRequest("预约取号需要预约码 (an appointment ticket needs appointment_code)")
    if id_card is not None and not ID_NUMBER.match(id_card.get("number", "")):
        raise InvalidRequest("身份证号码格式不正确 (id_card.number is not an 18-digit ID number)")
    if actor.kind == "kiosk":
        kiosk = actor.device.name
    if id_card is not None and card_token is not None:
        raise InvalidRequest("give id_card or card_token, not both")
    holder = None
    if id_card is not None:
        holder = (ctx.holder_key(id_card["number"]), mask_name(id_card.get("name") or "") or None)
    elif card_token is not None:
        holder = id_cards.open_card_token(ctx, actor, card_token)
    try:
        return _issue(ctx, actor, category, Priority(priority), appointment_code, idempotency_key, holder, kiosk)
    except IntegrityError:
        # Two requests with one Idempotency-Key raced on two nodes: the loser
        # rolled back and answers with the winner's ticket.
        if not idempotency_key:
            raise
        with ctx.transaction() as uow:
            tz = ctx.settings(uow).timezone
            existing = uow.tickets.by_idempotency_key(actor.issuer_key, idempotency_key)
            return ctx.present(uow, existing, tz), False


def _issue(ctx, actor, category, priority, appointment_code, idempotency_key, holder, kiosk):
    now = ctx.clock()
    with ctx.transaction() as uow:
        settings = ctx.settings(uow)
        tz = settings.timezone
        if idempotency_key:
            existing = uow.tickets.by_idempotency_key(actor.issuer_key, idempotency_key)
            if existing:
                return ctx.present(uow, existing, tz), False
        cat = uow.layout.category(category)
        if cat is None:
            raise UnknownCategory(f"没有这个业务类别：{category}", category=category)
        if actor.device and actor.device.zone and actor.device.zone != cat.zone:
            raise Forbidden(f"本机只办理本区业务，{cat.name}请到对应区域取号 "
                            f"(this {actor.kind} serves zone {actor.device.zone} only)")
        day = business_date(now, tz)
        # The day's count matters only against a quota; most categories have none.
        issued_today = uow.tickets.issued_count(day, cat.code) if cat.daily_quota is not None else 0
        check_can_issue(cat, now, tz, issued_today)
        holder_key, holder_name = holder or (None, None)
        if holder_key and uow.tickets.open_ticket_of_holder(holder_key, cat.code):
            raise AlreadyQueued(f"您已有一张{cat.name}的号，请等候叫号", category=cat.code)
        ticket = Ticket(prefix=cat.code, number=uow.tickets.next_number(day, cat.code), business_date=day,
                        category=cat.code, priority=priority, issued_at=now,
                        track_token=secrets.token_urlsafe(16), holder=holder_name, holder_key=holder_key,
                        appointment_code=appointment_code, kiosk=kiosk)
        uow.tickets.add(ticket)
        if idempotency_key:
            uow.tickets.remember_idempotency_key(actor.issuer_key, idempotency_key, ticket.id, now)
        uow.audit.record("ticket.issued", now, ticket=ticket, **actor.audit(), priority=priority.value,
                         kiosk=kiosk, id_card=holder_key is not None)
        view = ctx.present(uow, ticket, tz)
        uow.emit(Message("ticket.issued", view, zone=cat.zone, category=cat.code, kiosk=kiosk,
                         audience=frozenset({ev.SUPERVISORS, ev.DESK, ev.DISPLAYS})))
        queue_updated(ctx, uow, cat.code)
        if kiosk:
            queue_print_job(ctx, uow, ticket, view, settings, kiosk)
        return view, True


def queue_print_job(ctx: HallContext, uow: UnitOfWork, ticket: Ticket, view: dict, settings, kiosk: str) -> None:
    """Hold a print job for the kiosk's printer; it goes out now if its agent is here."""
    job_id = uuid.uuid4().hex
    uow.print_jobs.add(job_id, ticket.id, kiosk, ctx.clock())
    printer = uow.print_jobs.printer_of_kiosk(kiosk)
    if printer is not None:
        uow.emit(print_job_message(uow, job_id, view, settings, kiosk, printer.device, printer.agent_id))


def print_job_message(uow: UnitOfWork, job_id: str, view: dict, settings, kiosk: str, printer: str | None,
                      agent_id: int) -> Message:
    category = uow.layout.category(view["category"])
    zone_names = {z.code: z.name for z in uow.layout.zones()}
    ticket = {**view, "zone_name": zone_names.get(category.zone) if category else None}
    return Message("print.job", {"job_id": job_id, "printer": printer, "ticket": ticket,
                                 "hall_name": settings.name, "notice": settings.notice},
                   kiosk=kiosk, agent=agent_id, audience=frozenset({ev.AGENT}))


def get(ctx: HallContext, actor: Actor, ticket_id: int) -> dict:
    require(actor, roles=("clerk", "supervisor", "admin"), kinds=(), what="read tickets")
    with ctx.transaction() as uow:
        tz = ctx.settings(uow).timezone
        ticket = uow.tickets.get(ticket_id)
        if ticket is None:
            raise NotFound(f"没有这张票 (no ticket {ticket_id})")
        return ctx.present(uow, ticket, tz)


def of_day(ctx: HallContext, actor: Actor, day: dt.date | None, status: str | None) -> list[dict]:
    """The day's tickets, e.g. its no-shows for a supervisor to reinstate."""
    require(actor, roles=("clerk", "supervisor", "admin"), kinds=(), what="list tickets")
    with ctx.transaction() as uow:
        tz = ctx.settings(uow).timezone
        day = day or business_date(ctx.clock(), tz)
        categories = {c.code: c for c in uow.layout.categories()}
        return [ticket_view(t, tz, category=categories.get(t.category), public_url=ctx.options.public_url)
                for t in uow.tickets.of_day(day) if status is None or t.status.value == status]


def track(ctx: HallContext, token: str) -> dict:
    """What the visitor's phone shows: no names, no internal ids beyond the ticket's."""
    with ctx.transaction() as uow:
        settings = ctx.settings(uow)
        ticket = uow.tickets.by_track_token(token)
        if ticket is None:
            raise NotFound("没有找到这张票，请核对二维码 (unknown ticket link)")
        view = ctx.present(uow, ticket, settings.timezone)
        keep = ("id", "number", "category", "category_name", "category_name_en", "status", "priority", "issued_at", "called_at",
                "window", "transferred_to_window", "ahead", "estimated_wait_s", "track_url")
        return {"ticket": {k: view[k] for k in keep}, "hall": {"name": settings.name}}


def reinstate(ctx: HallContext, actor: Actor, ticket_id: int) -> dict:
    require(actor, roles=("supervisor", "admin"), kinds=("kiosk",), what="reinstate no-show tickets")
    now = ctx.clock()
    with ctx.transaction() as uow:
        tz = ctx.settings(uow).timezone
        ticket = uow.tickets.get(ticket_id, for_update=True)
        if ticket is None:
            raise NotFound(f"没有这张票 (no ticket {ticket_id})")
        ticket.reinstate(now)
        uow.tickets.save(ticket)
        uow.audit.record("ticket.reinstated", now, ticket=ticket, **actor.audit())
        view = ctx.present(uow, ticket, tz)
        uow.emit(Message("ticket.reinstated", view, zone=uow.layout.category(ticket.category).zone,
                         category=ticket.category, audience=frozenset({ev.SUPERVISORS, ev.DESK, ev.DISPLAYS})))
        queue_updated(ctx, uow, ticket.category)
        return view
