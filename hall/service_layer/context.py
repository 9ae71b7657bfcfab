"""What every use case needs: the database, the clock, the publisher, the settings."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.engine import Engine

from hall.adapters.repository import HallSettings
from hall.adapters.unit_of_work import UnitOfWork
from hall.domain import issuing
from hall.domain.errors import HallError
from hall.domain.events import Message
from hall.domain.model import Ticket
from hall.service_layer.views import ticket_view


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

    @contextmanager
    def transaction(self) -> Iterator[UnitOfWork]:
        uow = UnitOfWork(self.engine)
        with uow:
            yield uow
            uow.commit()
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
            wait = issuing.estimated_wait_s(
                ahead, uow.tickets.mean_service_s(ticket.business_date, ticket.category),
                uow.windows.open_windows_serving(ticket.category))
        return ticket_view(ticket, tz, category=category, ahead=ahead, estimated_wait_s=wait,
                           public_url=self.options.public_url)
