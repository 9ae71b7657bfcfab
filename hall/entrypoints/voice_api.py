"""GET /api/v1/voice?text=…: the announcement as WAV, for lobby screens to play.

Public like the screens' text itself; the length limit keeps it from being a general
speech service."""
from __future__ import annotations

import os
import subprocess

from flask import Response, current_app, jsonify, request, send_file
from flask_openapi3 import APIBlueprint, Tag

from hall.voice import MAX_TEXT, Announcer, VoiceUnavailable

# An APIBlueprint so that the OpenAPI document lists it like every other /api/v1 route.
blueprint = APIBlueprint("voice_api", __name__, url_prefix="/api/v1")
tag = Tag(name="voice", description="语音 Announcements as audio")


def _error(status: int, code: str, message: str) -> Response:
    response = jsonify({"error": {"code": code, "message": message}})
    response.status_code = status
    return response


def announcer() -> Announcer:
    # Settings come from the app config (HALL_VOICE_*) or the environment of `hall serve`.
    app = current_app
    if "hall_voice" not in app.extensions:
        setting = lambda name, default=None: app.config.get(name) or os.environ.get(name) or default  # noqa: E731
        app.extensions["hall_voice"] = Announcer(
            cache_dir=setting("HALL_VOICE_CACHE", os.path.join("var", "voice-cache")),
            clips_dir=setting("HALL_VOICE_CLIPS"),
            speed=int(setting("HALL_VOICE_SPEED", 140)),
        )
    return app.extensions["hall_voice"]


@blueprint.get("/voice", tags=[tag], security=[],
               summary=f"The announcement `text` as WAV (at most {MAX_TEXT} characters)")
def voice() -> Response:
    text = request.args.get("text", "").strip()
    if not text or len(text) > MAX_TEXT:
        return _error(400, "validation_error", f"text is required, at most {MAX_TEXT} characters (text 必填，最多 {MAX_TEXT} 字)")
    try:
        path = announcer().render(text)
    except VoiceUnavailable as exc:
        return _error(503, "voice_unavailable", f"语音不可用: {exc}")
    except (subprocess.SubprocessError, OSError) as exc:
        current_app.logger.warning("voice rendering failed for %r: %s", text, exc)
        return _error(503, "voice_unavailable", "语音合成失败 (voice rendering failed)")
    # Absolute: send_file resolves a relative path against the package, not the working directory.
    return send_file(os.path.abspath(path), mimetype="audio/wav", max_age=86400)
