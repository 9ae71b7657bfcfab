"""What each `hall` subcommand does (parsing lives in hall.cli)."""
from __future__ import annotations

import gc
import logging
import os
import sys
from pathlib import Path

from hall import demo, layout
from hall.adapters.database import DatabaseUrlError, database_url
from hall.bootstrap import hall_context
from hall.domain.errors import HallError
from hall.service_layer import accounts, layout_loader, reports


class CommandError(Exception):
    pass


def run(args) -> int:
    try:
        return COMMANDS[(args.command, getattr(args, "action", None))](args)
    except (CommandError, DatabaseUrlError, layout.LayoutError) as e:
        print(f"hall: error: {e}", file=sys.stderr)
        return 1
    except HallError as e:
        print(f"hall: error: {e.message}", file=sys.stderr)
        return 1


def _ctx(args, **kw):
    ctx = hall_context(database_url(args.db), **kw)
    queue = os.environ.get("HALL_MESSAGE_QUEUE")
    if queue:  # the screens of a running hall show what this command changes
        from hall.adapters.socketio_publisher import external_publisher
        ctx.publisher = external_publisher(queue)
    return ctx


def _load(ctx, path: str) -> None:
    changes = layout_loader.apply(ctx, layout.load(path), str(Path(path).resolve()))
    summary = ", ".join(f"{k} {v}" for k, v in changes.items() if v) or "nothing changed"
    print(f"layout {path}: {summary}")


def init(args) -> int:
    hall_layout = layout.load(args.config)  # refuse a bad file before touching the database
    ctx = _ctx(args)
    changes = layout_loader.apply(ctx, hall_layout, str(Path(args.config).resolve()))
    summary = ", ".join(f"{k} {v}" for k, v in changes.items() if v) or "nothing changed"
    print(f"database {ctx.engine.url.render_as_string(hide_password=True)} ready; layout: {summary}")
    return 0


def user_add(args) -> int:
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise CommandError("no password on stdin")
    ctx = _ctx(args)
    staff_id = accounts.add_user(ctx, args.name, args.role, password, name=args.display_name,
                                 staff_no=args.staff_no)
    print(f"user {args.name} ({args.role}) created, id {staff_id}")
    return 0


def device_add(args) -> int:
    ctx = _ctx(args)
    token = accounts.add_device(ctx, args.name, args.kind, args.window, args.zone)
    print(f"device {args.name} ({args.kind}) enrolled; its token (shown once):")
    print(token)
    return 0


def report_daily(args) -> int:
    from hall.adapters import report_files
    ctx = _ctx(args)
    report = reports.daily(ctx, None, args.date)
    body = report_files.to_csv(report) if args.format == "csv" else report_files.to_xlsx(report)
    try:
        Path(args.out).write_bytes(body)
    except OSError as e:
        raise CommandError(f"cannot write {args.out}: {e.strerror}") from None
    print(f"report for {args.date} written to {args.out}")
    return 0


def agent(args) -> int:
    from devices.agent import main as agent_main
    return agent_main(args.server, args.token, args.config)


def serve(args) -> int:
    from hall.entrypoints.app import create_app
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    hall_layout = layout.load(args.config) if args.config else None
    url = database_url(args.db)
    ctx = hall_context(url, single_connection=url.startswith("sqlite"), public_url=args.public_url)
    if hall_layout:
        _load(ctx, args.config)
    base = f"http://{'127.0.0.1' if args.host in ('0.0.0.0', '::') else args.host}:{args.port}"
    if args.demo:
        if demo.install(ctx):
            print("demo hall installed into the empty database")
        print(demo.credentials(ctx, base), flush=True)
    app, socketio = create_app(ctx, message_queue=args.message_queue, async_mode="gevent")
    print(f"hall serving on {base} (database {ctx.engine.url.render_as_string(hide_password=True)})", flush=True)
    from hall.entrypoints.realtime import ServeHandler
    # What start-up built lives as long as the process: keep the collector from walking it
    # again and again, and collect young objects less often (a request makes thousands).
    gc.freeze()
    gc.set_threshold(20000, 20, 20)
    socketio.run(app, host=args.host, port=args.port, log_output=False, handler_class=ServeHandler)
    return 0


COMMANDS = {
    ("serve", None): serve, ("init", None): init, ("user", "add"): user_add, ("device", "add"): device_add,
    ("agent", None): agent, ("report", "daily"): report_daily,
}
