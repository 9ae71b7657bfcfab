"""Engines for the embedded default (SQLite) and the distributed set-up (PostgreSQL)."""
from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import QueuePool

DEFAULT_DB = "sqlite:///var/hall.sqlite3"
SQLITE_BUSY_TIMEOUT_S = 15


class DatabaseUrlError(ValueError):
    pass


def database_url(cli_value: str | None) -> str:
    return cli_value or os.environ.get("HALL_DB") or DEFAULT_DB


def make_engine(url: str, *, single_connection: bool = False) -> Engine:
    """An engine that writes safely from several processes.

    ``single_connection`` is for the embedded server under gevent: SQLite's busy
    handler sleeps in C and would freeze every greenlet, so greenlets queue on
    the (green) pool lock for the one connection instead.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseUrlError(f"not a database URL: {url!r} (try sqlite:///path or "
                               "postgresql+psycopg://user@host/db)") from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(parsed, single_connection)
    if backend == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        return create_engine(parsed, pool_size=10, max_overflow=20, pool_pre_ping=True)
    raise DatabaseUrlError(f"unsupported database {backend!r}: use sqlite or postgresql")


def _sqlite_engine(url, single_connection: bool) -> Engine:
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    pool = dict(poolclass=QueuePool, pool_size=1, max_overflow=0, pool_timeout=60) \
        if single_connection else {}
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S,
                                              "check_same_thread": False}, **pool)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # Take the write lock up front: a deferred transaction that reads and
        # then writes gets SQLITE_BUSY_SNAPSHOT at once, ignoring busy_timeout.
        # Straight to the driver: every transaction pays for this (hall/adapters/prepared.py).
        conn.connection.dbapi_connection.execute("BEGIN IMMEDIATE")

    return engine
