"""Several `hall serve` nodes on one PostgreSQL and one Redis acting as one hall."""
from __future__ import annotations

import os
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.conftest import HALL, ROOT
from tests.realtime.conftest import wait_until
from tests.realtime.test_audiences import call_next, issue, sign_in

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
DEMO_LAYOUT = ROOT / "hall" / "demo" / "demo_hall.toml"


@pytest.fixture
def two_nodes(hall_server, pg_url, private_redis):
    extra = ["--demo", "--message-queue", private_redis.url]
    a = hall_server.spawn(db=pg_url, extra=extra)  # installs the demo hall; b finds it there
    b = hall_server.spawn(db=pg_url, extra=extra)
    for node in (a, b):
        wait_until(lambda: health(node)["message_queue"]["connected"], what="the node to subscribe")
    return a, b


def health(node) -> dict:
    return requests.get(node.api + "/health", timeout=5).json()


def test_a_call_on_one_node_reaches_screens_on_the_other(two_nodes, listen):
    a, b = two_nodes
    screen = listen(b.url, token=b.tokens["screen-5"])
    lobby = listen(b.url, token=b.tokens["lobby-bdc"])
    supervisor = listen(a.url, token=a.login("supervisor"))
    for w in (screen, lobby, supervisor):
        w.wait_for("snapshot")
    clerk = sign_in(a, "clerk5", 5)
    ticket = issue(b)
    call_next(a, clerk, 5)
    for w in (screen, lobby, supervisor):
        assert w.wait_for("ticket.called")["ticket"]["id"] == ticket["id"]
    assert supervisor.wait_for("ticket.issued")["id"] == ticket["id"]


def test_issuing_and_calling_at_once_on_both_nodes_stays_unique_and_in_order(two_nodes, listen):
    a, b = two_nodes
    nodes = [a, b]
    watchers = [listen(node.url, token=node.login("supervisor")) for node in nodes] + \
               [listen(node.url, token=node.tokens["lobby"]) for node in nodes]
    for w in watchers:
        w.wait_for("snapshot")
    with ThreadPoolExecutor(16) as pool:
        issued = list(pool.map(lambda i: issue(nodes[i % 2]), range(40)))
    numbers = [t["number"] for t in issued]
    assert len(set(numbers)) == 40 and sorted(numbers) == [f"A{n:03d}" for n in range(1, 41)]

    clerks = [(w, sign_in(a, name, w)) for name, w in (("clerk1", 1), ("clerk2", 2), ("clerk3", 3), ("clerk5", 5))]

    def work(i: int) -> list[str]:
        window, token = clerks[i]
        got = []
        for turn in range(100):
            node = nodes[(i + turn) % 2]
            r = node.call("POST", f"/windows/{window}/call-next", token)
            if r.status_code == 204:
                return got
            assert r.status_code == 200, r.text
            got.append(r.json()["ticket"]["id"])
            assert node.call("POST", f"/windows/{window}/finish", token).ok
        return got

    with ThreadPoolExecutor(4) as pool:
        called = [tid for got in pool.map(work, range(4)) for tid in got]
    assert sorted(called) == sorted(t["id"] for t in issued)
    # Both nodes numbered the same streams at once: every client still hears them in order.
    for w in watchers:
        w.wait_for("ticket.finished", lambda d: d["ticket"]["id"] == called[-1])
        assert w.seq_problems() == ([], []), f"{w.tail()}\n{a.read_output()[-3000:]}\n{b.read_output()[-3000:]}"


def test_a_command_line_change_reaches_the_screens_through_the_queue(two_nodes, listen, private_redis, tmp_path):
    a, b = two_nodes
    screen = listen(b.url, token=b.tokens["screen-5"])
    screen.wait_for("snapshot")
    changed = tmp_path / "hall.toml"
    text = DEMO_LAYOUT.read_text(encoding="utf-8")
    changed.write_text(text.replace('number = 5\nzone = "BDC"\ncategories = ["A"]',
                                    'number = 5\nzone = "BDC"\ncategories = ["A", "B"]'), encoding="utf-8")
    assert changed.read_text(encoding="utf-8") != text
    subprocess.run([*HALL, "init", "--config", str(changed), "--db", a.db], check=True, cwd=ROOT, timeout=60,
                   env={**os.environ, "HALL_MESSAGE_QUEUE": private_redis.url}, capture_output=True)
    updated = screen.wait_for("window.updated")
    assert updated["number"] == 5 and updated["seq"] == screen.wait_for("snapshot")["seq"] + 1


def test_without_redis_a_node_serves_its_own_clients_says_so_and_resyncs_after(two_nodes, listen, private_redis):
    a, b = two_nodes
    here = listen(a.url, token=a.tokens["screen-5"])
    there = listen(b.url, token=b.tokens["lobby"])
    here.wait_for("snapshot")
    there.wait_for("snapshot")
    clerk = sign_in(a, "clerk5", 5)
    issue(a)
    call_next(a, clerk, 5)
    there.wait_for("ticket.called")

    private_redis.stop()
    wait_until(lambda: health(a)["status"] == "degraded", what="node a to notice")
    mark = here.mark()
    assert a.call("POST", "/windows/5/finish", clerk).ok
    issue(a)
    call_next(a, clerk, 5)
    assert here.wait_for("ticket.called", after=mark)["window"] == 5  # its own clients still hear it
    status = health(a)
    assert status["ok"] and status["message_queue"]["connected"] is False and status["message_queue"]["down_since"]
    assert "message queue unavailable" in a.read_output()

    mark_there = there.mark()
    private_redis.start()  # empty: every counter is gone
    wait_until(lambda: health(a)["status"] == "ok" and health(b)["status"] == "ok", timeout=20,
               what="both nodes to reconnect")
    # b's lobby missed the call made while Redis was away: its fresh snapshot shows it.
    snap = there.wait_for("snapshot", after=mark_there)
    window5 = next(w for w in snap["hall"]["windows"] if w["number"] == 5)
    assert window5["ticket"]["number"] == "A002"
    mark_there = there.mark()
    assert a.call("POST", "/windows/5/finish", clerk).ok
    assert there.wait_for("ticket.finished", after=mark_there)["ticket"]["number"] == "A002"
    # Redis forgot every counter, yet no screen drops an event as one it has seen already.
    for w in (here, there):
        assert w.seq_problems()[0] == []
