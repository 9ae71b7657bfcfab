"""Who is asking, and what they may do."""
from __future__ import annotations

from dataclasses import dataclass

from hall.adapters.accounts import Device, StaffAccount
from hall.domain.errors import Forbidden

STAFF_ROLES = ("clerk", "supervisor", "admin")
DEVICE_KINDS = ("kiosk", "display", "window-screen", "pad", "agent")


@dataclass(frozen=True)
class Actor:
    staff: StaffAccount | None = None
    device: Device | None = None

    @property
    def role(self) -> str:
        return self.staff.role if self.staff else "device"

    @property
    def kind(self) -> str | None:
        return self.device.kind if self.device else None

    @property
    def staff_id(self) -> int | None:
        return self.staff.id if self.staff else None

    @property
    def device_id(self) -> int | None:
        return self.device.id if self.device else None

    @property
    def is_staff(self) -> bool:
        return self.staff is not None

    @property
    def is_supervisor(self) -> bool:
        return self.role in ("supervisor", "admin")

    @property
    def issuer_key(self) -> str:
        """Whose Idempotency-Key namespace a request belongs to."""
        return f"staff:{self.staff.id}" if self.staff else f"device:{self.device.id}"

    def audit(self) -> dict:
        return {"staff_id": self.staff_id, "device_id": self.device_id}

    def describe(self) -> str:
        return self.staff.username if self.staff else f"{self.device.kind} {self.device.name}"


def require(actor: Actor, *, roles: tuple[str, ...] = (), kinds: tuple[str, ...] = (), what: str) -> None:
    if (actor.staff and actor.role in roles) or (actor.device and actor.kind in kinds):
        return
    raise Forbidden(f"{actor.describe()} may not {what}")
