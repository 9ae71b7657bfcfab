"""The database schema (SQLAlchemy Core). Alembic migrations are written from it."""
from __future__ import annotations

from sqlalchemy import (JSON, Boolean, Column, Date, DateTime, ForeignKey, Index, Integer,
                        MetaData, String, Table, Text, UniqueConstraint, text)

metadata = MetaData(naming_convention={
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})

TS = DateTime(timezone=True)

hall_settings = Table(
    "hall_settings", metadata,
    Column("id", Integer, primary_key=True),           # always 1: one hall per database
    Column("name", String(100), nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("announce", String(200), nullable=False),
    Column("notice", Text, nullable=False, server_default=""),
    # Bumped by every change to settings, zones or categories: processes cache those under it.
    Column("layout_version", Integer, nullable=False, server_default=text("0")),
)

# A random key made once per hall: it keys the ID-card hash, the same on every node.
server_secret = Table(
    "server_secret", metadata,
    Column("id", Integer, primary_key=True),
    Column("secret", String(128), nullable=False),
)

zone = Table(
    "zone", metadata,
    Column("code", String(8), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("floor", Integer),
    Column("name_en", String(100)),
)

category = Table(
    "category", metadata,
    Column("code", String(2), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("name_en", String(100)),
    Column("zone", String(8), ForeignKey("zone.code"), nullable=False),
    Column("daily_quota", Integer),
    Column("hours", JSON, nullable=False),
    Column("service_limit_min", Integer),
    Column("wait_alarm_min", Integer),
)

staff = Table(
    "staff", metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("name", String(100), nullable=False),
    Column("staff_no", String(32)),
    Column("role", String(16), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("disabled", Boolean, nullable=False, server_default=text("false")),
    Column("created_at", TS, nullable=False),
)

window = Table(
    "window", metadata,
    Column("number", Integer, primary_key=True),
    Column("zone", String(8), ForeignKey("zone.code"), nullable=False),
    Column("categories", JSON, nullable=False),
    Column("clerk_id", Integer, ForeignKey("staff.id")),
    Column("post", String(1)),
    Column("paused", Boolean, nullable=False, server_default=text("false")),
    Column("pause_reason", String(200)),
    Column("current_ticket_id", Integer),
)

device = Table(
    "device", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("kind", String(16), nullable=False),
    Column("window", Integer),
    Column("zone", String(8)),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("revoked", Boolean, nullable=False, server_default=text("false")),
    Column("created_at", TS, nullable=False),
)

login_token = Table(
    "login_token", metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("staff_id", Integer, ForeignKey("staff.id"), nullable=False),
    Column("created_at", TS, nullable=False),
    Column("revoked_at", TS),
)

login_failure = Table(
    "login_failure", metadata,
    Column("username", String(64), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("last_at", TS, nullable=False),
)

daily_counter = Table(
    "daily_counter", metadata,
    Column("business_date", Date, primary_key=True),
    Column("prefix", String(2), primary_key=True),
    Column("last_number", Integer, nullable=False),
)

ticket = Table(
    "ticket", metadata,
    Column("id", Integer, primary_key=True),
    Column("business_date", Date, nullable=False),
    Column("prefix", String(2), nullable=False),
    Column("number", Integer, nullable=False),
    Column("category", String(2), ForeignKey("category.code"), nullable=False),
    Column("priority", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("issued_at", TS, nullable=False),
    Column("queued_at", TS, nullable=False),
    Column("called_at", TS),
    Column("started_at", TS),
    Column("finished_at", TS),
    Column("window", Integer),
    Column("transferred_to_window", Integer),
    Column("recalls", Integer, nullable=False, server_default=text("0")),
    Column("served_by", Integer, ForeignKey("staff.id")),
    Column("track_token", String(32), nullable=False, unique=True),
    Column("holder", String(100)),
    Column("holder_key", String(64)),
    Column("appointment_code", String(64)),
    Column("kiosk", String(64)),
    UniqueConstraint("business_date", "prefix", "number", name="uq_ticket_day_number"),
    # Covers the counts run for every ticket issued (people ahead, queue length, longest wait)
    # and the calling order, so none of them reads table rows while the queues grow.
    Index("ix_ticket_line", "status", "category", "transferred_to_window", "queued_at", "priority"),
    Index("ix_ticket_day", "business_date", "category"),
)

idempotency_key = Table(
    "idempotency_key", metadata,
    Column("issuer", String(80), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("ticket_id", Integer, ForeignKey("ticket.id"), nullable=False),
    Column("created_at", TS, nullable=False),
)

# The 电子监察 trail: one row per state change, written in the same transaction.
audit_event = Table(
    "audit_event", metadata,
    Column("id", Integer, primary_key=True),
    Column("at", TS, nullable=False),
    Column("kind", String(40), nullable=False),
    Column("ticket_id", Integer),
    Column("window", Integer),
    Column("category", String(2)),
    Column("staff_id", Integer),
    Column("device_id", Integer),
    Column("data", JSON, nullable=False),
    Index("ix_audit_event_ticket", "ticket_id"),
    Index("ix_audit_event_at", "at"),
)

evaluation = Table(
    "evaluation", metadata,
    Column("id", Integer, primary_key=True),
    Column("ticket_id", Integer, ForeignKey("ticket.id"), nullable=False),
    Column("assess_number", Integer, nullable=False),   # GB/T 39046 评价次数: 1 first, 2 second
    Column("window", Integer, nullable=False),
    Column("staff_id", Integer),
    Column("level", Integer, nullable=False),           # 5 非常满意 … 1 非常不满意
    Column("reasons", JSON, nullable=False),
    Column("comment", Text),
    Column("channel", String(16), nullable=False),      # pad, evaluator, …
    Column("device_id", Integer),
    Column("evaluated_at", TS, nullable=False),
    UniqueConstraint("ticket_id", "assess_number", name="uq_evaluation_ticket_number"),
)

evaluation_request = Table(
    "evaluation_request", metadata,
    Column("ticket_id", Integer, ForeignKey("ticket.id"), primary_key=True),
    Column("window", Integer, nullable=False),
    Column("requested_at", TS, nullable=False),
    Column("expires_at", TS, nullable=False),
)

alarm = Table(
    "alarm", metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("level", String(16), nullable=False),
    Column("subject", String(100), nullable=False),
    Column("ticket_id", Integer),
    Column("window", Integer),
    Column("device", String(64)),
    Column("message", String(300), nullable=False),
    Column("raised_at", TS, nullable=False),
    Column("acknowledged_at", TS),
    Column("acknowledged_by", Integer),
    Column("cleared_at", TS),
    # One open alarm per subject and level; a cleared one may come back later.
    Index("uq_alarm_open_subject", "kind", "subject", "level", unique=True,
          sqlite_where=text("cleared_at IS NULL"), postgresql_where=text("cleared_at IS NULL")),
)

print_job = Table(
    "print_job", metadata,
    Column("id", String(32), primary_key=True),
    Column("ticket_id", Integer, ForeignKey("ticket.id"), nullable=False),
    Column("kiosk", String(64), nullable=False),
    Column("state", String(16), nullable=False),        # pending, done, failed, dropped
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("error", String(300)),
    Column("created_at", TS, nullable=False),
    Column("done_at", TS),
    Index("ix_print_job_pending", "kiosk", "state"),
)

device_state = Table(
    "device_state", metadata,
    Column("device", String(64), primary_key=True),    # a printer or screen named in an agent config
    Column("agent_id", Integer, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("kiosk", String(64)),
    Column("window", Integer),                          # a window screen's or keypad's window
    Column("zone", String(8)),                          # a zone board's zone
    Column("state", String(16), nullable=False),
    Column("detail", String(300)),
    Column("updated_at", TS, nullable=False),
)
