"""Who is called next, and what a waiting visitor is told (ahead, estimated wait), over HTTP."""
from __future__ import annotations


def test_calling_order_at_a_window_that_serves_every_category(hall):
    """Transferred here first, then appointment and green, then the rest; longest waiting first in each."""
    zone_clerk = hall.clerk("clerk1", 5)
    any_clerk = hall.clerk("clerk3", 1)
    transferred = hall.issue("A")
    hall.call_next(zone_clerk, 5)
    regular_a = hall.issue("A")
    regular_b = hall.issue("B")
    green_c = hall.issue("C", priority="green")
    appointment_a = hall.issue("A", appointment_code="YY-2026-0001")
    assert appointment_a["priority"] == "appointment"
    hall.at(zone_clerk, 5, "transfer", json={"window": 1})

    queue = hall.call("GET", "/windows/1/queue", any_clerk).json()["tickets"]
    expected = [transferred, green_c, appointment_a, regular_a, regular_b]
    assert [t["id"] for t in queue] == [t["id"] for t in expected]
    called = []
    for _ in expected:
        called.append(hall.call_next(any_clerk, 1)["id"])
        hall.at(any_clerk, 1, "finish")
    assert called == [t["id"] for t in expected]
    assert hall.at(any_clerk, 1, "call-next", expect=204) is None


def test_a_zone_window_calls_only_its_categories(hall):
    clerk = hall.clerk("clerk1", 14)     # window 14 serves D and E
    hall.issue("A", priority="green")
    d = hall.issue("D")
    e = hall.issue("E")
    for expected in (d, e):
        assert hall.call_next(clerk, 14)["id"] == expected["id"]
        hall.at(clerk, 14, "finish")
    assert hall.at(clerk, 14, "call-next", expect=204) is None


def test_ahead_counts_only_the_own_line_called_before(hall):
    first = hall.issue("A")
    hall.issue("B")
    second = hall.issue("A")
    green = hall.issue("A", priority="green")
    ahead = {t["id"]: hall.ticket(t["id"])["ahead"] for t in (first, second, green)}
    assert ahead == {green["id"]: 0, first["id"]: 1, second["id"]: 2}
    track = hall.call("GET", "/track/" + second["track_url"].rsplit("/", 1)[1]).json()["ticket"]
    assert track["ahead"] == 2


def test_estimated_wait_grows_with_the_line_and_shrinks_with_open_windows(hall):
    tickets = [hall.issue("A") for _ in range(4)]
    waits = [hall.ticket(t["id"])["estimated_wait_s"] for t in tickets]
    assert waits[0] == 0
    assert 0 < waits[1] < waits[2] < waits[3]
    hall.clerk("clerk1", 5)
    hall.clerk("clerk2", 6)
    hall.clerk("clerk3", 7)
    with_three_windows = hall.ticket(tickets[3]["id"])["estimated_wait_s"]
    assert 0 < with_three_windows < waits[3]
    category_a = next(c for c in hall.call("GET", "/categories").json()["categories"] if c["code"] == "A")
    assert category_a["waiting"] == 4 and category_a["estimated_wait_s"] > 0
