"""Evaluations (好差评), evaluation requests, alarms (电子监察), print jobs and device states."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import bindparam, insert, select, update

from hall.adapters import tables as t
from hall.adapters.prepared import Prepared
from hall.adapters.repository import Repository, aware, utc
from hall.domain.model import display_number


@dataclass(frozen=True)
class Alarm:
    id: int
    kind: str
    level: str
    subject: str
    ticket_id: int | None
    window: int | None
    device: str | None
    message: str
    raised_at: dt.datetime
    acknowledged_at: dt.datetime | None
    cleared_at: dt.datetime | None


@dataclass(frozen=True)
class DeviceRef:
    """A printer, screen, keypad or card reader that an agent drives."""
    name: str
    kind: str
    kiosk: str | None = None
    window: int | None = None
    zone: str | None = None


@dataclass(frozen=True)
class KioskPrinter:
    device: str
    agent_id: int


@dataclass(frozen=True)
class PrintJob:
    id: str
    ticket_id: int
    kiosk: str
    state: str
    attempts: int
    created_at: dt.datetime


class EvaluationRepository(Repository):
    def add(self, **values) -> int:
        values["evaluated_at"] = utc(values["evaluated_at"])
        return self.conn.execute(insert(t.evaluation).values(**values).returning(t.evaluation.c.id)).scalar_one()

    def count_for(self, ticket_id: int) -> int:
        return len(self.conn.execute(select(t.evaluation.c.id).where(t.evaluation.c.ticket_id == ticket_id)).all())

    def request(self, ticket_id: int):
        return self.conn.execute(select(t.evaluation_request).where(
            t.evaluation_request.c.ticket_id == ticket_id)).first()

    def add_request(self, ticket_id: int, window: int, at: dt.datetime, expires_at: dt.datetime) -> None:
        self.conn.execute(self._upsert(t.evaluation_request).values(
            ticket_id=ticket_id, window=window, requested_at=utc(at), expires_at=utc(expires_at))
            .on_conflict_do_nothing(index_elements=["ticket_id"]))

    def pending_by_window(self, now: dt.datetime, windows: list[int] | None = None
                          ) -> dict[int, tuple[int, str, dt.datetime]]:
        """Per window (all, or those given), the latest request still open: (ticket id, number, expires at)."""
        rated = select(t.evaluation.c.ticket_id).where(t.evaluation.c.ticket_id == t.evaluation_request.c.ticket_id)
        q = (select(t.evaluation_request.c.window, t.evaluation_request.c.ticket_id, t.ticket.c.prefix,
                    t.ticket.c.number, t.evaluation_request.c.expires_at)
             .join(t.ticket, t.ticket.c.id == t.evaluation_request.c.ticket_id)
             .where(t.evaluation_request.c.expires_at > utc(now), ~rated.exists())
             .order_by(t.evaluation_request.c.requested_at))
        if windows is not None:
            q = q.where(t.evaluation_request.c.window.in_(windows))
        rows = self.conn.execute(q)
        return {w: (tid, display_number(prefix, number), aware(exp)) for w, tid, prefix, number, exp in rows}

    def of_tickets(self, ticket_ids: list[int]) -> list:
        if not ticket_ids:
            return []
        return self.conn.execute(select(t.evaluation).where(t.evaluation.c.ticket_id.in_(ticket_ids))).all()

    def requests_of_tickets(self, ticket_ids: list[int]) -> list:
        if not ticket_ids:
            return []
        return self.conn.execute(select(t.evaluation_request).where(
            t.evaluation_request.c.ticket_id.in_(ticket_ids))).all()


class AlarmRepository(Repository):
    def raise_once(self, *, kind: str, level: str, subject: str, message: str, at: dt.datetime,
                   ticket_id: int | None = None, window: int | None = None,
                   device: str | None = None) -> Alarm | None:
        """A new open alarm, or None when this one is already open (maybe raised by another node)."""
        stmt = (self._upsert(t.alarm).values(
            kind=kind, level=level, subject=subject, message=message, raised_at=utc(at),
            ticket_id=ticket_id, window=window, device=device)
            .on_conflict_do_nothing(index_elements=["kind", "subject", "level"],
                                    index_where=t.alarm.c.cleared_at.is_(None))
            .returning(t.alarm.c.id))
        alarm_id = self.conn.execute(stmt).scalar()
        return self.get(alarm_id) if alarm_id else None

    def get(self, alarm_id: int) -> Alarm | None:
        row = self.conn.execute(select(t.alarm).where(t.alarm.c.id == alarm_id)).first()
        return self._alarm(row) if row else None

    @staticmethod
    def _alarm(r) -> Alarm:
        return Alarm(r.id, r.kind, r.level, r.subject, r.ticket_id, r.window, r.device, r.message,
                     aware(r.raised_at), aware(r.acknowledged_at), aware(r.cleared_at))

    def open(self) -> list[Alarm]:
        return [self._alarm(r) for r in self.conn.execute(
            select(t.alarm).where(t.alarm.c.cleared_at.is_(None), t.alarm.c.acknowledged_at.is_(None))
            .order_by(t.alarm.c.id))]

    def acknowledge(self, alarm_id: int, staff_id: int, at: dt.datetime) -> bool:
        return self.conn.execute(update(t.alarm).where(
            t.alarm.c.id == alarm_id, t.alarm.c.acknowledged_at.is_(None))
            .values(acknowledged_at=utc(at), acknowledged_by=staff_id)).rowcount > 0

    def clear(self, kind: str, subject: str, at: dt.datetime) -> list[int]:
        ids = [r.id for r in self.conn.execute(select(t.alarm.c.id).where(
            t.alarm.c.kind == kind, t.alarm.c.subject == subject, t.alarm.c.cleared_at.is_(None)))]
        if ids:
            self.conn.execute(update(t.alarm).where(t.alarm.c.id.in_(ids)).values(cleared_at=utc(at)))
        return ids


# Run for every ticket a kiosk issues: built once (see repository._INSERT_TICKET).
_INSERT_PRINT_JOB = Prepared(insert(t.print_job).values(
    {c: bindparam(c) for c in ("id", "ticket_id", "kiosk", "state", "created_at")}))
_PRINTER_OF_KIOSK = Prepared(select(t.device_state.c.device, t.device_state.c.agent_id)
                             .where(t.device_state.c.kind == "printer", t.device_state.c.kiosk == bindparam("kiosk"))
                             .order_by(t.device_state.c.updated_at.desc()).limit(1))


class PrintJobRepository(Repository):
    def add(self, job_id: str, ticket_id: int, kiosk: str, at: dt.datetime) -> None:
        _INSERT_PRINT_JOB.run(self.conn, dict(id=job_id, ticket_id=ticket_id, kiosk=kiosk, state="pending",
                                              created_at=utc(at)))

    def get(self, job_id: str) -> PrintJob | None:
        row = self.conn.execute(select(t.print_job).where(t.print_job.c.id == job_id)).first()
        return self._job(row) if row else None

    @staticmethod
    def _job(r) -> PrintJob:
        return PrintJob(r.id, r.ticket_id, r.kiosk, r.state, r.attempts, aware(r.created_at))

    def pending_for(self, kiosks: list[str]) -> list[PrintJob]:
        if not kiosks:
            return []
        return [self._job(r) for r in self.conn.execute(select(t.print_job).where(
            t.print_job.c.kiosk.in_(kiosks), t.print_job.c.state == "pending").order_by(t.print_job.c.created_at))]

    def pending_older_than(self, before: dt.datetime) -> list[PrintJob]:
        return [self._job(r) for r in self.conn.execute(select(t.print_job).where(
            t.print_job.c.state == "pending", t.print_job.c.created_at < utc(before)))]

    def finish(self, job_id: str, state: str, error: str | None, at: dt.datetime) -> None:
        self.conn.execute(update(t.print_job).where(t.print_job.c.id == job_id).values(
            state=state, error=error, done_at=utc(at), attempts=t.print_job.c.attempts + 1))

    def count_attempt(self, job_id: str) -> None:
        self.conn.execute(update(t.print_job).where(t.print_job.c.id == job_id)
                          .values(attempts=t.print_job.c.attempts + 1))

    def set_device_state(self, device: DeviceRef, agent_id: int, state: str, detail: str | None,
                         at: dt.datetime) -> str | None:
        """Store a device's state; returns the state it had before (None if new)."""
        before = self.conn.execute(select(t.device_state.c.state).where(
            t.device_state.c.device == device.name)).scalar()
        values = dict(agent_id=agent_id, kind=device.kind, kiosk=device.kiosk, window=device.window,
                      zone=device.zone, state=state, detail=detail, updated_at=utc(at))
        self.conn.execute(self._upsert(t.device_state).values(device=device.name, **values)
                          .on_conflict_do_update(index_elements=["device"], set_=values))
        return before

    def devices_of_agent(self, agent_id: int) -> list[DeviceRef]:
        return [DeviceRef(r.device, r.kind, r.kiosk, r.window, r.zone) for r in self.conn.execute(
            select(t.device_state).where(t.device_state.c.agent_id == agent_id))]

    def printer_of_kiosk(self, kiosk: str) -> KioskPrinter | None:
        """The printer last announced for this kiosk, and the agent that drives it."""
        row = _PRINTER_OF_KIOSK.first(self.conn, {"kiosk": kiosk})
        return KioskPrinter(*row) if row else None

    def device_owner(self, device: str) -> int | None:
        return self.conn.execute(select(t.device_state.c.agent_id).where(t.device_state.c.device == device)).scalar()
