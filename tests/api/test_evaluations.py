"""好差评: the pad of the ticket's window rates it once, in time, with reasons for a bad rating."""
from __future__ import annotations

import time

import pytest

from tests.api.conftest import Hall, assert_error


def finished_ticket(hall, window: int = 5, category: str = "A") -> dict:
    clerk = hall.clerk("clerk1", window)
    ticket = hall.issue(category)
    hall.call_next(clerk, window)
    hall.at(clerk, window, "finish")
    return ticket


def rate(hall, token: str, ticket_id: int, **body):
    return hall.call("POST", "/evaluations", token, json={"ticket_id": ticket_id, **body})


def test_the_windows_pad_rates_once(hall):
    ticket = finished_ticket(hall)
    pad = hall.server.tokens["pad-5"]
    r = rate(hall, pad, ticket["id"], level=4, comment="很快")
    assert r.status_code == 201, r.text
    evaluation = r.json()["evaluation"]
    assert (evaluation["ticket_id"], evaluation["level"], evaluation["window"]) == (ticket["id"], 4, 5)
    assert_error(rate(hall, pad, ticket["id"], level=5), 409, "already_evaluated")
    assert [e["data"]["level"] for e in hall.events() if e["kind"] == "ticket.evaluated"] == [4]


@pytest.mark.parametrize("caller", ["pad-1", "kiosk-1", "lobby", "screen-5", "clerk1", "supervisor"])
def test_only_the_pad_of_the_tickets_window_may_rate(hall, caller):
    ticket = finished_ticket(hall)
    token = hall.server.tokens.get(caller) or hall.server.login(caller)
    assert_error(rate(hall, token, ticket["id"], level=5), 403, "forbidden")
    assert rate(hall, hall.server.tokens["pad-5"], ticket["id"], level=5).status_code == 201


def test_a_bad_rating_needs_reasons_and_raises_an_alarm(hall):
    ticket = finished_ticket(hall)
    pad = hall.server.tokens["pad-5"]
    for level in (1, 2):
        assert_error(rate(hall, pad, ticket["id"], level=level), 422, "validation_error")
    assert_error(rate(hall, pad, ticket["id"], level=2, reasons=["不好"]), 422, "validation_error")
    r = rate(hall, pad, ticket["id"], level=1, reasons=["服务态度"])
    assert r.status_code == 201, r.text
    alarms = hall.call("GET", "/hall", hall.supervisor).json()["alarms"]
    assert [(a["kind"], a["ticket"]) for a in alarms] == [("bad_rating", ticket["id"])]
    assert hall.call("GET", "/hall", hall.server.tokens["lobby"]).json()["alarms"] == []   # supervisors' only


@pytest.mark.parametrize("body, status, code", [
    ({"level": 0}, 422, "validation_error"),
    ({"level": 6}, 422, "validation_error"),
    ({"level": 4.5}, 422, "validation_error"),
    ({"level": None}, 422, "validation_error"),
    ({"level": 5, "ticket_id": 987654}, 404, "not_found"),
])
def test_bad_ratings_are_refused(hall, body, status, code):
    ticket = finished_ticket(hall)
    assert_error(rate(hall, hall.server.tokens["pad-5"], **{"ticket_id": ticket["id"], **body}), status, code)


def test_a_ticket_not_done_cannot_be_rated(hall):
    clerk = hall.clerk("clerk1", 5)
    ticket = hall.issue("A")
    hall.call_next(clerk, 5)
    assert_error(rate(hall, hall.server.tokens["pad-5"], ticket["id"], level=5), 409, "invalid_state")


def test_a_lapsed_request_cannot_be_rated(hall_server, monkeypatch):
    monkeypatch.setenv("HALL_EVALUATION_TIMEOUT_S", "1")
    hall = Hall(hall_server.spawn())
    ticket = finished_ticket(hall)
    time.sleep(1.5)
    assert_error(rate(hall, hall.server.tokens["pad-5"], ticket["id"], level=5), 409, "evaluation_expired")
    report = hall.call("GET", "/reports/daily", hall.supervisor).json()
    assert (report["totals"]["evaluations"], report["totals"]["not_rated"]) == (0, 1)
