"""电子监察: staged alarms for waits and service times, raised once, acknowledged."""
from hall.service_layer import supervision, tickets, windows


def test_waits_raise_a_warning_then_a_critical_alarm_once_each(hall):
    kiosk = hall.device("k1", "kiosk")
    boss = hall.staff("boss", "supervisor")
    t, _ = tickets.issue(hall.ctx, kiosk, category="A")
    hall.clock.advance(minutes=15)
    assert supervision.scan(hall.ctx) == 0
    hall.clock.advance(minutes=1)  # 16 min = 80 % of 20
    assert supervision.scan(hall.ctx) == 1
    assert supervision.scan(hall.ctx) == 0          # once, whichever node scans
    hall.clock.advance(minutes=4)
    assert supervision.scan(hall.ctx) == 1
    alarms = [m.payload for m in hall.published.named("alarm")]
    assert [(a["kind"], a["level"], a["ticket"]) for a in alarms] == [("wait", "warning", t["id"]),
                                                                     ("wait", "critical", t["id"])]
    acked = supervision.acknowledge(hall.ctx, boss, alarms[0]["id"])
    assert acked["acknowledged"]


def test_service_time_over_the_limit_is_an_alarm_on_the_window(hall):
    kiosk = hall.device("k1", "kiosk")
    clerk = hall.staff("c1")
    tickets.issue(hall.ctx, kiosk, category="A")
    windows.sign_in(hall.ctx, clerk, 2, "A")
    windows.call_next(hall.ctx, clerk, 2)
    windows.start(hall.ctx, clerk, 2)
    hall.clock.advance(minutes=11)
    supervision.scan(hall.ctx)
    alarm = hall.published.named("alarm")[-1].payload
    assert (alarm["kind"], alarm["level"], alarm["window"]) == ("service_time", "critical", 2)
    assert "限时10分钟" in alarm["message"]


def test_audit_trail_records_who_did_what_from_which_device(hall):
    kiosk = hall.device("k1", "kiosk")
    clerk = hall.staff("c1")
    boss = hall.staff("boss", "supervisor")
    tickets.issue(hall.ctx, kiosk, category="A")
    windows.sign_in(hall.ctx, clerk, 2, "B")
    windows.call_next(hall.ctx, clerk, 2)
    windows.finish(hall.ctx, clerk, 2)
    trail = supervision.audit_trail(hall.ctx, boss, since=0)["events"]
    kinds = [(e["kind"], e["staff"], e["device_id"]) for e in trail if e["kind"].startswith(("ticket", "window"))]
    assert kinds == [("ticket.issued", None, kiosk.device_id), ("window.signed_in", "c1", None),
                     ("ticket.called", "c1", None), ("ticket.finished", "c1", None)]
