"""The WSGI application: HTTP API, Socket.IO and the web pages, on one database."""
from __future__ import annotations

import logging

from flask import jsonify
from flask_openapi3 import Info, OpenAPI
from werkzeug.exceptions import HTTPException

from hall.domain.errors import HallError
from hall.entrypoints.api.common import error_body, hall_error
from hall.service_layer.context import HallContext

log = logging.getLogger("hall")
MAX_BODY = 64 * 1024


def _validation_error(e):
    problems = [f"{'.'.join(str(p) for p in err['loc']) or 'body'}: {err['msg']}" for err in e.errors()]
    response, status = error_body("validation_error", "请求内容不正确 (invalid request): " + "; ".join(problems),
                                  422, {"problems": problems})
    response.status_code = status
    return response


def create_app(ctx: HallContext, *, message_queue: str | None = None, async_mode: str = "gevent"):
    """Returns (app, socketio). Realtime events flow through ``message_queue`` when given."""
    from hall.entrypoints import realtime, web_ui, voice_api
    from hall.entrypoints.api import api

    app = OpenAPI(__name__, info=Info(title="hall 政务服务中心排队叫号 API", version="1"),
                  security_schemes={"bearer": {"type": "http", "scheme": "bearer"}},
                  validation_error_status=422, validation_error_callback=_validation_error,
                  doc_prefix="/api/v1", doc_url="/openapi.json", doc_ui=False)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY
    app.json.ensure_ascii = False
    app.json.sort_keys = False   # insertion order reads as well and costs nothing on every answer
    app.extensions["hall"] = ctx
    app.register_api(api)
    app.register_blueprint(web_ui.blueprint)
    app.register_api(voice_api.blueprint)

    @app.errorhandler(HallError)
    def _hall_error(e):
        return hall_error(e)

    @app.errorhandler(HTTPException)
    def _http_error(e):
        code = {400: "validation_error", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                405: "method_not_allowed", 413: "payload_too_large", 415: "validation_error"}.get(e.code, "http_error")
        return error_body(code, e.description or e.name, e.code)

    @app.errorhandler(Exception)
    def _unexpected(e):
        log.exception("unexpected error")
        return error_body("internal_error", "服务器内部错误 (internal error)", 500)

    @app.get("/api/v1/openapi.json")
    def openapi_document():
        return jsonify(app.api_doc)

    @app.get("/api/v1/health")
    def health():
        return jsonify(realtime.health(app))

    socketio = realtime.init_realtime(app, ctx, message_queue=message_queue, async_mode=async_mode)
    return app, socketio
