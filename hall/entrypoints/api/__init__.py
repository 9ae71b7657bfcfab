"""The HTTP API under /api/v1: routes translate HTTP to use cases and back."""
from flask_openapi3 import APIBlueprint

BEARER = [{"bearer": []}]

api = APIBlueprint("api", __name__, url_prefix="/api/v1", abp_security=BEARER)

from hall.entrypoints.api import auth_routes, hall_routes, report_routes, ticket_routes, window_routes  # noqa: E402,F401
