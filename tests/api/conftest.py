"""A real `hall serve --demo` process and the callers an API test needs.

Demo layout (hall/demo/demo_hall.toml): windows 1-4 are 无差别 (``*``), 5-7 serve
A, 8-10 B, 14 D and E; category H keeps office hours; A has a quota of 300.
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.conftest import DEMO_PASSWORD, HallServer

ERROR_KEYS = {"code", "message"}


def assert_error(r, status: int, code: str) -> dict:
    """The contract's error shape: {"error": {"code", "message"}} with the expected status and code."""
    assert r.status_code == status, (r.status_code, r.text)
    body = r.json()
    assert set(body) == {"error"}, body
    assert ERROR_KEYS <= set(body["error"]), body
    assert body["error"]["code"] == code, body
    assert body["error"]["message"], body
    return body["error"]


class Hall:
    """One server plus its demo callers: the kiosk, the supervisor, clerks signed in at windows."""

    def __init__(self, server: HallServer, kiosk: str | None = None,
                 supervisor: tuple[str, str] = ("supervisor", DEMO_PASSWORD)):
        self.server = server
        self.kiosk = kiosk or server.tokens["kiosk-1"]
        self._supervisor_login = supervisor
        self._supervisor: str | None = None

    @property
    def supervisor(self) -> str:
        if self._supervisor is None:
            self._supervisor = self.server.login(*self._supervisor_login)
        return self._supervisor

    def call(self, method: str, path: str, token: str | None = None, **kw):
        return self.server.call(method, path, token, **kw)

    def issue(self, category: str = "A", token: str | None = None, **body) -> dict:
        r = self.call("POST", "/tickets", token or self.kiosk, json={"category": category, **body})
        assert r.status_code == 201, r.text
        return r.json()["ticket"]

    def clerk(self, username: str, window: int, post: str = "A") -> str:
        """Logs ``username`` in and signs them in at ``window``; returns their token."""
        token = self.server.login(username)
        r = self.call("POST", f"/windows/{window}/sign-in", token, json={"post": post})
        assert r.status_code == 200, r.text
        return token

    def at(self, token: str, window: int, action: str, expect: int = 200, **kw):
        r = self.call("POST", f"/windows/{window}/{action}", token, **kw)
        assert r.status_code == expect, (action, r.status_code, r.text)
        return r.json() if r.content else None

    def call_next(self, token: str, window: int) -> dict:
        return self.at(token, window, "call-next")["ticket"]

    def ticket(self, ticket_id: int) -> dict:
        r = self.call("GET", f"/tickets/{ticket_id}", self.supervisor)
        assert r.status_code == 200, r.text
        return r.json()["ticket"]

    def events(self, since: int = 0) -> list[dict]:
        r = self.call("GET", f"/events?since={since}&limit=5000", self.supervisor)
        assert r.status_code == 200, r.text
        return r.json()["events"]

    def row_counts(self) -> dict[str, int]:
        """Rows in every table, read straight from the database file."""
        engine = sa.create_engine(self.server.db)
        try:
            with engine.connect() as conn:
                names = sa.inspect(conn).get_table_names()
                return {n: conn.execute(sa.text(f'SELECT count(*) FROM "{n}"')).scalar_one() for n in names}
        finally:
            engine.dispose()


@pytest.fixture
def hall(hall_server) -> Hall:
    """A fresh demo hall on its own SQLite file."""
    return Hall(hall_server.spawn())


@pytest.fixture(scope="module")
def shared_hall(tmp_path_factory):
    """One demo hall for a module of tests that leave no trace (refused requests, reads)."""
    workdir = tmp_path_factory.mktemp("shared-hall")
    server = HallServer(db=f"sqlite:///{workdir / 'hall.sqlite3'}", workdir=workdir, extra=["--demo"]).start()
    yield Hall(server)
    server.stop()
