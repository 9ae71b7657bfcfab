"""The gunicorn entry point: `gunicorn -c deploy/gunicorn.conf.py hall.entrypoints.wsgi:app`.

Configured from the environment, like a systemd unit sets it: HALL_DB (the database
URL), HALL_MESSAGE_QUEUE (redis://…, to make several nodes one hall), HALL_CONFIG
(a hall layout to load at start) and HALL_PUBLIC_URL (the base of ticket QR links).
"""
from gevent import monkey

# Before anything else is imported, as `hall serve` does: gunicorn's gevent worker patches
# too, but only when it loads this module; importing it elsewhere must behave the same.
monkey.patch_all()

import logging  # noqa: E402
import os  # noqa: E402

from hall import layout  # noqa: E402
from hall.adapters.database import database_url  # noqa: E402
from hall.bootstrap import hall_context  # noqa: E402
from hall.entrypoints.app import create_app  # noqa: E402
from hall.service_layer import layout_loader  # noqa: E402


def _app():
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    config = os.environ.get("HALL_CONFIG")
    hall_layout = layout.load(config) if config else None  # refuse a bad file before touching the database
    url = database_url(None)
    ctx = hall_context(url, single_connection=url.startswith("sqlite"),
                       public_url=os.environ.get("HALL_PUBLIC_URL", ""))
    if hall_layout:
        layout_loader.apply(ctx, hall_layout, os.path.abspath(config))
    flask_app, _ = create_app(ctx, message_queue=os.environ.get("HALL_MESSAGE_QUEUE") or None,
                              async_mode="gevent")
    return flask_app


app = _app()
