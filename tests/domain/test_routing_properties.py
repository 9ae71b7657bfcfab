"""Who is called next: properties of the one routing rule."""
import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from hall.domain import routing
from hall.domain.model import Priority, Ticket, TicketStatus, Window
from tests.domain.strategies import CATEGORIES, T0, WINDOWS, waiting_tickets, windows


def call_all(window: Window, tickets: list[Ticket]) -> list[Ticket]:
    """Call next at one window until nobody it serves waits; returns the calls in order."""
    calls = []
    while (t := routing.choose_next(window, tickets)) is not None:
        t.call(window.number, 1, T0)
        calls.append(t)
    return calls


@given(waiting_tickets(), windows())
def test_a_window_calls_every_ticket_it_may_serve_exactly_once(tickets, window):
    eligible = {t.id for t in tickets if routing.may_serve(window, t)}
    calls = call_all(window, tickets)
    assert [t.id for t in calls] == list(dict.fromkeys(t.id for t in calls))  # nobody twice
    assert {t.id for t in calls} == eligible                                  # nobody left behind


@given(waiting_tickets(), windows())
def test_classes_in_order_and_longest_waiting_first_within_a_class(tickets, window):
    key_of = {t.id: (routing.class_of(t, window.number), t.queued_at, t.id) for t in tickets}
    keys = [key_of[t.id] for t in call_all(window, tickets)]
    assert keys == sorted(keys)
    # transferred here, then appointment/green, then the rest
    classes = [k[0] for k in keys]
    assert classes == sorted(classes)


@given(waiting_tickets(), windows())
def test_a_ticket_transferred_to_another_window_is_left_to_that_window(tickets, window):
    transferred_to = {t.id: t.transferred_to_window for t in tickets}
    for t in call_all(window, tickets):
        assert transferred_to[t.id] in (None, window.number)


@given(waiting_tickets(), st.sampled_from(CATEGORIES))
def test_ahead_counts_the_tickets_of_its_line_called_before_it(tickets, category):
    # Calling a category's line at a window serving only it gives the order ahead_of predicts.
    window = Window(number=99, zone="Z", categories=frozenset({category}))
    line = [t for t in tickets if t.category == category and t.transferred_to_window is None]
    predicted = {t.id: routing.ahead_of(t, tickets) for t in line}
    calls = call_all(window, tickets)
    assert {t.id: i for i, t in enumerate(calls)} == predicted


@given(waiting_tickets(max_size=15), st.sampled_from(CATEGORIES), st.data())
def test_a_transferred_ticket_keeps_its_place_in_the_new_line(tickets, target, data):
    if not tickets:
        return
    moved = data.draw(st.sampled_from(tickets))
    moved.transferred_to_window = None
    moved.call(1, 1, T0 + dt.timedelta(hours=1))
    moved.transfer_to_category(target)
    window = Window(number=98, zone="Z", categories=frozenset({target}))
    calls = call_all(window, tickets)
    before_moved = calls[:calls.index(moved)]
    key = (routing.priority_class(moved.priority), moved.queued_at, moved.id)
    # exactly the tickets that were ahead of its original place come first
    assert all((routing.priority_class(t.priority), t.queued_at, t.id) < key for t in before_moved)
    assert all((routing.priority_class(t.priority), t.queued_at, t.id) > key
               for t in calls[calls.index(moved) + 1:])


class Hall(RuleBasedStateMachine):
    """Random days at three windows: issue, call, serve, transfer, no-show, reinstate."""

    def __init__(self):
        super().__init__()
        self.tickets: list[Ticket] = []
        self.windows = {n: Window(number=n, zone="Z", categories=frozenset(c), clerk=n)
                        for n, c in zip(WINDOWS, (["*"], ["A"], ["B", "C"]))}
        self.clock = T0
        self.served: list[int] = []
        self.calls: list[tuple[int, int]] = []

    def tick(self) -> dt.datetime:
        self.clock += dt.timedelta(seconds=30)
        return self.clock

    def current(self, n: int) -> Ticket:
        return next(t for t in self.tickets if t.id == self.windows[n].current_ticket)

    @rule(category=st.sampled_from(CATEGORIES), priority=st.sampled_from(list(Priority)))
    def issue(self, category, priority):
        i = len(self.tickets) + 1
        self.tickets.append(Ticket(prefix=category, number=i, business_date=T0.date(), category=category,
                                   priority=priority, issued_at=self.tick(), track_token=f"t{i}", id=i))

    @rule(n=st.sampled_from(WINDOWS))
    def call_next(self, n):
        w = self.windows[n]
        if w.current_ticket is not None:
            return
        t = routing.choose_next(w, self.tickets)
        if t is not None:
            t.call(n, w.clerk, self.tick())
            w.current_ticket = t.id
            self.calls.append((t.id, n))

    @rule(n=st.sampled_from(WINDOWS), start_first=st.booleans())
    def finish(self, n, start_first):
        if self.windows[n].current_ticket is None:
            return
        t = self.current(n)
        if start_first and t.status is TicketStatus.CALLED:
            t.start(self.tick())
        t.finish(self.tick())
        self.served.append(t.id)
        self.windows[n].current_ticket = None

    @rule(n=st.sampled_from(WINDOWS))
    def no_show(self, n):
        if self.windows[n].current_ticket is None or self.current(n).status is not TicketStatus.CALLED:
            return
        self.current(n).mark_no_show(self.tick())
        self.windows[n].current_ticket = None

    @rule(n=st.sampled_from(WINDOWS), category=st.sampled_from(CATEGORIES), to_window=st.sampled_from(WINDOWS),
          by_window=st.booleans())
    def transfer(self, n, category, to_window, by_window):
        if self.windows[n].current_ticket is None:
            return
        t = self.current(n)
        t.transfer_to_window(to_window) if by_window else t.transfer_to_category(category)
        self.windows[n].current_ticket = None

    @precondition(lambda self: any(t.status is TicketStatus.NO_SHOW for t in self.tickets))
    @rule(data=st.data())
    def reinstate(self, data):
        t = data.draw(st.sampled_from([t for t in self.tickets if t.status is TicketStatus.NO_SHOW]))
        t.reinstate(self.tick())

    @invariant()
    def no_ticket_served_twice(self):
        assert len(self.served) == len(set(self.served))

    @invariant()
    def each_open_ticket_is_at_one_window_at_most(self):
        current = [w.current_ticket for w in self.windows.values() if w.current_ticket is not None]
        assert len(current) == len(set(current))
        for n, w in self.windows.items():
            if w.current_ticket is not None:
                t = self.current(n)
                assert t.status in (TicketStatus.CALLED, TicketStatus.SERVING) and t.window == n
        for t in self.tickets:
            if t.status in (TicketStatus.CALLED, TicketStatus.SERVING):
                assert self.windows[t.window].current_ticket == t.id

    @invariant()
    def waiting_tickets_have_no_window(self):
        for t in self.tickets:
            if t.status is TicketStatus.WAITING:
                assert t.window is None and t.called_at is None


TestHallDay = Hall.TestCase
TestHallDay.settings = settings(max_examples=60, stateful_step_count=60, deadline=None)
