"""Hypothesis strategies for tickets and windows."""
import datetime as dt

from hypothesis import strategies as st

from hall.domain.model import Priority, Ticket, TicketStatus, Window

T0 = dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.timezone.utc)
CATEGORIES = ["A", "B", "C"]
WINDOWS = [1, 2, 3]


@st.composite
def waiting_tickets(draw, max_size=25):
    """Waiting tickets with distinct ids; some share a queued_at, some were transferred."""
    n = draw(st.integers(0, max_size))
    out = []
    for i in range(1, n + 1):
        minute = draw(st.integers(0, 30))
        issued = T0 + dt.timedelta(minutes=minute)
        out.append(Ticket(
            prefix=draw(st.sampled_from(CATEGORIES)), number=i, business_date=T0.date(),
            category=draw(st.sampled_from(CATEGORIES)), priority=draw(st.sampled_from(list(Priority))),
            issued_at=issued, track_token=f"t{i}", id=i, status=TicketStatus.WAITING,
            transferred_to_window=draw(st.one_of(st.none(), st.none(), st.sampled_from(WINDOWS)))))
    return out


def windows():
    return st.builds(
        lambda n, cats: Window(number=n, zone="Z", categories=frozenset(cats)),
        st.sampled_from(WINDOWS),
        st.one_of(st.just(["*"]), st.lists(st.sampled_from(CATEGORIES), min_size=1, unique=True)))
