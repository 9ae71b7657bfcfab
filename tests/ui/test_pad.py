import pytest
from playwright.sync_api import expect

from .harness import screenshots

pytestmark = pytest.mark.browser


def test_a_rating_on_the_pad(hall, open_page):
    window = hall.window_for("A")
    clerk = hall.clerk_at(window)
    token = hall.device("ui-pad", "pad", window=window)
    pad = open_page(f"{hall.url}/pad/{window}/?token={token}", 1280, 800, touch=True)
    expect(pad.locator("#pad-clerk")).to_contain_text("王小明")
    screenshots(pad, "pad-idle", "#pad-clerk")

    ticket = hall.issue("A")
    hall.json("POST", f"/windows/{window}/call-next", clerk)
    hall.json("POST", f"/windows/{window}/finish", clerk)
    expect(pad.locator("button.level")).to_have_count(5)
    expect(pad.locator("button.level").first).to_have_text("非常满意")
    screenshots(pad, "pad-rate", "button.level")

    # A bad rating asks why before it is sent.
    pad.locator('button.level[data-level="2"]').tap()
    pad.locator("#pad-submit").tap()
    expect(pad.locator(".form-error")).to_have_text("请至少选择一项")
    pad.locator('button.reason[data-reason="attitude"]').tap()
    pad.fill("#pad-comment", "态度生硬")
    screenshots(pad, "pad-reasons", "button.reason")
    pad.locator("#pad-submit").tap()
    expect(pad.locator("#pad-thanks")).to_have_text("感谢您的评价！")
    expect(pad.locator("#pad-clerk")).to_be_visible(timeout=10000)

    again = hall.json("POST", "/evaluations", token, json={"ticket_id": ticket["id"], "level": 5}, expect=409)
    assert again["error"]["code"] == "already_evaluated"
    report = hall.json("GET", "/reports/daily", hall.supervisor, params={"format": "json"})
    assert report["totals"]["level_2"] == 1


def test_an_unanswered_request_lapses(hall, open_page):
    window = hall.window_for("A")
    clerk = hall.clerk_at(window)
    token = hall.device("ui-pad", "pad", window=window)
    pad = open_page(f"{hall.url}/pad/{window}/?token={token}", 1280, 800, clock=True)
    expect(pad.locator("#pad-clerk")).to_be_visible()
    hall.issue("A")
    hall.json("POST", f"/windows/{window}/call-next", clerk)
    hall.json("POST", f"/windows/{window}/finish", clerk)
    expect(pad.locator("button.level")).to_have_count(5)
    pad.clock.fast_forward("10:00")
    expect(pad.locator("#pad-clerk")).to_be_visible()


def test_a_pad_opened_mid_request_asks_and_follows_the_evaluator_keys(hall, open_page):
    window = hall.window_for("A")
    clerk = hall.clerk_at(window)
    token = hall.device("ui-pad", "pad", window=window)
    ticket = hall.issue("A")
    hall.json("POST", f"/windows/{window}/call-next", clerk)
    hall.json("POST", f"/windows/{window}/finish", clerk)

    # The pad was off (or reloading) when the clerk finished: it asks all the same.
    pad = open_page(f"{hall.url}/pad/{window}/?token={token}", 1280, 800, touch=True)
    expect(pad.locator("button.level")).to_have_count(5)
    expect(pad.locator("#pad-ticket")).to_contain_text(ticket["number"])
    pad.reload()
    expect(pad.locator("button.level")).to_have_count(5)

    # The visitor rated on the evaluator keys instead: the pad stops asking.
    hall.json("POST", "/evaluations", hall.tokens["agent-1"], json={"ticket_id": ticket["id"], "level": 5}, expect=201)
    expect(pad.locator("#pad-clerk")).to_be_visible()
    expect(pad.locator("button.level")).to_have_count(0)
