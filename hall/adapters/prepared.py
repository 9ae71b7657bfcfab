"""Statements run on every ticket, compiled once and handed straight to the database driver.

SQLAlchemy Core spends 40-50 µs of Python around each execution (execution context, result
object, events) even with the compiled form cached; the raw sqlite3 call takes about 15 µs.
Issuing a ticket runs nine statements, so that overhead was the largest part of an issue's CPU
(bench/RESULTS.md). A `Prepared` statement is still built with Core from the table metadata
and compiled by SQLAlchemy for the connection's dialect, with SQLAlchemy's own bind and result
processors for every type (dates on SQLite, JSON); only the execution is the driver's own, on
the connection and inside the transaction the unit of work opened.
"""
from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.sql import ClauseElement
from sqlalchemy.types import NullType


@dataclass(frozen=True)
class _Compiled:
    sql: str
    names: tuple[str, ...]                       # its parameters, in order for qmark drivers
    positional: bool
    pick: Callable[[dict], tuple]                # values -> positional arguments
    defaults: dict[str, Any]                     # values of the statement's constant parameters
    binders: tuple[tuple[str, Callable], ...]     # (name, SQLAlchemy's bind processor)
    readers: tuple[tuple[int, Callable], ...]     # (column, SQLAlchemy's result processor)


def _picker(names: tuple[str, ...]) -> Callable[[dict], tuple]:
    if len(names) > 1:
        return itemgetter(*names)   # in C, not a generator run per statement
    if names:
        name = names[0]
        return lambda values: (values[name],)
    return lambda values: ()


class Prepared:
    def __init__(self, statement: ClauseElement):
        self.statement = statement
        self._by_dialect: weakref.WeakKeyDictionary[Dialect, _Compiled] = weakref.WeakKeyDictionary()
        self._last: tuple[Dialect | None, _Compiled | None] = (None, None)

    def _compiled(self, dialect: Dialect) -> _Compiled:
        last_dialect, compiled = self._last
        if dialect is not last_dialect:   # a server has one engine: skip the weak mapping's cost
            compiled = self._by_dialect.get(dialect)
            if compiled is None:
                compiled = self._by_dialect[dialect] = self._compile(dialect)
            self._last = (dialect, compiled)
        return compiled

    def _compile(self, dialect: Dialect) -> _Compiled:
        c = self.statement.compile(dialect=dialect)
        if "POSTCOMPILE" in c.string:
            raise ValueError("a prepared statement cannot expand lists (IN) at run time")
        binders, defaults = {}, {}
        for bind, name in c.bind_names.items():   # a name used twice is one parameter
            if bind.required and isinstance(bind.type, NullType):
                # Without a type there is no bind processor: a datetime would reach SQLite in
                # another text form than the stored ones, and compare wrongly.
                raise ValueError(f"parameter {name!r} has no type: give bindparam a type_")
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                binders[name] = process
            if not bind.required:
                defaults[name] = bind.effective_value
        columns = getattr(self.statement, "exported_columns", ())
        readers = tuple((i, reader) for i, col in enumerate(columns)
                        if (reader := col.type.dialect_impl(dialect).result_processor(dialect, None)) is not None)
        names = tuple(c.positiontup) if c.positional else tuple(dict.fromkeys(c.bind_names.values()))
        return _Compiled(c.string, names, c.positional, _picker(names), defaults, tuple(binders.items()), readers)

    def rows(self, conn: Connection, params: Mapping[str, Any] | None = None) -> list[tuple]:
        compiled = self._compiled(conn.dialect)
        values = {**compiled.defaults, **params} if params else dict(compiled.defaults)
        for name, process in compiled.binders:
            values[name] = process(values[name])
        # A missing parameter is a KeyError here, never a NULL stored.
        args = compiled.pick(values) if compiled.positional else {name: values[name] for name in compiled.names}
        cursor = conn.connection.dbapi_connection.cursor()
        try:
            cursor.execute(compiled.sql, args)
            rows = cursor.fetchall() if cursor.description else []
        finally:
            cursor.close()
        if compiled.readers and rows:
            rows = [self._read(row, compiled.readers) for row in rows]
        return rows

    @staticmethod
    def _read(row: tuple, readers) -> tuple:
        row = list(row)
        for i, read in readers:
            row[i] = read(row[i])
        return tuple(row)

    def first(self, conn: Connection, params: Mapping[str, Any] | None = None) -> tuple | None:
        rows = self.rows(conn, params)
        return rows[0] if rows else None

    def scalar(self, conn: Connection, params: Mapping[str, Any] | None = None) -> Any:
        row = self.first(conn, params)
        return row[0] if row else None

    def run(self, conn: Connection, params: Mapping[str, Any]) -> None:
        self.rows(conn, params)
