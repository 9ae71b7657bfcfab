import pytest
from playwright.sync_api import expect

from .harness import log_in

pytestmark = pytest.mark.browser


def test_pages_come_back_after_a_server_restart(hall, open_page):
    window = hall.window_for("A")
    hall.clerk_at(window)
    lobby = open_page(f"{hall.url}/display/?token={hall.device('ui-lobby', 'display')}", 1920, 1080)
    counter = open_page(f"{hall.url}/counter/", 1440, 900)
    log_in(counter, "ui-clerk")
    for page in (lobby, counter):
        expect(page.locator("body")).to_have_attribute("data-conn", "online")

    hall.stop()
    for page in (lobby, counter):
        expect(page.locator("body")).to_have_attribute("data-conn", "reconnecting")
        expect(page.locator("#conn")).to_contain_text("正在重连")
    hall.start()
    for page in (lobby, counter):
        expect(page.locator("body")).to_have_attribute("data-conn", "online", timeout=20000)

    # What happened while they were away is there, and new calls arrive again.
    hall.issue("A")
    counter.keyboard.press("F1")
    expect(counter.locator("#current-number")).to_have_text("A001")
    expect(lobby.locator("#latest-number")).to_have_text("A001")
    expect(lobby.locator(f'#window-grid [data-window="{window}"] .win-now')).to_have_text("A001")
