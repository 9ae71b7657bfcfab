"""What screens, kiosks, phones and supervisors read: /categories, /hall, /track, /events, OpenAPI."""
from __future__ import annotations

import pytest

from hall.bootstrap import hall_context
from hall.entrypoints.app import create_app
from tests.api.conftest import assert_error
from tests.conftest import missing_service
from tests.api.layouts import hours_excluding_now, small_layout, write_layout
from tests.conftest import run_hall

CONTRACT_PATHS = {
    ("get", "/categories"), ("post", "/tickets"), ("get", "/tickets/{ticket_id}"), ("get", "/track/{token}"),
    ("post", "/tickets/{ticket_id}/reinstate"), ("post", "/windows/{n}/sign-in"), ("post", "/windows/{n}/sign-out"),
    ("post", "/windows/{n}/call-next"), ("post", "/windows/{n}/recall"), ("post", "/windows/{n}/start"),
    ("post", "/windows/{n}/finish"), ("post", "/windows/{n}/no-show"), ("post", "/windows/{n}/transfer"),
    ("post", "/windows/{n}/pause"), ("post", "/windows/{n}/resume"), ("put", "/windows/{n}/categories"),
    ("get", "/hall"), ("post", "/evaluations"), ("get", "/reports/daily"), ("get", "/events"),
    ("post", "/auth/login"),
}


def categories(hall) -> dict[str, dict]:
    r = hall.call("GET", "/categories")
    assert r.status_code == 200
    return {c["code"]: c for c in r.json()["categories"]}


def test_categories_are_open_or_closed_by_hours_and_quota(hall, tmp_path):
    layout = small_layout(daily_quota=2)
    layout["categories"].append({"code": "R", "name": "夜间不办", "zone": "T", "hours": hours_excluding_now()})
    layout["windows"] = []
    run_hall("init", "--config", str(write_layout(tmp_path / "extra.toml", layout)), db=hall.server.db)

    listed = categories(hall)
    assert {"code", "name", "zone", "waiting", "open", "estimated_wait_s"} <= set(listed["A"])
    assert (listed["P"]["open"], listed["Q"]["open"], listed["R"]["open"]) == (True, True, False)
    closed = assert_error(hall.call("POST", "/tickets", hall.kiosk, json={"category": "R"}), 409, "category_closed")
    assert "R" in str(closed.get("details"))
    hall.issue("Q")
    hall.issue("Q")
    assert_error(hall.call("POST", "/tickets", hall.kiosk, json={"category": "Q"}), 409, "quota_exhausted")
    listed = categories(hall)
    assert (listed["Q"]["open"], listed["Q"]["waiting"], listed["P"]["open"]) == (False, 2, True)


def test_hall_shows_windows_queues_and_alarms(hall):
    clerk = hall.clerk("clerk1", 5)
    hall.issue("A")
    ticket = hall.issue("A")
    hall.call_next(clerk, 5)
    for token in (hall.supervisor, clerk, hall.server.tokens["lobby"]):
        r = hall.call("GET", "/hall", token)
        assert r.status_code == 200, r.text
        body = r.json()
        assert {"windows", "queues", "alarms"} <= set(body)
    window5 = next(w for w in body["windows"] if w["number"] == 5)
    assert {"number", "state", "pause_reason", "clerk", "ticket"} <= set(window5)
    assert (window5["state"], window5["clerk"]["username"], window5["ticket"]["number"]) == ("busy", "clerk1", "A001")
    queue_a = next(q for q in body["queues"] if q["category"] == "A")
    assert queue_a["waiting"] == 1
    assert hall.ticket(ticket["id"])["ahead"] == 0
    assert_error(hall.call("GET", "/hall"), 401, "unauthorized")


def test_track_link_shows_status_and_window_to_anyone(hall):
    clerk = hall.clerk("clerk1", 5)
    hall.issue("A")
    mine = hall.issue("A", id_card={"number": "11010519491231002X", "name": "张小三"})
    token = mine["track_url"].rsplit("/", 1)[1]
    seen = hall.call("GET", f"/track/{token}").json()["ticket"]
    assert (seen["number"], seen["status"], seen["ahead"], seen["window"]) == ("A002", "waiting", 1, None)
    assert seen["estimated_wait_s"] > 0
    assert "holder" not in seen and "11010519491231002X" not in str(seen)
    hall.call_next(clerk, 5)
    hall.at(clerk, 5, "finish")
    hall.call_next(clerk, 5)
    seen = hall.call("GET", f"/track/{token}").json()["ticket"]
    assert (seen["status"], seen["window"], seen["ahead"]) == ("called", 5, 0)


def test_events_record_every_change_with_who_and_which_device(hall):
    clerk = hall.clerk("clerk1", 5)
    start = hall.events()[-1]["id"]
    ticket = hall.issue("A")
    hall.call_next(clerk, 5)
    hall.at(clerk, 5, "pause", json={"reason": "接电话"})
    hall.at(clerk, 5, "resume")
    hall.at(clerk, 5, "no-show")
    hall.call("POST", f"/tickets/{ticket['id']}/reinstate", hall.kiosk)
    events = hall.events(since=start)
    assert [e["kind"] for e in events] == ["ticket.issued", "ticket.called", "window.paused", "window.resumed",
                                          "ticket.no_show", "ticket.reinstated"]
    assert all(e["at"] and e["id"] > start for e in events)
    issued, called = events[0], events[1]
    assert issued["device_id"] is not None and issued["staff"] is None and issued["ticket_id"] == ticket["id"]
    assert (called["staff"], called["window"], called["ticket_id"]) == ("clerk1", 5, ticket["id"])
    assert events[2]["data"]["reason"] == "接电话"
    paged = hall.call("GET", f"/events?since={events[2]['id']}&limit=2", hall.supervisor).json()
    assert [e["kind"] for e in paged["events"]] == ["window.resumed", "ticket.no_show"]
    assert paged["next"] == events[4]["id"]
    assert_error(hall.call("GET", "/events", clerk), 403, "forbidden")
    assert_error(hall.call("GET", "/events", hall.kiosk), 403, "forbidden")


@pytest.fixture(scope="module")
def openapi(shared_hall) -> dict:
    r = shared_hall.call("GET", "/openapi.json")
    assert r.status_code == 200
    return r.json()


def test_openapi_lists_every_contract_path(openapi):
    documented = {(m, p.removeprefix("/api/v1")) for p, ops in openapi["paths"].items() for m in ops}
    assert CONTRACT_PATHS <= documented, CONTRACT_PATHS - documented


def test_openapi_lists_every_api_route_the_server_has(openapi, sqlite_url):
    """Nothing under /api/v1 is left out of the document integrators build on."""
    app, _ = create_app(hall_context(sqlite_url), async_mode="threading")
    routes = {(method.lower(), rule.rule.replace("<int:", "{").replace("<", "{").replace(">", "}"))
              for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1/")
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    documented = {(m, p) for p, ops in openapi["paths"].items() for m in ops}
    assert routes - documented == set()


def test_voice_renders_with_the_default_relative_cache_dir(shared_hall):
    """`hall serve` run from a hall's folder keeps its voice cache in ./var/voice-cache."""
    r = shared_hall.call("GET", "/voice", params={"text": "请A001号到5号窗口办理"})
    if r.status_code == 503:
        missing_service(f"no voice engine here: {r.json()['error']['message']} (apt-get install espeak-ng)")
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"] == "audio/wav" and r.content[:4] == b"RIFF"
    assert_error(shared_hall.call("GET", "/voice", params={"text": ""}), 400, "validation_error")
