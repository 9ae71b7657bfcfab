import pytest
import socketio
from playwright.sync_api import expect

from .harness import agent_for, screenshot, screenshots, set_lang, wait_until

pytestmark = pytest.mark.browser


def test_issuing_by_touch(hall, open_page):
    token = hall.device("ui-kiosk", "kiosk")
    agent, jobs = agent_for(hall, "ui-kiosk")
    page = open_page(f"{hall.url}/kiosk/?token={token}", 1080, 1920, touch=True)
    expect(page.locator("button.zone").first).to_be_visible()
    assert "token=" not in page.url, "the device token must leave the address bar"
    page.goto(f"{hall.url}/kiosk/")
    expect(page.locator("button.zone").first).to_be_visible()  # the kept token still works
    screenshots(page, "kiosk-zones", "button.zone")

    page.locator('button.zone[data-zone="BDC"]').tap()
    category = page.locator('button.cat[data-category="A"]')
    expect(category).to_be_enabled()
    expect(category).to_contain_text("等候 0 人")
    screenshots(page, "kiosk-categories", "button.cat")

    # Every category button is usable exactly when the server says it is open.
    for cat in hall.json("GET", "/categories")["categories"]:
        button = page.locator(f'button.cat[data-category="{cat["code"]}"]')
        if button.count():
            assert button.is_enabled() == (cat["state"] == "open"), cat

    # An impatient visitor taps twice: one ticket.
    category.evaluate("b => { b.click(); b.click(); }")
    expect(page.locator("#ticket-number")).to_have_text("A001")
    expect(page.locator("#ticket-ahead")).to_contain_text("0")
    assert page.locator("#ticket-qr").evaluate("c => c.width") > 100
    waiting = {c["code"]: c["waiting"] for c in hall.json("GET", "/categories")["categories"]}
    assert waiting["A"] == 1

    # The printer runs out of paper: the ticket stays on screen, valid, with its QR code.
    wait_until(lambda: jobs, "the agent got no print job")
    agent.call("print.done", {"job_id": jobs[0]["job_id"], "ok": False, "error": "paper_out"}, timeout=10)
    agent.call("device.status", {"device": "ui-printer", "state": "paper_out"}, timeout=10)
    expect(page.locator("#print-status")).to_have_attribute("data-print", "paper_out")
    expect(page.locator("#print-status")).to_contain_text("二维码")
    screenshots(page, "kiosk-ticket", "#ticket-number")

    page.locator("button.done").tap()
    expect(page.locator("button.zone").first).to_be_visible()
    expect(page.locator(".printer-down")).to_be_visible()
    agent.disconnect()


def test_green_channel_appointment_and_idle_return(hall, open_page):
    token = hall.device("ui-kiosk", "kiosk")
    page = open_page(f"{hall.url}/kiosk/?token={token}", 1080, 1920, touch=True, clock=True)
    page.locator("button.mode.green").first.tap()
    page.locator('button.zone[data-zone="BDC"]').tap()
    expect(page.locator(".mode-note")).to_be_visible()
    page.locator('button.cat[data-category="A"]').tap()
    expect(page.locator("#ticket-number")).to_have_text("A001")
    expect(page.locator(".ticket-category .badge")).to_have_text("绿色通道")

    # No printer answers (no agent here): the screen stops promising paper.
    expect(page.locator("#print-status")).to_have_attribute("data-print", "pending")
    page.clock.fast_forward("00:16")
    expect(page.locator("#print-status")).to_have_attribute("data-print", "failed")

    # Nobody touches the screen: back to the start for the next visitor.
    page.clock.fast_forward("00:15")
    expect(page.locator("button.zone").first).to_be_visible()
    expect(page.locator('button.mode.green[aria-pressed="true"]')).to_have_count(0)

    page.locator("button.mode.appointment").first.tap()
    for key in "2026":
        page.locator("button.key", has_text=key).first.tap()
    expect(page.locator("#appointment-code")).to_have_value("2026")
    page.locator("button.next").tap()
    expect(page.locator(".mode-note")).to_contain_text("2026")
    page.locator('button.cat[data-category="B"]').tap()
    expect(page.locator("#ticket-number")).to_have_text("B001")
    expect(page.locator(".ticket-category .badge")).to_have_text("预约")


def test_a_lost_answer_retried_is_still_one_ticket(hall, open_page):
    token = hall.device("ui-kiosk", "kiosk")
    page = open_page(f"{hall.url}/kiosk/?token={token}", 1080, 1920, touch=True)
    keys = []

    def lose_first_answer(route):
        keys.append(route.request.headers.get("idempotency-key"))
        if len(keys) == 1:
            route.fetch()  # the server issues the ticket, but the kiosk never hears back
            route.abort()
        else:
            route.continue_()

    page.route("**/api/v1/tickets", lose_first_answer)
    page.locator('button.zone[data-zone="BDC"]').tap()
    page.locator('button.cat[data-category="A"]').tap()
    expect(page.locator("#notice")).to_contain_text("无法连接服务器")
    page.locator('button.cat[data-category="A"]').tap()
    expect(page.locator("#ticket-number")).to_have_text("A001")
    assert len(keys) == 2 and keys[0] and keys[0] == keys[1]
    waiting = {c["code"]: c["waiting"] for c in hall.json("GET", "/categories")["categories"]}
    assert waiting["A"] == 1


def test_device_page_without_token_says_how_to_set_up(hall, open_page):
    page = open_page(f"{hall.url}/kiosk/", 1080, 1920)
    expect(page.locator(".setup-needed")).to_contain_text("?token=")


def test_an_id_card_read_at_the_kiosk(hall, open_page):
    page = open_page(f"{hall.url}/kiosk/?token={hall.tokens['kiosk-1']}", 1080, 1920, touch=True, clock=True)
    expect(page.locator("button.zone").first).to_be_visible()
    reader = socketio.Client(reconnection=False)
    reader.connect(hall.url, auth={"token": hall.tokens["agent-1"]}, transports=["websocket"], wait_timeout=10)

    def read_card():
        reader.call("id_card.read", {"kiosk": "kiosk-1", "id_card": {"number": "11010519491231002X", "name": "张小三"}},
                    timeout=10)
        expect(page.locator("#card-greeting")).to_contain_text("您好，张*三")

    # Read, then left at the kiosk: the card's token lapses with the server's two minutes.
    read_card()
    page.clock.fast_forward("02:01")
    expect(page.locator("#card-greeting")).to_have_count(0)
    # Two minutes without a heartbeat drop the socket; a card read must find the kiosk listening.
    expect(page.locator("body")).to_have_attribute("data-conn", "online")

    read_card()
    set_lang(page, "en", "#card-greeting")
    expect(page.locator("#card-greeting")).to_contain_text("Hello, 张*三")
    expect(page.locator('button.zone[data-zone="BDC"] .zone-name')).to_have_text("Real estate registration")
    set_lang(page, "zh", "#card-greeting")
    page.locator('button.zone[data-zone="BDC"]').tap()
    expect(page.locator("#card-greeting")).to_be_visible()
    screenshot(page, "kiosk-card", "zh")
    set_lang(page, "en", "#card-greeting")
    expect(page.locator('button.cat[data-category="A"] .cat-name')).to_have_text("Real estate registration")
    screenshot(page, "kiosk-card", "en")
    set_lang(page, "zh", "#card-greeting")
    page.locator('button.cat[data-category="A"]').tap()
    expect(page.locator("#ticket-number")).to_have_text("A001")
    ticket = hall.json("GET", "/tickets", hall.supervisor)["tickets"][0]
    assert ticket["holder"] == "张*三"
    page.locator("button.done").tap()
    expect(page.locator("#card-greeting")).to_have_count(0)  # used: the next visitor is not greeted as 张*三

    # The same person again, for the same service: said plainly, no second ticket.
    read_card()
    page.locator('button.zone[data-zone="BDC"]').tap()
    page.locator('button.cat[data-category="A"]').tap()
    expect(page.locator("#notice")).to_contain_text("您在该业务已有号码在排队")
    assert len(hall.json("GET", "/tickets", hall.supervisor)["tickets"]) == 1

    # A card token the server refuses (spoilt on the way here) cannot be tapped past: read the card again.
    page.route("**/api/v1/tickets", lambda route: route.continue_(
        post_data=route.request.post_data.replace('"card_token":"', '"card_token":"x')))
    page.locator('button.cat[data-category="A"]').tap()
    expect(page.locator("#notice")).to_contain_text("请重新刷卡")
    expect(page.locator("#card-greeting")).to_have_count(0)
    page.unroute("**/api/v1/tickets")
    read_card()

    # Nobody touches the screen: the card is forgotten with the rest.
    page.clock.fast_forward("01:01")
    expect(page.locator("button.zone").first).to_be_visible()
    expect(page.locator("#card-greeting")).to_have_count(0)
    reader.disconnect()
