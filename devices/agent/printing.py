"""Print jobs from the server: queued per printer, printed when it is able, acknowledged.

A job waits while its printer is out of paper, open or offline and prints when it comes
back, unless it grows older than the printer's `max_job_age_s`: then it is dropped,
logged and reported as `print.done` with ok false, so the server can tell the hall.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable
from urllib.parse import urljoin

from devices.agent.workers import DeviceWorker, StatusBoard, log
from devices.config import PrinterConfig
from devices.interfaces import DeviceState, PrintedTicket

MAX_QUEUED = 100
REMEMBERED_JOBS = 1000
IDLE_POLL_S = 3.0
PRINTABLE = (DeviceState.OK, DeviceState.PAPER_LOW)


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
        # The Socket.IO thread adds jobs while this worker prints and removes them.
        self._lock = threading.Lock()
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
        with self._lock:
            # The server resends jobs whose acknowledgement it missed: acknowledge, do not reprint.
            finished = self._finished.get(job.job_id)
            queued = any(queued.job_id == job.job_id for queued in self._jobs)
            full = finished is None and not queued and len(self._jobs) >= MAX_QUEUED
            if finished is None and not queued and not full:
                self._jobs.append(job)
            elif full:
                self._remember(job.job_id, False)
        if finished is not None:
            self._acknowledge(job.job_id, finished, None)
        elif full:
            self._acknowledge(job.job_id, False, "printer queue full")
        self.wake.set()

    @property
    def queued(self) -> int:
        return len(self._jobs)

    def step(self) -> None:
        self._drop_expired()
        state = self.driver.status()
        self.status.report(self.name, state)
        if state not in PRINTABLE:
            self.pause(self.config.retry_s)
            return
        with self._lock:
            job = self._jobs[0] if self._jobs else None
        if job is None:
            self.pause(IDLE_POLL_S)
            return
        self.driver.print_ticket(job.ticket)
        with self._lock:
            self._jobs.popleft()
            self._remember(job.job_id, True)
        log.info("%s: printed %s (job %s)", self.name, job.ticket.number, job.job_id)
        self._acknowledge(job.job_id, True, None)

    def _drop_expired(self) -> None:
        now, expired = self._clock(), []
        with self._lock:
            while self._jobs and now - self._jobs[0].issued > self.config.max_job_age_s:
                expired.append(self._jobs.popleft())
                self._remember(expired[-1].job_id, False)
        for job in expired:
            log.warning("%s: dropped job %s for %s: not printed within %.0f s",
                        self.name, job.job_id, job.ticket.number, self.config.max_job_age_s)
            self._acknowledge(job.job_id, False, f"expired: printer {self.name} could not print it within "
                                                 f"{self.config.max_job_age_s:.0f} s")

    def _remember(self, job_id: str, ok: bool) -> None:
        self._finished[job_id] = ok
        while len(self._finished) > REMEMBERED_JOBS:
            self._finished.popitem(last=False)

    def _acknowledge(self, job_id: str, ok: bool, error: str | None) -> None:
        payload = {"job_id": job_id, "ok": ok}
        if error:
            payload["error"] = error
        self._done(payload)
