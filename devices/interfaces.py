"""The one interface each kind of device offers the agent, and the values they exchange.

Drivers raise `DeviceError` for anything the hardware or its link did wrong; the agent
turns that into a `device.status` and a retry, never into a dead thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any, Callable, NamedTuple, Protocol, Sequence


class DeviceError(Exception):
    """The device or its link failed; `state` is what the supervisors should see."""

    def __init__(self, message: str, state: "DeviceState | None" = None):
        super().__init__(message)
        self.state = state or DeviceState.OFFLINE


class Option(NamedTuple):
    """A driver option of the agent config: its type, default, and what values make sense."""

    kind: type
    default: Any
    valid: Callable[[Any], bool] = lambda value: True
    rule: str = ""


def positive(value: float) -> bool:
    return value > 0


class DeviceState(str, Enum):
    OK = "ok"
    PAPER_LOW = "paper_low"  # still prints: a warning to change the roll soon
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    OFFLINE = "offline"
    ERROR = "error"


@dataclass(frozen=True)
class PrintedTicket:
    """Everything a paper ticket shows."""

    hall_name: str
    category_name: str
    number: str
    ahead: int
    issued_at: str
    track_url: str
    zone_name: str = ""
    holder: str | None = None
    notice: str = ""


class TicketPrinter(Protocol):
    def status(self) -> DeviceState: ...

    def print_ticket(self, ticket: PrintedTicket) -> None: ...

    def close(self) -> None: ...


class Screen(Protocol):
    """An LED screen: shows lines of text (empty = blank), kept in RAM on the controller."""

    def show(self, lines: Sequence[str]) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class KeyPress:
    """A key on an RS-485 caller (`action`) or evaluator (`action == "evaluate_level"`)."""

    address: int
    action: str
    argument: int | None = None


class KeypadBus(Protocol):
    dropped: int

    def poll(self) -> list[KeyPress]:
        """Waits briefly for key presses on the bus."""
        ...

    def display(self, address: int, number: str, waiting: int) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class IdCard:
    name: str
    number: str


class CardReader(Protocol):
    dropped: int

    def read_card(self) -> IdCard | None:
        """One find/select/read round; None while no (new) card lies on the reader."""
        ...

    def close(self) -> None: ...
