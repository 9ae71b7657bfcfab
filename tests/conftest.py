"""Shared fixtures: real `hall serve` processes, PostgreSQL and Redis when present.

On a machine without PostgreSQL, Redis or chromium the tests that need them
skip and say why; CI sets HALL_REQUIRE_SERVICES=1 so that they fail instead.
"""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
HALL = [sys.executable, "-m", "hall.cli"]
PG_URL = os.environ.get("HALL_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("HALL_TEST_REDIS", "redis://127.0.0.1:6379/0")
DEMO_PASSWORD = "demo-pass-2026"


def missing_service(reason: str):
    if os.environ.get("HALL_REQUIRE_SERVICES"):
        pytest.fail(f"{reason} (HALL_REQUIRE_SERVICES is set: CI must have it)")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_hall(*args: str, db: str, stdin: str | None = None, check: bool = True, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([*HALL, *args, "--db", db], input=stdin, capture_output=True, text=True,
                          check=check, cwd=cwd or ROOT, timeout=120)


@dataclass
class HallServer:
    """One real `hall serve` process; restartable on the same database."""
    db: str
    workdir: Path
    extra: list[str] = field(default_factory=list)
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen | None = None
    output: str = ""
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api(self) -> str:
        return self.url + "/api/v1"

    def start(self, timeout: float = 30) -> "HallServer":
        self.log = open(self.workdir / f"serve-{self.port}-{time.time_ns()}.log", "w+")
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen([*HALL, "serve", "--db", self.db, "--port", str(self.port), *self.extra],
                                     stdout=self.log, stderr=subprocess.STDOUT, cwd=self.workdir, env=env,
                                     start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"hall serve exited with {self.proc.returncode}:\n{self.read_output()}")
            try:
                if requests.get(self.api + "/health", timeout=1).ok:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"hall serve did not answer within {timeout} s:\n{self.read_output()}")
        self.output = self.read_output()
        self.tokens.update(dict(re.findall(r"^\s+(\S+)\s+\S*[?\s]token[= ](demo-[0-9a-f]+)", self.output, re.M)))
        return self

    def read_output(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def stop(self, sig=signal.SIGTERM) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)

    def kill(self) -> None:
        self.stop(signal.SIGKILL)

    def restart(self) -> "HallServer":
        self.stop()
        return self.start()

    def login(self, username: str, password: str = DEMO_PASSWORD) -> str:
        r = requests.post(self.api + "/auth/login", json={"username": username, "password": password}, timeout=10)
        r.raise_for_status()
        return r.json()["token"]

    def call(self, method: str, path: str, token: str | None = None, **kw) -> requests.Response:
        headers = kw.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return requests.request(method, self.api + path, headers=headers, timeout=30, **kw)


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'hall.sqlite3'}"


@pytest.fixture
def pg_url():
    """A fresh, empty PostgreSQL schema for one test."""
    try:
        import psycopg
        base = PG_URL.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(base, connect_timeout=3, autocommit=True) as conn:
            schema = f"t_{uuid.uuid4().hex[:12]}"
            conn.execute(f'CREATE SCHEMA "{schema}"')
    except Exception as e:
        missing_service(f"PostgreSQL not reachable at {PG_URL}: {e}")
    sep = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def redis_url():
    try:
        import redis
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as e:
        missing_service(f"Redis not reachable at {REDIS_URL}: {e}")
    return REDIS_URL


@pytest.fixture
def hall_server(tmp_path, sqlite_url):
    """Starts `hall serve --demo` on a temp SQLite database; more with hall_server.spawn()."""
    servers: list[HallServer] = []

    class Factory:
        def spawn(self, db: str = sqlite_url, extra=("--demo",), start=True) -> HallServer:
            s = HallServer(db=db, workdir=tmp_path, extra=list(extra))
            servers.append(s)
            return s.start() if start else s

    factory = Factory()
    yield factory
    for s in servers:
        s.stop()
