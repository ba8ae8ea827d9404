"""A PostgreSQL connection that the store's modules use as they use a `sqlite3.Connection`.

`execute` and `executemany` take the same SQL text with `?` parameters; rows read by position
and by name (`dict(row)` works) like `sqlite3.Row`; the connection is in autocommit mode and
transactions are begun and ended by the statements the code already sends (`BEGIN IMMEDIATE`
becomes `BEGIN`: PostgreSQL takes row locks as it writes). Errors arrive as the `sqlite3`
classes the callers already catch — a unique or foreign-key violation as `IntegrityError`, a
lost server as `OperationalError` — with PostgreSQL's message, so a caller written once handles
both engines.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import psycopg
from psycopg.pq import TransactionStatus


class Row(tuple):
    """A result row by position and by column name, as `sqlite3.Row`."""

    _names: dict[str, int]

    def __new__(cls, values: Sequence[Any], names: dict[str, int]) -> Row:
        row = super().__new__(cls, values)
        row._names = names
        return row

    def __getitem__(self, key: Any) -> Any:  # type: ignore[override]
        if isinstance(key, str):
            return super().__getitem__(self._names[key])
        return super().__getitem__(key)

    def keys(self) -> list[str]:
        return list(self._names)


def _row_factory(cursor: psycopg.Cursor[Any]) -> Any:
    names = {column.name: i for i, column in enumerate(cursor.description or ())}
    return lambda values: Row(values, names)


def _statement(sql: str) -> str:
    """SQLite's `BEGIN IMMEDIATE` is PostgreSQL's plain `BEGIN`; the rest is sent as written."""
    return "BEGIN" if sql.lstrip().upper().startswith("BEGIN IMMEDIATE") else sql


def postgres_sql(sql: str) -> str:
    """The store's SQL with parameters as psycopg takes it: `?` outside quotes becomes `%s`
    and a literal `%` becomes `%%` (without parameters psycopg sends the text as it is)."""
    out: list[str] = []
    quote = ""
    for char in sql:
        if quote:
            if char == quote:
                quote = ""
            out.append("%%" if char == "%" else char)
        elif char in "'\"":
            quote = char
            out.append(char)
        elif char == "?":
            out.append("%s")
        elif char == "%":
            out.append("%%")
        else:
            out.append(char)
    return "".join(out)


def _as_sqlite_error(exc: psycopg.Error) -> sqlite3.Error:
    if isinstance(exc, psycopg.errors.IntegrityError):
        return sqlite3.IntegrityError(str(exc))
    if isinstance(exc, psycopg.OperationalError):
        return sqlite3.OperationalError(str(exc))
    return sqlite3.DatabaseError(str(exc))


class Cursor:
    def __init__(self, cursor: psycopg.Cursor[Any]) -> None:
        self._cursor = cursor

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> None:
        # PostgreSQL has no last row id: the store asks for new ids with RETURNING
        raise AttributeError("lastrowid: use RETURNING with PostgreSQL")

    def fetchone(self) -> Row | None:
        return self._cursor.fetchone() if self._cursor.description else None

    def fetchall(self) -> list[Row]:
        return self._cursor.fetchall() if self._cursor.description else []

    def __iter__(self) -> Iterator[Row]:
        return iter(self.fetchall())


class PostgresConnection:
    """One server connection, used by one thread at a time (the writer's, a reader's, the CLI)."""

    def __init__(self, url: str) -> None:
        try:
            self._conn = psycopg.connect(url, autocommit=True, row_factory=_row_factory)
        except psycopg.Error as exc:
            raise _as_sqlite_error(exc) from None

    @property
    def in_transaction(self) -> bool:
        return self._conn.info.transaction_status != TransactionStatus.IDLE

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        cursor = self._conn.cursor()
        try:
            if params:
                cursor.execute(postgres_sql(sql), tuple(params))
            else:
                cursor.execute(_statement(sql))
        except psycopg.Error as exc:
            raise _as_sqlite_error(exc) from None
        return Cursor(cursor)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> Cursor:
        cursor = self._conn.cursor()
        try:
            cursor.executemany(postgres_sql(sql), [tuple(r) for r in rows])
        except psycopg.Error as exc:
            raise _as_sqlite_error(exc) from None
        return Cursor(cursor)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> PostgresConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
