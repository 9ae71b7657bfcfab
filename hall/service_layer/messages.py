"""Building the realtime messages of a change, inside its transaction."""
from __future__ import annotations

from hall.adapters.unit_of_work import UnitOfWork
from hall.domain import events as ev
from hall.domain.events import Message
from hall.domain.model import Ticket, Window
from hall.service_layer.context import HallContext
from hall.service_layer.views import iso, queue_view, window_view

EVERYONE_WHO_WATCHES = frozenset({ev.SUPERVISORS, ev.DESK, ev.DISPLAYS, ev.AGENTS})


def window_payload(ctx: HallContext, uow: UnitOfWork, window: Window, tz: str) -> dict:
    return window_payloads(ctx, uow, [window], tz)[0]


def window_payloads(ctx: HallContext, uow: UnitOfWork, windows: list[Window], tz: str) -> list[dict]:
    """Windows with their clerks and current tickets, loaded in a few queries however many."""
    staff = uow.accounts.staff_many(w.clerk for w in windows)
    current = uow.tickets.many([w.current_ticket for w in windows if w.current_ticket])
    categories = {c.code: c for c in uow.layout.categories()} if current else None
    # One window's update must not read every window's requests (300 windows, many updates).
    pending = uow.evaluations.pending_by_window(ctx.clock(), [w.number for w in windows] if len(windows) == 1 else None)
    views = []
    for w in windows:
        view = window_view(w, staff.get(w.clerk), ctx.present(uow, current[w.current_ticket], tz, categories)
                           if w.current_ticket in current else None)
        if w.number in pending:  # a pad that reconnects mid-request asks again
            ticket_id, number, expires = pending[w.number]
            view["evaluation"] = {"ticket_id": ticket_id, "number": number, "expires_at": iso(expires, tz)}
        else:
            view["evaluation"] = None
        views.append(view)
    return views


def window_updated(ctx: HallContext, uow: UnitOfWork, window: Window, tz: str) -> None:
    uow.emit(Message("window.updated", window_payload(ctx, uow, window, tz), zone=window.zone,
                     window=window.number,
                     audience=EVERYONE_WHO_WATCHES | {ev.WINDOW, ev.PAD}))


def queue_updated(ctx: HallContext, uow: UnitOfWork, category_code: str) -> None:
    category = uow.layout.category(category_code)
    waiting, oldest = uow.tickets.queue_stats(category_code).get(category_code, (0, None))
    view = queue_view(category, waiting, oldest, ctx.clock())
    uow.emit(Message("queue.updated", {k: view[k] for k in ("category", "waiting", "longest_wait_s", "zone")},
                     zone=category.zone, category=category.code,
                     audience=EVERYONE_WHO_WATCHES | {ev.WINDOW, ev.KIOSK, ev.PUBLIC}))


def ticket_event(uow: UnitOfWork, name: str, ticket_payload: dict, window: Window | None,
                 zone: str) -> None:
    uow.emit(Message(name, {"ticket": ticket_payload, "window": window.number if window else None},
                     zone=zone, window=window.number if window else None,
                     audience=EVERYONE_WHO_WATCHES))


def ticket_called(ctx: HallContext, uow: UnitOfWork, ticket: Ticket, window: Window, tz: str,
                  announce_template: str, recall: bool) -> dict:
    payload = {"ticket": ctx.present(uow, ticket, tz), "window": window.number, "zone": window.zone,
               "announce": announce_template.format(number=ticket.display_number, window=window.number),
               "recall": recall}
    uow.emit(Message("ticket.called", payload, zone=window.zone, window=window.number,
                     audience=EVERYONE_WHO_WATCHES | {ev.WINDOW, ev.PUBLIC}))
    return payload
