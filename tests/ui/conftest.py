"""Browser tests of the web pages against a real `hall serve --demo` process.

Chromium is Debian's (/usr/bin/chromium): Playwright's own browser download is never used."""
from __future__ import annotations

import fcntl
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import missing_service

from .harness import ROOT, UiHall

CHROMIUM = "/usr/bin/chromium"
BUNDLE = ROOT / "hall" / "static" / "ui" / "kiosk.js"


@pytest.fixture(scope="session")
def built_ui(testrun_uid):
    """The bundles the pages load, built from the current sources (esbuild takes a second),
    once per test run: the build empties hall/static/ui first, so a second xdist worker
    building while the first one's browser loads a page made that page "not built"."""
    npm = shutil.which("npm")
    if npm is None:
        if BUNDLE.exists():
            return BUNDLE.parent
        pytest.skip("hall/static/ui is not built and npm is missing: run npm ci && npm run build")
    BUNDLE.parent.parent.mkdir(parents=True, exist_ok=True)
    with open(BUNDLE.parent.parent / ".ui-build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        built_by = BUNDLE.parent / ".built-by-test-run"
        if built_by.exists() and built_by.read_text() == testrun_uid:
            return BUNDLE.parent
        if not (ROOT / "node_modules").is_dir():
            subprocess.run([npm, "ci"], cwd=ROOT, check=True)
        subprocess.run([npm, "run", "build"], cwd=ROOT, check=True, capture_output=True)
        built_by.write_text(testrun_uid)
    return BUNDLE.parent


@pytest.fixture()
def hall(tmp_path, sqlite_url, built_ui):
    server = UiHall(db=sqlite_url, workdir=tmp_path, extra=["--demo"]).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        missing_service(f"{CHROMIUM} is missing: apt-get install -y chromium fonts-noto-cjk")
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
