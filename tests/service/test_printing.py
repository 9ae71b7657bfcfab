"""Print jobs wait for their kiosk's agent, are dropped visibly when stale; device faults are alarms."""
from hall.adapters.supervision import DeviceRef
from hall.service_layer import printing, tickets

PRINTER = DeviceRef("p1", "printer", kiosk="kiosk-1")


def test_a_job_is_held_until_the_kiosks_agent_announces_its_printer(hall):
    kiosk = hall.device("kiosk-1", "kiosk")
    agent = hall.device("agent-1", "agent")
    view, _ = tickets.issue(hall.ctx, kiosk, category="A")
    assert hall.published.named("print.job") == []
    jobs = printing.agent_hello(hall.ctx, agent, [PRINTER])
    assert [(j.name, j.agent, j.payload["ticket"]["number"], j.payload["printer"]) for j in jobs] == \
        [("print.job", agent.device_id, view["number"], "p1")]
    assert jobs[0].payload["hall_name"] == "测试中心" and jobs[0].payload["ticket"]["zone_name"] == "不动产"
    # once the agent is known, the next ticket's job goes straight to it
    tickets.issue(hall.ctx, kiosk, category="A")
    assert len(hall.published.named("print.job")) == 1
    printing.print_done(hall.ctx, agent, jobs[0].payload["job_id"], True, None)
    result = hall.published.named("print.result")[-1]
    assert (result.kiosk, result.payload["ok"]) == ("kiosk-1", True)
    # a second answer for the same job (a retry's) changes nothing
    printing.print_done(hall.ctx, agent, jobs[0].payload["job_id"], False, "late")
    assert len(hall.published.named("print.result")) == 1


def test_stale_jobs_are_dropped_and_the_kiosk_is_told(hall):
    kiosk = hall.device("kiosk-1", "kiosk")
    agent = hall.device("agent-1", "agent")
    tickets.issue(hall.ctx, kiosk, category="A")
    hall.clock.advance(seconds=hall.ctx.options.print_job_max_age_s + 1)
    assert printing.agent_hello(hall.ctx, agent, [PRINTER]) == []
    dropped = hall.published.named("print.result")[-1]
    assert (dropped.kiosk, dropped.payload["ok"], dropped.payload["error"]) == ("kiosk-1", False, "dropped")


def test_a_device_fault_raises_an_alarm_that_clears_when_it_recovers(hall):
    agent = hall.device("agent-1", "agent")
    printing.agent_hello(hall.ctx, agent, [PRINTER])
    printing.device_status(hall.ctx, agent, "p1", "paper_out", None)
    printing.device_status(hall.ctx, agent, "p1", "paper_out", None)  # no news, no second alarm
    alarms = hall.published.named("alarm")
    assert [(a.payload["kind"], a.payload["device"]) for a in alarms] == [("device", "p1")]
    status = hall.published.named("device.status")
    assert [(s.kiosk, s.payload["state"]) for s in status] == [("kiosk-1", "paper_out")]
    printing.device_status(hall.ctx, agent, "p1", "ok", None)
    assert hall.published.named("alarm")[-1].payload == {"id": alarms[0].payload["id"], "cleared": True,
                                                         "at": hall.published.named("alarm")[-1].payload["at"]}


def test_everything_an_agent_drives_goes_offline_with_it(hall):
    agent = hall.device("agent-1", "agent")
    printing.agent_hello(hall.ctx, agent, [DeviceRef("p1", "printer", kiosk="kiosk-1"), DeviceRef("s5", "screen", window=5)])
    printing.agent_gone(hall.ctx, agent.device_id)
    assert sorted((m.payload["device"], m.payload["state"]) for m in hall.published.named("device.status")) == \
        [("p1", "offline"), ("s5", "offline")]
    screen_alarm = next(m.payload for m in hall.published.named("alarm") if m.payload["device"] == "s5")
    assert screen_alarm["window"] == 5 and "5号窗口" in screen_alarm["message"]
