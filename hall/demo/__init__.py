"""The built-in demo hall: its layout, staff and devices, for `hall serve --demo`."""
from __future__ import annotations

import hashlib
import hmac
from importlib import resources

from hall import layout
from hall.service_layer import accounts, layout_loader
from hall.service_layer.context import HallContext

PASSWORD = "demo-pass-2026"
STAFF = [  # username, role, name, staff number
    ("supervisor", "supervisor", "王主任", "S0001"),
    ("clerk1", "clerk", "李晓明", "C1001"),
    ("clerk2", "clerk", "张丽", "C1002"),
    ("clerk3", "clerk", "陈建国", "C1003"),
    ("clerk5", "clerk", "刘芳", "C1005"),
]
DEVICES = [  # name, kind, window, zone
    ("kiosk-1", "kiosk", None, None),
    ("lobby", "display", None, None),
    ("lobby-bdc", "display", None, "BDC"),
    ("agent-1", "agent", None, None),
] + [(f"screen-{n}", "window-screen", n, None) for n in (1, 2, 3, 4, 5)] \
  + [(f"pad-{n}", "pad", n, None) for n in (1, 2, 3, 4, 5)]


def demo_layout() -> layout.HallLayout:
    return layout.load(resources.files("hall.demo").joinpath("demo_hall.toml"))


def device_token(ctx: HallContext, name: str) -> str:
    """Demo device tokens are derived from the hall's secret, so a restart can print them again."""
    return "demo-" + hmac.new(ctx.options.secret, f"demo-device:{name}".encode(), hashlib.sha256).hexdigest()[:32]


def install(ctx: HallContext) -> bool:
    """Load the demo hall into an empty database; False if it already has a hall."""
    with ctx.transaction() as uow:
        if uow.layout.settings() is not None:
            return False
    layout_loader.apply(ctx, demo_layout(), "demo")
    for username, role, name, staff_no in STAFF:
        accounts.add_user(ctx, username, role, PASSWORD, name=name, staff_no=staff_no)
    for name, kind, window, zone in DEVICES:
        accounts.add_device(ctx, name, kind, window, zone, token=device_token(ctx, name))
    return True


def credentials(ctx: HallContext, base_url: str) -> str:
    lines = ["Demo accounts 演示账号 (password 密码: %s):" % PASSWORD]
    lines += [f"  {role:<10} {username:<11} {name} {staff_no}" for username, role, name, staff_no in STAFF]
    lines.append("Demo devices 演示设备 (open the link once on the device):")
    pages = {"kiosk": "/kiosk/", "display": "/display/", "window-screen": "/window/{w}/", "pad": "/pad/{w}/"}
    for name, kind, window, zone in DEVICES:
        token = device_token(ctx, name)
        page = pages.get(kind)
        link = (base_url + page.format(w=window) + f"?token={token}" + (f"&zone={zone}" if zone else "")) \
            if page else f"token {token}"
        lines.append(f"  {name:<12} {link}")
    lines.append(f"Counter terminal 窗口终端: {base_url}/counter/   Console 监控: {base_url}/console/")
    return "\n".join(lines)
