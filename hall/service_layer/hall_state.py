"""The hall at a glance: what lobby screens, consoles and kiosks show."""
from __future__ import annotations

from hall.domain.issuing import business_date, estimated_wait_s, state_of
from hall.service_layer.actors import Actor
from hall.service_layer.context import HallContext
from hall.service_layer.messages import window_payloads
from hall.service_layer.views import alarm_view, category_view, iso, queue_view, zone_view

RECENT_CALLS = 10


def hall(ctx: HallContext, actor: Actor | None = None) -> dict:
    """GET /hall: windows, queues, open alarms (supervisors only) and the latest calls."""
    now = ctx.clock()
    with ctx.transaction() as uow:
        s = ctx.settings(uow)
        categories = uow.layout.categories()
        by_code = {c.code: c for c in categories}
        stats = uow.tickets.queue_stats()
        windows = window_payloads(ctx, uow, uow.windows.all(), s.timezone)
        zone_of = {w["number"]: w["zone"] for w in windows}
        recent = [{"ticket": ctx.present(uow, t, s.timezone, by_code), "window": t.window, "zone": zone_of.get(t.window),
                   "announce": s.announce.format(number=t.display_number, window=t.window),
                   "at": iso(t.called_at, s.timezone)}
                  for t in uow.tickets.recent_calls(RECENT_CALLS) if t.window is not None]
        alarms = [alarm_view(a, s.timezone) for a in uow.alarms.open()] \
            if actor is None or actor.is_supervisor else []
        return {
            "hall": {"name": s.name, "announce": s.announce, "timezone": s.timezone, "notice": s.notice},
            "zones": [zone_view(z) for z in uow.layout.zones()],
            "windows": windows,
            "queues": [queue_view(c, *stats.get(c.code, (0, None)), now) for c in categories],
            "alarms": alarms,
            "recent_calls": recent,
        }


def desk_of(ctx: HallContext, staff_id: int) -> tuple[int, frozenset[str]] | None:
    """The window a clerk is signed in at and what it serves: what their terminal shows."""
    with ctx.transaction() as uow:
        window = next((w for w in uow.windows.all() if w.clerk == staff_id), None)
    return (window.number, window.categories) if window else None


def zones(ctx: HallContext) -> list[dict]:
    with ctx.transaction() as uow:
        return [zone_view(z) for z in uow.layout.zones()]


def categories(ctx: HallContext) -> list[dict]:
    """GET /categories: open to anyone, so a kiosk shows what can be taken now."""
    now = ctx.clock()
    with ctx.transaction() as uow:
        s = ctx.settings(uow)
        day = business_date(now, s.timezone)
        issued = uow.tickets.issued_counts(day)
        stats = uow.tickets.queue_stats()
        out = []
        for c in uow.layout.categories():
            waiting = stats.get(c.code, (0, None))[0]
            wait = estimated_wait_s(waiting, uow.tickets.mean_service_s(day, c.code),
                                    uow.windows.open_windows_serving(c.code)) if waiting else 0
            out.append(category_view(c, state_of(c, now, s.timezone, issued.get(c.code, 0)), waiting, wait))
        return out
