"""Malformed and hostile requests get a 4xx with the contract's error body, never a 500, and change nothing."""
from __future__ import annotations

import json

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.conftest import ERROR_KEYS, assert_error

SQL = "A'; DROP TABLE ticket; --"
JSON = {"Content-Type": "application/json"}

# (caller, method, path, raw body or JSON, expected status, expected code); raw bodies are bytes.
CASES = [
    ("kiosk", "POST", "/tickets", b"{", 422, "validation_error"),
    ("kiosk", "POST", "/tickets", b"", 422, "validation_error"),
    ("kiosk", "POST", "/tickets", b"\xff\xfe\x00", 422, "validation_error"),
    ("kiosk", "POST", "/tickets", [], 422, "validation_error"),
    ("kiosk", "POST", "/tickets", "A", 422, "validation_error"),
    ("kiosk", "POST", "/tickets", None, 422, "validation_error"),
    ("kiosk", "POST", "/tickets", {"category": 1}, 422, "validation_error"),
    ("kiosk", "POST", "/tickets", {"category": ["A"]}, 422, "validation_error"),
    ("kiosk", "POST", "/tickets", {"category": "A", "admin": True}, 422, "validation_error"),
    ("kiosk", "POST", "/tickets", {"category": "A", "priority": "vip"}, 422, "validation_error"),
    ("kiosk", "POST", "/tickets", {"category": "A", "priority": "appointment"}, 422, "validation_error"),
    ("kiosk", "POST", "/tickets", {"category": "A", "id_card": {"number": "123", "name": "张三"}}, 422,
     "validation_error"),
    ("kiosk", "POST", "/tickets", {"category": SQL}, 422, "validation_error"),
    ("kiosk", "POST", "/tickets", {"category": "A", "card_token": "not-a-card-token"}, 422, "validation_error"),
    ("kiosk", "POST", "/tickets", {"category": "A", "card_token": "e30.不是签名不是签名不是签名"}, 422, "validation_error"),
    ("kiosk", "POST", "/tickets", {"category": "A", "card_token": "%%%%%%%%%%.abc"}, 422, "validation_error"),
    ("supervisor", "GET", "/tickets?status=lost", None, 422, "validation_error"),
    ("supervisor", "GET", "/tickets?date=2026-13-45", None, 422, "validation_error"),
    ("kiosk", "POST", "/tickets", {"category": "A' OR 1"}, 404, "unknown_category"),
    ("kiosk", "POST", "/tickets", {"category": "不动产"}, 404, "unknown_category"),
    ("kiosk", "POST", "/tickets", {"category": "a"}, 404, "unknown_category"),
    ("kiosk", "POST", "/tickets", {"category": "A\u0000"}, 404, "unknown_category"),
    ("kiosk", "POST", "/tickets", {"category": "A" + "x" * 100_000}, 413, "payload_too_large"),
    ("kiosk", "GET", "/tickets/1", None, 403, "forbidden"),
    ("supervisor", "GET", "/tickets/abc", None, 404, "not_found"),
    ("supervisor", "GET", "/tickets/0", None, 422, "validation_error"),
    ("supervisor", "GET", "/tickets/-1", None, 404, "not_found"),
    ("supervisor", "GET", "/tickets/99999999999999999999999", None, 422, "validation_error"),
    ("supervisor", "GET", "/tickets/1%20OR%201=1", None, 404, "not_found"),
    ("supervisor", "POST", "/tickets/99999999999999999999999/reinstate", None, 422, "validation_error"),
    (None, "GET", "/track/' OR '1'='1", None, 422, "validation_error"),
    (None, "GET", "/track/" + "a" * 500, None, 422, "validation_error"),
    (None, "GET", "/track/..%2F..%2Fetc%2Fpasswd", None, 404, "not_found"),
    ("clerk", "POST", "/windows/0/sign-in", {"post": "A"}, 422, "validation_error"),
    ("clerk", "POST", "/windows/99999999999999999999/sign-in", {"post": "A"}, 422, "validation_error"),
    ("clerk", "POST", "/windows/x/sign-in", {"post": "A"}, 404, "not_found"),
    ("clerk", "POST", "/windows/3/sign-in", {"post": "C"}, 422, "validation_error"),
    ("clerk", "POST", "/windows/3/sign-in", {"post": "A", "clerk": "supervisor"}, 422, "validation_error"),
    ("clerk", "POST", "/windows/3/transfer", {"window": 0}, 422, "validation_error"),
    ("clerk", "POST", "/windows/3/transfer", {"category": SQL}, 422, "validation_error"),
    ("clerk", "POST", "/windows/3/pause", {"reason": "x" * 201}, 422, "validation_error"),
    ("clerk", "POST", "/windows/3/pause", {"reason": 5}, 422, "validation_error"),
    ("clerk", "POST", "/windows/3/call", {"number": SQL}, 422, "validation_error"),
    ("supervisor", "PUT", "/windows/3/categories", {"categories": "A"}, 422, "validation_error"),
    ("supervisor", "PUT", "/windows/3/categories", {"categories": [SQL]}, 422, "validation_error"),
    ("supervisor", "PUT", "/windows/3/categories", {"categories": ["A"] * 101}, 422, "validation_error"),
    ("supervisor", "GET", "/events?since=-1", None, 422, "validation_error"),
    ("supervisor", "GET", "/events?since=abc", None, 422, "validation_error"),
    ("supervisor", "GET", "/events?limit=0", None, 422, "validation_error"),
    ("supervisor", "GET", "/events?since=99999999999999999999999", None, 422, "validation_error"),
    ("supervisor", "GET", "/reports/daily?date=2026-02-30", None, 422, "validation_error"),
    ("supervisor", "POST", "/alarms/0/ack", None, 422, "validation_error"),
    ("supervisor", "POST", "/alarms/424242/ack", None, 404, "not_found"),
    ("pad", "POST", "/evaluations", {"ticket_id": "1; DROP TABLE evaluation", "level": 5}, 422,
     "validation_error"),
    ("pad", "POST", "/evaluations", {"ticket_id": 2**40, "level": 5}, 422, "validation_error"),
    ("pad", "POST", "/evaluations", {"ticket_id": 1, "level": 5, "comment": "x" * 501}, 422, "validation_error"),
    ("pad", "POST", "/evaluations", {"ticket_id": 1, "level": 5, "reasons": ["服务态度"] * 4}, 422,
     "validation_error"),
    (None, "POST", "/auth/login", {"username": "supervisor"}, 422, "validation_error"),
    (None, "POST", "/auth/login", {"username": "x" * 65, "password": "p"}, 422, "validation_error"),
    (None, "POST", "/auth/login", {"username": SQL, "password": "' OR '1'='1"}, 401, "unauthorized"),
    (None, "POST", "/auth/login", b"username=supervisor&password=x", 422, "validation_error"),
    ("kiosk", "DELETE", "/tickets", None, 405, "method_not_allowed"),
    ("kiosk", "POST", "/categories", {"code": "Z"}, 405, "method_not_allowed"),
]


def caller_token(hall, who: str | None) -> str | None:
    if who is None:
        return None
    return {"kiosk": hall.kiosk, "pad": hall.server.tokens["pad-1"]}.get(who) \
        or hall.server.login("clerk1" if who == "clerk" else who)


def send(hall, token, method: str, path: str, body):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return requests.request(method, hall.server.api + path, data=data, headers={**JSON, **headers}, timeout=30)


@pytest.mark.parametrize("who, method, path, body, status, code", CASES,
                         ids=[f"{c[1]} {c[2][:40]} {str(c[3])[:30]}" for c in CASES])
def test_bad_request_is_refused_and_changes_nothing(shared_hall, who, method, path, body, status, code):
    token = caller_token(shared_hall, who)
    before = shared_hall.row_counts()
    assert_error(send(shared_hall, token, method, path, body), status, code)
    after = shared_hall.row_counts()
    if path == "/auth/login":   # a failed login is itself recorded, and counted for throttling
        for table in ("audit_event", "login_failure"):
            after[table] = before[table]
    assert after == before


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12)
FIELDS = ("category", "priority", "appointment_code", "id_card", "ticket_id", "level", "reasons", "window",
          "post", "reason", "categories", "number", "username", "password")
BODIES = JSON_VALUES | st.dictionaries(st.sampled_from(FIELDS), JSON_VALUES, max_size=4)
ENDPOINTS = [("kiosk", "POST", "/tickets"), ("clerk", "POST", "/windows/4/transfer"),
             ("clerk", "POST", "/windows/4/pause"), ("pad", "POST", "/evaluations"),
             ("supervisor", "PUT", "/windows/4/categories"), ("clerk", "POST", "/windows/4/sign-in")]


@pytest.mark.parametrize("who, method, path", ENDPOINTS)
def test_random_json_never_breaks_the_server(shared_hall, who, method, path):
    token = caller_token(shared_hall, who)

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(body=BODIES)
    def check(body):
        r = send(shared_hall, token, method, path, body)
        assert r.status_code < 500, (body, r.text)
        if r.status_code >= 400:
            assert ERROR_KEYS <= set(r.json()["error"]), r.text

    check()
