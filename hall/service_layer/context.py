"""What every use case needs: the database, the clock, the publisher, the settings."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.engine import Engine

from hall.adapters.repository import HallSettings, LayoutCache
from hall.adapters.unit_of_work import UnitOfWork
from hall.domain import issuing
from hall.domain.errors import HallError
from hall.domain.events import Message
from hall.domain.model import Ticket
from hall.service_layer.views import ticket_view


PACE_TTL_S = 2.0


class Publisher(Protocol):
    def publish(self, messages: Iterable[Message]) -> None: ...


class NoPublisher:
    """For the CLI when no message queue is configured: nobody is listening."""

    def publish(self, messages: Iterable[Message]) -> None:
        pass


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class HallNotInitialised(HallError):
    code = "not_initialised"


@dataclass
class Options:
    secret: bytes                         # keys the ID-card hash; never leaves the server
    public_url: str = ""                  # prefix of track links in QR codes, e.g. http://hall.lan
    evaluation_timeout_s: int = 60        # a pad's request lapses as 未评价 after this
    print_job_max_age_s: int = 600        # a held print job older than this is dropped, visibly


class HallContext:
    def __init__(self, engine: Engine, publisher: Publisher, options: Options,
                 clock: Callable[[], dt.datetime] = utcnow):
        self.engine = engine
        self.publisher = publisher
        self.options = options
        self.clock = clock
        # (day, category) -> (mean service s, open windows, when read): an estimate need not
        # be exact (other nodes' changes show within PACE_TTL_S), and reading both for every
        # ticket issued was a fifth of an issue's queries.
        self._pace: dict = {}
        self.layout_cache = LayoutCache()

    @contextmanager
    def transaction(self) -> Iterator[UnitOfWork]:
        uow = UnitOfWork(self.engine, self.layout_cache)
        with uow:
            yield uow
            uow.commit()
        if any(m.name == "window.updated" for m in uow.messages):
            self._pace.clear()  # a window opened, closed or finished a visitor here: estimate afresh
        self.publisher.publish(uow.messages)

    def settings(self, uow: UnitOfWork) -> HallSettings:
        s = uow.layout.settings()
        if s is None:
            raise HallNotInitialised("the hall has no layout yet: run `hall init --config FILE`")
        return s

    def holder_key(self, id_number: str) -> str:
        """A keyed hash of an ID number: enough to spot a second ticket, useless if leaked."""
        return hmac.new(self.options.secret, id_number.strip().upper().encode(), hashlib.sha256).hexdigest()

    def present(self, uow: UnitOfWork, ticket: Ticket, tz: str, categories: dict | None = None) -> dict:
        """The contract's ticket, with people ahead and the estimated wait."""
        category = categories[ticket.category] if categories else uow.layout.category(ticket.category)
        ahead = uow.tickets.ahead(ticket)
        wait = 0
        if ahead:
            key = (ticket.business_date, ticket.category)
            pace = self._pace.get(key)
            if pace is None or time.monotonic() - pace[2] > PACE_TTL_S:
                pace = (uow.tickets.mean_service_s(ticket.business_date, ticket.category),
                        uow.windows.open_windows_serving(ticket.category), time.monotonic())
                self._pace[key] = pace
            wait = issuing.estimated_wait_s(ahead, pace[0], pace[1])
        return ticket_view(ticket, tz, category=category, ahead=ahead, estimated_wait_s=wait,
                           public_url=self.options.public_url)
