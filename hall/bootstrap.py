"""Wiring a hall: the database (migrated), its secret and the options, without the web.

The CLI starts from here too, so `hall device add` does not load Flask."""
from __future__ import annotations

import os
import secrets

from hall.adapters.database import make_engine
from hall.adapters.migrate import upgrade
from hall.adapters.repository import SecretRepository
from hall.service_layer.context import HallContext, NoPublisher, Options


def hall_context(db_url: str, *, single_connection: bool = False, public_url: str = "",
                 migrate: bool = True) -> HallContext:
    engine = make_engine(db_url, single_connection=single_connection)
    if migrate:
        upgrade(engine)
    with engine.begin() as conn:
        secret = SecretRepository(conn).get_or_create(secrets.token_hex(32))
    options = Options(secret=bytes.fromhex(secret), public_url=public_url.rstrip("/"),
                      evaluation_timeout_s=int(os.environ.get("HALL_EVALUATION_TIMEOUT_S", "60")),
                      print_job_max_age_s=int(os.environ.get("HALL_PRINT_JOB_MAX_AGE_S", "600")))
    return HallContext(engine, NoPublisher(), options)
