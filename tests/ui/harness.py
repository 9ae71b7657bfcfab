"""What the browser tests share: a real `hall serve --demo` process driven through its
CLI and API, a stand-in device agent, and screenshots in both languages."""
from __future__ import annotations

import functools
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests
import socketio

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "screenshots"
DOC_SHOTS = ROOT / "docs" / "screenshots"
HALL = str(Path(sys.executable).with_name("hall"))
PASSWORD = "Test-passw0rd"


def wait_until(condition, message: str, seconds: float = 10):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, message
        time.sleep(0.1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class HallServer:
    """`hall serve --demo` on a temp SQLite file; accounts and devices added with the CLI."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.db = f"sqlite:///{workdir / 'hall.sqlite3'}"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = workdir / "serve.log"
        self.proc: subprocess.Popen | None = None
        self.env = {**os.environ, "HALL_VOICE_CACHE": str(workdir / "voice-cache")}

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [HALL, "serve", "--demo", "--host", "127.0.0.1", "--port", str(self.port), "--db", self.db],
                cwd=self.workdir, stdout=log, stderr=subprocess.STDOUT, env=self.env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"hall serve exited {self.proc.returncode}:\n{self.log.read_text()[-3000:]}")
            try:
                if requests.get(f"{self.url}/api/v1/categories", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"hall serve did not answer:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def restart(self) -> None:
        self.stop()
        self.start()

    def cli(self, *args: str, stdin: str | None = None) -> str:
        done = subprocess.run([HALL, *args, "--db", self.db], cwd=self.workdir, input=stdin, env=self.env,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def device(self, name: str, kind: str, **where) -> str:
        extra = [f"--{k}={v}" for k, v in where.items()]
        return self.cli("device", "add", name, "--kind", kind, *extra).strip().splitlines()[-1].strip()

    def staff(self, name: str, role: str, *extra: str) -> str:
        self.cli("user", "add", name, "--role", role, "--password-stdin", *extra, stdin=PASSWORD + "\n")
        return self.login(name)

    @functools.cached_property
    def supervisor(self) -> str:
        return self.staff("ui-supervisor", "supervisor", "--display-name", "李主任", "--staff-no", "0001")

    @functools.cached_property
    def kiosk(self) -> str:
        return self.device("ui-api-kiosk", "kiosk")

    def window_for(self, category: str) -> int:
        """A zone window that serves `category` (not a 无差别 one, so the test knows what it calls)."""
        windows = self.api("GET", "/hall", self.supervisor)["windows"]
        return next(w["number"] for w in windows if category in w["categories"])

    def clerk_at(self, window: int, name: str = "ui-clerk") -> str:
        token = self.staff(name, "clerk", "--display-name", "王小明", "--staff-no", "1024")
        self.api("POST", f"/windows/{window}/sign-in", token, json={"post": "A"})
        return token

    def issue(self, category: str = "A", **body) -> dict:
        return self.api("POST", "/tickets", self.kiosk, json={"category": category, **body}, expect=201)["ticket"]

    def login(self, name: str) -> str:
        return self.api("POST", "/auth/login", json={"username": name, "password": PASSWORD})["token"]

    def api(self, method: str, path: str, token: str | None = None, expect: int | None = None, **kw):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = requests.request(method, f"{self.url}/api/v1{path}", headers=headers, timeout=10, **kw)
        if expect is not None:
            assert response.status_code == expect, response.text
        else:
            assert response.ok, f"{method} {path}: {response.status_code} {response.text}"
        return response.json() if response.content and response.headers.get("content-type", "").startswith(
            "application/json") else None


def agent_for(hall: HallServer, kiosk_name: str):
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
