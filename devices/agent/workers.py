"""One thread per device: a fault in one never stops the others.

A worker opens its driver, runs `step()` over and over, and on any fault closes the
driver, reports the device's state and tries again later, backing off up to a limit.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Callable

from devices.config import Device
from devices.interfaces import DeviceError, DeviceState

log = logging.getLogger("hall.agent")

MAX_BACKOFF_S = 10.0


class StatusBoard:
    """The last state of every device; sends `device.status` on each change and on request."""

    def __init__(self, emit: Callable[[str, dict], Any]):
        self._emit = emit
        self._states: dict[str, tuple[DeviceState, str]] = {}
        self._lock = threading.Lock()

    def report(self, device: str, state: DeviceState, detail: str = "") -> None:
        with self._lock:
            if self._states.get(device, (None, ""))[0] == state:
                return
            self._states[device] = (state, detail)
        (log.info if state is DeviceState.OK else log.warning)("%s: %s %s", device, state.value, detail)
        self._emit("device.status", self._payload(device, state, detail))

    def resend(self) -> None:
        with self._lock:
            states = dict(self._states)
        for device, (state, detail) in states.items():
            self._emit("device.status", self._payload(device, state, detail))

    def state(self, device: str) -> DeviceState | None:
        with self._lock:
            return self._states.get(device, (None, ""))[0]

    @staticmethod
    def _payload(device: str, state: DeviceState, detail: str) -> dict:
        payload = {"device": device, "state": state.value}
        if detail:
            payload["detail"] = detail
        return payload


class DeviceWorker:
    """Runs one device. Subclasses implement `step()`, which waits for work itself."""

    def __init__(self, config: Device, status: StatusBoard):
        self.name = config.name
        self._open_driver = config.open_driver
        self.status = status
        self.driver: Any = None
        self.stopped = threading.Event()
        self.wake = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"device-{self.name}", daemon=True)
        self._backoff = 1.0
        self._dropped = 0

    def start(self) -> None:
        self._thread.start()

    def request_stop(self) -> None:
        self.stopped.set()
        self.wake.set()

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)

    def step(self) -> None:
        raise NotImplementedError

    def pause(self, seconds: float) -> None:
        """Waits up to `seconds`, less if woken (new work) or stopped."""
        self.wake.wait(seconds)
        self.wake.clear()

    def _run(self) -> None:
        while not self.stopped.is_set():
            try:
                if self.driver is None:
                    self.driver = self._open_driver()
                self.step()
                self._note_dropped()
                self._backoff = 1.0
            except DeviceError as e:
                self._fault(e.state, str(e))
            except Exception as e:  # a bug or an odd driver error must not end the thread
                log.exception("%s: unexpected failure", self.name)
                self._fault(DeviceState.OFFLINE if isinstance(e, OSError) else DeviceState.ERROR, str(e))
        self._close()

    def _note_dropped(self) -> None:
        dropped = getattr(self.driver, "dropped", 0)
        if dropped > self._dropped:
            log.warning("%s: dropped %d garbled, truncated or bad-checksum frame(s), %d since it was opened",
                        self.name, dropped - self._dropped, dropped)
        self._dropped = dropped

    def _fault(self, state: DeviceState, detail: str) -> None:
        self.status.report(self.name, state, detail)
        self._close()
        self.stopped.wait(self._backoff)
        self._backoff = min(self._backoff * 2, MAX_BACKOFF_S)

    def _close(self) -> None:
        if self.driver is not None:
            try:
                self.driver.close()
            except Exception:  # closing a broken device may fail in as many ways as using it
                log.debug("%s: close failed", self.name, exc_info=True)
            self.driver = None
            self._dropped = 0
