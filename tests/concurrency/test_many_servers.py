"""Several server processes on one database, issuing and calling at once: every number once, no gaps,
every ticket called by exactly one window."""
from __future__ import annotations

import collections
import threading
from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa

from tests.concurrency.conftest import Clerk, Issuer, assert_gapless, numbers_by_prefix

KIOSKS, TICKETS_EACH = 8, 30
CLERKS = [("clerk1", 1), ("clerk2", 2), ("clerk3", 3), ("clerk5", 5)]   # 1-3 serve all, 5 serves A


def servers_for(db: str) -> int:
    return 4 if db.startswith("sqlite") else 3


def test_servers_issue_and_call_at_once(hall_server, shared_db):
    servers = [hall_server.spawn(shared_db) for _ in range(servers_for(shared_db))]
    kiosk = servers[0].tokens["kiosk-1"]
    clerks = [Clerk(servers, username, window) for username, window in CLERKS]
    issuers = [Issuer(servers[i % len(servers):] + servers[:i % len(servers)], kiosk, ["A", "B", "C"], TICKETS_EACH)
               for i in range(KIOSKS)]
    for t in clerks + issuers:
        t.start()
    for t in issuers:
        t.join(300)
    for t in clerks:
        t.stop.set()
    for t in clerks:
        t.join(300)
    assert not [f for t in issuers + clerks for f in t.failures]

    issued = [ticket for t in issuers for ticket in t.issued]
    assert len(issued) == KIOSKS * TICKETS_EACH
    assert len({t["number"] for t in issued}) == len(issued), "a number was handed out twice"
    numbers = numbers_by_prefix(shared_db)
    assert sum(map(len, numbers.values())) == len(issued)
    assert_gapless(numbers)

    called = [ticket["id"] for t in clerks for ticket in t.called]
    duplicates = [tid for tid, n in collections.Counter(called).items() if n > 1]
    assert duplicates == [], "tickets called twice"
    assert sorted(called) == sorted(t["id"] for t in issued), "every ticket is called exactly once"
    assert all(ticket["category"] == "A" for ticket in clerks[3].called), "window 5 serves A only"
    engine = sa.create_engine(shared_db)
    with engine.connect() as conn:
        calls = conn.execute(sa.text("SELECT ticket_id, count(*) FROM audit_event WHERE kind = 'ticket.called' "
                                     "GROUP BY ticket_id HAVING count(*) > 1")).all()
        statuses = conn.execute(sa.text("SELECT status, count(*) FROM ticket GROUP BY status")).all()
    engine.dispose()
    assert calls == []
    assert dict(statuses) == {"done": len(issued)}


def test_one_idempotency_key_on_every_server_at_once_gets_one_ticket(hall_server, shared_db):
    """A kiosk retrying one tap through several nodes at once still gets exactly one ticket."""
    servers = [hall_server.spawn(shared_db) for _ in range(2)]
    kiosk = servers[0].tokens["kiosk-1"]
    barrier = threading.Barrier(16)

    def tap(server):
        barrier.wait()
        return server.call("POST", "/tickets", kiosk, json={"category": "A"}, headers={"Idempotency-Key": "tap-7"})

    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(tap, [servers[i % 2] for i in range(16)]))
    assert sorted(r.status_code for r in answers) == [200] * 15 + [201], [r.text for r in answers]
    assert {r.json()["ticket"]["number"] for r in answers} == {"A001"}
    assert numbers_by_prefix(shared_db) == {"A": [1]}
