"""The deployment as shipped in deploy/: gunicorn nodes on PostgreSQL + Redis, nginx in front."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import ROOT, free_port, missing_service, run_hall
from tests.realtime.conftest import Listener
from tests.realtime.test_audiences import call_next, issue, sign_in

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
DEPLOY = ROOT / "deploy"
GUNICORN = Path(sys.executable).parent / "gunicorn"
NGINX = "/usr/sbin/nginx"
PASSWORD = "deploy-pass-2026"


class Gunicorn:
    def __init__(self, workdir: Path, env: dict):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(workdir / f"gunicorn-{self.port}.log", "w+")
        self.proc = subprocess.Popen([str(GUNICORN), "-c", str(DEPLOY / "gunicorn.conf.py"),
                                      "hall.entrypoints.wsgi:app"], cwd=workdir, stdout=self.log,
                                     stderr=subprocess.STDOUT, start_new_session=True,
                                     env={**os.environ, **env, "HALL_BIND": f"127.0.0.1:{self.port}"})
        wait_for_health(self.url, self.proc, self.log)

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(30)


def wait_for_health(url: str, proc: subprocess.Popen, log) -> dict:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"exited with {proc.returncode}:\n{log.read()}")
        try:
            r = requests.get(url + "/api/v1/health", timeout=1)
            if r.ok and (r.json()["message_queue"] or {}).get("connected"):
                return r.json()
        except requests.RequestException:
            pass
        time.sleep(0.2)
    log.seek(0)
    raise RuntimeError(f"{url} did not become healthy:\n{log.read()}")


class Hall:
    """Enough of a hall to call a ticket, made with the `hall` commands an admin uses."""

    def __init__(self, db: str):
        self.db = db
        run_hall("init", "--config", str(ROOT / "hall" / "demo" / "demo_hall.toml"), db=db)
        self.tokens = {name: run_hall("device", "add", name, *args, db=db).stdout.strip().splitlines()[-1]
                       for name, args in (("kiosk-1", ["--kind", "kiosk"]),
                                          ("screen-5", ["--kind", "window-screen", "--window", "5"]),
                                          ("lobby", ["--kind", "display"]))}
        run_hall("user", "add", "clerk5", "--role", "clerk", "--password-stdin", db=db, stdin=PASSWORD + "\n")


class Through:
    """The calls the audience tests make, against any base URL (a node, or nginx)."""

    def __init__(self, url: str, tokens: dict):
        self.url, self.api, self.tokens = url, url + "/api/v1", tokens

    def login(self, username: str, password: str = PASSWORD) -> str:
        r = requests.post(self.api + "/auth/login", json={"username": username, "password": password}, timeout=10)
        r.raise_for_status()
        return r.json()["token"]

    def call(self, method: str, path: str, token: str | None = None, **kw) -> requests.Response:
        return requests.request(method, self.api + path, headers={"Authorization": f"Bearer {token}"},
                                timeout=30, **kw)


@pytest.fixture
def hall_nodes(pg_url, private_redis, tmp_path):
    if not GUNICORN.exists():
        missing_service("gunicorn is not installed in this environment")
    hall = Hall(pg_url)
    env = {"HALL_DB": pg_url, "HALL_MESSAGE_QUEUE": private_redis.url,
           "HALL_CONFIG": str(ROOT / "hall" / "demo" / "demo_hall.toml"), "HALL_PUBLIC_URL": "http://hall.test"}
    nodes = [Gunicorn(tmp_path, env), Gunicorn(tmp_path, env)]
    yield hall, nodes
    for node in nodes:
        node.stop()


def test_the_gunicorn_configuration_serves_a_hall(hall_nodes):
    hall, (a, b) = hall_nodes
    screen = Listener(b.url, {"token": hall.tokens["screen-5"]})
    try:
        screen.wait_for("snapshot")
        node = Through(a.url, hall.tokens)
        clerk = sign_in(node, "clerk5", 5)
        ticket = issue(node)
        assert ticket["track_url"].startswith("http://hall.test/t/")
        call_next(node, clerk, 5)
        assert screen.wait_for("ticket.called")["ticket"]["id"] == ticket["id"]
    finally:
        screen.close()
    a.log.seek(0)
    assert "Using worker: gevent" in a.log.read()


@pytest.fixture
def nginx(hall_nodes, tmp_path):
    if not os.path.exists(NGINX):
        missing_service(f"{NGINX} is not installed (apt-get install nginx-light)")
    _, nodes = hall_nodes
    port = free_port()
    site = (DEPLOY / "nginx" / "hall.conf").read_text()
    site = re.sub(r"listen 80;", f"listen 127.0.0.1:{port};", site)
    servers = "".join(f"    server 127.0.0.1:{n.port} max_fails=1 fail_timeout=5s;\n" for n in nodes)
    site = re.sub(r"(    server 127\.0\.0\.1:800\d [^\n]*\n)+", servers, site)
    assert servers in site and "hash $remote_addr consistent;" in site
    (tmp_path / "logs").mkdir()
    conf = tmp_path / "nginx.conf"
    conf.write_text(f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/logs/error.log;\n"
                    "events { worker_connections 1024; }\n"
                    f"http {{\n access_log off;\n client_body_temp_path {tmp_path}/body;\n"
                    f" proxy_temp_path {tmp_path}/proxy;\n{site}\n}}\n")
    proc = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(tmp_path), "-g", "daemon off;"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 10
    while True:
        try:
            requests.get(url + "/api/v1/health", timeout=1)
            break
        except requests.RequestException:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"nginx did not start: {proc.stderr.read().decode()}")
            time.sleep(0.1)
    yield url
    proc.terminate()
    proc.wait(10)


def test_nginx_in_front_of_two_nodes_carries_websockets_and_polling(hall_nodes, nginx):
    hall, (a, b) = hall_nodes
    front = Through(nginx, hall.tokens)
    websocket = Listener(nginx, {"token": hall.tokens["screen-5"]})
    polling = Listener(nginx, {"token": hall.tokens["lobby"]}, transports=("polling",))
    direct = [Listener(node.url, {"token": hall.tokens["lobby"]}) for node in (a, b)]
    listeners = [websocket, polling, *direct]
    try:
        for w in listeners:
            w.wait_for("snapshot")
        assert polling.client.transport() == "polling"
        clerk = sign_in(front, "clerk5", 5)
        ticket = issue(front)
        call_next(front, clerk, 5)
        for w in listeners:  # whichever node nginx chose, every node's clients hear it
            assert w.wait_for("ticket.called")["ticket"]["id"] == ticket["id"]
    finally:
        for w in listeners:
            w.close()
