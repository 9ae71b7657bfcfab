import pytest
from playwright.sync_api import expect

from .harness import screenshots, set_lang

pytestmark = pytest.mark.browser


def test_the_track_page_follows_the_ticket(hall, open_page):
    window = hall.window_for("A")
    clerk = hall.clerk_at(window)
    hall.issue("A")
    mine = hall.issue("A")
    phone = open_page(mine["track_url"], 390, 844, touch=True)
    expect(phone.locator("#track-number")).to_have_text("A002")
    expect(phone.locator("#track-ahead")).to_have_text("1")
    expect(phone.locator("#track-category")).to_have_text("不动产登记")
    screenshots(phone, "track-waiting", "#track-number")
    set_lang(phone, "en", "#track-number")
    expect(phone.locator("#track-category")).to_have_text("Real estate registration")
    set_lang(phone, "zh", "#track-number")

    hall.json("POST", f"/windows/{window}/call-next", clerk)
    expect(phone.locator("#track-ahead")).to_have_text("0")
    hall.json("POST", f"/windows/{window}/finish", clerk)
    hall.json("POST", f"/windows/{window}/call-next", clerk)
    expect(phone.locator("#track-status")).to_have_text(f"请到 {window} 号窗口办理")
    screenshots(phone, "track-called", "#track-status")


def test_an_unknown_ticket_is_said_plainly(hall, open_page):
    phone = open_page(f"{hall.url}/t/no-such-token", 390, 844)
    expect(phone.locator(".setup-needed")).to_contain_text("没有找到")
