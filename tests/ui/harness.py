"""What the browser tests share: the project's real `hall serve --demo` process (from
tests/conftest.py) with accounts and devices added through the CLI, a stand-in device
agent, and screenshots in both languages."""
from __future__ import annotations

import functools
import os
import shutil
import time
from pathlib import Path

import socketio

from tests.conftest import HallServer, run_hall

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "screenshots"
DOC_SHOTS = ROOT / "docs" / "screenshots"
PASSWORD = "Test-passw0rd"


def wait_until(condition, message: str, seconds: float = 10):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, message
        time.sleep(0.1)


class UiHall(HallServer):
    """The demo hall plus what the page tests set up in it."""

    def cli(self, *args: str, stdin: str | None = None) -> str:
        return run_hall(*args, db=self.db, stdin=stdin, cwd=self.workdir).stdout

    def device(self, name: str, kind: str, **where) -> str:
        extra = [f"--{k}={v}" for k, v in where.items()]
        return self.cli("device", "add", name, "--kind", kind, *extra).strip().splitlines()[-1].strip()

    def staff(self, name: str, role: str, *extra: str) -> str:
        self.cli("user", "add", name, "--role", role, "--password-stdin", *extra, stdin=PASSWORD + "\n")
        return self.login(name, PASSWORD)

    @functools.cached_property
    def supervisor(self) -> str:
        return self.staff("ui-supervisor", "supervisor", "--display-name", "李主任", "--staff-no", "0001")

    @functools.cached_property
    def kiosk(self) -> str:
        return self.device("ui-api-kiosk", "kiosk")

    def window_for(self, category: str) -> int:
        """A zone window that serves `category` (not a 无差别 one, so the test knows what it calls)."""
        windows = self.json("GET", "/hall", self.supervisor)["windows"]
        return next(w["number"] for w in windows if category in w["categories"])

    def clerk_at(self, window: int, name: str = "ui-clerk") -> str:
        token = self.staff(name, "clerk", "--display-name", "王小明", "--staff-no", "1024")
        self.json("POST", f"/windows/{window}/sign-in", token, json={"post": "A"})
        return token

    def issue(self, category: str = "A", **body) -> dict:
        return self.json("POST", "/tickets", self.kiosk, json={"category": category, **body}, expect=201)["ticket"]

    def json(self, method: str, path: str, token: str | None = None, expect: int | None = None, **kw):
        """The answer's JSON, after checking its status (`expect`, else any success)."""
        response = self.call(method, path, token, **kw)
        if expect is not None:
            assert response.status_code == expect, response.text
        else:
            assert response.ok, f"{method} {path}: {response.status_code} {response.text}"
        return response.json() if response.headers.get("content-type", "").startswith("application/json") else None


def agent_for(hall: UiHall, kiosk_name: str):
    """A device agent that owns the kiosk's printer and records the print jobs it gets."""
    token = hall.device("ui-agent", "agent")
    sio = socketio.Client(reconnection=False)
    jobs = []
    sio.on("print.job", jobs.append)
    sio.connect(hall.url, auth={"token": token}, transports=["websocket"], wait_timeout=10)
    sio.call("agent.hello", {"printers": [{"name": "ui-printer", "kiosk": kiosk_name}]}, timeout=10)
    return sio, jobs


def log_in(page, username: str, password: str = PASSWORD) -> None:
    page.fill("#login-username", username)
    page.fill("#login-password", password)
    page.click("#login-submit")


def screenshot(page, name: str, lang: str) -> None:
    """test-artifacts/screenshots/<name>-<lang>.png; with HALL_DOC_SCREENSHOTS=1 also docs/screenshots/."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}-{lang}.png"
    page.screenshot(path=str(path))
    if os.environ.get("HALL_DOC_SCREENSHOTS") == "1":
        DOC_SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOC_SHOTS / path.name)


def screenshots(page, name: str, ready: str | None = None) -> None:
    """The page in Chinese and then in English, switched as a person would (or by reload on screens)."""
    screenshot(page, name, "zh")
    set_lang(page, "en", ready)
    screenshot(page, name, "en")
    set_lang(page, "zh", ready)


def set_lang(page, lang: str, ready: str | None) -> None:
    switch = page.locator(".lang-switch")
    if switch.count():
        switch.first.click()
    else:
        page.evaluate(f"localStorage.setItem('hall.lang', '{lang}')")
        page.reload()
    page.wait_for_function(f"document.documentElement.lang === '{'zh-CN' if lang == 'zh' else 'en'}'")
    if ready:
        page.locator(ready).first.wait_for()
