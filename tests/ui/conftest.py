"""Browser tests of the web pages against a real `hall serve --demo` process.

Chromium is Debian's (/usr/bin/chromium): Playwright's own browser download is never used."""
from __future__ import annotations

import functools
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
BUNDLE = ROOT / "hall" / "static" / "ui" / "kiosk.js"
SHOTS = ROOT / "test-artifacts" / "screenshots"
DOC_SHOTS = ROOT / "docs" / "screenshots"
HALL = str(Path(sys.executable).with_name("hall"))
PASSWORD = "Test-passw0rd"


def pytest_collection_modifyitems(items):
    if Path(CHROMIUM).exists():
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing: apt-get install -y chromium fonts-noto-cjk")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def built_ui():
    """The bundles the pages load; built once if the checkout has none yet."""
    if not BUNDLE.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.skip("hall/static/ui is not built and npm is missing: run npm ci && npm run build")
        if not (ROOT / "node_modules").is_dir():
            subprocess.run([npm, "ci"], cwd=ROOT, check=True)
        subprocess.run([npm, "run", "build"], cwd=ROOT, check=True)
    return BUNDLE.parent


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


@pytest.fixture()
def hall(tmp_path, built_ui):
    server = HallServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
            "--disable-component-update", "--no-first-run", "--autoplay-policy=no-user-gesture-required"])
        yield b
        b.close()


@pytest.fixture()
def open_page(browser):
    """open_page(url, width, height): a page in its own context, like its own device; with
    clock=True its time can be moved on (page.clock.fast_forward)."""
    contexts = []

    def open_(url: str, width: int = 1280, height: int = 800, touch: bool = False, clock: bool = False):
        context = browser.new_context(viewport={"width": width, "height": height}, has_touch=touch,
                                      locale="zh-CN", timezone_id="Asia/Shanghai")
        contexts.append(context)
        if clock:
            context.clock.install()
        page = context.new_page()
        page.set_default_timeout(10000)
        page.goto(url)
        return page

    yield open_
    for context in contexts:
        context.close()


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
