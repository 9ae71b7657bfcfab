"""Who may do what: staff logins (argon2, restart-proof, revocable, throttled) and device tokens."""
from __future__ import annotations

import time

import pytest
import requests
import sqlalchemy as sa

from tests.api.conftest import assert_error
from tests.conftest import DEMO_PASSWORD, run_hall


def test_passwords_are_stored_as_argon2_hashes(hall):
    engine = sa.create_engine(hall.server.db)
    with engine.connect() as conn:
        hashes = conn.execute(sa.text("SELECT password_hash FROM staff")).scalars().all()
    engine.dispose()
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)
    assert not any(DEMO_PASSWORD in h for h in hashes)


def test_login_answers_token_and_role(hall):
    r = hall.call("POST", "/auth/login", json={"username": "clerk1", "password": DEMO_PASSWORD})
    assert r.status_code == 200
    assert r.json()["role"] == "clerk" and len(r.json()["token"]) >= 32
    assert_error(hall.call("POST", "/auth/login", json={"username": "clerk1", "password": "wrong"}),
                 401, "unauthorized")
    assert_error(hall.call("POST", "/auth/login", json={"username": "nobody", "password": "x" * 10}),
                 401, "unauthorized")


def test_a_login_and_a_sign_in_survive_a_restart_until_logout_and_sign_out(hall):
    clerk = hall.clerk("clerk1", 5)
    hall.server.restart()
    assert hall.call("GET", "/me", clerk).json()["window"] == 5
    hall.issue("A")
    assert hall.call_next(clerk, 5)["window"] == 5
    hall.at(clerk, 5, "finish")
    hall.at(clerk, 5, "sign-out")
    hall.server.restart()
    assert_error(hall.call("POST", "/windows/5/call-next", clerk), 409, "not_signed_in")
    assert hall.call("POST", "/auth/logout", clerk).status_code == 204
    assert_error(hall.call("GET", "/me", clerk), 401, "unauthorized")
    hall.server.restart()
    assert_error(hall.call("GET", "/me", clerk), 401, "unauthorized")


def test_a_new_login_keeps_the_window(hall):
    hall.clerk("clerk1", 5)
    again = hall.server.login("clerk1")
    hall.issue("A")
    assert hall.call_next(again, 5)["number"] == "A001"


def test_repeated_failed_logins_are_slowed_down(hall):
    wrong = {"username": "clerk2", "password": "not-the-password"}
    statuses = [hall.call("POST", "/auth/login", json=wrong).status_code for _ in range(5)]
    assert statuses == [401] * 5
    r = hall.call("POST", "/auth/login", json={"username": "clerk2", "password": DEMO_PASSWORD})
    error = assert_error(r, 429, "too_many_attempts")
    assert int(r.headers["Retry-After"]) > 0, error
    # Other accounts are not locked out by it.
    assert hall.call("POST", "/auth/login", json={"username": "clerk3", "password": DEMO_PASSWORD}).status_code == 200
    assert [e["data"]["username"] for e in hall.events() if e["kind"] == "login.failed"] == ["clerk2"] * 5


@pytest.mark.parametrize("header", ["Bearer nonsense", "Bearer ", "Basic Y2xlcmsxOmRlbW8=", "bearer", "demo-0"])
def test_bad_tokens_are_401(shared_hall, header):
    r = requests.get(shared_hall.server.api + "/hall", headers={"Authorization": header}, timeout=10)
    assert_error(r, 401, "unauthorized")


# What each kind of caller is refused: (caller, method, path, body).
REFUSED = [
    (who, "POST", "/tickets", {"category": "A"}) for who in ("clerk1", "lobby", "screen-1", "pad-1")
] + [
    (who, "POST", "/windows/1/call-next", None) for who in ("supervisor", "kiosk-1", "lobby", "screen-1", "pad-1")
] + [
    (who, "PUT", "/windows/1/categories", {"categories": ["A"]}) for who in ("clerk1", "kiosk-1", "lobby", "pad-1")
] + [
    (who, "GET", "/tickets/1", None) for who in ("kiosk-1", "lobby", "pad-1")
] + [
    (who, "POST", "/windows/1/sign-in", {"post": "A"}) for who in ("supervisor", "kiosk-1", "lobby")
] + [
    (who, "GET", "/events", None) for who in ("clerk1", "lobby", "agent-1")
] + [
    ("pad-1", "POST", "/tickets/1/reinstate", None), ("lobby", "POST", "/windows/1/pause", {"reason": "x"}),
]


@pytest.mark.parametrize("who, method, path, body", REFUSED)
def test_callers_may_only_do_their_part(shared_hall, who, method, path, body):
    token = shared_hall.server.tokens.get(who) or shared_hall.server.login(who)
    before = shared_hall.row_counts()
    assert_error(shared_hall.call(method, path, token, json=body), 403, "forbidden")
    assert shared_hall.row_counts() == before


@pytest.mark.parametrize("who", ["lobby", "lobby-bdc", "screen-3", "supervisor", "clerk2"])
def test_displays_and_staff_read_the_hall(shared_hall, who):
    token = shared_hall.server.tokens.get(who) or shared_hall.server.login(who)
    assert shared_hall.call("GET", "/hall", token).status_code == 200


def test_an_agent_bound_to_a_zone_acts_only_for_its_windows(hall):
    """A zone's device agent drives the keypads (callers, evaluators) of that zone's windows only."""
    out = run_hall("device", "add", "agent-bdc", "--kind", "agent", "--zone", "BDC", db=hall.server.db).stdout
    agent = out.strip().splitlines()[-1]
    clerk5, clerk1 = hall.clerk("clerk1", 5), hall.clerk("clerk2", 1)
    mine, other = hall.issue("A"), hall.issue("B")
    assert hall.at(agent, 5, "call-next")["ticket"]["id"] == mine["id"]
    assert_error(hall.call("POST", "/windows/1/call-next", agent), 403, "forbidden")
    assert hall.call_next(clerk1, 1)["id"] == other["id"]
    hall.at(clerk5, 5, "finish")
    hall.at(clerk1, 1, "finish")
    assert_error(hall.call("POST", "/evaluations", agent, json={"ticket_id": other["id"], "level": 5}),
                 403, "forbidden")
    assert hall.call("POST", "/evaluations", agent, json={"ticket_id": mine["id"], "level": 5}).status_code == 201


def test_logout_on_one_server_reaches_the_others(hall_server):
    first = hall_server.spawn()
    second = hall_server.spawn(first.db)
    token = first.login("clerk1")
    assert second.call("GET", "/me", token).status_code == 200   # now cached on the second node
    assert first.call("POST", "/auth/logout", token).status_code == 204
    deadline = time.monotonic() + 10
    while second.call("GET", "/me", token).status_code == 200:
        assert time.monotonic() < deadline, "a revoked token still works on another node after 10 s"
        time.sleep(0.2)
    assert_error(second.call("GET", "/me", token), 401, "unauthorized")
