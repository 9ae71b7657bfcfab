import re

import pytest
from playwright.sync_api import expect

from tests.conftest import missing_service

from .harness import screenshots, set_lang

pytestmark = pytest.mark.browser

HEARD = re.compile("queued|playing|done|text-only")


def test_a_call_on_the_lobby_and_window_screens_and_in_the_voice_queue(hall, open_page):
    window = hall.window_for("A")
    clerk = hall.clerk_at(window)
    lobby_token = hall.device("ui-lobby", "display")
    screen_token = hall.device("ui-screen", "window-screen", window=window)
    lobby = open_page(f"{hall.url}/display/?token={lobby_token}", 1920, 1080)
    screen = open_page(f"{hall.url}/window/{window}/?token={screen_token}", 1280, 400)
    expect(lobby.locator("body")).to_have_attribute("data-conn", "online")
    expect(screen.locator("#ws-clerk")).to_contain_text("王小明")
    expect(screen.locator("#ws-clerk")).to_contain_text("1024")

    hall.issue("A")
    hall.issue("A")
    hall.json("POST", f"/windows/{window}/call-next", clerk)
    announce = f"请A001号到{window}号窗口办理"
    expect(lobby.locator("#latest-number")).to_have_text("A001")
    expect(lobby.locator("#latest .announce")).to_have_text(announce)
    expect(lobby.locator(f'#window-grid [data-window="{window}"] .win-now')).to_have_text("A001")
    expect(lobby.locator('#queue-list [data-category="A"] .q-count')).to_have_text("1 人")
    first = lobby.locator('#voice-queue li[data-number="A001"][data-recall="false"]')
    expect(first).to_have_count(1)
    expect(first).to_have_attribute("data-state", HEARD)
    expect(first).to_have_attribute("data-text", announce)
    expect(screen.locator("#ws-number")).to_have_text("A001")

    # The clerk hammers recall: the repeat within 5 s is dropped, not said again.
    hall.json("POST", f"/windows/{window}/recall", clerk)
    expect(lobby.locator('#voice-queue li[data-number="A001"]')).to_have_count(2)
    expect(lobby.locator('#voice-queue li[data-number="A001"]').first).to_have_attribute("data-state", "dropped")
    expect(lobby.locator(".recall")).to_be_visible()
    # The audio is rendered by the server and the page plays it through.
    expect(first).to_have_attribute("data-state", re.compile("done|text-only"), timeout=30000)
    screenshots(lobby, "lobby", "#latest-number")
    screenshots(screen, "window-screen", "#ws-number")

    # The next call queues behind, in call order.
    hall.json("POST", f"/windows/{window}/finish", clerk)
    hall.json("POST", f"/windows/{window}/call-next", clerk)
    expect(lobby.locator("#latest-number")).to_have_text("A002")
    expect(lobby.locator("#recent-calls li").first).to_contain_text("A001")
    expect(lobby.locator('#voice-queue li[data-number="A002"]')).to_have_attribute("data-state", HEARD)
    hall.json("POST", f"/windows/{window}/finish", clerk)

    hall.json("POST", f"/windows/{window}/pause", clerk, json={"reason": "培训"})
    expect(screen.locator("#ws-state")).to_have_text("暂停服务")
    expect(screen.locator("#ws-reason")).to_have_text("培训")
    expect(lobby.locator(f'#window-grid [data-window="{window}"] .win-now')).to_have_text("暂停服务")
    screenshots(screen, "window-screen-paused", "#ws-state")


def test_a_zone_screen_shows_its_zone_only(hall, open_page):
    a_window, b_window = hall.window_for("A"), hall.window_for("B")
    token = hall.device("ui-lobby-bdc", "display", zone="BDC")
    lobby = open_page(f"{hall.url}/display/?token={token}&zone=BDC", 1920, 1080)
    expect(lobby.locator(f'#window-grid [data-window="{a_window}"]')).to_have_count(1)
    expect(lobby.locator(f'#window-grid [data-window="{b_window}"]')).to_have_count(0)
    expect(lobby.locator(".zone-tag")).to_have_text("不动产登记综合受理区")
    set_lang(lobby, "en", ".zone-tag")
    expect(lobby.locator(".zone-tag")).to_have_text("Real estate registration")


def test_voice_endpoint(hall):
    import requests
    ok = requests.get(f"{hall.url}/api/v1/voice", params={"text": "请A001号到5号窗口办理"}, timeout=30)
    if ok.status_code == 503:
        missing_service(f"no voice engine here: {ok.json()['error']['message']} (apt-get install espeak-ng)")
    assert ok.status_code == 200 and ok.headers["content-type"] == "audio/wav"
    assert ok.content[:4] == b"RIFF" and len(ok.content) > 10000
    for bad in ["", "长" * 81]:
        refused = requests.get(f"{hall.url}/api/v1/voice", params={"text": bad}, timeout=10)
        assert refused.status_code == 400
        assert refused.json()["error"]["code"] == "validation_error"
