"""One transaction for one use case, with the repositories that work inside it."""
from __future__ import annotations

from sqlalchemy.engine import Engine

from hall.adapters.accounts import AccountRepository
from hall.adapters.repository import AuditRepository, LayoutCache, LayoutRepository, TicketRepository, WindowRepository
from hall.adapters.supervision import AlarmRepository, EvaluationRepository, PrintJobRepository
from hall.domain.events import Message


class UnitOfWork:
    """``with uow:`` opens a transaction; ``commit()`` ends it; leaving without a
    commit rolls back. Messages collected meanwhile are handed out only after
    the commit, so no screen ever shows a change that was rolled back."""

    def __init__(self, engine: Engine, layout_cache: LayoutCache | None = None):
        self.engine = engine
        self.layout_cache = layout_cache or LayoutCache()
        self.messages: list[Message] = []

    def __enter__(self) -> "UnitOfWork":
        self.conn = self.engine.connect()
        self.tx = self.conn.begin()
        self.layout = LayoutRepository(self.conn, self.layout_cache)
        self.windows = WindowRepository(self.conn)
        self.tickets = TicketRepository(self.conn)
        self.audit = AuditRepository(self.conn)
        self.accounts = AccountRepository(self.conn)
        self.evaluations = EvaluationRepository(self.conn)
        self.alarms = AlarmRepository(self.conn)
        self.print_jobs = PrintJobRepository(self.conn)
        self.messages = []
        return self

    def __exit__(self, *exc) -> None:
        try:
            if self.tx.is_active:
                self.tx.rollback()
        finally:
            self.conn.close()

    def commit(self) -> None:
        self.tx.commit()

    def emit(self, message: Message) -> None:
        self.messages.append(message)
