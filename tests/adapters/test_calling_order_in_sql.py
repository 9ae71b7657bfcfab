"""The database adapter orders and counts the queue exactly as routing does,
on real SQLite and (when present) real PostgreSQL."""
import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import delete

from hall.adapters import tables
from hall.adapters.unit_of_work import UnitOfWork
from hall.domain import routing
from hall.domain.model import Category, Zone
from tests.domain.strategies import CATEGORIES, waiting_tickets, windows


@pytest.fixture(autouse=True)
def categories(engine):
    with UnitOfWork(engine) as uow:
        uow.layout.save_zone(Zone("Z", "zone"))
        for code in CATEGORIES:
            uow.layout.save_category(Category(code, code, "Z"))
        uow.commit()


def store(engine, tickets):
    """Insert copies of the tickets; returns database id -> strategy ticket."""
    by_db_id = {}
    with UnitOfWork(engine) as uow:
        uow.conn.execute(delete(tables.ticket))
        for t in tickets:
            copy = dataclasses.replace(t, id=None)
            uow.tickets.add(copy)
            t.id = copy.id
            by_db_id[copy.id] = t
        uow.commit()
    return by_db_id


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tickets=waiting_tickets(), window=windows())
def test_sql_calling_order_and_ahead_match_routing(engine, tickets, window):
    store(engine, tickets)
    with UnitOfWork(engine) as uow:
        in_sql = [t.id for t in uow.tickets.calling_order(window)]
        claimed = uow.tickets.claim_next(window)
        ahead_sql = {t.id: uow.tickets.ahead(t) for t in tickets}
        stats_sql = {c: uow.tickets.queue_stats(c).get(c) for c in CATEGORIES}
    stats = {c: (len(line), min(t.queued_at for t in line)) if line else None
             for c in CATEGORIES for line in [[t for t in tickets if t.category == c]]}
    assert stats_sql == stats
    assert in_sql == [t.id for t in routing.calling_order(window, tickets)]
    assert (claimed.id if claimed else None) == (in_sql[0] if in_sql else None)
    assert ahead_sql == {t.id: routing.ahead_of(t, tickets) for t in tickets}
