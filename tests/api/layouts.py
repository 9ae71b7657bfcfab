"""Hall layout files for tests, written as TOML from plain data."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo


def toml_value(v) -> str:
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    return str(v)


def to_toml(layout: dict) -> str:
    lines = ["[hall]"] + [f"{k} = {toml_value(v)}" for k, v in layout["hall"].items()]
    for section in ("zones", "categories", "windows"):
        for entry in layout.get(section, []):
            lines += ["", f"[[{section}]]"] + [f"{k} = {toml_value(v)}" for k, v in entry.items()]
    return "\n".join(lines) + "\n"


def write_layout(path: Path, layout: dict) -> Path:
    path.write_text(to_toml(layout), encoding="utf-8")
    return path


def hours_excluding_now(timezone: str = "Asia/Shanghai") -> list[str]:
    """One hour of opening that is certainly not now: twelve hours away."""
    start = (dt.datetime.now(ZoneInfo(timezone)) + dt.timedelta(hours=12)).replace(minute=0)
    end = start + dt.timedelta(hours=1)
    return [f"{start:%H}:00-{'24' if end.hour == 0 else f'{end:%H}'}:00"]


def small_layout(**category_changes) -> dict:
    """A hall of one zone, categories P (open all day) and Q, windows 1 (*) and 2 (P)."""
    return {
        "hall": {"name": "测试大厅", "timezone": "Asia/Shanghai"},
        "zones": [{"code": "T", "name": "测试区", "floor": 1}],
        "categories": [{"code": "P", "name": "护照", "zone": "T"},
                       {"code": "Q", "name": "签注", "zone": "T", **category_changes}],
        "windows": [{"number": 1, "zone": "T", "categories": ["*"]},
                    {"number": 2, "zone": "T", "categories": ["P"]}],
    }
