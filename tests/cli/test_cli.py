"""The `hall` command line on real databases: layouts, accounts, devices, reports, and bad input."""
from __future__ import annotations

import copy
import csv
import io
import shutil
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa

from tests.api.conftest import Hall
from tests.api.layouts import small_layout, write_layout
from tests.conftest import run_hall

PASSWORD = "Sup3r-secret-pw"


def dump(db: str) -> dict[str, list]:
    """Every row of every table, in a stable order."""
    engine = sa.create_engine(db)
    try:
        with engine.connect() as conn:
            meta = sa.MetaData()
            meta.reflect(conn)
            return {name: sorted(map(repr, conn.execute(sa.select(table)).all()))
                    for name, table in meta.tables.items()}
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def prepared(tmp_path_factory) -> Path:
    """A database with the small layout, a clerk "taken" and a kiosk "taken-kiosk", made once."""
    folder = tmp_path_factory.mktemp("prepared")
    db = f"sqlite:///{folder / 'hall.sqlite3'}"
    init(db, write_layout(folder / "hall.toml", small_layout()))
    run_hall("user", "add", "taken", "--role", "clerk", "--password-stdin", db=db, stdin=PASSWORD + "\n")
    run_hall("device", "add", "taken-kiosk", "--kind", "kiosk", db=db)
    return folder / "hall.sqlite3"


@pytest.fixture
def hall_db(prepared, tmp_path) -> str:
    """A copy of the prepared database for one test."""
    shutil.copy(prepared, tmp_path / "hall.sqlite3")
    return f"sqlite:///{tmp_path / 'hall.sqlite3'}"


def init(db: str, path, **kw):
    return run_hall("init", "--config", str(path), db=db, **kw)


def device_token(db: str, name: str, *options: str) -> str:
    out = run_hall("device", "add", name, *options, db=db).stdout
    return out.strip().splitlines()[-1]


def test_init_twice_changes_nothing(sqlite_url, tmp_path):
    path = write_layout(tmp_path / "hall.toml", small_layout())
    first = init(sqlite_url, path)
    assert "zones 1" in first.stdout and "categories 2" in first.stdout and "windows 2" in first.stdout
    before = dump(sqlite_url)
    second = init(sqlite_url, path)
    assert "nothing changed" in second.stdout
    assert dump(sqlite_url) == before


BAD_LAYOUTS = [  # (what to change, words the error must name)
    (lambda d: d["categories"][1].update(zone="NOPE"), ["categories[1]", "zone", "NOPE"]),
    (lambda d: d["categories"][0].update(hours=["25:00-26:00"]), ["categories[0]", "hours", "25:00-26:00"]),
    (lambda d: d["categories"][0].update(daily_quota=-1), ["categories[0]", "daily_quota"]),
    (lambda d: d["categories"][0].update(colour="red"), ["categories[0]", "colour"]),
    (lambda d: d["categories"][1].update(code="P"), ["categories[1]", "code", "duplicate"]),
    (lambda d: d["categories"][0].update(code="p1"), ["categories[0]", "code"]),
    (lambda d: d["windows"][1].update(categories=["X"]), ["windows[1]", "categories", "'X'"]),
    (lambda d: d["windows"][0].update(number="one"), ["windows[0]", "number"]),
    (lambda d: d["hall"].update(timezone="Mars/Olympus"), ["hall", "timezone", "Mars/Olympus"]),
    (lambda d: d["hall"].update(announce="请{name}"), ["hall", "announce"]),
    (lambda d: d["hall"].pop("name"), ["hall", "name"]),
]


@pytest.mark.parametrize("change, named", BAD_LAYOUTS, ids=[" ".join(n) for _, n in BAD_LAYOUTS])
def test_a_bad_layout_names_file_entry_and_field_and_touches_nothing(hall_db, tmp_path, change, named):
    before = dump(hall_db)
    layout = copy.deepcopy(small_layout())
    change(layout)
    bad = write_layout(tmp_path / "bad.toml", layout)
    r = init(hall_db, bad, check=False)
    assert r.returncode != 0
    assert "Traceback" not in r.stderr
    assert str(bad) in r.stderr and all(word in r.stderr for word in named), r.stderr
    assert dump(hall_db) == before


@pytest.mark.parametrize("text, named", [("[hall\nname=", "not valid TOML"), ("name = '\xff'", "not UTF-8")])
def test_a_file_that_is_not_toml_is_refused_before_the_database_exists(tmp_path, text, named):
    path = tmp_path / "broken.toml"
    path.write_text(text, encoding="latin-1")
    db_file = tmp_path / "never.sqlite3"
    r = init(f"sqlite:///{db_file}", path, check=False)
    assert r.returncode != 0 and str(path) in r.stderr and named in r.stderr, r.stderr
    assert not db_file.exists()


def test_missing_layout_file(sqlite_url, tmp_path):
    r = init(sqlite_url, tmp_path / "missing.toml", check=False)
    assert r.returncode != 0 and "missing.toml" in r.stderr and "cannot read" in r.stderr


def test_live_layout_change_keeps_tickets(hall_server, sqlite_url, tmp_path):
    """A served hall takes a new category and a window's new categories; waiting tickets stay."""
    layout = small_layout()
    init(sqlite_url, write_layout(tmp_path / "hall.toml", layout))
    run_hall("user", "add", "boss", "--role", "supervisor", "--password-stdin", db=sqlite_url, stdin=PASSWORD + "\n")
    run_hall("user", "add", "wang", "--role", "clerk", "--password-stdin", db=sqlite_url, stdin=PASSWORD + "\r\n")
    kiosk = device_token(sqlite_url, "kiosk-a", "--kind", "kiosk")
    server = hall_server.spawn(sqlite_url, extra=[])
    hall = Hall(server, kiosk=kiosk, supervisor=("boss", PASSWORD))
    waiting = [hall.issue("P"), hall.issue("Q"), hall.issue("P")]

    layout["categories"].append({"code": "S", "name": "新业务", "zone": "T"})
    layout["categories"][0]["name"] = "改名业务"
    layout["windows"][1]["categories"] = ["Q", "S"]
    changed = init(sqlite_url, write_layout(tmp_path / "hall.toml", layout))
    assert "categories 2" in changed.stdout and "windows 1" in changed.stdout
    assert hall.issue(layout["categories"][0]["code"])["category_name"] == "改名业务"   # no stale cache

    assert [hall.ticket(t["id"])["status"] for t in waiting] == ["waiting"] * 3
    new = hall.issue("S")
    assert new["number"] == "S001"
    clerk = server.login("wang", PASSWORD)
    assert server.call("POST", "/windows/2/sign-in", clerk, json={"post": "A"}).status_code == 200
    assert hall.call_next(clerk, 2)["id"] == waiting[1]["id"]
    hall.at(clerk, 2, "finish")
    assert hall.call_next(clerk, 2)["id"] == new["id"]
    assert hall.issue("P")["number"] == "P004"   # numbering went on through the reload


def test_user_add(hall_db, hall_server):
    r = run_hall("user", "add", "li.ming", "--role", "clerk", "--password-stdin", "--display-name", "李明",
                 db=hall_db, stdin="pass word with spaces\n")
    assert "li.ming" in r.stdout
    server = hall_server.spawn(hall_db, extra=[])
    assert server.login("li.ming", "pass word with spaces")
    assert server.call("POST", "/auth/login", json={"username": "li.ming", "password": "pass word with spaces\n"}
                       ).status_code == 401


def test_device_add_prints_a_working_token_last(hall_db, hall_server):
    pad = device_token(hall_db, "pad-2", "--kind", "pad", "--window", "2")
    display = device_token(hall_db, "lobby-t", "--kind", "display", "--zone", "T")
    server = hall_server.spawn(hall_db, extra=[])
    me = server.call("GET", "/me", pad).json()
    assert me["device"] == {"name": "pad-2", "kind": "pad", "window": 2, "zone": None}
    assert server.call("GET", "/me", display).json()["device"]["zone"] == "T"
    assert server.call("GET", "/hall", display).status_code == 200


@pytest.mark.parametrize("args, stdin, message", [
    (["user", "add", "x", "--role", "clerk", "--password-stdin"], "", "no password"),
    (["user", "add", "x", "--role", "clerk", "--password-stdin"], "short\n", "at least 8"),
    (["user", "add", "bad name!", "--role", "clerk", "--password-stdin"], PASSWORD + "\n", "bad user name"),
    (["user", "add", "taken", "--role", "clerk", "--password-stdin"], PASSWORD + "\n", "already exists"),
    (["user", "add", "x", "--role", "king", "--password-stdin"], PASSWORD + "\n", "invalid choice"),
    (["user", "add", "x", "--role", "clerk"], PASSWORD + "\n", "--password-stdin"),
    (["device", "add", "p", "--kind", "pad"], None, "--window"),
    (["device", "add", "p", "--kind", "pad", "--window", "77"], None, "no window 77"),
    (["device", "add", "p", "--kind", "pad", "--window", "two"], None, "invalid int"),
    (["device", "add", "d", "--kind", "display", "--zone", "ZZ"], None, "no zone 'ZZ'"),
    (["device", "add", "d", "--kind", "toaster"], None, "invalid choice"),
    (["device", "add", "taken-kiosk", "--kind", "kiosk"], None, "already exists"),
    (["report", "daily", "--date", "2026-02-30", "--format", "csv", "--out", "x.csv"], None, "--date"),
    (["report", "daily", "--date", "2026-02-01", "--format", "pdf", "--out", "x.pdf"], None, "invalid choice"),
    (["report", "daily", "--date", "2026-02-01", "--format", "csv", "--out", "/no/such/dir/x.csv"], None,
     "cannot write /no/such/dir/x.csv"),
])
def test_bad_command_input_is_a_clear_error(hall_db, tmp_path, args, stdin, message):
    before = dump(hall_db)
    r = run_hall(*args, db=hall_db, stdin=stdin, check=False, cwd=tmp_path)
    assert r.returncode != 0
    assert message in r.stderr and "Traceback" not in r.stderr, r.stderr
    assert dump(hall_db) == before


@pytest.mark.parametrize("db, message", [
    ("not a url", "not a database URL"),
    ("mysql://u@localhost/hall", "unsupported database"),
])
def test_bad_database_url(tmp_path, db, message):
    r = init(db, write_layout(tmp_path / "hall.toml", small_layout()), check=False)
    assert r.returncode != 0 and message in r.stderr and "Traceback" not in r.stderr, r.stderr


def test_report_daily_files(hall_server, tmp_path):
    hall = Hall(hall_server.spawn())
    clerk = hall.clerk("clerk1", 5)
    for _ in range(3):
        hall.issue("A")
    hall.call_next(clerk, 5)
    hall.at(clerk, 5, "finish")
    day = hall.ticket(1)["issued_at"][:10]
    csv_out, xlsx_out = tmp_path / "day.csv", tmp_path / "day.xlsx"
    for fmt, out in (("csv", csv_out), ("xlsx", xlsx_out)):
        r = run_hall("report", "daily", "--date", day, "--format", fmt, "--out", str(out), db=hall.server.db)
        assert str(out) in r.stdout
    rows = list(csv.reader(io.StringIO(csv_out.read_text(encoding="utf-8-sig"))))
    a = next(row for row in rows if row[:1] == ["A"])
    assert a[2:5] == ["3", "1", "0"]   # tickets, served, no-shows
    sheet = openpyxl.load_workbook(xlsx_out).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][:5] == ("A", "不动产登记", 3, 1, 0)
