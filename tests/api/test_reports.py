"""GET /reports/daily as JSON, CSV and XLSX: the same figures in each."""
from __future__ import annotations

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from hall.adapters.report_files import HEADINGS, SECTIONS
from tests.api.conftest import assert_error

# The day below, per section: key → (tickets, served, no_shows, waiting_now, evaluations, level_5, level_2)
EXPECTED = {
    "by_category": {"A": (3, 1, 1, 1, 1, 1, 0), "B": (1, 1, 0, 0, 1, 0, 1)},
    "by_window": {1: (1, 1, 0, 0, 1, 0, 1), 5: (2, 1, 1, 0, 1, 1, 0)},
    "by_clerk": {"clerk1": (2, 1, 1, 0, 1, 1, 0), "clerk2": (1, 1, 0, 0, 1, 0, 1)},
}
FIGURES = ("tickets", "served", "no_shows", "waiting_now", "evaluations", "level_5", "level_2")
KEY_OF = {"by_category": "category", "by_window": "window", "by_clerk": "clerk"}


def today() -> str:
    return dt.datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()


@pytest.fixture
def worked_day(hall):
    """B001 done at window 1 (rated 2); A001 done at window 5 (rated 5), A002 no-show, A003 waiting."""
    clerk1 = hall.clerk("clerk1", 5)
    clerk2 = hall.clerk("clerk2", 1)
    b1 = hall.issue("B")
    a1 = hall.issue("A")
    hall.issue("A")
    hall.issue("A")
    for clerk, window, end in ((clerk2, 1, "finish"), (clerk1, 5, "finish"), (clerk1, 5, "no-show")):
        hall.call_next(clerk, window)
        if end == "finish":   # a no-show never arrived, so never started
            hall.at(clerk, window, "start")
        hall.at(clerk, window, end)
    for pad, ticket, rating in (("pad-5", a1, {"level": 5}), ("pad-1", b1, {"level": 2, "reasons": ["服务效率"]})):
        r = hall.call("POST", "/evaluations", hall.server.tokens[pad], json={"ticket_id": ticket["id"], **rating})
        assert r.status_code == 201, r.text
    return hall


def report(hall, fmt: str, day: str | None = None):
    r = hall.call("GET", "/reports/daily", hall.supervisor, params={"date": day or today(), "format": fmt})
    assert r.status_code == 200, r.text
    return r


def test_json_report_figures(worked_day):
    body = report(worked_day, "json").json()
    assert body["date"] == today()
    for section, rows in EXPECTED.items():
        got = {row[KEY_OF[section]]: tuple(row[f] for f in FIGURES) for row in body[section]}
        assert got == rows, section
    assert tuple(body["totals"][f] for f in FIGURES) == (4, 2, 1, 1, 2, 1, 1)
    a = next(row for row in body["by_category"] if row["category"] == "A")
    assert a["mean_wait_s"] is not None and a["p90_wait_s"] >= a["mean_wait_s"] >= 0
    assert a["mean_service_s"] is not None
    assert sum(body["arrivals_by_hour"]) == 4


def figures_by_key(section: str, head: list, rows: list) -> dict:
    """One report table (a CSV block or an XLSX sheet) as EXPECTED's key → figures."""
    columns = [head.index(HEADINGS[f]) for f in FIGURES]
    key = int if section == "by_window" else str
    return {key(row[0]): tuple(int(row[i]) for i in columns) for row in rows}


def test_csv_report_has_the_same_figures(worked_day):
    r = report(worked_day, "csv")
    assert r.headers["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    for section, _, title in SECTIONS:
        at = lines.index([title])
        head = lines[at + 1]
        rows = []
        for row in lines[at + 2:]:
            if not row:
                break
            rows.append(row)
        assert figures_by_key(section, head, rows) == EXPECTED[section], section


def test_xlsx_report_opens_with_the_same_figures(worked_day):
    r = report(worked_day, "xlsx")
    assert r.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    for section, _, title in SECTIONS:
        head, *rows = [list(row) for row in book[title[:31]].iter_rows(values_only=True)]
        assert figures_by_key(section, head, rows) == EXPECTED[section], section
    hours = list(book["按小时 Arrivals by hour"].iter_rows(values_only=True))[1:]
    assert sum(n for _, n in hours) == 4


def test_a_day_without_tickets_reports_zeros(worked_day):
    body = report(worked_day, "json", day="2020-01-01").json()
    assert body["totals"]["tickets"] == 0 and body["by_category"] == []


@pytest.mark.parametrize("query, status, code", [
    ({"date": "2026-13-40"}, 422, "validation_error"),
    ({"format": "pdf"}, 422, "validation_error"),
    ({"date": "yesterday"}, 422, "validation_error"),
])
def test_bad_report_queries(shared_hall, query, status, code):
    assert_error(shared_hall.call("GET", "/reports/daily", shared_hall.supervisor, params=query), status, code)


@pytest.mark.parametrize("who", ["clerk1", "kiosk-1", "lobby"])
def test_only_supervisors_read_reports(shared_hall, who):
    token = shared_hall.server.tokens.get(who) or shared_hall.server.login(who)
    assert_error(shared_hall.call("GET", "/reports/daily", token), 403, "forbidden")
