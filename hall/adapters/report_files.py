"""The daily report as files a hall office opens: CSV (UTF-8 with BOM, for Excel) and XLSX."""
from __future__ import annotations

import csv
import io

from openpyxl import Workbook

from hall.service_layer.reports import FIGURES

SECTIONS = (("by_category", "category", "按业务 By category"), ("by_window", "window", "按窗口 By window"),
            ("by_clerk", "clerk", "按人员 By clerk"))
HEADINGS = {
    "category": "业务 category", "name": "名称 name", "window": "窗口 window", "clerk": "人员 clerk",
    "tickets": "取号 tickets", "served": "办结 served", "no_shows": "过号 no-shows",
    "waiting_now": "等候中 waiting", "mean_wait_s": "平均等候(秒) mean wait s",
    "p90_wait_s": "P90等候(秒) p90 wait s", "mean_service_s": "平均办理(秒) mean service s",
    "p90_service_s": "P90办理(秒) p90 service s", "evaluations": "评价数 evaluations",
    "level_5": "非常满意", "level_4": "满意", "level_3": "基本满意", "level_2": "不满意", "level_1": "非常不满意",
    "not_rated": "未评价 not rated",
}


def _table(report: dict, section: str, key: str) -> tuple[list[str], list[list]]:
    columns = [key] + (["name"] if key == "category" else []) + list(FIGURES)
    return [HEADINGS[c] for c in columns], [[row.get(c) for c in columns] for row in report[section]]


def to_csv(report: dict) -> bytes:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow([f"{report['hall']} 日报 daily report", report["date"]])
    for section, key, title in SECTIONS:
        head, rows = _table(report, section, key)
        w.writerow([])
        w.writerow([title])
        w.writerow(head)
        w.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(report: dict) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for section, key, title in SECTIONS:
        ws = wb.create_sheet(title[:31])
        head, rows = _table(report, section, key)
        ws.append(head)
        for row in rows:
            ws.append(row)
    ws = wb.create_sheet("按小时 Arrivals by hour")
    ws.append(["小时 hour", "取号 tickets"])
    for hour, n in enumerate(report["arrivals_by_hour"]):
        ws.append([hour, n])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
