import re

import pytest
from playwright.sync_api import expect

from .harness import PASSWORD, log_in, screenshots, wait_until

pytestmark = pytest.mark.browser


def test_a_clerks_day(hall, open_page):
    window = hall.window_for("A")
    hall.staff("ui-clerk", "clerk", "--display-name", "王小明", "--staff-no", "1024")
    numbers = [hall.issue("A")["number"] for _ in range(4)]
    assert numbers == ["A001", "A002", "A003", "A004"]

    page = open_page(f"{hall.url}/counter/", 1440, 900, clock=True)
    expect(page.locator("#login-username")).to_be_visible()
    screenshots(page, "counter-login", "#login-username")
    log_in(page, "ui-clerk", "wrong")
    expect(page.locator(".form-error")).to_have_text("用户名或密码错误")
    log_in(page, "ui-clerk")

    page.click('button.post[data-post="B"]')
    page.click(f'button.window-pick[data-window="{window}"]')
    expect(page.locator("#queue li")).to_have_count(4)
    expect(page.locator("#who")).to_contain_text("B岗")
    screenshots(page, "counter-idle", "#queue li")

    # Call, recall, start, finish: all from the keyboard.
    page.keyboard.press("F1")
    expect(page.locator("#current-number")).to_have_text("A001")
    expect(page.locator("#current-status")).to_contain_text("已呼叫")
    page.keyboard.press("F2")
    wait_until(lambda: recalls(hall, window) == 1, "the recall did not reach the server")
    page.keyboard.press("F3")
    expect(page.locator("#current-status")).to_contain_text("办理中")
    expect(page.locator("#service-timer")).to_have_attribute("data-level", "ok")
    expect(page.locator("#queue li")).to_have_count(3)
    screenshots(page, "counter-serving", "#current-number")
    # 限时办结: amber from 80 % of the category's 20 minutes, red past them.
    page.clock.fast_forward("16:30")
    expect(page.locator("#service-timer")).to_have_attribute("data-level", "amber")
    page.clock.fast_forward("04:00")
    expect(page.locator("#service-timer")).to_have_attribute("data-level", "red")
    expect(page.locator("body")).to_have_attribute("data-conn", "online")
    page.click("#act-finish")
    expect(page.locator("#current.empty")).to_be_visible()

    # The next visitor does not come.
    page.click("#act-call-next")
    expect(page.locator("#current-number")).to_have_text("A002")
    page.keyboard.press("F5")
    expect(page.locator("#current.empty")).to_be_visible()

    # The third belongs elsewhere: transfer to another category.
    page.keyboard.press("F1")
    expect(page.locator("#current-number")).to_have_text("A003")
    page.keyboard.press("F6")
    page.click('.dialog button[data-category="B"]')
    expect(page.locator("#current.empty")).to_be_visible()
    expect(page.locator("#notice")).to_contain_text("A003")

    # Calling a specific number.
    page.keyboard.press("F8")
    page.fill("#call-number-input", "a004")
    page.keyboard.press("Enter")
    expect(page.locator("#current-number")).to_have_text("A004")
    page.keyboard.press("F4")
    expect(page.locator("#current.empty")).to_be_visible()
    expect(page.locator("#queue li")).to_have_count(0)

    # Nobody left: said plainly, nothing breaks.
    page.keyboard.press("F1")
    expect(page.locator("#notice")).to_contain_text("没有等候")

    # A break, with its reason, then back.
    page.keyboard.press("F7")
    page.click('.dialog button[data-reason="meeting"]')
    expect(page.locator("#current.paused")).to_contain_text("会议")
    assert window_of(hall, window)["state"] == "paused"
    screenshots(page, "counter-paused", "#current.paused")
    page.keyboard.press("F7")
    expect(page.locator("#current.empty")).to_be_visible()
    assert window_of(hall, window)["state"] == "open"

    page.click("#sign-out")
    expect(page.locator("button.window-pick").first).to_be_visible()
    assert window_of(hall, window)["clerk"] is None


def window_of(hall, number):
    return next(w for w in hall.json("GET", "/hall", hall.supervisor)["windows"] if w["number"] == number)


def recalls(hall, number):
    return window_of(hall, number)["ticket"]["recalls"]


@pytest.fixture()
def at_window(hall, open_page):
    """A clerk signed in at an A window, logged in on the counter terminal: (page, window)."""
    window = hall.window_for("A")
    hall.clerk_at(window)
    page = open_page(f"{hall.url}/counter/", 1440, 900)
    log_in(page, "ui-clerk")
    expect(page.locator("#current.empty")).to_be_visible()
    return page, window


def test_action_errors_are_plain_chinese(hall, at_window):
    page, window = at_window
    # Another session of the clerk signs the window out behind this page's back.
    hall.json("POST", f"/windows/{window}/sign-out", hall.login("ui-clerk", PASSWORD))
    page.click("#act-call-next")
    expect(page.locator("#notice")).to_have_text(re.compile("尚未签到"))


def test_a_revoked_login_returns_to_the_login_form(hall, at_window):
    page, _ = at_window
    token = page.evaluate("localStorage.getItem('hall.staff.counter')")
    hall.json("POST", "/auth/logout", token)
    # The next action is refused (unless the dropped socket already sent the page back).
    page.keyboard.press("F1")
    expect(page.locator("#login-username")).to_be_visible()


def test_the_terminal_follows_what_its_window_serves(hall, at_window):
    """A terminal hears only its window's categories; when a supervisor changes them, it
    listens to the new ones (a ticket issued afterwards still shows in its queue)."""
    page, window = at_window
    hall.issue("A")
    expect(page.locator("#queue li")).to_have_count(1)
    hall.json("PUT", f"/windows/{window}/categories", hall.supervisor, json={"categories": ["B"]})
    expect(page.locator("#queue li")).to_have_count(0)
    expect(page.locator("body")).to_have_attribute("data-conn", "online")
    hall.issue("B")
    expect(page.locator("#queue li")).to_have_count(1)
    expect(page.locator("#queue li").first).to_contain_text("B001")
