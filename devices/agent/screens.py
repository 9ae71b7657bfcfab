"""What each LED screen shows, and the worker that keeps it shown.

A window's screen shows its number and the ticket it serves, or 暂停服务; a board shows
the latest calls of its zone (or of the whole hall). A new call flashes for `flash_s`:
the worker blinks the text itself, so every protocol flashes the same way and updates
stay in the controller's RAM.
"""

from __future__ import annotations

import threading
import time
from typing import Sequence

from devices.agent.hall_view import Call, HallView
from devices.agent.workers import DeviceWorker, StatusBoard
from devices.config import ScreenConfig
from devices.interfaces import DeviceState

BLINK_S = 0.5
# Controllers forget dynamic areas when they lose power, and listen-only strips cannot say
# they did: showing the same text again now and then restores them (and finds dead links).
REFRESH_S = 60.0
PAUSED = "暂停服务"


def window_lines(view: HallView, window: int) -> list[str]:
    title = f"{window}号窗口"
    if view.state_of(window) in ("paused", "closed"):
        return [title, PAUSED]
    number = view.current_number(window)
    return [title, f"请{number}号" if number else "欢迎光临"]


def board_lines(view: HallView, zone: str | None, rows: int) -> list[str]:
    calls = [call for call in view.calls if zone is None or call.zone == zone][:rows]
    return [f"{call.number}  {call.window}号窗口" for call in calls] or ["欢迎光临"]


def lines_for(config: ScreenConfig, view: HallView) -> list[str]:
    if config.window is not None:
        return window_lines(view, config.window)
    return board_lines(view, config.zone, config.rows)


def flashes_for(config: ScreenConfig, call: Call) -> bool:
    if config.window is not None:
        return call.window == config.window
    return config.zone is None or call.zone == config.zone


class ScreenWorker(DeviceWorker):
    def __init__(self, config: ScreenConfig, status: StatusBoard):
        super().__init__(config, status)
        self.config = config
        self._lock = threading.Lock()
        self._wanted: list[str] | None = None
        self._flash_until = 0.0
        self._shown: Sequence[str] | None = None
        self._shown_at = 0.0

    def update(self, lines: list[str], flash: bool = False) -> None:
        """Called from the Socket.IO thread: the latest content wins, nothing queues up."""
        with self._lock:
            self._wanted = lines
            if flash:
                self._flash_until = time.monotonic() + self.config.flash_s
        self.wake.set()

    def resend(self) -> None:
        with self._lock:
            self._shown = None
        self.wake.set()

    def step(self) -> None:
        with self._lock:
            wanted, flashing = self._wanted, time.monotonic() < self._flash_until
        if wanted is None:
            self.pause(1.0)
            return
        if flashing:
            blank = int(time.monotonic() / BLINK_S) % 2 == 1
            self._show([] if blank else wanted)
            self.pause(BLINK_S / 2)
        elif self._shown != wanted or time.monotonic() - self._shown_at > REFRESH_S:
            self._shown = None
            self._show(wanted)
        else:
            self.pause(5.0)

    def _show(self, lines: Sequence[str]) -> None:
        if self._shown != lines:
            self._shown = None
            self.driver.show(lines)
            self._shown, self._shown_at = list(lines), time.monotonic()
            self.status.report(self.name, DeviceState.OK)

    def _close(self) -> None:
        self._shown = None
        super()._close()
