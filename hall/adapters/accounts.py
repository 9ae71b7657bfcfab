"""Staff accounts, enrolled devices, login tokens and failed-login counts."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import insert, select, update

from hall.adapters import tables as t
from hall.adapters.repository import Repository, aware, utc


@dataclass(frozen=True)
class StaffAccount:
    id: int
    username: str
    name: str
    staff_no: str | None
    role: str
    password_hash: str
    disabled: bool


@dataclass(frozen=True)
class Device:
    id: int
    name: str
    kind: str
    window: int | None
    zone: str | None
    revoked: bool


class AccountRepository(Repository):
    def staff_by_username(self, username: str) -> StaffAccount | None:
        row = self.conn.execute(select(t.staff).where(t.staff.c.username == username)).first()
        return self._staff(row) if row else None

    def staff(self, staff_id: int) -> StaffAccount | None:
        row = self.conn.execute(select(t.staff).where(t.staff.c.id == staff_id)).first()
        return self._staff(row) if row else None

    def staff_many(self, ids) -> dict[int, StaffAccount]:
        ids = [i for i in set(ids) if i is not None]
        if not ids:
            return {}
        return {r.id: self._staff(r) for r in self.conn.execute(select(t.staff).where(t.staff.c.id.in_(ids)))}

    @staticmethod
    def _staff(r) -> StaffAccount:
        return StaffAccount(r.id, r.username, r.name, r.staff_no, r.role, r.password_hash, r.disabled)

    def add_staff(self, username: str, name: str, staff_no: str | None, role: str, password_hash: str,
                  at: dt.datetime) -> int:
        return self.conn.execute(insert(t.staff).values(
            username=username, name=name, staff_no=staff_no, role=role, password_hash=password_hash,
            created_at=utc(at)).returning(t.staff.c.id)).scalar_one()

    def set_password(self, staff_id: int, password_hash: str) -> None:
        self.conn.execute(update(t.staff).where(t.staff.c.id == staff_id).values(password_hash=password_hash))

    def device_by_name(self, name: str) -> Device | None:
        row = self.conn.execute(select(t.device).where(t.device.c.name == name)).first()
        return self._device(row) if row else None

    def device(self, device_id: int) -> Device | None:
        row = self.conn.execute(select(t.device).where(t.device.c.id == device_id)).first()
        return self._device(row) if row else None

    @staticmethod
    def _device(r) -> Device:
        return Device(r.id, r.name, r.kind, r.window, r.zone, r.revoked)

    def add_device(self, name: str, kind: str, window: int | None, zone: str | None, token_hash: str,
                   at: dt.datetime) -> int:
        return self.conn.execute(insert(t.device).values(
            name=name, kind=kind, window=window, zone=zone, token_hash=token_hash,
            created_at=utc(at)).returning(t.device.c.id)).scalar_one()

    def revoke_device(self, name: str) -> bool:
        return self.conn.execute(update(t.device).where(t.device.c.name == name)
                                 .values(revoked=True)).rowcount > 0

    def holder_of(self, token_hash: str) -> StaffAccount | Device | None:
        """Whose token this is: a staff login (not revoked) or an enrolled device."""
        row = self.conn.execute(
            select(t.staff).join(t.login_token, t.login_token.c.staff_id == t.staff.c.id)
            .where(t.login_token.c.token_hash == token_hash, t.login_token.c.revoked_at.is_(None))).first()
        if row:
            return self._staff(row)
        row = self.conn.execute(select(t.device).where(t.device.c.token_hash == token_hash)).first()
        return self._device(row) if row else None

    def add_login_token(self, token_hash: str, staff_id: int, at: dt.datetime) -> None:
        self.conn.execute(insert(t.login_token).values(token_hash=token_hash, staff_id=staff_id,
                                                       created_at=utc(at)))

    def revoke_login_token(self, token_hash: str, at: dt.datetime) -> None:
        self.conn.execute(update(t.login_token).where(t.login_token.c.token_hash == token_hash)
                          .values(revoked_at=utc(at)))

    def revoke_logins_of(self, staff_id: int, at: dt.datetime) -> int:
        return self.conn.execute(update(t.login_token).where(
            t.login_token.c.staff_id == staff_id, t.login_token.c.revoked_at.is_(None))
            .values(revoked_at=utc(at))).rowcount

    def login_failures(self, username: str) -> tuple[int, dt.datetime | None]:
        row = self.conn.execute(select(t.login_failure).where(t.login_failure.c.username == username)).first()
        return (row.failures, aware(row.last_at)) if row else (0, None)

    def record_login_failure(self, username: str, at: dt.datetime) -> None:
        stmt = self._upsert(t.login_failure).values(username=username, failures=1, last_at=utc(at))
        self.conn.execute(stmt.on_conflict_do_update(
            index_elements=["username"],
            set_={"failures": t.login_failure.c.failures + 1, "last_at": utc(at)}))

    def clear_login_failures(self, username: str) -> None:
        self.conn.execute(t.login_failure.delete().where(t.login_failure.c.username == username))
