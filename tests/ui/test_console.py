import pytest
from playwright.sync_api import expect

from .harness import agent_for, log_in, screenshots, set_lang

pytestmark = pytest.mark.browser


def test_console_shows_an_alarm_and_changes_a_window(hall, open_page):
    window = hall.window_for("A")
    clerk = hall.clerk_at(window)
    hall.supervisor  # noqa: B018 - the account the page logs in with
    # A visitor missed the call before the supervisor opened the console.
    earlier = hall.issue("A")
    hall.json("POST", f"/windows/{window}/call-next", clerk)
    hall.json("POST", f"/windows/{window}/no-show", clerk)
    page = open_page(f"{hall.url}/console/", 1600, 1000)
    log_in(page, "ui-supervisor")
    expect(page.locator(f'tr[data-window="{window}"]')).to_contain_text("王小明")
    expect(page.locator(f'#no-show-list li[data-ticket="{earlier["id"]}"]')).to_contain_text("A001")

    # A printer runs out of paper: an alarm, which the supervisor acknowledges.
    hall.device("ui-kiosk", "kiosk")
    agent, _ = agent_for(hall, "ui-kiosk")
    agent.call("device.status", {"device": "ui-printer", "state": "paper_out"}, timeout=10)
    alarm = page.locator('#alarm-list li[data-kind="device"]')
    expect(alarm).to_contain_text("ui-printer")

    # Another misses the call while the console is open.
    ticket = hall.issue("A")
    hall.json("POST", f"/windows/{window}/call-next", clerk)
    hall.json("POST", f"/windows/{window}/no-show", clerk)
    missed = page.locator(f'#no-show-list li[data-ticket="{ticket["id"]}"]')
    expect(missed).to_contain_text("A002")
    expect(page.locator("#no-show-list li").first).to_have_attribute("data-ticket", str(ticket["id"]))
    screenshots(page, "console-live", "#alarm-list li")
    set_lang(page, "en", "#alarm-list li")
    zone = page.locator(".zone-block", has=page.locator(f'tr[data-window="{window}"]')).locator("h3")
    expect(zone).to_have_text("Real estate registration")
    expect(page.locator('#queue-table tr[data-category="A"] td').first).to_have_text("Real estate registration")
    set_lang(page, "zh", "#alarm-list li")

    alarm.locator("button.ack").click()
    expect(alarm).to_have_count(0)
    assert all(a["kind"] != "device" for a in hall.json("GET", "/hall", hall.supervisor)["alarms"])

    # Both are put back in the queue: one here, one by another supervisor.
    page.locator(f'#no-show-list li[data-ticket="{earlier["id"]}"] button.reinstate').click()
    expect(page.locator(f'#no-show-list li[data-ticket="{earlier["id"]}"]')).to_have_count(0)
    assert hall.json("GET", f"/tickets/{earlier['id']}", hall.supervisor)["ticket"]["status"] == "waiting"
    hall.json("POST", f"/tickets/{ticket['id']}/reinstate", hall.supervisor)
    expect(missed).to_have_count(0)
    expect(page.locator(".no-shows")).to_contain_text("今天没有过号")

    # The window takes household registrations from now on.
    page.locator(f'tr[data-window="{window}"] button.edit').click()
    page.locator('.dialog label[data-category="A"] input').uncheck()
    page.locator('.dialog label[data-category="B"] input').check()
    page.click("#save-categories")
    expect(page.locator(f'tr[data-window="{window}"] .serves')).to_have_text("户籍与出入境")
    windows = hall.json("GET", "/hall", hall.supervisor)["windows"]
    assert next(w for w in windows if w["number"] == window)["categories"] == ["B"]
    agent.disconnect()


def test_daily_report_with_charts_and_downloads(hall, open_page):
    window = hall.window_for("A")
    clerk = hall.clerk_at(window)
    for _ in range(3):
        hall.issue("A")
        hall.json("POST", f"/windows/{window}/call-next", clerk)
        hall.json("POST", f"/windows/{window}/finish", clerk)
    hall.supervisor  # noqa: B018
    page = open_page(f"{hall.url}/console/", 1600, 1100)
    log_in(page, "ui-supervisor")
    page.click("#tab-report")
    expect(page.locator('.total[data-figure="tickets"] strong')).to_have_text("3")
    expect(page.locator("#chart-arrivals")).to_be_visible()
    expect(page.locator("#chart-waits")).to_be_visible()
    screenshots(page, "console-report", "#chart-arrivals")
    for fmt in ("csv", "xlsx"):
        with page.expect_download() as info:
            page.click(f"#report-{fmt}")
        download = info.value
        assert download.suggested_filename.endswith(f".{fmt}")
        assert download.path().stat().st_size > 50


def test_only_supervisors_get_in(hall, open_page):
    hall.staff("ui-clerk", "clerk")
    page = open_page(f"{hall.url}/console/", 1280, 800)
    log_in(page, "ui-clerk")
    expect(page.locator(".form-error")).to_have_text("没有权限执行此操作")
