"""The `hall` command. Every subcommand takes --db (default: $HALL_DB, else var/hall.sqlite3)."""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys


def _db_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", help="SQLAlchemy URL: sqlite:///path or postgresql+psycopg://user@host/db "
                                "(default: $HALL_DB, else sqlite:///var/hall.sqlite3)")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="hall", description="政务服务中心排队叫号 hall queue system")
    sub = top.add_subparsers(dest="command", required=True)

    p = sub.add_parser("serve", help="run the HTTP API, Socket.IO and the web pages")
    _db_option(p)
    p.add_argument("--config", help="hall layout TOML to load first")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--message-queue", default=os.environ.get("HALL_MESSAGE_QUEUE"),
                   help="redis://… to make several server processes one hall (default: $HALL_MESSAGE_QUEUE)")
    p.add_argument("--public-url", default=os.environ.get("HALL_PUBLIC_URL", ""),
                   help="base URL visitors' phones reach, for ticket QR codes (default: the request's host)")
    p.add_argument("--demo", action="store_true", help="load the demo hall and accounts into an empty database")

    p = sub.add_parser("init", help="create or migrate the database and load the hall layout")
    _db_option(p)
    p.add_argument("--config", required=True)

    p = sub.add_parser("user", help="staff accounts")
    usub = p.add_subparsers(dest="action", required=True)
    p = usub.add_parser("add", help="create a staff account")
    _db_option(p)
    p.add_argument("name")
    p.add_argument("--role", required=True, choices=["clerk", "supervisor", "admin"])
    p.add_argument("--password-stdin", action="store_true", required=True,
                   help="read the password as one line from stdin")
    p.add_argument("--display-name", help="the name shown on the window screen (亮牌上岗)")
    p.add_argument("--staff-no", help="staff number shown on the window screen")

    p = sub.add_parser("device", help="enrolled devices")
    dsub = p.add_subparsers(dest="action", required=True)
    p = dsub.add_parser("add", help="enrol a device; prints its token as the last line")
    _db_option(p)
    p.add_argument("name")
    p.add_argument("--kind", required=True, choices=["kiosk", "display", "window-screen", "pad", "agent"])
    p.add_argument("--window", type=int)
    p.add_argument("--zone")

    p = sub.add_parser("agent", help="the device agent: printers, LED screens, keypads, card readers")
    _db_option(p)
    p.add_argument("--server", required=True)
    p.add_argument("--token", required=True)
    p.add_argument("--config", required=True)

    p = sub.add_parser("report", help="reports")
    rsub = p.add_subparsers(dest="action", required=True)
    p = rsub.add_parser("daily", help="write the day's report")
    _db_option(p)
    p.add_argument("--date", required=True, type=dt.date.fromisoformat, help="YYYY-MM-DD")
    p.add_argument("--format", required=True, choices=["csv", "xlsx"])
    p.add_argument("--out", required=True)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "serve":
        # Before anything else is imported: sockets, locks and the DB pool must be green.
        from gevent import monkey
        monkey.patch_all()
    from hall.cli_commands import run
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
