"""Issuing rules: when a category may hand out tickets, and how many."""
from __future__ import annotations

import datetime as dt
import math
from zoneinfo import ZoneInfo

from hall.domain.errors import CategoryClosed, QuotaExhausted
from hall.domain.model import Category

DEFAULT_SERVICE_S = 300  # a first guess at service time until the day has its own figures


def business_date(at: dt.datetime, timezone: str) -> dt.date:
    """The hall's local day: numbering restarts at local midnight, not UTC's."""
    return at.astimezone(ZoneInfo(timezone)).date()


def format_hours(category: Category) -> list[str]:
    return [f"{a:%H:%M}-{b:%H:%M}" for a, b in category.hours]


def is_open_at(category: Category, at: dt.datetime, timezone: str) -> bool:
    if not category.hours:
        return True
    local = at.astimezone(ZoneInfo(timezone)).time()
    return any(start <= local < end for start, end in category.hours)


def state_of(category: Category, at: dt.datetime, timezone: str, issued_today: int) -> str:
    """``open``, ``closed`` (outside its hours) or ``quota_exhausted``."""
    if not is_open_at(category, at, timezone):
        return "closed"
    if category.daily_quota is not None and issued_today >= category.daily_quota:
        return "quota_exhausted"
    return "open"


def check_can_issue(category: Category, at: dt.datetime, timezone: str, issued_today: int) -> None:
    state = state_of(category, at, timezone, issued_today)
    if state == "closed":
        hours = "、".join(format_hours(category))
        raise CategoryClosed(f"{category.name} 当前不在取号时间（{hours}）",
                             category=category.code, hours=format_hours(category))
    if state == "quota_exhausted":
        raise QuotaExhausted(f"{category.name} 今日号源已取完（{category.daily_quota}）",
                             category=category.code, daily_quota=category.daily_quota)


def estimated_wait_s(ahead: int, mean_service_s: float | None, windows_serving: int) -> int:
    """People ahead times the day's mean service time, shared among the open windows."""
    per_ticket = mean_service_s if mean_service_s else DEFAULT_SERVICE_S
    return int(math.ceil(ahead * per_ticket / max(1, windows_serving)))


def mask_name(name: str) -> str:
    """张三 → 张*, 张小三 → 张*三: enough for the visitor to know the ticket is theirs."""
    name = name.strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
