"""SIGKILL in the middle of a burst of issues: whatever was answered 201 survives, numbering goes on."""
from __future__ import annotations

import time

from tests.api.conftest import Hall
from tests.concurrency.conftest import Issuer, assert_gapless, numbers_by_prefix

THREADS = 6


def test_killed_server_keeps_every_issued_ticket(hall_server, shared_db):
    server = hall_server.spawn(shared_db)
    kiosk = server.tokens["kiosk-1"]
    issuers = [Issuer([server], kiosk, ["A", "B"]) for _ in range(THREADS)]
    for t in issuers:
        t.start()
    deadline = time.monotonic() + 30
    while sum(len(t.issued) for t in issuers) < 100 and time.monotonic() < deadline:
        time.sleep(0.05)
    server.kill()
    for t in issuers:
        t.stop.set()
        t.join(60)
    answered = [ticket for t in issuers for ticket in t.issued]
    assert len(answered) >= 100 and not [f for t in issuers for f in t.failures]

    server.start()
    hall = Hall(server)
    for ticket in answered:
        assert hall.ticket(ticket["id"])["number"] == ticket["number"], "a ticket answered 201 was lost"
    before = numbers_by_prefix(shared_db)
    assert_gapless(before)
    for prefix in ("A", "B"):
        assert hall.issue(prefix)["number"] == f"{prefix}{len(before[prefix]) + 1:03d}"
    assert_gapless(numbers_by_prefix(shared_db))
