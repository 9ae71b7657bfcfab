"""Print jobs from the server: queued per printer, printed when it is able, acknowledged.

A job waits while its printer is out of paper, open or offline and prints when it comes
back, unless it grows older than the printer's `max_job_age_s`: then it is dropped,
logged and reported as `print.done` with ok false, so the server can tell the hall.
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable
from urllib.parse import urljoin

from devices.agent.workers import DeviceWorker, StatusBoard, log
from devices.config import PrinterConfig
from devices.interfaces import DeviceState, PrintedTicket

MAX_QUEUED = 100
REMEMBERED_JOBS = 1000
IDLE_POLL_S = 3.0


@dataclass(frozen=True)
class Job:
    job_id: str
    ticket: PrintedTicket
    issued: float


def job_from_payload(payload: dict[str, Any], server: str, received: float) -> Job:
    """Raises KeyError, TypeError or ValueError for a job that cannot be printed."""
    ticket = payload["ticket"]
    issued_at = str(ticket.get("issued_at", ""))
    try:
        issued = datetime.fromisoformat(issued_at).timestamp()
    except ValueError:
        issued = received
    printed = PrintedTicket(
        hall_name=str(payload.get("hall_name", "")),
        category_name=str(ticket.get("category_name") or ticket["category"]),
        number=str(ticket["number"]),
        ahead=int(ticket.get("ahead") or 0),
        issued_at=issued_at,
        track_url=urljoin(server.rstrip("/") + "/", str(ticket["track_url"])),
        zone_name=str(ticket.get("zone_name") or ""),
        holder=ticket.get("holder"),
        notice=str(payload.get("notice", "")),
    )
    return Job(str(payload["job_id"]), printed, issued)


class PrinterWorker(DeviceWorker):
    def __init__(self, config: PrinterConfig, status: StatusBoard, done: Callable[[dict], None],
                 clock: Callable[[], float] = time.time):
        super().__init__(config, status)
        self.config = config
        self._done = done
        self._clock = clock
        self._jobs: deque[Job] = deque()
        self._finished: OrderedDict[str, bool] = OrderedDict()

    def submit(self, payload: dict[str, Any], server: str) -> None:
        """Called from the Socket.IO thread: never blocks on the printer."""
        job_id = str(payload.get("job_id", ""))
        try:
            job = job_from_payload(payload, server, self._clock())
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            log.warning("%s: unprintable job %s: %r", self.name, job_id, e)
            self._done({"job_id": job_id, "ok": False, "error": f"bad job: {e!r}"})
            return
        if job.job_id in self._finished:
            # The server resends jobs whose acknowledgement it missed: acknowledge, do not reprint.
            self._report(job.job_id, self._finished[job.job_id], None)
            return
        if any(queued.job_id == job.job_id for queued in list(self._jobs)):
            return
        if len(self._jobs) >= MAX_QUEUED:
            self._report(job.job_id, False, "printer queue full")
            return
        self._jobs.append(job)
        self.wake.set()

    @property
    def queued(self) -> int:
        return len(self._jobs)

    def step(self) -> None:
        self._drop_expired()
        state = self.driver.status()
        self.status.report(self.name, state)
        if state is not DeviceState.OK:
            self.pause(self.config.retry_s)
            return
        if not self._jobs:
            self.pause(IDLE_POLL_S)
            return
        job = self._jobs[0]
        self.driver.print_ticket(job.ticket)
        self._jobs.popleft()
        log.info("%s: printed %s (job %s)", self.name, job.ticket.number, job.job_id)
        self._report(job.job_id, True, None)

    def _drop_expired(self) -> None:
        now = self._clock()
        while self._jobs and now - self._jobs[0].issued > self.config.max_job_age_s:
            job = self._jobs.popleft()
            log.warning("%s: dropped job %s for %s: not printed within %.0f s",
                        self.name, job.job_id, job.ticket.number, self.config.max_job_age_s)
            self._report(job.job_id, False, f"expired: printer {self.name} could not print it within "
                                            f"{self.config.max_job_age_s:.0f} s")

    def _report(self, job_id: str, ok: bool, error: str | None) -> None:
        self._finished[job_id] = ok
        while len(self._finished) > REMEMBERED_JOBS:
            self._finished.popitem(last=False)
        payload = {"job_id": job_id, "ok": ok}
        if error:
            payload["error"] = error
        self._done(payload)
