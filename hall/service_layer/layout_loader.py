"""Loading a hall layout into a live hall without losing a ticket."""
from __future__ import annotations

from hall.adapters.repository import HallSettings
from hall.domain.model import Window
from hall.layout import HallLayout
from hall.service_layer.context import HallContext
from hall.service_layer.messages import queue_updated, window_updated


def apply(ctx: HallContext, layout: HallLayout, source: str) -> dict:
    """Create or update zones, categories and windows; running it twice changes nothing.

    Windows keep their clerk, pause and current ticket; tickets are untouched.
    Entries missing from the file are kept (tickets and reports refer to them)."""
    now = ctx.clock()
    changes = {"zones": 0, "categories": 0, "windows": 0, "settings": 0}
    with ctx.transaction() as uow:
        settings = HallSettings(layout.name, layout.timezone, layout.announce, layout.notice)
        if uow.layout.settings() != settings:
            uow.layout.save_settings(settings)
            changes["settings"] = 1
        zones = {z.code: z for z in uow.layout.zones()}
        for z in layout.zones:
            if zones.get(z.code) != z:
                uow.layout.save_zone(z)
                changes["zones"] += 1
        cats = {c.code: c for c in uow.layout.categories()}
        changed_categories = []
        for c in layout.categories:
            if cats.get(c.code) != c:
                uow.layout.save_category(c)
                changes["categories"] += 1
                changed_categories.append(c.code)
        windows = {w.number: w for w in uow.windows.all()}
        changed_windows = []
        for plan in layout.windows:
            w = windows.get(plan.number) or Window(plan.number, plan.zone, plan.categories)
            if plan.number in windows and (w.zone, w.categories) == (plan.zone, plan.categories):
                continue
            w.zone, w.categories = plan.zone, plan.categories
            uow.windows.save(w)
            changes["windows"] += 1
            changed_windows.append(w)
        if any(changes.values()):
            uow.audit.record("layout.loaded", now, source=source, **changes)
            for w in changed_windows:
                window_updated(ctx, uow, w, settings.timezone)
            for code in changed_categories:
                queue_updated(ctx, uow, code)
    return changes
