"""A statement run by the driver stores and reads exactly what SQLAlchemy's own execution does,
on real SQLite and (when present) real PostgreSQL."""
import datetime as dt

import pytest
from sqlalchemy import bindparam, func, insert, select

from hall.adapters import tables as t
from hall.adapters.prepared import Prepared

AT = dt.datetime(2026, 11, 23, 1, 30, 15, 123456, tzinfo=dt.timezone.utc)
AUDIT_INSERT = Prepared(insert(t.audit_event).values(
    {c: bindparam(c) for c in ("at", "kind", "ticket_id", "data")}).returning(t.audit_event.c.id))
LATEST = Prepared(select(func.count(), func.max(t.audit_event.c.at))
                  .where(t.audit_event.c.kind == bindparam("kind"), t.audit_event.c.at >= bindparam("since")))
FIRST_ISSUED = Prepared(select(t.audit_event.c.id, t.audit_event.c.data)
                        .where(t.audit_event.c.kind == "ticket.issued").order_by(t.audit_event.c.id).limit(1))


def test_types_go_in_and_come_out_as_with_sqlalchemy(engine):
    data = {"number": "A001", "名字": "张*", "nested": [1, None, True]}
    with engine.begin() as conn:
        first = AUDIT_INSERT.scalar(conn, {"at": AT, "kind": "ticket.issued", "ticket_id": None, "data": data})
        AUDIT_INSERT.run(conn, {"at": AT + dt.timedelta(seconds=1), "kind": "ticket.issued", "ticket_id": 7,
                                "data": {}})
        count, latest = LATEST.first(conn, {"kind": "ticket.issued", "since": AT})
        constant_binds = FIRST_ISSUED.first(conn)   # the constant kind and LIMIT 1 travel too
        stored = conn.execute(select(t.audit_event).where(t.audit_event.c.id == first)).one()
    assert (count, latest.replace(tzinfo=dt.timezone.utc)) == (2, AT + dt.timedelta(seconds=1))
    assert stored.at.replace(tzinfo=dt.timezone.utc) == AT and stored.data == data
    assert constant_binds[0] == first and constant_binds[1] == data
    with engine.begin() as conn:
        assert LATEST.first(conn, {"kind": "nothing", "since": AT}) == (0, None)
        assert FIRST_ISSUED.scalar(conn) == first


def test_it_runs_inside_the_callers_transaction(engine):
    with engine.connect() as conn:
        with conn.begin() as tx:
            AUDIT_INSERT.run(conn, {"at": AT, "kind": "rolled.back", "ticket_id": None, "data": {}})
            tx.rollback()
        assert LATEST.first(conn, {"kind": "rolled.back", "since": AT})[0] == 0


def test_a_missing_parameter_is_an_error_not_a_null(engine):
    with engine.begin() as conn, pytest.raises(KeyError):
        AUDIT_INSERT.run(conn, {"at": AT, "kind": "x", "data": {}})


def test_lists_expanded_at_run_time_are_refused(engine):
    many = Prepared(select(t.audit_event.c.id).where(t.audit_event.c.kind.in_(bindparam("kinds", expanding=True))))
    with engine.begin() as conn, pytest.raises(ValueError, match="expand"):
        many.rows(conn, {"kinds": ["a", "b"]})


def test_a_parameter_without_a_type_is_refused(engine):
    """Its value would skip the type's bind processor (a datetime compared as the wrong text)."""
    untyped = Prepared(select(t.audit_event.c.id).where(t.audit_event.c.at > bindparam("since")).where(
        t.audit_event.c.id == func.abs(bindparam("n"))))
    with engine.begin() as conn, pytest.raises(ValueError, match="'n' has no type"):
        untyped.rows(conn, {"since": AT, "n": 1})
