"""Device agents: the printers they announce, print jobs and device states."""
from __future__ import annotations

import datetime as dt

from hall.adapters.supervision import DeviceRef
from hall.adapters.unit_of_work import UnitOfWork
from hall.domain import events as ev
from hall.domain.errors import Forbidden, InvalidRequest, NotFound
from hall.domain.events import Message
from hall.service_layer.actors import Actor, require
from hall.service_layer.context import HallContext
from hall.service_layer.supervision import clear_alarms, raise_alarm
from hall.service_layer.tickets import print_job_message

DEVICE_STATES = ("ok", "paper_out", "paper_low", "offline", "cover_open", "error")


def agent_hello(ctx: HallContext, actor: Actor, devices: list[DeviceRef]) -> list[Message]:
    """Record what this agent drives (printers for which kiosks, screens for which
    windows); returns the print jobs held for its kiosks, to send it now."""
    require(actor, kinds=("agent",), what="announce devices")
    now = ctx.clock()
    with ctx.transaction() as uow:
        settings = ctx.settings(uow)
        drop_stale_jobs(ctx, uow, settings.timezone)
        for device in devices:
            owner = uow.print_jobs.device_owner(device.name)
            if owner not in (None, actor.device_id):
                raise Forbidden(f"device {device.name!r} belongs to another agent")
            _set_state(uow, settings.timezone, now, actor.device_id, device, "ok", None)
        uow.audit.record("agent.connected", now, **actor.audit(), devices=[d.name for d in devices])
        kiosks = [d.kiosk for d in devices if d.kind == "printer"]
        jobs = []
        for job in uow.print_jobs.pending_for(kiosks):
            ticket = uow.tickets.get(job.ticket_id)
            view = ctx.present(uow, ticket, settings.timezone)
            printer = uow.print_jobs.printer_of_kiosk(job.kiosk)
            jobs.append(print_job_message(uow, job.id, view, settings, job.kiosk,
                                          printer.device if printer else None, actor.device_id))
        return jobs


def drop_stale_jobs(ctx: HallContext, uow: UnitOfWork, tz: str) -> None:
    """A ticket printed half an hour late only confuses; drop it and say so."""
    now = ctx.clock()
    for job in uow.print_jobs.pending_older_than(now - dt.timedelta(seconds=ctx.options.print_job_max_age_s)):
        uow.print_jobs.finish(job.id, "dropped", "too old", now)
        uow.audit.record("print.dropped", now, job_id=job.id, kiosk=job.kiosk, ticket_id=job.ticket_id)
        uow.emit(Message("print.result", {"job_id": job.id, "ticket_id": job.ticket_id, "ok": False,
                                          "error": "dropped"}, kiosk=job.kiosk,
                         audience=frozenset({ev.KIOSK, ev.SUPERVISORS})))


def expire_jobs(ctx: HallContext) -> None:
    with ctx.transaction() as uow:
        s = uow.layout.settings()
        if s is not None:
            drop_stale_jobs(ctx, uow, s.timezone)


def print_done(ctx: HallContext, actor: Actor, job_id: str, ok: bool, error: str | None) -> None:
    require(actor, kinds=("agent",), what="report print jobs")
    now = ctx.clock()
    with ctx.transaction() as uow:
        job = uow.print_jobs.get(job_id)
        if job is None:
            raise NotFound(f"no print job {job_id!r}")
        if job.state != "pending":
            return  # a retry's late answer: the first one counted
        uow.print_jobs.finish(job_id, "done" if ok else "failed", (error or "")[:300] or None, now)
        uow.audit.record("print.done" if ok else "print.failed", now, **actor.audit(), job_id=job_id,
                         ticket_id=job.ticket_id, error=error)
        uow.emit(Message("print.result", {"job_id": job_id, "ticket_id": job.ticket_id, "ok": ok, "error": error},
                         kiosk=job.kiosk, audience=frozenset({ev.KIOSK, ev.SUPERVISORS})))


def device_status(ctx: HallContext, actor: Actor, device: str, state: str, detail: str | None) -> None:
    require(actor, kinds=("agent",), what="report device status")
    if state not in DEVICE_STATES:
        raise InvalidRequest(f"state must be one of {', '.join(DEVICE_STATES)}")
    now = ctx.clock()
    with ctx.transaction() as uow:
        tz = ctx.settings(uow).timezone
        known = {d.name: d for d in uow.print_jobs.devices_of_agent(actor.device_id)}
        if device not in known and uow.print_jobs.device_owner(device) is not None:
            raise Forbidden(f"device {device!r} belongs to another agent")
        _set_state(uow, tz, now, actor.device_id, known.get(device) or DeviceRef(device, "device"), state, detail)


def _set_state(uow: UnitOfWork, tz: str, now, agent_id: int, device: DeviceRef, state: str,
               detail: str | None) -> None:
    before = uow.print_jobs.set_device_state(device, agent_id, state, detail, now)
    if before == state or (before is None and state == "ok"):
        return
    uow.audit.record("device.status", now, device_id=agent_id, window=device.window, device=device.name,
                     state=state, detail=detail)
    uow.emit(Message("device.status", {"device": device.name, "kind": device.kind, "state": state,
                                       "detail": detail, "kiosk": device.kiosk, "window": device.window},
                     kiosk=device.kiosk, audience=frozenset({ev.KIOSK, ev.SUPERVISORS})))
    if state == "ok":
        clear_alarms(uow, tz, "device", f"device:{device.name}", now)
        return
    where = f"{device.window}号窗口" if device.window else (f"{device.kiosk}" if device.kiosk else "")
    raise_alarm(uow, tz, kind="device", level="critical", subject=f"device:{device.name}", at=now,
                device=device.name, window=device.window,
                message=f"设备{device.name}{('（' + where + '）') if where else ''}故障：{state}"
                        f"{'，' + detail if detail else ''}")


def agent_gone(ctx: HallContext, agent_id: int) -> None:
    """Everything an agent drives is offline once it is: say so to the supervisors."""
    now = ctx.clock()
    with ctx.transaction() as uow:
        s = uow.layout.settings()
        if s is None:
            return
        for device in uow.print_jobs.devices_of_agent(agent_id):
            _set_state(uow, s.timezone, now, agent_id, device, "offline", "agent disconnected")
