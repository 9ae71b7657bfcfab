"""Several real `hall serve` processes on one database, and what to check it holds afterwards."""
from __future__ import annotations

import collections
import itertools
import threading

import pytest
import requests
import sqlalchemy as sa

from tests.conftest import DEMO_PASSWORD


@pytest.fixture(params=["sqlite", "postgresql"])
def shared_db(request) -> str:
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")


class Issuer(threading.Thread):
    """A kiosk issuing tickets through the servers in turn until told to stop or ``count`` is reached.

    Records every 201 answer; a refused connection (a killed server) ends it quietly."""

    def __init__(self, servers, token: str, categories: list[str], count: int | None = None):
        super().__init__(daemon=True)
        self.servers, self.token, self.categories, self.count = servers, token, categories, count
        self.issued: list[dict] = []
        self.failures: list[str] = []
        self.stop = threading.Event()

    def run(self) -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {self.token}"
        targets = itertools.cycle(self.servers)
        for n in itertools.count():
            if self.stop.is_set() or (self.count is not None and n >= self.count):
                return
            category = self.categories[n % len(self.categories)]
            try:
                r = session.post(next(targets).api + "/tickets", json={"category": category}, timeout=60)
            except requests.ConnectionError:
                return
            if r.status_code == 201:
                self.issued.append(r.json()["ticket"])
            else:
                self.failures.append(f"{r.status_code} {r.text}")


class Clerk(threading.Thread):
    """A clerk at one window calling and finishing tickets through the servers in turn, until told to stop
    and the window's queue is empty."""

    def __init__(self, servers, username: str, window: int):
        super().__init__(daemon=True)
        self.servers, self.window = servers, window
        self.token = servers[0].login(username, DEMO_PASSWORD)
        r = servers[0].call("POST", f"/windows/{window}/sign-in", self.token, json={"post": "A"})
        assert r.status_code == 200, r.text
        self.called: list[dict] = []
        self.failures: list[str] = []
        self.stop = threading.Event()

    def run(self) -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {self.token}"
        for server in itertools.cycle(self.servers):
            base = f"{server.api}/windows/{self.window}"
            r = session.post(base + "/call-next", timeout=60)
            if r.status_code == 204:
                if self.stop.is_set():
                    return
                continue
            if r.status_code != 200:
                self.failures.append(f"call-next {r.status_code} {r.text}")
                return
            self.called.append(r.json()["ticket"])
            done = session.post(base + "/finish", timeout=60)
            if done.status_code != 200:
                self.failures.append(f"finish {done.status_code} {done.text}")
                return


def numbers_by_prefix(db: str) -> dict[str, list[int]]:
    """Ticket numbers in the database, per prefix, sorted (all of one business day in these tests)."""
    engine = sa.create_engine(db)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT prefix, number FROM ticket ORDER BY prefix, number")).all()
    finally:
        engine.dispose()
    out: dict[str, list[int]] = collections.defaultdict(list)
    for prefix, number in rows:
        out[prefix].append(number)
    return dict(out)


def assert_gapless(numbers: dict[str, list[int]]) -> None:
    for prefix, got in numbers.items():
        assert got == list(range(1, len(got) + 1)), f"{prefix}: numbers are not 1..{len(got)} exactly once"
