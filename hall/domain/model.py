"""Tickets, windows, categories and zones, and the one ticket state machine."""
from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field

from hall.domain.errors import InvalidTransition, NoCurrentTicket, NotSignedIn, WindowBusy

EVERY_CATEGORY = "*"
ID_CARD_NUMBER = r"^\d{17}[\dXx]$"   # 居民身份证号码: 17 digits and a check digit (X for 10)


def display_number(prefix: str, number: int) -> str:
    """A001: the prefix and at least three digits, as called and printed."""
    return f"{prefix}{number:03d}"


class TicketStatus(str, enum.Enum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    DONE = "done"
    NO_SHOW = "no_show"


class Priority(str, enum.Enum):
    NORMAL = "normal"
    GREEN = "green"              # 绿色通道: the elderly, the disabled, …
    APPOINTMENT = "appointment"  # 在线预约优先办理


class Post(str, enum.Enum):
    A = "A"
    B = "B"


@dataclass(frozen=True)
class Zone:
    code: str
    name: str
    floor: int | None = None
    name_en: str | None = None


@dataclass(frozen=True)
class Category:
    code: str                      # also the ticket prefix
    name: str
    zone: str
    name_en: str | None = None
    daily_quota: int | None = None
    hours: tuple[tuple[dt.time, dt.time], ...] = ()
    service_limit_min: int | None = None
    wait_alarm_min: int | None = None


@dataclass
class Ticket:
    """One visitor's place in the hall, from issue to done.

    ``prefix``/``number`` never change (a transferred ticket keeps its number);
    ``category`` is where it waits now. ``queued_at`` is its place in the
    queue: transfers keep it, so 首问负责 never sends a visitor to the back.
    """
    prefix: str
    number: int
    business_date: dt.date
    category: str
    priority: Priority
    issued_at: dt.datetime
    track_token: str
    queued_at: dt.datetime | None = None
    status: TicketStatus = TicketStatus.WAITING
    id: int | None = None
    window: int | None = None
    transferred_to_window: int | None = None
    called_at: dt.datetime | None = None
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    recalls: int = 0
    served_by: int | None = None
    holder: str | None = None
    holder_key: str | None = None
    appointment_code: str | None = None
    kiosk: str | None = None

    def __post_init__(self):
        if self.queued_at is None:
            self.queued_at = self.issued_at

    @property
    def display_number(self) -> str:
        return display_number(self.prefix, self.number)

    @property
    def is_open(self) -> bool:
        return self.status in (TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.SERVING)

    def _require(self, *allowed: TicketStatus, action: str) -> None:
        if self.status not in allowed:
            raise InvalidTransition(
                f"ticket {self.display_number} is {self.status.value}; cannot {action}",
                ticket=self.id, status=self.status.value)

    def call(self, window: int, clerk: int | None, at: dt.datetime) -> None:
        self._require(TicketStatus.WAITING, action="call")
        self.status = TicketStatus.CALLED
        self.window = window
        self.served_by = clerk
        self.called_at = at
        self.started_at = None
        self.transferred_to_window = None

    def recall(self) -> None:
        self._require(TicketStatus.CALLED, TicketStatus.SERVING, action="recall")
        self.recalls += 1

    def start(self, at: dt.datetime) -> None:
        self._require(TicketStatus.CALLED, action="start")
        self.status = TicketStatus.SERVING
        self.started_at = at

    def finish(self, at: dt.datetime) -> None:
        self._require(TicketStatus.CALLED, TicketStatus.SERVING, action="finish")
        if self.started_at is None:
            self.started_at = self.called_at
        self.status = TicketStatus.DONE
        self.finished_at = at

    def mark_no_show(self, at: dt.datetime) -> None:
        self._require(TicketStatus.CALLED, action="mark as no-show")
        self.status = TicketStatus.NO_SHOW
        self.finished_at = at

    def reinstate(self, at: dt.datetime) -> None:
        # A 过号 visitor who comes back queues behind those who stayed: fair to
        # them, and it keeps a late visitor from jumping the whole queue.
        self._require(TicketStatus.NO_SHOW, action="reinstate")
        self._wait_again()
        self.queued_at = at

    def transfer_to_category(self, category: str) -> None:
        self._require(TicketStatus.CALLED, TicketStatus.SERVING, action="transfer")
        self._wait_again()
        self.category = category

    def transfer_to_window(self, window: int) -> None:
        self._require(TicketStatus.CALLED, TicketStatus.SERVING, action="transfer")
        self._wait_again()
        self.transferred_to_window = window

    def _wait_again(self) -> None:
        self.status = TicketStatus.WAITING
        self.window = None
        self.served_by = None
        self.called_at = None
        self.started_at = None
        self.finished_at = None
        self.recalls = 0


@dataclass
class Window:
    """A counter (窗口): what it serves, who sits there, what it is doing."""
    number: int
    zone: str
    categories: frozenset[str] = field(default_factory=lambda: frozenset({EVERY_CATEGORY}))
    clerk: int | None = None
    post: Post | None = None
    paused: bool = False
    pause_reason: str | None = None
    current_ticket: int | None = None

    @property
    def serves_every_category(self) -> bool:
        return EVERY_CATEGORY in self.categories

    def serves(self, category: str) -> bool:
        return self.serves_every_category or category in self.categories

    def state(self) -> str:
        if self.clerk is None:
            return "closed"
        if self.paused:
            return "paused"
        if self.current_ticket is not None:
            return "busy"
        return "open"

    def sign_in(self, clerk: int, post: Post) -> None:
        # AB岗: B taking over from A keeps the window's current ticket and pause.
        self.clerk = clerk
        self.post = post

    def sign_out(self) -> None:
        self.clerk = None
        self.post = None

    def require_clerk(self) -> int:
        if self.clerk is None:
            raise NotSignedIn(f"nobody is signed in at window {self.number}", window=self.number)
        return self.clerk

    def require_free(self) -> None:
        if self.current_ticket is not None:
            raise WindowBusy(f"window {self.number} still has a called or serving ticket",
                             window=self.number, ticket=self.current_ticket)

    def require_current(self) -> int:
        if self.current_ticket is None:
            raise NoCurrentTicket(f"window {self.number} has no current ticket", window=self.number)
        return self.current_ticket

    def pause(self, reason: str) -> None:
        self.paused = True
        self.pause_reason = reason

    def resume(self) -> None:
        self.paused = False
        self.pause_reason = None
