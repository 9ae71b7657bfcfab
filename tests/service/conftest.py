"""Use cases on a real SQLite database, with a clock the test moves and the
messages they publish collected (the realtime tests cover their delivery)."""
import datetime as dt

import pytest

from hall import layout
from hall.adapters.accounts import Device
from hall.bootstrap import hall_context
from hall.service_layer import accounts, layout_loader
from hall.service_layer.actors import Actor

START = dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.timezone.utc)  # 09:00 in Shanghai

LAYOUT = {
    "hall": {"name": "测试中心", "timezone": "Asia/Shanghai"},
    "zones": [{"code": "BDC", "name": "不动产"}, {"code": "ZH", "name": "综合"}],
    "categories": [
        {"code": "A", "name": "不动产登记", "zone": "BDC", "daily_quota": 5, "service_limit_min": 10,
         "wait_alarm_min": 20},
        {"code": "B", "name": "抵押", "zone": "BDC", "hours": ["08:30-12:00"]},
    ],
    "windows": [{"number": 1, "zone": "ZH", "categories": ["*"]},
                {"number": 2, "zone": "BDC", "categories": ["A"]},
                {"number": 3, "zone": "BDC", "categories": ["B"]}],
}


class Clock:
    def __init__(self):
        self.now = START

    def __call__(self):
        return self.now

    def advance(self, **kw):
        self.now += dt.timedelta(**kw)


class Recorder:
    def __init__(self):
        self.messages = []

    def publish(self, messages):
        self.messages.extend(messages)

    def named(self, name):
        return [m for m in self.messages if m.name == name]


class Hall:
    def __init__(self, ctx, clock, published):
        self.ctx, self.clock, self.published = ctx, clock, published

    def device(self, name, kind, window=None, zone=None) -> Actor:
        accounts.add_device(self.ctx, name, kind, window, zone)
        with self.ctx.transaction() as uow:
            d = uow.accounts.device_by_name(name)
        return Actor(device=Device(d.id, d.name, d.kind, d.window, d.zone, d.revoked))

    def staff(self, username, role="clerk") -> Actor:
        accounts.add_user(self.ctx, username, role, "password-123", name=username.upper(), staff_no="N" + username)
        with self.ctx.transaction() as uow:
            return Actor(staff=uow.accounts.staff_by_username(username))


@pytest.fixture
def hall(tmp_path):
    clock = Clock()
    ctx = hall_context(f"sqlite:///{tmp_path / 'svc.sqlite3'}")
    ctx.clock = clock
    ctx.publisher = Recorder()
    layout_loader.apply(ctx, layout.from_dict(LAYOUT), "test")
    return Hall(ctx, clock, ctx.publisher)
