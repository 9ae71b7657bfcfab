"""电子监察: alarms for long waits, overrun service times (限时办结) and silent devices."""
from __future__ import annotations

import datetime as dt

from hall.adapters.repository import aware
from hall.adapters.unit_of_work import UnitOfWork
from hall.domain import events as ev
from hall.domain.errors import NotFound
from hall.domain.events import Message
from hall.service_layer.actors import Actor, require
from hall.service_layer.context import HallContext
from hall.service_layer.views import alarm_view, iso

WARN_AT = 0.8   # 分级预警: a warning at 80 % of the limit, critical once it is passed


def raise_alarm(uow: UnitOfWork, tz: str, **alarm) -> bool:
    created = uow.alarms.raise_once(**alarm)
    if created is None:
        return False
    uow.audit.record("alarm.raised", alarm["at"], ticket=None, window=created.window, alarm_id=created.id,
                     kind=created.kind, level=created.level, subject=created.subject)
    uow.emit(Message("alarm", alarm_view(created, tz), window=created.window,
                     audience=frozenset({ev.SUPERVISORS})))
    return True


def clear_alarms(uow: UnitOfWork, tz: str, kind: str, subject: str, at: dt.datetime) -> None:
    for alarm_id in uow.alarms.clear(kind, subject, at):
        uow.emit(Message("alarm", {"id": alarm_id, "cleared": True, "at": iso(at, tz)},
                         audience=frozenset({ev.SUPERVISORS})))


def scan(ctx: HallContext) -> int:
    """Raise the alarms that are due now; safe to run on every node at once."""
    now = ctx.clock()
    raised = 0
    with ctx.transaction() as uow:
        s = uow.layout.settings()
        if s is None:
            return 0
        categories = {c.code: c for c in uow.layout.categories()}
        limits = [c.wait_alarm_min for c in categories.values() if c.wait_alarm_min]
        if limits:
            earliest = now - dt.timedelta(minutes=min(limits) * WARN_AT)
            for ticket in uow.tickets.waiting_queued_by(earliest):
                limit = categories[ticket.category].wait_alarm_min
                if not limit:
                    continue
                waited = now - ticket.queued_at
                level = _level(waited, dt.timedelta(minutes=limit))
                if level:
                    raised += raise_alarm(
                        uow, s.timezone, kind="wait", level=level, subject=f"ticket:{ticket.id}", at=now,
                        ticket_id=ticket.id, message=f"{ticket.display_number}号已等候{int(waited.total_seconds() // 60)}"
                                                     f"分钟（限{limit}分钟）")
        for ticket in uow.tickets.serving():
            limit = categories[ticket.category].service_limit_min
            begun = ticket.started_at or ticket.called_at
            if not limit or begun is None:
                continue
            took = now - begun
            level = _level(took, dt.timedelta(minutes=limit))
            if level:
                raised += raise_alarm(
                    uow, s.timezone, kind="service_time", level=level, subject=f"ticket:{ticket.id}", at=now,
                    ticket_id=ticket.id, window=ticket.window,
                    message=f"{ticket.window}号窗口办理{ticket.display_number}号已{int(took.total_seconds() // 60)}"
                            f"分钟（限时{limit}分钟）")
    return raised


def _level(elapsed: dt.timedelta, limit: dt.timedelta) -> str | None:
    if elapsed >= limit:
        return "critical"
    if elapsed >= limit * WARN_AT:
        return "warning"
    return None


def acknowledge(ctx: HallContext, actor: Actor, alarm_id: int) -> dict:
    require(actor, roles=("supervisor", "admin"), what="acknowledge alarms")
    now = ctx.clock()
    with ctx.transaction() as uow:
        tz = ctx.settings(uow).timezone
        alarm = uow.alarms.get(alarm_id)
        if alarm is None:
            raise NotFound(f"没有这个告警 (no alarm {alarm_id})")
        if uow.alarms.acknowledge(alarm_id, actor.staff_id, now):
            uow.audit.record("alarm.acknowledged", now, staff_id=actor.staff_id, alarm_id=alarm_id)
            uow.emit(Message("alarm", {"id": alarm_id, "acknowledged": True, "at": iso(now, tz)},
                             audience=frozenset({ev.SUPERVISORS})))
        return alarm_view(uow.alarms.get(alarm_id), tz)


def audit_trail(ctx: HallContext, actor: Actor, since: int, limit: int = 500) -> dict:
    require(actor, roles=("supervisor", "admin"), what="read the audit trail")
    with ctx.transaction() as uow:
        tz = ctx.settings(uow).timezone
        rows = uow.audit.since(since, limit)
        staff = uow.accounts.staff_many(r.staff_id for r in rows)
        events = [{"id": r.id, "at": iso(aware(r.at), tz), "kind": r.kind, "ticket_id": r.ticket_id,
                   "window": r.window, "category": r.category,
                   "staff": staff[r.staff_id].username if r.staff_id in staff else None,
                   "device_id": r.device_id, "data": r.data} for r in rows]
        return {"events": events, "next": events[-1]["id"] if events else since}
