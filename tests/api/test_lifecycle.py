"""A ticket's life through the HTTP API of a real server: issue, call, serve, transfer, no-show."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.api.conftest import assert_error

TICKET_KEYS = {"id", "number", "category", "status", "priority", "issued_at", "called_at", "window",
               "ahead", "estimated_wait_s", "track_url"}


def test_issued_ticket_has_the_contract_shape(hall):
    first = hall.issue("A")
    second = hall.issue("A", priority="green")
    assert TICKET_KEYS <= set(first)
    assert (first["number"], first["status"], first["priority"], first["window"]) == ("A001", "waiting", "normal", None)
    assert second["number"] == "A002" and second["priority"] == "green"
    issued = dt.datetime.fromisoformat(first["issued_at"])
    assert issued.utcoffset() == dt.timedelta(hours=8)  # Asia/Shanghai, with its offset
    assert first["called_at"] is None
    assert first["track_url"].startswith(hall.server.url + "/t/")
    assert hall.ticket(first["id"])["number"] == "A001"


def test_idempotency_key_repeated_returns_the_same_ticket(hall):
    headers = {"Idempotency-Key": "kiosk-1-tap-42"}
    first = hall.call("POST", "/tickets", hall.kiosk, json={"category": "B"}, headers=dict(headers))
    again = hall.call("POST", "/tickets", hall.kiosk, json={"category": "B"}, headers=dict(headers))
    other = hall.call("POST", "/tickets", hall.kiosk, json={"category": "B"}, headers={"Idempotency-Key": "tap-43"})
    assert first.status_code == 201 and again.status_code == 200 and other.status_code == 201
    assert again.json()["ticket"]["id"] == first.json()["ticket"]["id"]
    assert other.json()["ticket"]["number"] == "B002"
    # Another issuer's identical key is its own namespace.
    by_supervisor = hall.call("POST", "/tickets", hall.supervisor, json={"category": "B"}, headers=dict(headers))
    assert by_supervisor.status_code == 201 and by_supervisor.json()["ticket"]["number"] == "B003"


def test_call_serve_finish(hall):
    clerk = hall.clerk("clerk1", 5)
    assert hall.at(clerk, 5, "call-next", expect=204) is None
    ticket = hall.issue("A")
    called = hall.call_next(clerk, 5)
    assert (called["id"], called["status"], called["window"]) == (ticket["id"], "called", 5)
    assert called["called_at"] is not None
    assert_error(hall.call("POST", "/windows/5/call-next", clerk), 409, "window_busy")
    assert hall.at(clerk, 5, "recall")["ticket"]["recalls"] == 1
    assert hall.at(clerk, 5, "start")["ticket"]["status"] == "serving"
    assert_error(hall.call("POST", "/windows/5/start", clerk), 409, "invalid_state")
    done = hall.at(clerk, 5, "finish")["ticket"]
    assert done["status"] == "done"
    kinds = [e["kind"] for e in hall.events() if e["ticket_id"] == ticket["id"]]
    assert kinds == ["ticket.issued", "ticket.called", "ticket.recalled", "ticket.started", "ticket.finished"]
    # Finishing asked window 5's pad for a rating: it may now give one.
    r = hall.call("POST", "/evaluations", hall.server.tokens["pad-5"], json={"ticket_id": ticket["id"], "level": 5})
    assert r.status_code == 201, r.text
    assert hall.at(clerk, 5, "call-next", expect=204) is None


def test_finish_straight_from_called(hall):
    clerk = hall.clerk("clerk1", 5)
    hall.issue("A")
    called = hall.call_next(clerk, 5)
    done = hall.at(clerk, 5, "finish")["ticket"]
    assert done["status"] == "done" and done["id"] == called["id"]


@pytest.mark.parametrize("action", ["recall", "start", "finish", "no-show"])
def test_actions_on_an_empty_window_are_no_current_ticket(hall, action):
    clerk = hall.clerk("clerk1", 5)
    assert_error(hall.call("POST", f"/windows/5/{action}", clerk), 409, "no_current_ticket")


def test_transfer_without_a_current_ticket(hall):
    clerk = hall.clerk("clerk1", 5)
    assert_error(hall.call("POST", "/windows/5/transfer", clerk, json={"category": "B"}), 409, "no_current_ticket")


def test_no_show_then_reinstate_queues_behind_those_who_stayed(hall):
    clerk = hall.clerk("clerk1", 5)
    late = hall.issue("A")
    stayed = hall.issue("A")
    hall.call_next(clerk, 5)
    assert hall.at(clerk, 5, "no-show")["ticket"]["status"] == "no_show"
    assert_error(hall.call("POST", f"/tickets/{stayed['id']}/reinstate", hall.kiosk), 409, "invalid_state")
    back = hall.call("POST", f"/tickets/{late['id']}/reinstate", hall.kiosk)
    assert back.status_code == 200, back.text
    assert back.json()["ticket"]["status"] == "waiting"
    assert back.json()["ticket"]["ahead"] == 1
    assert hall.call_next(clerk, 5)["id"] == stayed["id"]
    hall.at(clerk, 5, "finish")
    assert hall.call_next(clerk, 5)["id"] == late["id"]
    assert_error(hall.call("POST", "/tickets/999999/reinstate", hall.supervisor), 404, "not_found")


def test_transfer_to_category_keeps_id_number_and_place(hall):
    """首问负责: A001 went to the wrong line; in B it is called before B tickets taken after it."""
    a_clerk = hall.clerk("clerk1", 5)
    b_clerk = hall.clerk("clerk2", 8)
    misdirected = hall.issue("A")
    later_b = hall.issue("B")
    hall.call_next(a_clerk, 5)
    moved = hall.at(a_clerk, 5, "transfer", json={"category": "B"})["ticket"]
    assert (moved["id"], moved["number"], moved["category"], moved["status"]) == \
        (misdirected["id"], "A001", "B", "waiting")
    assert moved["ahead"] == 0
    assert hall.call("GET", f"/tickets/{later_b['id']}", hall.supervisor).json()["ticket"]["ahead"] == 1
    assert hall.at(a_clerk, 5, "call-next", expect=204) is None   # window 5 is free again and A is empty
    assert hall.call_next(b_clerk, 8)["id"] == misdirected["id"]
    event = [e for e in hall.events() if e["kind"] == "ticket.transferred"][0]
    assert event["data"]["from_category"] == "A" and event["data"]["to_category"] == "B"


def test_transfer_to_window_goes_first_there_and_nowhere_else(hall):
    a_clerk = hall.clerk("clerk1", 5)
    b_clerk = hall.clerk("clerk2", 8)
    any_clerk = hall.clerk("clerk3", 1)
    hall.issue("B", appointment_code="WX-1")   # priority, but a transfer to the window beats it
    sent = hall.issue("A")
    hall.call_next(a_clerk, 5)                 # A001 is the only A ticket
    moved = hall.at(a_clerk, 5, "transfer", json={"window": 8})["ticket"]
    assert moved["transferred_to_window"] == 8 and moved["category"] == "A"
    assert hall.call_next(any_clerk, 1)["number"] == "B001"   # the 无差别 window does not get it
    hall.at(any_clerk, 1, "finish")
    assert hall.at(any_clerk, 1, "call-next", expect=204) is None
    assert hall.call_next(b_clerk, 8)["id"] == sent["id"]


@pytest.mark.parametrize("body, status, code", [
    ({"category": "ZZ"}, 404, "unknown_category"),
    ({"window": 999}, 404, "not_found"),
    ({"window": 5}, 422, "validation_error"),
    ({"category": "B", "window": 8}, 422, "validation_error"),
    ({}, 422, "validation_error"),
])
def test_bad_transfer_leaves_the_ticket_at_the_window(hall, body, status, code):
    clerk = hall.clerk("clerk1", 5)
    ticket = hall.issue("A")
    hall.call_next(clerk, 5)
    assert_error(hall.call("POST", "/windows/5/transfer", clerk, json=body), status, code)
    after = hall.ticket(ticket["id"])
    assert (after["status"], after["window"], after["category"]) == ("called", 5, "A")


def window_state(hall, number: int) -> dict:
    r = hall.call("GET", "/hall", hall.supervisor)
    assert r.status_code == 200
    return next(w for w in r.json()["windows"] if w["number"] == number)


def test_pause_and_resume(hall):
    clerk = hall.clerk("clerk1", 5)
    assert window_state(hall, 5)["state"] == "open"
    paused = hall.at(clerk, 5, "pause", json={"reason": "午休"})["window"]
    assert (paused["state"], paused["pause_reason"]) == ("paused", "午休")
    assert window_state(hall, 5)["state"] == "paused"
    assert_error(hall.call("POST", "/windows/5/pause", clerk, json={"reason": "  "}), 422, "validation_error")
    assert hall.at(clerk, 5, "resume")["window"]["state"] == "open"
    hall.issue("A")
    hall.call_next(clerk, 5)
    assert window_state(hall, 5)["state"] == "busy"
    assert window_state(hall, 6)["state"] == "closed"


def test_put_categories_changes_who_a_window_calls(hall):
    clerk = hall.clerk("clerk1", 5)
    hall.issue("A")
    b = hall.issue("B")
    r = hall.call("PUT", "/windows/5/categories", hall.supervisor, json={"categories": ["B"]})
    assert r.status_code == 200, r.text
    assert r.json()["window"]["categories"] == ["B"]
    assert hall.call_next(clerk, 5)["id"] == b["id"]
    assert_error(hall.call("PUT", "/windows/5/categories", clerk, json={"categories": ["A"]}), 403, "forbidden")
    assert_error(hall.call("PUT", "/windows/5/categories", hall.supervisor, json={"categories": ["QQ"]}),
                 404, "unknown_category")
    assert_error(hall.call("PUT", "/windows/5/categories", hall.supervisor, json={"categories": []}),
                 422, "validation_error")
    assert_error(hall.call("PUT", "/windows/99/categories", hall.supervisor, json={"categories": ["A"]}),
                 404, "not_found")


def test_sign_in_rules(hall):
    clerk = hall.server.login("clerk1")
    assert_error(hall.call("POST", "/windows/5/call-next", clerk), 409, "not_signed_in")
    hall.clerk("clerk2", 6)
    assert_error(hall.call("POST", "/windows/6/call-next", clerk), 403, "forbidden")
    assert hall.at(clerk, 5, "sign-in", json={"post": "A"})["window"]["clerk"]["username"] == "clerk1"
    # Moving to another window leaves the first one.
    hall.at(clerk, 7, "sign-in", json={"post": "B"})
    assert window_state(hall, 5)["state"] == "closed"
    assert window_state(hall, 7)["clerk"]["post"] == "B"
    # A clerk cannot leave a window with a visitor at it.
    hall.issue("A")
    hall.call_next(clerk, 7)
    assert_error(hall.call("POST", "/windows/7/sign-out", clerk), 409, "window_busy")
    hall.at(clerk, 7, "finish")
    assert hall.at(clerk, 7, "sign-out")["window"]["state"] == "closed"
    assert_error(hall.call("POST", "/windows/7/call-next", clerk), 409, "not_signed_in")
    assert_error(hall.call("POST", "/windows/5/sign-in", hall.supervisor, json={"post": "A"}), 403, "forbidden")


def test_unknown_things_are_404(hall):
    assert_error(hall.call("POST", "/tickets", hall.kiosk, json={"category": "ZZ"}), 404, "unknown_category")
    assert_error(hall.call("GET", "/tickets/424242", hall.supervisor), 404, "not_found")
    assert_error(hall.call("POST", "/windows/999/call-next", hall.server.login("clerk1")), 404, "not_found")
    assert_error(hall.call("GET", "/track/NoSuchTicketToken123"), 404, "not_found")
    assert_error(hall.call("GET", "/no/such/path"), 404, "not_found")


def test_b_post_takes_over_the_window_with_its_visitor(hall):
    """AB岗: B signs in while A is away; the visitor at the window stays, and the hand-over is recorded."""
    a = hall.clerk("clerk1", 5, post="A")
    ticket = hall.issue("A")
    hall.call_next(a, 5)
    b = hall.clerk("clerk2", 5, post="B")
    clerk = window_state(hall, 5)["clerk"]
    assert (clerk["username"], clerk["post"]) == ("clerk2", "B")
    assert_error(hall.call("POST", "/windows/5/finish", a), 403, "forbidden")
    assert hall.at(b, 5, "finish")["ticket"]["id"] == ticket["id"]
    handover = [e for e in hall.events() if e["kind"] == "window.signed_in"][-1]
    assert (handover["staff"], handover["data"]["post"]) == ("clerk2", "B")
    assert handover["data"]["handed_over_from"] is not None
