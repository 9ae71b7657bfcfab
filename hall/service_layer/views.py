"""The JSON shapes of the contract, built from domain objects."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hall.adapters.accounts import StaffAccount
from hall.adapters.supervision import Alarm
from hall.domain.issuing import format_hours
from hall.domain.model import Category, Ticket, Window, Zone


def iso(at: dt.datetime | None, tz: str) -> str | None:
    return at.astimezone(ZoneInfo(tz)).isoformat(timespec="seconds") if at else None


def ticket_view(ticket: Ticket, tz: str, *, category: Category | None = None, ahead: int = 0,
                estimated_wait_s: int = 0, public_url: str = "") -> dict:
    return {
        "id": ticket.id,
        "number": ticket.display_number,
        "category": ticket.category,
        "category_name": category.name if category else None,
        "category_name_en": category.name_en if category else None,
        "status": ticket.status.value,
        "priority": ticket.priority.value,
        "issued_at": iso(ticket.issued_at, tz),
        "called_at": iso(ticket.called_at, tz),
        "started_at": iso(ticket.started_at, tz),
        "finished_at": iso(ticket.finished_at, tz),
        "window": ticket.window,
        "transferred_to_window": ticket.transferred_to_window,
        "recalls": ticket.recalls,
        "ahead": ahead,
        "estimated_wait_s": estimated_wait_s,
        "track_url": f"{public_url}/t/{ticket.track_token}",
        "holder": ticket.holder,
        "kiosk": ticket.kiosk,
    }


def clerk_view(staff: StaffAccount | None, window: Window) -> dict | None:
    if staff is None:
        return None
    return {"username": staff.username, "name": staff.name, "staff_no": staff.staff_no,
            "post": window.post.value if window.post else None}


def window_view(window: Window, clerk: StaffAccount | None, ticket: dict | None) -> dict:
    return {
        "number": window.number,
        "zone": window.zone,
        "categories": sorted(window.categories),
        "state": window.state(),
        "pause_reason": window.pause_reason,
        "clerk": clerk_view(clerk, window),
        "ticket": ticket,
    }


def queue_view(category: Category, waiting: int, oldest: dt.datetime | None, now: dt.datetime) -> dict:
    return {"category": category.code, "name": category.name, "name_en": category.name_en, "zone": category.zone,
            "waiting": waiting,
            "longest_wait_s": int((now - oldest).total_seconds()) if oldest else 0}


def category_view(category: Category, state: str, waiting: int, estimated_wait_s: int) -> dict:
    return {"code": category.code, "name": category.name, "name_en": category.name_en, "zone": category.zone,
            "waiting": waiting, "open": state == "open", "state": state, "hours": format_hours(category),
            "daily_quota": category.daily_quota, "service_limit_min": category.service_limit_min,
            "wait_alarm_min": category.wait_alarm_min, "estimated_wait_s": estimated_wait_s}


def zone_view(zone: Zone) -> dict:
    return {"code": zone.code, "name": zone.name, "name_en": zone.name_en, "floor": zone.floor}


def alarm_view(alarm: Alarm, tz: str) -> dict:
    return {"id": alarm.id, "kind": alarm.kind, "level": alarm.level, "ticket": alarm.ticket_id,
            "window": alarm.window, "device": alarm.device, "message": alarm.message,
            "raised_at": iso(alarm.raised_at, tz), "acknowledged": alarm.acknowledged_at is not None}
