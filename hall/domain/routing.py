"""Who is called next: the one place that decides.

For window n, among waiting tickets it may serve (its categories, ``*`` for all,
plus tickets transferred to n itself): first those transferred to n, then
appointment and green tickets, then the rest; within each class the one waiting
longest. A ticket transferred to a window waits for that window only.
"""
from __future__ import annotations

from collections.abc import Iterable

from hall.domain.model import Priority, Ticket, TicketStatus, Window

TRANSFERRED_HERE, PRIORITY, REGULAR = 0, 1, 2


def may_serve(window: Window, ticket: Ticket) -> bool:
    if ticket.status is not TicketStatus.WAITING:
        return False
    if ticket.transferred_to_window is not None:
        return ticket.transferred_to_window == window.number
    return window.serves(ticket.category)


def class_of(ticket: Ticket, window_number: int | None) -> int:
    if window_number is not None and ticket.transferred_to_window == window_number:
        return TRANSFERRED_HERE
    return priority_class(ticket.priority)


def calling_key(ticket: Ticket, window_number: int | None = None):
    return (class_of(ticket, window_number), ticket.queued_at, ticket.id or 0)


def calling_order(window: Window, tickets: Iterable[Ticket]) -> list[Ticket]:
    """The waiting tickets ``window`` may serve, first to be called first."""
    return sorted((t for t in tickets if may_serve(window, t)),
                  key=lambda t: calling_key(t, window.number))


def choose_next(window: Window, tickets: Iterable[Ticket]) -> Ticket | None:
    order = calling_order(window, tickets)
    return order[0] if order else None


def same_queue(a: Ticket, b: Ticket) -> bool:
    """Whether two tickets wait in one line: a category's, or one window's transfers."""
    if a.transferred_to_window is not None:
        return b.transferred_to_window == a.transferred_to_window
    return b.transferred_to_window is None and b.category == a.category


def ahead_of(ticket: Ticket, waiting: Iterable[Ticket]) -> int:
    """How many waiting tickets of its own line are called before ``ticket``."""
    if ticket.status is not TicketStatus.WAITING:
        return 0
    here = ticket.transferred_to_window
    mine = calling_key(ticket, here)
    return sum(1 for t in waiting
               if t.id != ticket.id and t.status is TicketStatus.WAITING
               and same_queue(ticket, t) and calling_key(t, here) < mine)


def priority_class(priority: Priority) -> int:
    """The class of a ticket not transferred to the window asking; the database
    adapter orders by the same mapping."""
    return PRIORITY if priority in (Priority.APPOINTMENT, Priority.GREEN) else REGULAR
