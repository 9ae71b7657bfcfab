"""Repositories: domain objects in and out of the database, on one connection."""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from sqlalchemy import and_, bindparam, case, func, insert, or_, select, tuple_, union_all, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from hall.adapters import tables as t
from hall.adapters.prepared import Prepared
from hall.domain import routing
from hall.domain.model import Category, Post, Priority, Ticket, TicketStatus, Window, Zone
from hall.layout import parse_hours

UTC = dt.timezone.utc


def aware(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite hands datetimes back naive; everything is stored in UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def utc(value: dt.datetime | None) -> dt.datetime | None:
    return None if value is None else value.astimezone(UTC)


@dataclass(frozen=True)
class HallSettings:
    name: str
    timezone: str
    announce: str
    notice: str


class Repository:
    def __init__(self, conn: Connection):
        self.conn = conn
        self.dialect = conn.dialect.name

    def _upsert(self, table):
        return (pg_insert if self.dialect == "postgresql" else sqlite_insert)(table)


class LayoutCache:
    """Zones and categories as of one layout version, kept between transactions of a process.

    Every ticket issued needs its category, and its print job the zone names, while the layout
    changes a few times a year; but `hall init` may load a new one into a running hall on any
    node, so entries are trusted only under the version read in the same transaction."""

    def __init__(self):
        self.clear()

    def clear(self) -> None:
        self.version: int | None = None
        self.categories: dict[str, Category | None] = {}
        self.all_categories: list[Category] | None = None
        self.zones: list[Zone] | None = None

    def at(self, version: int) -> "LayoutCache":
        if version != self.version:
            self.clear()
            self.version = version
        return self


_UNREAD = object()


class LayoutRepository(Repository):
    """Settings are read once per transaction; they carry the layout version that says whether
    the process's cached zones and categories still hold."""

    def __init__(self, conn: Connection, cache: LayoutCache):
        super().__init__(conn)
        self._settings = _UNREAD
        self._shared = cache
        self._cache: LayoutCache | None = None

    def settings(self) -> HallSettings | None:
        if self._settings is _UNREAD:
            row = _SETTINGS.first(self.conn)
            self._settings = HallSettings(*row[:4]) if row else None
            # Read before any cached entry is used: under READ COMMITTED a category read after
            # this is at least as new as this version, never older.
            self._cache = self._shared.at(row[4]) if row else LayoutCache()
        return self._settings

    def _cached(self) -> LayoutCache:
        self.settings()
        return self._cache

    def _changed(self) -> None:
        self.conn.execute(_BUMP_LAYOUT_VERSION)
        self._settings = _UNREAD
        # What this transaction reads from now on may yet be rolled back: keep it to itself.
        self._shared.clear()
        self._shared = LayoutCache()

    def save_settings(self, s: HallSettings) -> None:
        values = dict(name=s.name, timezone=s.timezone, announce=s.announce, notice=s.notice)
        self.conn.execute(self._upsert(t.hall_settings).values(id=1, **values)
                          .on_conflict_do_update(index_elements=["id"], set_=values))
        self._changed()

    def zones(self) -> list[Zone]:
        cache = self._cached()
        if cache.zones is None:
            cache.zones = [Zone(r.code, r.name, r.floor, r.name_en)
                           for r in self.conn.execute(select(t.zone).order_by(t.zone.c.floor, t.zone.c.code))]
        return list(cache.zones)

    def save_zone(self, z: Zone) -> None:
        values = dict(name=z.name, floor=z.floor, name_en=z.name_en)
        self.conn.execute(self._upsert(t.zone).values(code=z.code, **values)
                          .on_conflict_do_update(index_elements=["code"], set_=values))
        self._changed()

    def categories(self) -> list[Category]:
        cache = self._cached()
        if cache.all_categories is None:
            cache.all_categories = [self._category(r) for r in
                                    self.conn.execute(select(t.category).order_by(t.category.c.code))]
        return list(cache.all_categories)

    def category(self, code: str) -> Category | None:
        cache = self._cached()
        if code not in cache.categories:
            row = self.conn.execute(_CATEGORY, {"code": code}).first()
            cache.categories[code] = self._category(row) if row else None
        return cache.categories[code]

    @staticmethod
    def _category(r) -> Category:
        return Category(code=r.code, name=r.name, name_en=r.name_en, zone=r.zone,
                        daily_quota=r.daily_quota, hours=parse_hours(r.hours),
                        service_limit_min=r.service_limit_min, wait_alarm_min=r.wait_alarm_min)

    def save_category(self, c: Category) -> None:
        values = dict(name=c.name, name_en=c.name_en, zone=c.zone, daily_quota=c.daily_quota,
                      hours=[f"{a:%H:%M}-{'24:00' if b == dt.time.max else f'{b:%H:%M}'}"
                             for a, b in c.hours],
                      service_limit_min=c.service_limit_min, wait_alarm_min=c.wait_alarm_min)
        self.conn.execute(self._upsert(t.category).values(code=c.code, **values)
                          .on_conflict_do_update(index_elements=["code"], set_=values))
        self._changed()


class WindowRepository(Repository):
    def get(self, number: int, *, for_update: bool = False) -> Window | None:
        q = select(t.window).where(t.window.c.number == number)
        if for_update:
            q = q.with_for_update()
        row = self.conn.execute(q).first()
        return self._window(row) if row else None

    def all(self) -> list[Window]:
        return [self._window(r) for r in self.conn.execute(select(t.window).order_by(t.window.c.number))]

    @staticmethod
    def _window(r) -> Window:
        return Window(number=r.number, zone=r.zone, categories=frozenset(r.categories),
                      clerk=r.clerk_id, post=Post(r.post) if r.post else None, paused=r.paused,
                      pause_reason=r.pause_reason, current_ticket=r.current_ticket_id)

    def save(self, w: Window) -> None:
        values = dict(zone=w.zone, categories=sorted(w.categories), clerk_id=w.clerk,
                      post=w.post.value if w.post else None, paused=w.paused,
                      pause_reason=w.pause_reason, current_ticket_id=w.current_ticket)
        self.conn.execute(self._upsert(t.window).values(number=w.number, **values)
                          .on_conflict_do_update(index_elements=["number"], set_=values))

    def open_windows_serving(self, category: str) -> int:
        rows = self.conn.execute(_OPEN_WINDOW_CATEGORIES)
        return sum(1 for (cats,) in rows if "*" in cats or category in cats)


_TICKET_FIELDS = ("id", "prefix", "number", "business_date", "category", "priority", "status",
                  "issued_at", "queued_at", "called_at", "started_at", "finished_at", "window",
                  "transferred_to_window", "recalls", "served_by", "track_token", "holder",
                  "holder_key", "appointment_code", "kiosk")
_TIMES = ("issued_at", "queued_at", "called_at", "started_at", "finished_at")


class TicketRepository(Repository):
    def next_number(self, day: dt.date, prefix: str) -> int:
        """Bump the day's counter in this transaction: gapless, never handed out twice."""
        return _next_number_query(self.dialect).scalar(self.conn, {"day": day, "prefix": prefix})

    def issued_count(self, day: dt.date, prefix: str) -> int:
        n = _ISSUED_COUNT.scalar(self.conn, {"day": day, "prefix": prefix})
        return n or 0

    def issued_counts(self, day: dt.date) -> dict[str, int]:
        return dict(self.conn.execute(select(t.daily_counter.c.prefix, t.daily_counter.c.last_number)
                                      .where(t.daily_counter.c.business_date == day)).all())

    def add(self, ticket: Ticket) -> Ticket:
        values = self._values(ticket)
        values.pop("id")
        ticket.id = _INSERT_TICKET.scalar(self.conn, values)
        return ticket

    def save(self, ticket: Ticket) -> None:
        values = self._values(ticket)
        self.conn.execute(update(t.ticket).where(t.ticket.c.id == values.pop("id")).values(**values))

    @staticmethod
    def _values(ticket: Ticket) -> dict:
        v = {f: getattr(ticket, f) for f in _TICKET_FIELDS}
        v["priority"] = ticket.priority.value
        v["status"] = ticket.status.value
        for f in _TIMES:
            v[f] = utc(v[f])
        return v

    @staticmethod
    def _ticket(r) -> Ticket:
        v = {f: getattr(r, f) for f in _TICKET_FIELDS}
        v["priority"] = Priority(v["priority"])
        v["status"] = TicketStatus(v["status"])
        for f in _TIMES:
            v[f] = aware(v[f])
        return Ticket(**v)

    def get(self, ticket_id: int, *, for_update: bool = False) -> Ticket | None:
        q = select(t.ticket).where(t.ticket.c.id == ticket_id)
        if for_update:
            q = q.with_for_update()
        row = self.conn.execute(q).first()
        return self._ticket(row) if row else None

    def by_track_token(self, token: str) -> Ticket | None:
        row = self.conn.execute(select(t.ticket).where(t.ticket.c.track_token == token)).first()
        return self._ticket(row) if row else None

    def by_number(self, day: dt.date, prefix: str, number: int) -> Ticket | None:
        row = self.conn.execute(select(t.ticket).where(
            t.ticket.c.business_date == day, t.ticket.c.prefix == prefix,
            t.ticket.c.number == number)).first()
        return self._ticket(row) if row else None

    def many(self, ids: list[int]) -> dict[int, Ticket]:
        if not ids:
            return {}
        return {r.id: self._ticket(r) for r in self.conn.execute(select(t.ticket).where(t.ticket.c.id.in_(ids)))}

    def open_ticket_of_holder(self, holder_key: str, category: str) -> Ticket | None:
        row = self.conn.execute(select(t.ticket).where(
            t.ticket.c.holder_key == holder_key, t.ticket.c.category == category,
            t.ticket.c.status.in_([s.value for s in TicketStatus if s in
                                   (TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.SERVING)]))
        ).first()
        return self._ticket(row) if row else None

    # -- the calling order, in SQL, from routing's own class mapping ---------------------

    @staticmethod
    def _class(window_number: int | None):
        klass = case(*[(t.ticket.c.priority == p.value, routing.priority_class(p)) for p in Priority],
                     else_=routing.REGULAR)
        if window_number is None:
            return klass
        return case((t.ticket.c.transferred_to_window == window_number, routing.TRANSFERRED_HERE),
                    else_=klass)

    def _eligible(self, window: Window):
        waiting = t.ticket.c.status == TicketStatus.WAITING.value
        mine = t.ticket.c.transferred_to_window == window.number
        if window.serves_every_category:
            served = t.ticket.c.transferred_to_window.is_(None)
        else:
            served = and_(t.ticket.c.transferred_to_window.is_(None),
                          t.ticket.c.category.in_(sorted(window.categories)))
        return and_(waiting, or_(mine, served))

    def calling_order(self, window: Window, limit: int | None = None) -> list[Ticket]:
        q = (select(t.ticket).where(self._eligible(window))
             .order_by(self._class(window.number), t.ticket.c.queued_at, t.ticket.c.id))
        if limit:
            q = q.limit(limit)
        return [self._ticket(r) for r in self.conn.execute(q)]

    def claim_next(self, window: Window) -> Ticket | None:
        """The first ticket in calling order that no other window holds, locked for us.

        PostgreSQL skips rows another transaction has locked; SQLite's write lock
        (BEGIN IMMEDIATE) already makes the whole call-next one at a time."""
        q = (select(t.ticket).where(self._eligible(window))
             .order_by(self._class(window.number), t.ticket.c.queued_at, t.ticket.c.id)
             .limit(1).with_for_update(skip_locked=True))
        row = self.conn.execute(q).first()
        return self._ticket(row) if row else None

    def ahead(self, ticket: Ticket) -> int:
        """Waiting tickets of its own line called before it (routing.ahead_of, in SQL)."""
        if ticket.status is not TicketStatus.WAITING:
            return 0
        here = ticket.transferred_to_window
        return _ahead_query(here is not None, routing.class_of(ticket, here)).scalar(self.conn, {
            "here": here, "category": ticket.category, "queued_at": utc(ticket.queued_at), "id": ticket.id})

    def queue_stats(self, category: str | None = None) -> dict[str, tuple[int, dt.datetime | None]]:
        """Per category (or for one): waiting tickets and when the longest-waiting one joined."""
        if category is None:
            return {c: (n, aware(oldest)) for c, n, oldest in self.conn.execute(_QUEUE_STATS)}
        n, oldest = _QUEUE_STATS_OF.first(self.conn, {"category": category})
        return {category: (n, aware(oldest))} if n else {}

    def mean_service_s(self, day: dt.date, category: str) -> float | None:
        rows = self.conn.execute(_RECENT_SERVICE, {"day": day, "category": category}).all()
        spans = [(aware(b) - aware(a)).total_seconds() for a, b in rows if a and b]
        return sum(spans) / len(spans) if spans else None

    def waiting_queued_by(self, before: dt.datetime) -> list[Ticket]:
        return [self._ticket(r) for r in self.conn.execute(select(t.ticket).where(
            t.ticket.c.status == TicketStatus.WAITING.value, t.ticket.c.queued_at <= utc(before)))]

    def serving(self) -> list[Ticket]:
        return [self._ticket(r) for r in self.conn.execute(select(t.ticket).where(
            t.ticket.c.status.in_([TicketStatus.CALLED.value, TicketStatus.SERVING.value])))]

    def of_day(self, day: dt.date) -> list[Ticket]:
        return [self._ticket(r) for r in self.conn.execute(
            select(t.ticket).where(t.ticket.c.business_date == day).order_by(t.ticket.c.id))]

    def recent_calls(self, limit: int) -> list[Ticket]:
        return [self._ticket(r) for r in self.conn.execute(
            select(t.ticket).where(t.ticket.c.called_at.is_not(None))
            .order_by(t.ticket.c.called_at.desc()).limit(limit))]

    # -- idempotent issuing ----------------------------------------------------------

    def by_idempotency_key(self, issuer: str, key: str) -> Ticket | None:
        tid = self.conn.execute(select(t.idempotency_key.c.ticket_id).where(
            t.idempotency_key.c.issuer == issuer, t.idempotency_key.c.key == key)).scalar()
        return self.get(tid) if tid else None

    def remember_idempotency_key(self, issuer: str, key: str, ticket_id: int, at: dt.datetime) -> None:
        self.conn.execute(insert(t.idempotency_key).values(issuer=issuer, key=key, ticket_id=ticket_id,
                                                           created_at=utc(at)))


# Statements run on every ticket, built once (building and cache-keying a statement costs more
# than running it on SQLite), the hottest of them run by the driver (hall/adapters/prepared.py).
_SETTINGS = Prepared(select(t.hall_settings.c.name, t.hall_settings.c.timezone, t.hall_settings.c.announce,
                             t.hall_settings.c.notice, t.hall_settings.c.layout_version))
_BUMP_LAYOUT_VERSION = update(t.hall_settings).values(layout_version=t.hall_settings.c.layout_version + 1)
_CATEGORY = select(t.category).where(t.category.c.code == bindparam("code"))
_INSERT_TICKET = Prepared(insert(t.ticket).values({f: bindparam(f) for f in _TICKET_FIELDS if f != "id"})
                          .returning(t.ticket.c.id))
_INSERT_AUDIT = Prepared(insert(t.audit_event).values({c.name: bindparam(c.name) for c in t.audit_event.c
                                                        if c.name != "id"}).returning(t.audit_event.c.id))
_OPEN_WINDOW_CATEGORIES = select(t.window.c.categories).where(
    t.window.c.clerk_id.is_not(None), t.window.c.paused.is_(False))
_ISSUED_COUNT = Prepared(select(t.daily_counter.c.last_number).where(
    t.daily_counter.c.business_date == bindparam("day"), t.daily_counter.c.prefix == bindparam("prefix")))
_QUEUE_STATS = (select(t.ticket.c.category, func.count(), func.min(t.ticket.c.queued_at))
                .where(t.ticket.c.status == TicketStatus.WAITING.value).group_by(t.ticket.c.category))


def _queue_stats_of_one():
    """Waiting tickets of one category and when the longest-waiting joined. The oldest is the
    first of its category line or of those transferred to a window, each the first entry of an
    index range: min() over the whole category would read every waiting ticket's time."""
    c = t.ticket.c
    of_category = (c.status == TicketStatus.WAITING.value, c.category == bindparam("category"))
    firsts = union_all(select(func.min(c.queued_at).label("at")).where(*of_category, c.transferred_to_window.is_(None)),
                       select(func.min(c.queued_at)).where(*of_category, c.transferred_to_window.is_not(None))
                       ).subquery()
    return Prepared(select(select(func.count()).where(*of_category).scalar_subquery(),
                           select(func.min(firsts.c.at)).scalar_subquery()))


_QUEUE_STATS_OF = _queue_stats_of_one()
_RECENT_SERVICE = (select(t.ticket.c.started_at, t.ticket.c.finished_at)
                   .where(t.ticket.c.business_date == bindparam("day"), t.ticket.c.category == bindparam("category"),
                          t.ticket.c.status == TicketStatus.DONE.value)
                   .order_by(t.ticket.c.finished_at.desc()).limit(20))


@functools.cache
def _next_number_query(dialect: str):
    upsert = pg_insert if dialect == "postgresql" else sqlite_insert
    return Prepared(upsert(t.daily_counter)
                    .values(business_date=bindparam("day"), prefix=bindparam("prefix"), last_number=1)
                    .on_conflict_do_update(index_elements=["business_date", "prefix"],
                                           set_={"last_number": t.daily_counter.c.last_number + 1})
                    .returning(t.daily_counter.c.last_number))


@functools.cache
def _ahead_query(in_window_line: bool, mine: int) -> Prepared:
    """TicketRepository.ahead's count, for a ticket of class `mine` waiting for one window or
    in its category's line: those of a better class, and those of its own class who joined
    earlier. Put so that the usual case, a new ticket at the back of the line, counts one
    index range with no expression to work out row by row."""
    c = t.ticket.c
    line = (c.transferred_to_window == bindparam("here") if in_window_line else
            and_(c.transferred_to_window.is_(None), c.category == bindparam("category")))
    later = tuple_(c.queued_at, c.id) >= tuple_(bindparam("queued_at", type_=c.queued_at.type),
                                                bindparam("id", type_=c.id.type))

    def count(*where):
        return select(func.count()).where(c.status == TicketStatus.WAITING.value, line, *where).scalar_subquery()

    classes = {p.value: routing.priority_class(p) for p in Priority}
    better = [p for p, k in classes.items() if k < mine and not in_window_line]
    worse = [p for p, k in classes.items() if k > mine and not in_window_line]
    # Before it: a better class, or not a worse one and not later. Nobody in a category line is
    # worse than the regular class, the usual one, and a window's line is all one class, so the
    # usual count is the line minus those from here on.
    # (Comparisons rather than IN lists: a prepared statement cannot hold those.)
    earlier_not_worse = count() - count(later) if not worse else \
        count(*(c.priority != p for p in worse), ~later)
    return Prepared(select(earlier_not_worse + count(or_(*(c.priority == p for p in better)), later) if better
                           else earlier_not_worse))


class AuditRepository(Repository):
    def record(self, event: str, at: dt.datetime, *, ticket: Ticket | None = None, window: int | None = None,
               staff_id: int | None = None, device_id: int | None = None, **data) -> int:
        return _INSERT_AUDIT.scalar(self.conn, dict(
            at=utc(at), kind=event, ticket_id=ticket.id if ticket else None,
            window=window if window is not None else (ticket.window if ticket else None),
            category=ticket.category if ticket else None, staff_id=staff_id, device_id=device_id,
            data={**data, **({"number": ticket.display_number, "status": ticket.status.value} if ticket else {})},
        ))

    def since(self, after_id: int, limit: int) -> list:
        return self.conn.execute(select(t.audit_event).where(t.audit_event.c.id > after_id)
                                 .order_by(t.audit_event.c.id).limit(limit)).all()

    def between(self, start: dt.datetime, end: dt.datetime, kinds: list[str]) -> list:
        return self.conn.execute(select(t.audit_event).where(
            t.audit_event.c.at >= utc(start), t.audit_event.c.at < utc(end),
            t.audit_event.c.kind.in_(kinds)).order_by(t.audit_event.c.id)).all()


class SecretRepository(Repository):
    def get_or_create(self, new_secret: str) -> str:
        self.conn.execute(self._upsert(t.server_secret).values(id=1, secret=new_secret)
                          .on_conflict_do_nothing(index_elements=["id"]))
        return self.conn.execute(select(t.server_secret.c.secret).where(t.server_secret.c.id == 1)).scalar_one()
