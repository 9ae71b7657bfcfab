"""The shipped Alembic migrations build exactly tables.metadata on SQLite and PostgreSQL, idempotently."""
from __future__ import annotations

import subprocess

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from hall.adapters.database import make_engine
from hall.adapters.migrate import alembic_config, upgrade
from hall.adapters.tables import metadata
from tests.api.layouts import small_layout, write_layout
from tests.conftest import HALL, ROOT


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db(request) -> str:
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")


def schema(engine) -> dict:
    """Tables with their columns, indexes, unique and foreign keys, as the database reports them."""
    with engine.connect() as conn:
        insp = sa.inspect(conn)
        return {t: (sorted((c["name"], str(c["type"]), c["nullable"]) for c in insp.get_columns(t)),
                    sorted((i["name"], tuple(i["column_names"]), i["unique"]) for i in insp.get_indexes(t)),
                    sorted((u["name"], tuple(u["column_names"])) for u in insp.get_unique_constraints(t)),
                    sorted((f["name"], tuple(f["constrained_columns"]), f["referred_table"])
                           for f in insp.get_foreign_keys(t)))
                for t in insp.get_table_names()}


def revision(engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def test_upgrade_from_empty_matches_the_metadata(empty_db):
    engine = make_engine(empty_db)
    upgrade(engine)
    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    assert revision(engine) == head
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    assert diff == []
    assert set(schema(engine)) == set(metadata.tables) | {"alembic_version"}
    engine.dispose()


def test_a_second_upgrade_changes_nothing(empty_db):
    engine = make_engine(empty_db)
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(sa.insert(metadata.tables["zone"]).values(code="T", name="测试区"))
    before = schema(engine), revision(engine)
    upgrade(engine)
    assert (schema(engine), revision(engine)) == before
    with engine.connect() as conn:
        assert conn.execute(sa.select(metadata.tables["zone"].c.name)).scalars().all() == ["测试区"]
    engine.dispose()


def test_nodes_starting_together_migrate_once(pg_url, tmp_path):
    """Several `hall init` on one empty PostgreSQL at once: one migrates, the others wait and find it done."""
    layout = write_layout(tmp_path / "hall.toml", small_layout())
    procs = [subprocess.Popen([*HALL, "init", "--config", str(layout), "--db", pg_url], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
    results = [(p.wait(120), p.stderr.read()) for p in procs]
    assert [code for code, _ in results] == [0, 0, 0], results
    engine = make_engine(pg_url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM category")).scalar_one() == 2
        assert conn.execute(sa.text("SELECT count(*) FROM alembic_version")).scalar_one() == 1
    engine.dispose()
