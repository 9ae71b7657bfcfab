"""Serves the browser pages and their bundles from hall/static/ui/ (built by `npm run build`).

Each page is the same small HTML shell naming its bundle; everything else happens in the
browser, so the server needs no Node at run time."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, send_from_directory
from markupsafe import escape

blueprint = Blueprint("web_ui", __name__)

BUILD_DIR = Path(__file__).resolve().parent.parent / "static" / "ui"

TITLES = {
    "kiosk": "取号机",
    "track": "排队进度",
    "counter": "窗口叫号终端",
    "lobby": "叫号显示屏",
    "window": "窗口屏",
    "pad": "服务评价",
    "console": "大厅监控",
}

SHELL = """<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="/ui/{app}.css?v={version}">
</head>
<body data-app="{app}"{data}>
<main id="app"></main>
<script src="/ui/{app}.js?v={version}"></script>
</body>
</html>
"""


def _page(app: str, **data: object) -> Response:
    bundle = BUILD_DIR / f"{app}.js"
    if not bundle.is_file():
        return Response(
            "The web pages have not been built. On the server run: npm ci && npm run build\n"
            "页面尚未构建。请管理员在服务器上执行：npm ci && npm run build\n",
            status=503,
            mimetype="text/plain",
        )
    attrs = "".join(f' data-{key}="{escape(value)}"' for key, value in data.items())
    html = SHELL.format(
        title=TITLES[app], app=app, data=attrs, version=int(bundle.stat().st_mtime)
    )
    # Pages are tiny and name versioned bundles; never let a kiosk keep a stale one.
    return Response(html, mimetype="text/html", headers={"Cache-Control": "no-cache"})


@blueprint.get("/kiosk/")
def kiosk() -> Response:
    return _page("kiosk")


@blueprint.get("/counter/")
def counter() -> Response:
    return _page("counter")


@blueprint.get("/display/")
def lobby() -> Response:
    return _page("lobby")


@blueprint.get("/window/<int:number>/")
def window_screen(number: int) -> Response:
    return _page("window", window=number)


@blueprint.get("/pad/<int:number>/")
def pad(number: int) -> Response:
    return _page("pad", window=number)


@blueprint.get("/console/")
def console() -> Response:
    return _page("console")


@blueprint.get("/t/<token>")
def track(token: str) -> Response:
    return _page("track", track=token)


@blueprint.get("/ui/<path:filename>")
def assets(filename: str) -> Response:
    if not BUILD_DIR.is_dir():
        abort(404)
    return send_from_directory(BUILD_DIR, filename, max_age=3600)


@blueprint.get("/favicon.ico")
def favicon() -> Response:
    # Browsers ask on every page; an empty answer keeps kiosk logs free of 404s.
    return Response(status=204, headers={"Cache-Control": "max-age=86400"})
