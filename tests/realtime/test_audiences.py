"""One node: who may connect, who hears what, snapshots, sequence numbers, bad clients."""
from __future__ import annotations

import time

import pytest
import requests
import socketio
from socketio.exceptions import ConnectionError as SioConnectionError

from tests.realtime.conftest import wait_until


def issue(server, category="A") -> dict:
    r = server.call("POST", "/tickets", server.tokens["kiosk-1"], json={"category": category})
    assert r.status_code == 201, r.text
    return r.json()["ticket"]


def sign_in(server, clerk: str, window: int) -> str:
    token = server.login(clerk)
    r = server.call("POST", f"/windows/{window}/sign-in", token, json={"post": "A"})
    assert r.ok, r.text
    return token


def call_next(server, token: str, window: int) -> dict:
    r = server.call("POST", f"/windows/{window}/call-next", token)
    assert r.status_code == 200, r.text
    return r.json()["ticket"]


def test_a_connection_without_a_valid_token_is_refused(hall_server):
    server = hall_server.spawn()
    for auth in ({}, {"token": "demo-nope"}, {"token": 42}, {"track": "nope"}, None, "token"):
        client = socketio.Client(reconnection=False)
        with pytest.raises(SioConnectionError):
            client.connect(server.url, auth=auth, transports=["websocket"], wait_timeout=5)
    assert requests.get(server.api + "/health", timeout=5).json()["connections"] == 0


def test_each_screen_hears_exactly_what_it_shows(hall_server, listen):
    server = hall_server.spawn()
    t = server.tokens
    clerk = sign_in(server, "clerk5", 5)  # window 5: zone BDC, category A
    ticket = issue(server)
    track_token = ticket["track_url"].rstrip("/").rsplit("/", 1)[-1]
    who = {name: listen(server.url, token=t[name])
           for name in ("lobby", "lobby-bdc", "screen-5", "screen-1", "pad-5", "pad-1", "kiosk-1", "agent-1")}
    who["supervisor"] = listen(server.url, token=server.login("supervisor"))
    who["clerk"] = listen(server.url, token=clerk)
    who["clerk-all"] = listen(server.url, token=sign_in(server, "clerk1", 1))    # 无差别: every category
    who["clerk-other"] = listen(server.url, token=sign_in(server, "clerk2", 8))  # zone GA: category B only
    who["track"] = listen(server.url, track=track_token)
    for name, listener in who.items():
        listener.wait_for("snapshot")
    marks = {name: listener.mark() for name, listener in who.items()}

    call_next(server, clerk, 5)
    for name in ("lobby", "lobby-bdc", "screen-5", "supervisor", "clerk", "track", "agent-1"):
        called = who[name].wait_for("ticket.called", after=marks[name])
        assert called["ticket"]["id"] == ticket["id"] and called["window"] == 5 and called["zone"] == "BDC"
        assert "请A" in called["announce"] and called["at"]
    who["pad-5"].wait_for("window.updated", lambda d: d["number"] == 5)
    for name in ("kiosk-1", "clerk-all"):
        who[name].wait_for("queue.updated", lambda d: d["category"] == "A", after=marks[name])
    time.sleep(0.5)  # what should not arrive has had its chance
    for name in ("screen-1", "pad-1", "pad-5", "kiosk-1", "clerk-all", "clerk-other"):
        assert "ticket.called" not in who[name].names()[marks[name]:], name
    # a counter terminal hears its own window and the queues it serves, not the whole hall
    assert who["clerk-other"].names()[marks["clerk-other"]:] == []
    assert "window.updated" not in who["screen-1"].names()[marks["screen-1"]:]
    for name in ("lobby", "lobby-bdc", "screen-5", "pad-5", "clerk", "clerk-all", "track", "kiosk-1"):
        assert "alarm" not in who[name].names()


def test_another_zone_s_screen_does_not_hear_a_call(hall_server, listen):
    server = hall_server.spawn()
    clerk = sign_in(server, "clerk5", 5)
    issue(server)
    lobby_bdc = listen(server.url, token=server.tokens["lobby-bdc"])
    lobby_bdc.wait_for("snapshot")
    # Window 1 (zone ZH) serves every category: its call is not the BDC screen's business.
    clerk1 = sign_in(server, "clerk1", 1)
    issue(server)
    call_next(server, clerk1, 1)
    call_next(server, clerk, 5)
    called = lobby_bdc.wait_for("ticket.called")
    time.sleep(0.5)
    assert called["window"] == 5 and len(lobby_bdc.of("ticket.called")) == 1


def test_snapshot_on_connect_shows_the_hall_and_the_stream_positions(hall_server, listen):
    server = hall_server.spawn()
    clerk = sign_in(server, "clerk5", 5)
    issue(server)
    call_next(server, clerk, 5)
    screen = listen(server.url, token=server.tokens["screen-5"])
    snap = screen.wait_for("snapshot")
    assert snap["stream"] == "window:5" and snap["streams"] == {"window:5": snap["seq"]}
    window5 = next(w for w in snap["hall"]["windows"] if w["number"] == 5)
    assert window5["state"] == "busy" and window5["ticket"]["number"].startswith("A")
    assert snap["hall"]["alarms"] == []
    kiosk = listen(server.url, token=server.tokens["kiosk-1"])
    assert set(kiosk.wait_for("snapshot")["streams"]) == {"kiosks", "kiosk:kiosk-1"}


def test_sequence_numbers_run_without_gaps_per_stream(hall_server, listen):
    server = hall_server.spawn()
    clerk = sign_in(server, "clerk5", 5)
    watchers = [listen(server.url, token=server.tokens[n]) for n in ("lobby", "lobby-bdc", "screen-5", "pad-5")]
    watchers.append(listen(server.url, token=server.login("supervisor")))
    snaps = [w.wait_for("snapshot") for w in watchers]
    for _ in range(5):
        issue(server)
        call_next(server, clerk, 5)
        r = server.call("POST", "/windows/5/finish", clerk)
        assert r.ok, r.text
    watchers[0].wait_for("ticket.finished", lambda d: d["ticket"]["number"].endswith("5"))
    time.sleep(0.5)  # the others were sent before it
    for w, snap in zip(watchers, snaps):
        assert w.seq_problems() == ([], [])
        heard = [d["seq"] for n, d in w.events if n != "snapshot" and d["stream"] == snap["stream"]]
        assert heard and heard[0] == snap["seq"] + 1


def test_a_misbehaving_client_gets_an_error_or_is_dropped_and_nobody_else_notices(hall_server, listen):
    server = hall_server.spawn()
    clerk = sign_in(server, "clerk5", 5)
    screen = listen(server.url, token=server.tokens["screen-5"])
    screen.wait_for("snapshot")
    rogue = listen(server.url, token=server.tokens["lobby"])
    rogue.wait_for("snapshot")
    rogue.client.emit("no.such.event", {"x": 1})
    assert rogue.wait_for("error")["error"]["code"] == "unknown_event"
    rogue.client.emit("print.done", {"job_id": "x", "ok": True})  # only agents may
    assert rogue.wait_for("error", lambda d: d["error"]["code"] == "forbidden")
    agent = listen(server.url, token=server.tokens["agent-1"])
    agent.wait_for("snapshot")
    agent.client.emit("device.status", ["garbage"])
    assert agent.wait_for("error")["error"]["code"] == "validation_error"
    assert agent.client.call("agent.hello", {"printers": "nope"}) is None  # answered by an error event
    assert agent.wait_for("error", lambda d: "printers" in d["error"]["message"])
    agent.client.emit("id_card.read", {"kiosk": "kiosk-1", "id_card": {"number": "12345", "name": "张三"}})
    assert agent.wait_for("error", lambda d: "id_card.number" in d["error"]["message"])
    mark = rogue.mark()
    rogue.client.emit("id_card.read", {"kiosk": "kiosk-1", "id_card": {"number": "11010519491231002X", "name": "张三"}})
    assert rogue.wait_for("error", after=mark)["error"]["code"] == "forbidden"  # a lobby screen reads no cards

    big = socketio.Client(reconnection=False)
    big.connect(server.url, auth={"token": server.tokens["lobby"]}, transports=["websocket"], wait_timeout=5)
    big.emit("agent.hello", {"printers": [{"name": "x" * 64, "kiosk": "y"}] * 2000})  # far past the limit
    wait_until(lambda: not big.connected, what="the oversized sender to be dropped")

    raw = _raw_websocket(server)
    raw.send("42garbage[[[")       # a malformed Socket.IO packet
    raw.send("\x00\xff nonsense")
    raw.close()

    issue(server)
    call_next(server, clerk, 5)
    assert screen.wait_for("ticket.called")["window"] == 5
    assert screen.client.connected and rogue.client.connected


def _raw_websocket(server):
    import websocket
    ws = websocket.create_connection(server.url.replace("http", "ws") + "/socket.io/?EIO=4&transport=websocket",
                                     timeout=5)
    ws.recv()  # engine.io open
    ws.send('40{"token": "%s"}' % server.tokens["lobby"])
    ws.recv()  # connected
    return ws


def test_a_client_reconnecting_after_a_server_restart_gets_a_fresh_snapshot(hall_server, listen):
    server = hall_server.spawn()
    clerk = sign_in(server, "clerk5", 5)
    screen = listen(server.url, token=server.tokens["screen-5"])
    screen.wait_for("snapshot")
    server.restart()
    issue(server)
    call_next(server, clerk, 5)
    after = screen.wait_for("snapshot", after=1, timeout=20)
    # Whether the call came before or after the reconnect, the screen shows it.
    window5 = next(w for w in after["hall"]["windows"] if w["number"] == 5)
    shown = window5["ticket"] or screen.wait_for("ticket.called")["ticket"]
    assert shown["number"].startswith("A")


def test_tracks_page_hears_calls_and_queue_changes(hall_server, listen):
    server = hall_server.spawn()
    clerk = sign_in(server, "clerk5", 5)
    ticket = issue(server)
    page = listen(server.url, track=ticket["track_url"].rstrip("/").rsplit("/", 1)[-1])
    snap = page.wait_for("snapshot")
    assert snap["streams"] == {"public": snap["seq"]} and snap["hall"] is None
    call_next(server, clerk, 5)
    assert page.wait_for("ticket.called")["ticket"]["id"] == ticket["id"]
    page.wait_for("queue.updated")
