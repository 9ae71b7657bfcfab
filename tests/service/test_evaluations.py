"""好差评 from the window's pad: bound to its window, once, before the request lapses."""
import pytest

from hall.domain.errors import AlreadyEvaluated, EvaluationExpired, Forbidden, InvalidRequest
from hall.service_layer import evaluations, hall_state, reports, tickets, windows


@pytest.fixture
def finished(hall):
    kiosk = hall.device("k1", "kiosk")
    clerk = hall.staff("c1")
    windows.sign_in(hall.ctx, clerk, 2, "A")
    ids = []
    for _ in range(3):
        tickets.issue(hall.ctx, kiosk, category="A")
        ids.append(windows.call_next(hall.ctx, clerk, 2)["id"])
        hall.clock.advance(minutes=4)
        windows.finish(hall.ctx, clerk, 2)
    return ids


def test_the_pad_of_the_window_rates_once(hall, finished):
    pad = hall.device("pad-2", "pad", window=2)
    other = hall.device("pad-1", "pad", window=1)
    request = hall.published.named("evaluation.requested")[-1]
    assert (request.window, request.payload["ticket"]["id"]) == (2, finished[-1])
    with pytest.raises(Forbidden):
        evaluations.evaluate(hall.ctx, other, finished[-1], 5, [], None)
    result = evaluations.evaluate(hall.ctx, pad, finished[-1], 5, [], "很好")
    assert result["level_name"] == "非常满意"
    with pytest.raises(AlreadyEvaluated):
        evaluations.evaluate(hall.ctx, pad, finished[-1], 4, [], None)


def test_bad_ratings_need_reasons_and_raise_a_follow_up_alarm(hall, finished):
    pad = hall.device("pad-2", "pad", window=2)
    with pytest.raises(InvalidRequest):
        evaluations.evaluate(hall.ctx, pad, finished[-1], 2, [], None)
    evaluations.evaluate(hall.ctx, pad, finished[-1], 1, ["服务态度", "服务效率"], "太慢")
    alarm = hall.published.named("alarm")[-1].payload
    assert alarm["kind"] == "bad_rating" and "需回访" in alarm["message"]


def test_a_lapsed_request_is_refused_and_counted_as_not_rated(hall, finished):
    pad = hall.device("pad-2", "pad", window=2)
    boss = hall.staff("boss", "supervisor")
    evaluations.evaluate(hall.ctx, pad, finished[-1], 3, [], None)
    with pytest.raises(EvaluationExpired):  # the visitor before walked away long ago
        evaluations.evaluate(hall.ctx, pad, finished[0], 5, [], None)
    report = reports.daily(hall.ctx, boss, hall.clock.now.date())
    totals = report["totals"]
    assert (totals["evaluations"], totals["level_3"], totals["not_rated"], totals["served"]) == (1, 1, 2, 3)
    assert totals["mean_service_s"] == 240 and totals["p90_service_s"] == 240
    assert report["by_window"][0]["window"] == 2 and report["by_clerk"][0]["clerk"] == "c1"


def test_a_window_shows_its_open_evaluation_request_until_rated(hall, finished):
    pad = hall.device("pad-2", "pad", window=2)
    w2 = next(w for w in hall_state.hall(hall.ctx)["windows"] if w["number"] == 2)
    assert w2["evaluation"]["ticket_id"] == finished[-1]
    evaluations.evaluate(hall.ctx, pad, finished[-1], 4, [], None)
    assert hall.published.named("window.updated")[-1].payload["evaluation"] is None
    hall.clock.advance(seconds=1)
    assert next(w for w in hall_state.hall(hall.ctx)["windows"] if w["number"] == 2)["evaluation"] is None
