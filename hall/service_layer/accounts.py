"""Staff logins, device enrolment and tokens."""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import threading
import time

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from hall.domain.errors import InvalidRequest, NotFound, TooManyAttempts, Unauthorized
from hall.service_layer.actors import DEVICE_KINDS, STAFF_ROLES, Actor
from hall.service_layer.context import HallContext

_hasher = PasswordHasher()
USERNAME = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")
FREE_FAILURES = 5
FAILURE_MEMORY = dt.timedelta(minutes=15)
MAX_LOCKOUT = dt.timedelta(minutes=15)
TOKEN_CACHE_S = 5.0  # a revoked token stops working on every node within this


def new_token() -> str:
    # Hex, not base64url: a token starting with "-" would read as an option on a command line.
    return secrets.token_hex(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def lockout(failures: int) -> dt.timedelta:
    """Free tries first, then a wait that doubles with every further failure."""
    if failures < FREE_FAILURES:
        return dt.timedelta(0)
    return min(dt.timedelta(seconds=30 * 2 ** (failures - FREE_FAILURES)), MAX_LOCKOUT)


def login(ctx: HallContext, username: str, password: str) -> dict:
    now = ctx.clock()
    with ctx.transaction() as uow:
        failures, last = uow.accounts.login_failures(username)
        if last and now - last > FAILURE_MEMORY:
            failures = 0
        if last and now < last + lockout(failures):
            wait = int((last + lockout(failures) - now).total_seconds()) + 1
            raise TooManyAttempts(f"登录失败次数过多，请{wait}秒后再试 (too many failed logins; retry in {wait} s)",
                                  retry_after=wait)
        staff = uow.accounts.staff_by_username(username)
    ok = False
    if staff is not None and not staff.disabled:
        try:
            ok = _hasher.verify(staff.password_hash, password)
        except (VerificationError, InvalidHashError):
            ok = False
    with ctx.transaction() as uow:
        if not ok:
            uow.accounts.record_login_failure(username, now)
            uow.audit.record("login.failed", now, username=username)
    if not ok:
        raise Unauthorized("用户名或密码错误 (wrong username or password)")
    token = new_token()
    with ctx.transaction() as uow:
        uow.accounts.clear_login_failures(username)
        uow.accounts.add_login_token(token_hash(token), staff.id, now)
        uow.audit.record("login", now, staff_id=staff.id)
    return {"token": token, "role": staff.role,
            "user": {"username": staff.username, "name": staff.name, "staff_no": staff.staff_no}}


def logout(ctx: HallContext, token: str) -> None:
    with ctx.transaction() as uow:
        uow.accounts.revoke_login_token(token_hash(token), ctx.clock())
    _cache.forget(token_hash(token))


class _TokenCache:
    """Token → holder for a few seconds, so a busy kiosk costs no extra query per ticket."""

    def __init__(self):
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[float, object]] = {}

    def get(self, key: str):
        with self._lock:
            hit = self._entries.get(key)
        if hit and hit[0] > time.monotonic():
            return hit[1]
        return None

    def put(self, key: str, value) -> None:
        with self._lock:
            if len(self._entries) > 10000:
                self._entries.clear()
            self._entries[key] = (time.monotonic() + TOKEN_CACHE_S, value)

    def forget(self, key: str) -> None:
        with self._lock:
            self._entries.pop(key, None)


_cache = _TokenCache()


def authenticate(ctx: HallContext, token: str | None) -> Actor:
    if not token:
        raise Unauthorized("需要登录 (missing bearer token)")
    key = token_hash(token)
    actor = _cache.get(key)
    if actor is None:
        with ctx.transaction() as uow:
            holder = uow.accounts.holder_of(key)
        if holder is None or getattr(holder, "revoked", False) or getattr(holder, "disabled", False):
            raise Unauthorized("登录已失效，请重新登录 (invalid or revoked token)")
        actor = Actor(staff=holder) if hasattr(holder, "role") else Actor(device=holder)
        _cache.put(key, actor)
    return actor


def me(ctx: HallContext, actor: Actor) -> dict:
    window = None
    with ctx.transaction() as uow:
        if actor.staff:
            window = next((w.number for w in uow.windows.all() if w.clerk == actor.staff_id), None)
    return {
        "role": actor.role,
        "user": {"username": actor.staff.username, "name": actor.staff.name, "staff_no": actor.staff.staff_no}
        if actor.staff else None,
        "device": {"name": actor.device.name, "kind": actor.device.kind, "window": actor.device.window,
                   "zone": actor.device.zone} if actor.device else None,
        "window": window if actor.staff else (actor.device.window if actor.device else None),
    }


def add_user(ctx: HallContext, username: str, role: str, password: str, name: str | None = None,
             staff_no: str | None = None) -> int:
    if not USERNAME.match(username or ""):
        raise InvalidRequest(f"bad user name {username!r}: use 1-64 letters, digits, '_', '.', '-'")
    if role not in STAFF_ROLES:
        raise InvalidRequest(f"bad role {role!r}: one of {', '.join(STAFF_ROLES)}")
    if len(password) < 8:
        raise InvalidRequest("the password must have at least 8 characters")
    now = ctx.clock()
    with ctx.transaction() as uow:
        if uow.accounts.staff_by_username(username):
            raise InvalidRequest(f"user {username!r} already exists")
        staff_id = uow.accounts.add_staff(username, name or username, staff_no, role, hash_password(password), now)
        uow.audit.record("user.added", now, staff_id=staff_id, role=role)
    return staff_id


def add_device(ctx: HallContext, name: str, kind: str, window: int | None = None, zone: str | None = None,
               token: str | None = None) -> str:
    """Enrol a device; returns its token (shown once, stored only as a hash)."""
    if not USERNAME.match(name or ""):
        raise InvalidRequest(f"bad device name {name!r}: use 1-64 letters, digits, '_', '.', '-'")
    if kind not in DEVICE_KINDS:
        raise InvalidRequest(f"bad kind {kind!r}: one of {', '.join(DEVICE_KINDS)}")
    if kind in ("window-screen", "pad") and window is None:
        raise InvalidRequest(f"a {kind} belongs to a window: give --window N")
    token = token or new_token()
    now = ctx.clock()
    with ctx.transaction() as uow:
        if uow.accounts.device_by_name(name):
            raise InvalidRequest(f"device {name!r} already exists")
        if window is not None and uow.windows.get(window) is None:
            raise NotFound(f"no window {window} in this hall")
        if zone is not None and zone not in {z.code for z in uow.layout.zones()}:
            raise NotFound(f"no zone {zone!r} in this hall")
        device_id = uow.accounts.add_device(name, kind, window, zone, token_hash(token), now)
        uow.audit.record("device.added", now, device_id=device_id, kind=kind, window=window, zone=zone)
    return token
