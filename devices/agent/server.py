"""The agent's link to the hall server: Socket.IO for events, HTTP for actions.

The agent owns its reconnect loop rather than python-socketio's, so that a refused or
failed first connection is retried like a dropped one, and every connection (first or
later) starts with the same hello and resynchronisation.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any, Callable

import requests
import socketio

log = logging.getLogger("hall.agent")

HTTP_TIMEOUT_S = 5.0
MAX_RECONNECT_DELAY_S = 10.0


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def error_code(self) -> str:
        if isinstance(self.body, dict) and isinstance(self.body.get("error"), dict):
            return str(self.body["error"].get("code", ""))
        return "unreachable" if self.status == 0 else f"http_{self.status}"


class HallApi:
    """HTTP calls made with the agent's device token (one request per call: used from many threads)."""

    def __init__(self, server: str, token: str):
        self.server = server.rstrip("/")
        self._headers = {"Authorization": f"Bearer {token}"}

    def post(self, path: str, body: dict | None = None) -> Reply:
        return self._call("POST", path, body)

    def get(self, path: str) -> Reply:
        return self._call("GET", path, None)

    def _call(self, method: str, path: str, body: dict | None) -> Reply:
        try:
            response = requests.request(method, f"{self.server}/api/v1{path}", json=body,
                                        headers=self._headers, timeout=HTTP_TIMEOUT_S)
        except requests.RequestException as e:
            log.warning("%s %s: server unreachable: %s", method, path, e)
            return Reply(0, None)
        try:
            payload = response.json() if response.content else None
        except ValueError:
            payload = None
        return Reply(response.status_code, payload)


def deliver_in_order(client: socketio.Client) -> socketio.Client:
    """Have the client run event handlers on its reading thread, one after another.

    python-engineio's threaded client starts a new thread for every message, so two events
    that arrive in order can be handled out of order under load (seen in tests: seq 175 after
    176 and 177); a window screen would then show the older call last."""
    trigger = client.eio._trigger_event
    client.eio._trigger_event = lambda event, *args, **kw: trigger(event, *args, **{**kw, "run_async": False})
    return client


class ServerLink:
    """Keeps one Socket.IO connection up; `on_connect` runs after every (re)connection."""

    def __init__(self, server: str, token: str, on_connect: Callable[[], None]):
        self._server = server
        self._token = token
        self._on_connect = on_connect
        self.sio = deliver_in_order(socketio.Client(reconnection=False))
        self.sio.on("connect", self._connected)
        self.sio.on("disconnect", lambda *_: log.warning("disconnected from %s", server))
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="server-link", daemon=True)

    def on(self, event: str, handler: Callable[[Any], None]) -> None:
        self.sio.on(event, handler)

    def emit(self, event: str, data: dict, callback: Callable | None = None) -> bool:
        """False when not connected: state is resent on the next connection."""
        try:
            self.sio.emit(event, data, callback=callback)
            return True
        except (socketio.exceptions.SocketIOError, OSError) as e:
            log.debug("could not send %s: %s", event, e)
            return False

    @property
    def connected(self) -> bool:
        return self.sio.connected

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        try:
            self.sio.disconnect()
        except Exception:  # already gone is as good as disconnected
            pass
        self._thread.join(timeout=5)

    def _connected(self) -> None:
        log.info("connected to %s", self._server)
        # Socket.IO delivers events on this thread: do the hello elsewhere so that the
        # snapshot sent right after connect is not held up behind our own emits.
        threading.Thread(target=self._on_connect, name="server-hello", daemon=True).start()

    def _run(self) -> None:
        delay = 1.0
        while not self._stopped.is_set():
            try:
                self.sio.connect(self._server, auth={"token": self._token}, wait_timeout=10)
            except socketio.exceptions.ConnectionError as e:
                log.warning("cannot connect to %s: %s (retrying in %.0f s)", self._server, e, delay)
                self._stopped.wait(delay)
                delay = min(delay * 2, MAX_RECONNECT_DELAY_S)
                continue
            delay = 1.0
            self.sio.wait()
            self._stopped.wait(0.5)
