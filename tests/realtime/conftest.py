"""Real python-socketio clients against real server processes, and a private Redis to break."""
from __future__ import annotations

import shutil
import subprocess
import threading
import time
from collections.abc import Callable

import pytest
import socketio

from devices.agent.server import deliver_in_order

from tests.conftest import free_port, missing_service

WAIT_S = 10


class Listener:
    """One Socket.IO connection that keeps every event it hears, in order."""

    def __init__(self, url: str, auth: dict, transports=("websocket",)):
        self.events: list[tuple[str, dict]] = []
        self.cond = threading.Condition()
        self.client = socketio.Client(reconnection=True, reconnection_delay=0.2, reconnection_delay_max=1)
        self.client.on("*", self._record)
        deliver_in_order(self.client)   # as the device agent does: events recorded as they arrive
        # (event index, what happened): a reconnection, with its new snapshot, explains what follows it.
        self.links: list[tuple[int, str]] = []
        self.client.on("connect", lambda: self._link("connected"))
        self.client.on("disconnect", lambda *reason: self._link(f"disconnected {reason}"))
        self.client.connect(url, auth=auth, transports=list(transports), wait_timeout=10)

    def _record(self, event, data=None):
        with self.cond:
            self.events.append((event, data))
            self.cond.notify_all()

    def _link(self, what: str) -> None:
        with self.cond:
            self.links.append((len(self.events), what))

    def names(self) -> list[str]:
        with self.cond:
            return [name for name, _ in self.events]

    def of(self, name: str) -> list[dict]:
        with self.cond:
            return [data for n, data in self.events if n == name]

    def wait_for(self, name: str, match: Callable[[dict], bool] = lambda d: True, timeout: float = WAIT_S,
                 after: int = 0) -> dict:
        """The first ``name`` event from index ``after`` on that ``match`` accepts."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for n, data in self.events[after:]:
                    if n == name and match(data):
                        return data
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no {name} within {timeout} s; heard {[n for n, _ in self.events]}")
                self.cond.wait(left)

    def seq_problems(self) -> tuple[list, list]:
        """(events a screen would drop as already seen, gaps that make it resync), per stream
        and counted from the latest snapshot, as ui_common/live.js does."""
        dropped, gaps = [], []
        seen: dict[str, int] = {}
        with self.cond:
            for name, data in self.events:
                if name == "snapshot":
                    seen = dict(data["streams"])
                elif isinstance(data, dict) and "seq" in data:
                    last = seen.get(data["stream"])
                    if last is not None and data["seq"] <= last:
                        dropped.append((name, data["stream"], data["seq"], last))
                    elif last is not None and data["seq"] > last + 1:
                        gaps.append((name, data["stream"], data["seq"], last))
                    seen[data["stream"]] = max(data["seq"], last or 0)
        return dropped, gaps

    def tail(self, n: int = 80) -> list:
        """The last events, short, and the connection's ups and downs: what a failed ordering
        check needs to be understood."""
        with self.cond:
            start = max(0, len(self.events) - n)
            return [(i, name, data.get("stream"), data.get("seq")) if isinstance(data, dict) else (i, name)
                    for i, (name, data) in enumerate(self.events) if i >= start] + self.links

    def mark(self) -> int:
        with self.cond:
            return len(self.events)

    def close(self) -> None:
        self.client.disconnect()


@pytest.fixture
def listen():
    opened: list[Listener] = []

    def open_(url: str, **auth) -> Listener:
        listener = Listener(url, auth)
        opened.append(listener)
        return listener

    yield open_
    # A reconnecting client takes seconds to close: close them all at once.
    closers = [threading.Thread(target=listener.close) for listener in opened]
    for t in closers:
        t.start()
    for t in closers:
        t.join()


class PrivateRedis:
    """A Redis of this test's own, to stop and start without disturbing anyone else."""

    def __init__(self, workdir):
        self.port = free_port()
        self.workdir = workdir
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "PrivateRedis":
        import redis
        self.proc = subprocess.Popen(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                                      "--save", "", "--appendonly", "no", "--dir", str(self.workdir)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                redis.Redis(port=self.port, socket_connect_timeout=0.5).ping()
                return self
            except redis.RedisError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


@pytest.fixture
def private_redis(tmp_path):
    if not shutil.which("redis-server"):
        missing_service("redis-server is not installed")
    r = PrivateRedis(tmp_path).start()
    yield r
    r.stop()


def wait_until(check: Callable[[], bool], timeout: float = WAIT_S, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)
