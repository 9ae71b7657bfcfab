"""The daily report: per category, window and clerk, from the day's tickets and ratings."""
from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from zoneinfo import ZoneInfo

from hall.adapters.repository import aware
from hall.domain.model import TicketStatus
from hall.service_layer.actors import Actor, require
from hall.service_layer.context import HallContext

FIGURES = ("tickets", "served", "no_shows", "waiting_now", "mean_wait_s", "p90_wait_s",
           "mean_service_s", "p90_service_s", "evaluations", "level_5", "level_4", "level_3", "level_2",
           "level_1", "not_rated")


def p90(values: list[float]) -> int | None:
    if not values:
        return None
    ordered = sorted(values)
    return int(round(ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]))


def mean(values: list[float]) -> int | None:
    return int(round(sum(values) / len(values))) if values else None


def daily(ctx: HallContext, actor: Actor | None, day: dt.date) -> dict:
    if actor is not None:
        require(actor, roles=("supervisor", "admin"), what="read reports")
    now = ctx.clock()
    with ctx.transaction() as uow:
        s = ctx.settings(uow)
        tz = ZoneInfo(s.timezone)
        tickets = uow.tickets.of_day(day)
        ids = [t.id for t in tickets]
        ratings = {r.ticket_id: r.level for r in uow.evaluations.of_tickets(ids)}
        requests = {r.ticket_id: aware(r.expires_at) for r in uow.evaluations.requests_of_tickets(ids)}
        staff = uow.accounts.staff_many(t.served_by for t in tickets)
        categories = {c.code: c.name for c in uow.layout.categories()}

    groups: dict[tuple[str, str], list] = defaultdict(list)
    arrivals = [0] * 24
    for t in tickets:
        arrivals[t.issued_at.astimezone(tz).hour] += 1
        groups[("category", t.category)].append(t)
        if t.window is not None:
            groups[("window", str(t.window))].append(t)
        if t.served_by is not None:
            groups[("clerk", staff[t.served_by].username if t.served_by in staff else str(t.served_by))].append(t)
        groups[("hall", "")].append(t)

    def figures(ts) -> dict:
        waits = [(t.called_at - t.issued_at).total_seconds() for t in ts if t.called_at]
        services = [(t.finished_at - t.started_at).total_seconds() for t in ts
                    if t.status is TicketStatus.DONE and t.started_at and t.finished_at]
        levels = [ratings[t.id] for t in ts if t.id in ratings]
        lapsed = sum(1 for t in ts if t.id in requests and t.id not in ratings and requests[t.id] < now)
        return {
            "tickets": len(ts),
            "served": sum(1 for t in ts if t.status is TicketStatus.DONE),
            "no_shows": sum(1 for t in ts if t.status is TicketStatus.NO_SHOW),
            "waiting_now": sum(1 for t in ts if t.status is TicketStatus.WAITING),
            "mean_wait_s": mean(waits), "p90_wait_s": p90(waits),
            "mean_service_s": mean(services), "p90_service_s": p90(services),
            "evaluations": len(levels),
            **{f"level_{n}": levels.count(n) for n in (5, 4, 3, 2, 1)},
            "not_rated": lapsed,
        }

    def rows(kind: str) -> list[dict]:
        out = []
        for (k, key), ts in sorted(groups.items()):
            if k != kind:
                continue
            row = {kind: int(key) if kind == "window" else key, **figures(ts)}
            if kind == "category":
                row["name"] = categories.get(key)
            out.append(row)
        if kind == "window":
            out.sort(key=lambda r: r["window"])
        return out

    return {
        "date": day.isoformat(),
        "hall": s.name,
        "totals": figures(groups[("hall", "")]),
        "by_category": rows("category"),
        "by_window": rows("window"),
        "by_clerk": rows("clerk"),
        "arrivals_by_hour": arrivals,
    }
