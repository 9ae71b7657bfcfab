"""gunicorn settings for one hall node: `gunicorn -c deploy/gunicorn.conf.py hall.entrypoints.wsgi:app`.

One process per CPU core, each on its own port (HALL_BIND) behind nginx, because
Socket.IO's long-polling fallback needs every request of a client to reach the same
process, and gunicorn's own balancing cannot stick. Several workers in one gunicorn
would break that; several gunicorns joined by Redis do not.
"""
import os

bind = os.environ.get("HALL_BIND", "127.0.0.1:8001")
worker_class = "gevent"   # thousands of idle screens per process; psycopg 3 yields to gevent
workers = 1
worker_connections = 4000  # the screens, pads and terminals this one process may hold
timeout = 60               # a gevent worker heartbeats from its hub: only a blocked hub trips this
graceful_timeout = 20
keepalive = 75             # idle HTTP keep-alive of nginx's upstream connections
preload_app = False        # the gevent worker must patch before the app is imported
accesslog = os.environ.get("HALL_ACCESS_LOG") or None
errorlog = "-"
loglevel = "info"
proc_name = "hall-" + bind.rsplit(":", 1)[-1]
