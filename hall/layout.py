"""The hall layout file (TOML): zones, categories and windows.

Parsing is strict: a bad file is refused with the file, the entry and the
field named, before anything in the database is touched.
"""
from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from hall.domain.model import EVERY_CATEGORY, Category, Zone

CODE = r"^[A-Z][A-Z0-9]{0,7}$"
HOURS = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")


class LayoutError(ValueError):
    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(problems))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HallSection(_Strict):
    name: Annotated[str, Field(min_length=1, max_length=100)]
    timezone: str = "Asia/Shanghai"
    announce: str = "请{number}号到{window}号窗口办理"
    notice: str = ""

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {v!r}") from None
        return v

    @field_validator("announce")
    @classmethod
    def _template(cls, v: str) -> str:
        try:
            v.format(number="A001", window=1)
        except (KeyError, IndexError, ValueError) as e:
            raise ValueError(f"template may use only {{number}} and {{window}}: {e}") from None
        return v


class ZoneEntry(_Strict):
    code: Annotated[str, Field(pattern=CODE)]
    name: Annotated[str, Field(min_length=1, max_length=100)]
    name_en: Annotated[str, Field(max_length=100)] | None = None
    floor: int | None = None


class CategoryEntry(_Strict):
    code: Annotated[str, Field(pattern=r"^[A-Z]{1,2}$")]
    name: Annotated[str, Field(min_length=1, max_length=100)]
    name_en: str | None = None
    zone: str
    daily_quota: Annotated[int, Field(ge=1, le=100000)] | None = None
    hours: list[str] = []
    service_limit_min: Annotated[int, Field(ge=1, le=24 * 60)] | None = None
    wait_alarm_min: Annotated[int, Field(ge=1, le=24 * 60)] | None = None

    @field_validator("hours")
    @classmethod
    def _hours(cls, v: list[str]) -> list[str]:
        for span in v:
            m = HOURS.match(span)
            if not m:
                raise ValueError(f"{span!r} is not HH:MM-HH:MM")
            if (m[1], m[2]) >= (m[3], m[4]):
                raise ValueError(f"{span!r} ends before it starts")
        return v


class WindowEntry(_Strict):
    number: Annotated[int, Field(ge=1, le=9999)]
    zone: str
    categories: Annotated[list[str], Field(min_length=1)] = [EVERY_CATEGORY]


class LayoutFile(_Strict):
    hall: HallSection
    zones: list[ZoneEntry] = []
    categories: list[CategoryEntry] = []
    windows: list[WindowEntry] = []

    @model_validator(mode="after")
    def _references(self):
        zones = {z.code for z in self.zones}
        cats = {c.code for c in self.categories}
        problems = []
        problems += _duplicates("zones", [z.code for z in self.zones], "code")
        problems += _duplicates("categories", [c.code for c in self.categories], "code")
        problems += _duplicates("windows", [w.number for w in self.windows], "number")
        for i, c in enumerate(self.categories):
            if c.zone not in zones:
                problems.append(f"categories[{i}] ({c.code}).zone: unknown zone {c.zone!r}")
        for i, w in enumerate(self.windows):
            if w.zone not in zones:
                problems.append(f"windows[{i}] (window {w.number}).zone: unknown zone {w.zone!r}")
            for code in w.categories:
                if code != EVERY_CATEGORY and code not in cats:
                    problems.append(f"windows[{i}] (window {w.number}).categories: unknown category {code!r}")
        if problems:
            raise ValueError("; ".join(problems))
        return self


def _duplicates(section: str, keys: list, field: str) -> list[str]:
    seen, out = set(), []
    for i, k in enumerate(keys):
        if k in seen:
            out.append(f"{section}[{i}].{field}: duplicate {k!r}")
        seen.add(k)
    return out


def parse_hours(spans: list[str]) -> tuple[tuple[dt.time, dt.time], ...]:
    def t(hh, mm):
        return dt.time.max if hh == "24" else dt.time(int(hh), int(mm))
    return tuple((t(m[1], m[2]), t(m[3], m[4])) for m in map(HOURS.match, spans))


@dataclass(frozen=True)
class WindowPlan:
    number: int
    zone: str
    categories: frozenset[str]


@dataclass(frozen=True)
class HallLayout:
    name: str
    timezone: str
    announce: str
    notice: str
    zones: tuple[Zone, ...]
    categories: tuple[Category, ...]
    windows: tuple[WindowPlan, ...]


def _describe(err: dict) -> str:
    loc = err["loc"]
    where = ""
    for part in loc:
        where += f"[{part}]" if isinstance(part, int) else (f".{part}" if where else str(part))
    msg = err["msg"].removeprefix("Value error, ")
    return f"{where}: {msg}" if where else msg


def from_dict(data: dict, source: str = "<layout>") -> HallLayout:
    try:
        f = LayoutFile.model_validate(data)
    except ValidationError as e:
        raise LayoutError(source, [_describe(err) for err in e.errors()]) from None
    return HallLayout(
        name=f.hall.name, timezone=f.hall.timezone, announce=f.hall.announce, notice=f.hall.notice,
        zones=tuple(Zone(z.code, z.name, z.floor, z.name_en) for z in f.zones),
        categories=tuple(Category(
            code=c.code, name=c.name, name_en=c.name_en, zone=c.zone, daily_quota=c.daily_quota,
            hours=parse_hours(c.hours), service_limit_min=c.service_limit_min,
            wait_alarm_min=c.wait_alarm_min) for c in f.categories),
        windows=tuple(WindowPlan(w.number, w.zone, frozenset(w.categories)) for w in f.windows),
    )


def load(path: str | Path) -> HallLayout:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise LayoutError(str(path), [f"cannot read: {e.strerror}"]) from None
    except UnicodeDecodeError:
        raise LayoutError(str(path), ["not UTF-8 text"]) from None
    except tomllib.TOMLDecodeError as e:
        raise LayoutError(str(path), [f"not valid TOML: {e}"]) from None
    return from_dict(data, str(path))
