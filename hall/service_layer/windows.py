"""What happens at a window: signing in (AB岗), calling, serving, transferring, pausing."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from hall.adapters.unit_of_work import UnitOfWork
from hall.domain import events as ev
from hall.domain import routing
from hall.domain.errors import Forbidden, InvalidRequest, InvalidTransition, NotFound, UnknownCategory
from hall.domain.events import Message
from hall.domain.issuing import business_date
from hall.domain.model import EVERY_CATEGORY, Post, Ticket, Window
from hall.service_layer.actors import Actor, require
from hall.service_layer.context import HallContext
from hall.service_layer.messages import (queue_updated, ticket_called, ticket_event, window_payload,
                                         window_updated)
from hall.service_layer.views import iso, ticket_view

TICKET_NUMBER = re.compile(r"^([A-Z]{1,2})(\d{1,5})$")


class WindowAction:
    """The frame of every action at a window: one transaction, the window row
    locked, the caller checked, the change audited, the screens told."""

    def __init__(self, ctx: HallContext, uow: UnitOfWork, actor: Actor, window: Window):
        self.ctx, self.uow, self.actor, self.window = ctx, uow, actor, window
        self.settings = ctx.settings(uow)
        self.tz = self.settings.timezone
        self.now = ctx.clock()

    def current(self) -> Ticket:
        return self.uow.tickets.get(self.window.require_current(), for_update=True)

    def audit(self, kind: str, ticket: Ticket | None = None, **data) -> None:
        self.uow.audit.record(kind, self.now, ticket=ticket, window=self.window.number,
                              staff_id=self.actor.staff_id or self.window.clerk,
                              device_id=self.actor.device_id, **data)

    def save(self, *tickets: Ticket) -> None:
        for ticket in tickets:
            self.uow.tickets.save(ticket)
        self.uow.windows.save(self.window)
        window_updated(self.ctx, self.uow, self.window, self.tz)

    def call(self, ticket: Ticket, recall: bool = False) -> dict:
        if not recall:
            ticket.call(self.window.number, self.window.clerk, self.now)
            self.window.current_ticket = ticket.id
            if self.window.paused:  # calling is the clearest sign the clerk is back
                self.window.resume()
        self.audit("ticket.recalled" if recall else "ticket.called", ticket)
        self.save(ticket)
        payload = ticket_called(self.ctx, self.uow, ticket, self.window, self.tz, self.settings.announce, recall)
        if not recall:
            queue_updated(self.ctx, self.uow, ticket.category)
        return payload

    def ticket_event(self, name: str, ticket: Ticket) -> dict:
        view = self.ctx.present(self.uow, ticket, self.tz)
        ticket_event(self.uow, name, view, self.window, self.window.zone)
        return view


def at_window(ctx: HallContext, actor: Actor, number: int, act: Callable[[WindowAction], object],
              *, needs_clerk: bool = True):
    with ctx.transaction() as uow:
        window = uow.windows.get(number, for_update=True)
        if window is None:
            raise NotFound(f"没有{number}号窗口 (no window {number})")
        if needs_clerk:
            _authorise_at_window(actor, window)
        return act(WindowAction(ctx, uow, actor, window))


def _authorise_at_window(actor: Actor, window: Window) -> None:
    """A clerk acts only where signed in; an agent's keypad acts for whoever is."""
    if actor.staff and actor.role == "clerk":
        window.require_clerk()
        if window.clerk != actor.staff_id:
            raise Forbidden(f"您未在{window.number}号窗口签到 (you are not signed in at window {window.number})")
        return
    if actor.kind == "agent":
        if actor.device.zone and actor.device.zone != window.zone:
            raise Forbidden(f"agent {actor.device.name} serves zone {actor.device.zone} only")
        window.require_clerk()
        return
    raise Forbidden(f"{actor.describe()} may not act at a window")


# -- signing in and out (AB岗) -------------------------------------------------------

def sign_in(ctx: HallContext, actor: Actor, number: int, post: str) -> dict:
    require(actor, roles=("clerk",), what="sign in at a window")
    post = Post(post)

    def act(a: WindowAction):
        for other in a.uow.windows.all():
            if other.clerk == actor.staff_id and other.number != number:
                # Moving to another window leaves the old one, unless a visitor is still there.
                other.require_free()
                other.sign_out()
                a.uow.windows.save(other)
                a.uow.audit.record("window.signed_out", a.now, window=other.number, **actor.audit(),
                                   reason="moved to window %d" % number)
                window_updated(ctx, a.uow, other, a.tz)
        handed_over_from = a.window.clerk if a.window.clerk not in (None, actor.staff_id) else None
        a.window.sign_in(actor.staff_id, post)
        a.audit("window.signed_in", post=post.value, handed_over_from=handed_over_from)
        a.save()
        return window_payload_of(a)

    return at_window(ctx, actor, number, act, needs_clerk=False)


def sign_out(ctx: HallContext, actor: Actor, number: int) -> dict:
    def act(a: WindowAction):
        if not actor.is_supervisor:
            _authorise_at_window(actor, a.window)
        a.window.require_free()
        a.window.sign_out()
        a.audit("window.signed_out")
        a.save()
        return window_payload_of(a)

    return at_window(ctx, actor, number, act, needs_clerk=False)


def window_payload_of(a: WindowAction) -> dict:
    return window_payload(a.ctx, a.uow, a.window, a.tz)


# -- calling ------------------------------------------------------------------------

def call_next(ctx: HallContext, actor: Actor, number: int) -> dict | None:
    def act(a: WindowAction):
        a.window.require_free()
        ticket = a.uow.tickets.claim_next(a.window)
        if ticket is None:
            return None
        return a.call(ticket)["ticket"]

    return at_window(ctx, actor, number, act)


def call_number(ctx: HallContext, actor: Actor, number: int, ticket_number: str) -> dict:
    """Call one waiting ticket by its number, e.g. a visitor who came back to the window."""
    m = TICKET_NUMBER.match(ticket_number.strip().upper())
    if not m:
        raise InvalidRequest(f"票号格式不正确：{ticket_number!r} (expected e.g. A012)")

    def act(a: WindowAction):
        a.window.require_free()
        found = a.uow.tickets.by_number(business_date(a.now, a.tz), m[1], int(m[2]))
        ticket = a.uow.tickets.get(found.id, for_update=True) if found else None
        if ticket is None:
            raise NotFound(f"今天没有{ticket_number}号 (no ticket {ticket_number} today)")
        if not routing.may_serve(a.window, ticket):
            raise InvalidTransition(f"{ticket.display_number}号不在本窗口可叫的等候队列中 "
                                    f"(ticket is {ticket.status.value} or not served here)")
        return a.call(ticket)["ticket"]

    return at_window(ctx, actor, number, act)


def recall(ctx: HallContext, actor: Actor, number: int) -> dict:
    def act(a: WindowAction):
        ticket = a.current()
        ticket.recall()
        return a.call(ticket, recall=True)["ticket"]

    return at_window(ctx, actor, number, act)


def start(ctx: HallContext, actor: Actor, number: int) -> dict:
    def act(a: WindowAction):
        ticket = a.current()
        ticket.start(a.now)
        a.audit("ticket.started", ticket)
        a.save(ticket)
        return a.ctx.present(a.uow, ticket, a.tz)

    return at_window(ctx, actor, number, act)


def finish(ctx: HallContext, actor: Actor, number: int) -> dict:
    def act(a: WindowAction):
        ticket = a.current()
        ticket.finish(a.now)
        a.window.current_ticket = None
        expires = a.now + dt.timedelta(seconds=ctx.options.evaluation_timeout_s)
        a.uow.evaluations.add_request(ticket.id, a.window.number, a.now, expires)
        a.audit("ticket.finished", ticket)
        a.save(ticket)
        view = a.ticket_event("ticket.finished", ticket)
        a.uow.emit(Message("evaluation.requested",
                           {"ticket": view, "window": a.window.number, "expires_at": iso(expires, a.tz)},
                           zone=a.window.zone, window=a.window.number,
                           audience=frozenset({ev.PAD, ev.AGENTS})))
        return view

    return at_window(ctx, actor, number, act)


def no_show(ctx: HallContext, actor: Actor, number: int) -> dict:
    def act(a: WindowAction):
        ticket = a.current()
        ticket.mark_no_show(a.now)
        a.window.current_ticket = None
        a.audit("ticket.no_show", ticket)
        a.save(ticket)
        return a.ticket_event("ticket.no_show", ticket)

    return at_window(ctx, actor, number, act)


def transfer(ctx: HallContext, actor: Actor, number: int, *, category: str | None = None,
             window: int | None = None) -> dict:
    """首问负责: the visitor waits again at the right place, keeping their place in line."""
    if (category is None) == (window is None):
        raise InvalidRequest("转移需要指定业务类别或窗口之一 (give exactly one of category, window)")

    def act(a: WindowAction):
        ticket = a.current()
        if category is not None:
            if a.uow.layout.category(category) is None:
                raise UnknownCategory(f"没有这个业务类别：{category}", category=category)
            old = ticket.category
            ticket.transfer_to_category(category)
        else:
            if window == a.window.number:
                raise InvalidRequest("不能转移到本窗口 (cannot transfer to the same window)")
            if a.uow.windows.get(window) is None:
                raise NotFound(f"没有{window}号窗口 (no window {window})")
            old = ticket.category
            ticket.transfer_to_window(window)
        a.window.current_ticket = None
        a.audit("ticket.transferred", ticket, from_category=old, to_category=category, to_window=window)
        a.save(ticket)
        view = a.ticket_event("ticket.transferred", ticket)
        queue_updated(ctx, a.uow, ticket.category)
        if window is not None:
            target = a.uow.windows.get(window)
            window_updated(ctx, a.uow, target, a.tz)
        return view

    return at_window(ctx, actor, number, act)


# -- pausing and what a window serves ------------------------------------------------

def pause(ctx: HallContext, actor: Actor, number: int, reason: str) -> dict:
    reason = (reason or "").strip()
    if not reason or len(reason) > 200:
        raise InvalidRequest("暂停需要填写原因（200字以内） (reason: 1-200 characters)")

    def act(a: WindowAction):
        a.window.pause(reason)
        a.audit("window.paused", reason=reason)
        a.save()
        return window_payload_of(a)

    return at_window(ctx, actor, number, act)


def resume(ctx: HallContext, actor: Actor, number: int) -> dict:
    def act(a: WindowAction):
        a.window.resume()
        a.audit("window.resumed")
        a.save()
        return window_payload_of(a)

    return at_window(ctx, actor, number, act)


def set_categories(ctx: HallContext, actor: Actor, number: int, categories: list[str]) -> dict:
    require(actor, roles=("supervisor", "admin"), what="change what a window serves")
    if not categories:
        raise InvalidRequest("窗口至少要办理一个业务类别 (categories must not be empty)")

    def act(a: WindowAction):
        known = {c.code for c in a.uow.layout.categories()}
        unknown = [c for c in categories if c != EVERY_CATEGORY and c not in known]
        if unknown:
            raise UnknownCategory(f"没有这些业务类别：{', '.join(unknown)}", categories=unknown)
        before = sorted(a.window.categories)
        a.window.categories = frozenset(categories)
        a.audit("window.categories_changed", before=before, after=sorted(a.window.categories))
        a.save()
        return window_payload_of(a)

    return at_window(ctx, actor, number, act, needs_clerk=False)


def queue_of(ctx: HallContext, actor: Actor, number: int) -> list[dict]:
    """The waiting tickets this window may call, in the order it will call them."""
    require(actor, roles=("clerk", "supervisor", "admin"), kinds=("agent",), what="read a window's queue")
    with ctx.transaction() as uow:
        tz = ctx.settings(uow).timezone
        window = uow.windows.get(number)
        if window is None:
            raise NotFound(f"没有{number}号窗口 (no window {number})")
        categories = {c.code: c for c in uow.layout.categories()}
        return [ticket_view(t, tz, category=categories.get(t.category), ahead=i,
                            public_url=ctx.options.public_url)
                for i, t in enumerate(uow.tickets.calling_order(window, limit=200))]
