"""好差评 at the window: the pad's (or evaluator keys') rating of a finished ticket."""
from __future__ import annotations

from hall.adapters.repository import aware
from hall.domain import events as ev
from hall.domain.errors import (AlreadyEvaluated, EvaluationExpired, Forbidden, InvalidRequest, InvalidTransition,
                               NotFound)
from hall.domain.events import Message
from hall.domain.model import TicketStatus
from hall.service_layer.actors import Actor, require
from hall.service_layer.context import HallContext
from hall.service_layer.messages import window_updated
from hall.service_layer.supervision import raise_alarm
from hall.service_layer.views import iso

LEVELS = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
# GB/T 39735 线下评价 二级指标: what a bad rating is about.
REASONS = ("服务效率", "服务水平", "服务态度")


def evaluate(ctx: HallContext, actor: Actor, ticket_id: int, level: int, reasons: list[str] | None,
             comment: str | None) -> dict:
    require(actor, kinds=("pad", "agent"), what="rate a ticket")
    reasons = list(dict.fromkeys(reasons or []))
    if level not in LEVELS:
        raise InvalidRequest("level must be 1-5 (5 非常满意 … 1 非常不满意)")
    unknown = [r for r in reasons if r not in REASONS]
    if unknown:
        raise InvalidRequest(f"unknown reasons {unknown}: use {', '.join(REASONS)}")
    if level <= 2 and not reasons:
        raise InvalidRequest("不满意的评价需要选择原因 (levels 1-2 need reasons)")
    now = ctx.clock()
    with ctx.transaction() as uow:
        tz = ctx.settings(uow).timezone
        ticket = uow.tickets.get(ticket_id, for_update=True)
        if ticket is None:
            raise NotFound(f"没有这张票 (no ticket {ticket_id})")
        if actor.kind == "pad" and actor.device.window != ticket.window:
            raise Forbidden(f"pad {actor.device.name} rates window {actor.device.window} only")
        if actor.kind == "agent" and actor.device.zone:
            # A zone's agent drives that zone's evaluator keys, as it does its callers (windows._authorise_at_window).
            window = uow.windows.get(ticket.window) if ticket.window is not None else None
            if window is None or window.zone != actor.device.zone:
                raise Forbidden(f"agent {actor.device.name} serves zone {actor.device.zone} only")
        if ticket.status is not TicketStatus.DONE:
            raise InvalidTransition(f"{ticket.display_number}号尚未办结 (ticket is {ticket.status.value}, not done)")
        if uow.evaluations.count_for(ticket.id):
            raise AlreadyEvaluated(f"{ticket.display_number}号已评价 (already evaluated)")
        request = uow.evaluations.request(ticket.id)
        if request is not None and now > aware(request.expires_at):
            raise EvaluationExpired(f"{ticket.display_number}号的评价已超时 (the request lapsed)")
        evaluation_id = uow.evaluations.add(
            ticket_id=ticket.id, assess_number=1, window=ticket.window, staff_id=ticket.served_by, level=level,
            reasons=reasons, comment=(comment or "").strip()[:500] or None,
            channel="pad" if actor.kind == "pad" else "evaluator", device_id=actor.device_id, evaluated_at=now)
        uow.audit.record("ticket.evaluated", now, ticket=ticket, **actor.audit(), level=level, reasons=reasons)
        result = {"id": evaluation_id, "ticket_id": ticket.id, "number": ticket.display_number,
                  "window": ticket.window, "level": level, "level_name": LEVELS[level], "reasons": reasons,
                  "evaluated_at": iso(now, tz)}
        uow.emit(Message("evaluation.recorded", result, window=ticket.window,
                         audience=frozenset({ev.SUPERVISORS, ev.PAD})))
        window = uow.windows.get(ticket.window)
        if window is not None:
            window_updated(ctx, uow, window, tz)
        if level <= 2:
            raise_alarm(uow, tz, kind="bad_rating", level="warning", subject=f"ticket:{ticket.id}", at=now,
                        ticket_id=ticket.id, window=ticket.window,
                        message=f"{ticket.display_number}号在{ticket.window}号窗口评价为{LEVELS[level]}："
                                f"{'、'.join(reasons)}，需回访")
        return result
