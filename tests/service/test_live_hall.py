"""Changing a live hall: reloading the layout, AB岗 hand-over, moving windows, ID cards."""
import copy

import pytest

from hall import layout
from hall.domain.errors import AlreadyQueued, Forbidden, InvalidRequest, WindowBusy
from hall.service_layer import hall_state, id_cards, layout_loader, tickets, windows
from tests.service.conftest import LAYOUT


def test_reloading_a_changed_layout_keeps_tickets_and_clerks(hall):
    kiosk = hall.device("k1", "kiosk")
    clerk = hall.staff("c1")
    issued = [tickets.issue(hall.ctx, kiosk, category="A")[0]["number"] for _ in range(3)]
    windows.sign_in(hall.ctx, clerk, 2, "A")
    windows.call_next(hall.ctx, clerk, 2)
    changed = copy.deepcopy(LAYOUT)
    changed["categories"].append({"code": "C", "name": "新业务", "zone": "BDC"})
    changed["windows"][1]["categories"] = ["A", "C"]
    assert layout_loader.apply(hall.ctx, layout.from_dict(changed), "v2") == \
        {"zones": 0, "categories": 1, "windows": 1, "settings": 0}
    assert layout_loader.apply(hall.ctx, layout.from_dict(changed), "v2") == \
        {"zones": 0, "categories": 0, "windows": 0, "settings": 0}
    state = hall_state.hall(hall.ctx)
    w2 = next(w for w in state["windows"] if w["number"] == 2)
    assert (w2["categories"], w2["clerk"]["username"], w2["ticket"]["number"]) == (["A", "C"], "c1", issued[0])
    assert next(q for q in state["queues"] if q["category"] == "A")["waiting"] == 2
    assert tickets.issue(hall.ctx, kiosk, category="C")[0]["number"] == "C001"


def test_b_post_takes_over_and_a_clerk_moving_windows_leaves_the_old_one(hall):
    kiosk = hall.device("k1", "kiosk")
    a, b = hall.staff("a"), hall.staff("b")
    tickets.issue(hall.ctx, kiosk, category="A")
    windows.sign_in(hall.ctx, a, 2, "A")
    current = windows.call_next(hall.ctx, a, 2)
    with pytest.raises(WindowBusy):   # a visitor is still at window 2
        windows.sign_in(hall.ctx, a, 1, "A")
    w = windows.sign_in(hall.ctx, b, 2, "B")
    assert (w["clerk"]["username"], w["clerk"]["post"], w["ticket"]["id"]) == ("b", "B", current["id"])
    windows.finish(hall.ctx, b, 2)
    windows.sign_in(hall.ctx, b, 1, "A")
    state = {w["number"]: w for w in hall_state.hall(hall.ctx)["windows"]}
    assert (state[1]["clerk"]["username"], state[2]["state"]) == ("b", "closed")


def test_a_ticket_transferred_to_a_window_is_called_there_first_and_only_there(hall):
    kiosk = hall.device("k1", "kiosk")
    c1, c2 = hall.staff("c1"), hall.staff("c2")
    first = tickets.issue(hall.ctx, kiosk, category="A")[0]
    tickets.issue(hall.ctx, kiosk, category="A", priority="green")
    windows.sign_in(hall.ctx, c1, 1, "A")
    windows.sign_in(hall.ctx, c2, 2, "A")
    green = windows.call_next(hall.ctx, c1, 1)
    assert green["priority"] == "green"
    moved = windows.transfer(hall.ctx, c1, 1, window=2)
    assert (moved["status"], moved["transferred_to_window"]) == ("waiting", 2)
    assert windows.call_next(hall.ctx, c1, 1)["id"] == first["id"]   # window 1 does not take it back
    assert windows.call_next(hall.ctx, c2, 2)["id"] == green["id"]


def test_calling_at_a_paused_window_resumes_it(hall):
    kiosk = hall.device("k1", "kiosk")
    clerk = hall.staff("c1")
    tickets.issue(hall.ctx, kiosk, category="A")
    windows.sign_in(hall.ctx, clerk, 2, "A")
    assert windows.pause(hall.ctx, clerk, 2, "午休")["state"] == "paused"
    windows.call_next(hall.ctx, clerk, 2)
    assert hall.published.named("window.updated")[-1].payload["state"] == "busy"


def test_one_open_ticket_per_id_card_and_category(hall):
    agent = hall.device("agent-1", "agent")
    card = {"number": "11010519491231002X", "name": "张小三"}
    t, _ = tickets.issue(hall.ctx, agent, category="A", id_card=card, kiosk="kiosk-1")
    assert t["holder"] == "张*三" and t["kiosk"] == "kiosk-1"
    with pytest.raises(AlreadyQueued):
        tickets.issue(hall.ctx, agent, category="A", id_card={**card, "number": card["number"].lower()})
    assert tickets.issue(hall.ctx, agent, category="B", id_card=card)[0]["holder"] == "张*三"  # another category
    with hall.ctx.transaction() as uow:
        stored = uow.tickets.get(t["id"])
    assert card["number"] not in repr(stored) and "张小三" not in repr(stored)


def test_a_zone_kiosk_issues_its_zones_categories_only(hall):
    kiosk = hall.device("k-zh", "kiosk", zone="ZH")
    with pytest.raises(Forbidden):
        tickets.issue(hall.ctx, kiosk, category="A")
    assert hall.published.named("ticket.issued") == []


def test_a_card_read_at_a_kiosk_lets_the_visitor_choose_the_category(hall):
    agent = hall.device("agent-1", "agent")
    kiosk = hall.device("kiosk-1", "kiosk")
    other_kiosk = hall.device("kiosk-2", "kiosk")
    told = id_cards.card_read(hall.ctx, agent, "kiosk-1", "11010519491231002X", "张小三")
    assert (told.name, told.kiosk, told.payload["holder"]) == ("id_card.read", "kiosk-1", "张*三")
    assert "11010519491231002X" not in repr(told)
    token = told.payload["card_token"]
    with pytest.raises(Forbidden):
        tickets.issue(hall.ctx, other_kiosk, category="A", card_token=token)
    t, _ = tickets.issue(hall.ctx, kiosk, category="A", card_token=token)
    assert t["holder"] == "张*三"
    with pytest.raises(AlreadyQueued):
        tickets.issue(hall.ctx, kiosk, category="A", card_token=token)
    forged = token[:-1] + ("0" if token[-1] != "0" else "1")
    with pytest.raises(InvalidRequest):
        tickets.issue(hall.ctx, kiosk, category="B", card_token=forged)
    hall.clock.advance(seconds=id_cards.CARD_TOKEN_S + 1)
    with pytest.raises(InvalidRequest):
        tickets.issue(hall.ctx, kiosk, category="B", card_token=token)


def test_the_days_no_shows_can_be_listed_for_reinstating(hall):
    kiosk = hall.device("k1", "kiosk")
    clerk = hall.staff("c1")
    tickets.issue(hall.ctx, kiosk, category="A")
    tickets.issue(hall.ctx, kiosk, category="A")
    windows.sign_in(hall.ctx, clerk, 2, "A")
    missed = windows.call_next(hall.ctx, clerk, 2)
    windows.no_show(hall.ctx, clerk, 2)
    assert [t["id"] for t in tickets.of_day(hall.ctx, clerk, None, "no_show")] == [missed["id"]]
    assert len(tickets.of_day(hall.ctx, clerk, None, None)) == 2
    with pytest.raises(Forbidden):
        tickets.of_day(hall.ctx, kiosk, None, None)


def test_zones_and_categories_carry_english_names(hall):
    changed = copy.deepcopy(LAYOUT)
    changed["zones"][0]["name_en"] = "Real estate"
    changed["categories"][0]["name_en"] = "Registration"
    layout_loader.apply(hall.ctx, layout.from_dict(changed), "v2")
    assert hall_state.zones(hall.ctx)[0]["name_en"] == "Real estate"
    kiosk = hall.device("k1", "kiosk")
    t, _ = tickets.issue(hall.ctx, kiosk, category="A")
    assert tickets.track(hall.ctx, t["track_url"].rsplit("/", 1)[1])["ticket"]["category_name_en"] == "Registration"
