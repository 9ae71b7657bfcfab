"""What every route shares: the hall context, the caller, the error shape."""
from __future__ import annotations

from flask import current_app, jsonify, request

from hall.domain import errors
from hall.service_layer import accounts
from hall.service_layer.actors import Actor
from hall.service_layer.context import HallContext, HallNotInitialised

STATUS = {
    errors.Unauthorized: 401, errors.Forbidden: 403, errors.NotFound: 404, errors.UnknownCategory: 404,
    errors.InvalidRequest: 422, errors.TooManyAttempts: 429, HallNotInitialised: 503,
}
CONFLICT = 409  # every other rule the request broke: the state does not allow it now


def ctx() -> HallContext:
    return current_app.extensions["hall"]


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def caller() -> Actor:
    return accounts.authenticate(ctx(), bearer_token())


def error_body(code: str, message: str, status: int, details: dict | None = None):
    # details is a dict, not **kwargs: an error's own details may carry a "status" or "code" key.
    body = {"error": {"code": code, "message": message, **({"details": details} if details else {})}}
    return jsonify(body), status


def hall_error(e: errors.HallError):
    status = next((s for cls, s in STATUS.items() if isinstance(e, cls)), CONFLICT)
    response, status = error_body(e.code, e.message, status, e.details)
    if isinstance(e, errors.TooManyAttempts):
        response.headers["Retry-After"] = str(e.details.get("retry_after", 60))
    return response, status


def absolute(view: dict) -> dict:
    """Track links in answers point at the host the caller used when no public URL is set."""
    url = view.get("track_url")
    if url and url.startswith("/"):
        # Not request.host_url: it re-parses the URL into an IRI, some 40 µs a request.
        view = {**view, "track_url": f"{request.scheme}://{request.host}{request.root_path.rstrip('/')}{url}"}
    return view
