"""The one ticket state machine: what each state allows, and what it refuses."""
import datetime as dt

import pytest

from hall.domain.errors import InvalidTransition, NoCurrentTicket, NotSignedIn, WindowBusy
from hall.domain.model import Post, Priority, Ticket, TicketStatus, Window

T0 = dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.timezone.utc)


def ticket(**kw) -> Ticket:
    base = dict(prefix="A", number=1, business_date=T0.date(), category="A", priority=Priority.NORMAL,
                issued_at=T0, track_token="tok", id=1)
    return Ticket(**{**base, **kw})


def at(minutes: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def test_a_ticket_goes_from_waiting_to_done_through_called_and_serving():
    t = ticket()
    t.call(window=5, clerk=7, at=at(1))
    assert (t.status, t.window, t.served_by, t.called_at) == (TicketStatus.CALLED, 5, 7, at(1))
    t.start(at(2))
    t.finish(at(10))
    assert (t.status, t.started_at, t.finished_at) == (TicketStatus.DONE, at(2), at(10))


def test_finishing_without_start_counts_service_from_the_call():
    t = ticket()
    t.call(5, 7, at(1))
    t.finish(at(4))
    assert t.started_at == at(1)


def test_a_no_show_reinstated_queues_behind_those_who_stayed():
    t = ticket()
    t.call(5, 7, at(1))
    t.mark_no_show(at(2))
    assert t.status is TicketStatus.NO_SHOW and not t.is_open
    t.reinstate(at(30))
    assert (t.status, t.queued_at, t.window, t.called_at) == (TicketStatus.WAITING, at(30), None, None)


@pytest.mark.parametrize("transfer", [lambda t: t.transfer_to_category("B"), lambda t: t.transfer_to_window(9)])
def test_a_transferred_ticket_waits_again_and_keeps_its_place_and_number(transfer):
    t = ticket(issued_at=at(0))
    t.call(5, 7, at(10))
    t.start(at(11))
    t.recall()
    transfer(t)
    assert (t.status, t.queued_at, t.display_number, t.recalls) == (TicketStatus.WAITING, at(0), "A001", 0)


def test_recalls_are_counted():
    t = ticket()
    t.call(5, 7, at(1))
    t.recall()
    t.recall()
    assert t.recalls == 2


@pytest.mark.parametrize("status, action", [
    (TicketStatus.WAITING, lambda t: t.start(at(1))),
    (TicketStatus.WAITING, lambda t: t.finish(at(1))),
    (TicketStatus.WAITING, lambda t: t.mark_no_show(at(1))),
    (TicketStatus.WAITING, lambda t: t.recall()),
    (TicketStatus.WAITING, lambda t: t.reinstate(at(1))),
    (TicketStatus.CALLED, lambda t: t.call(1, 1, at(1))),
    (TicketStatus.SERVING, lambda t: t.start(at(1))),
    (TicketStatus.SERVING, lambda t: t.mark_no_show(at(1))),
    (TicketStatus.DONE, lambda t: t.call(1, 1, at(1))),
    (TicketStatus.DONE, lambda t: t.finish(at(1))),
    (TicketStatus.DONE, lambda t: t.transfer_to_category("B")),
    (TicketStatus.NO_SHOW, lambda t: t.call(1, 1, at(1))),
])
def test_a_ticket_refuses_what_its_state_does_not_allow(status, action):
    t = ticket(status=status)
    before = vars(t).copy()
    with pytest.raises(InvalidTransition):
        action(t)
    assert vars(t) == before


def test_display_number_is_prefix_and_three_digits():
    assert ticket(prefix="A", number=7).display_number == "A007"
    assert ticket(prefix="AB", number=1234).display_number == "AB1234"


def test_window_states_and_guards():
    w = Window(number=3, zone="ZH", categories=frozenset({"A", "B"}))
    assert w.state() == "closed"
    with pytest.raises(NotSignedIn):
        w.require_clerk()
    w.sign_in(clerk=7, post=Post.A)
    assert w.state() == "open" and w.serves("A") and not w.serves("C")
    w.current_ticket = 1
    assert w.state() == "busy"
    with pytest.raises(WindowBusy):
        w.require_free()
    w.pause("午休")
    assert (w.state(), w.pause_reason) == ("paused", "午休")
    w.resume()
    w.current_ticket = None
    with pytest.raises(NoCurrentTicket):
        w.require_current()


def test_b_post_takes_over_a_window_keeping_its_ticket():
    w = Window(number=3, zone="ZH")
    w.sign_in(7, Post.A)
    w.current_ticket = 11
    w.sign_in(8, Post.B)
    assert (w.clerk, w.post, w.current_ticket) == (8, Post.B, 11)
    assert w.serves_every_category and w.serves("Z")
