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

import contextlib
import functools
import re
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import psycopg
import psycopg.adapt
from psycopg.pq import TransactionStatus

from intake_service.postgres import TransactionConflict


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


@functools.lru_cache(maxsize=4096)
def postgres_sql(sql: str) -> str:
    """The store's SQL with parameters as psycopg takes it: `?` outside quotes becomes `%s`,
    a named `:name` becomes `%(name)s` (a `::` cast stays), and a literal `%` becomes `%%`
    (without parameters psycopg sends the text as it is). Cached: the store sends the same few
    hundred texts over and over, and converting one costs more than sending it."""
    out: list[str] = []
    quote = ""
    i, n = 0, len(sql)
    while i < n:
        char = sql[i]
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
        elif char == ":" and sql[i + 1 : i + 2] == ":":
            out.append("::")
            i += 1
        elif char == ":" and (name := _NAME.match(sql, i + 1)):
            out.append(f"%({name.group()})s")
            i = name.end() - 1
        else:
            out.append(char)
        i += 1
    return "".join(out)


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class _NumberLoader(psycopg.adapt.Loader):
    """NUMERIC (what `sum()` of integers and `extract()` give) as Python's int or float, as
    SQLite gives them, instead of Decimal, which JSON and float arithmetic refuse."""

    def load(self, data: Any) -> int | float:
        text = bytes(data).decode()
        try:
            return int(text)
        except ValueError:
            return float(text)


# what PostgreSQL gives up for another transaction's sake (SQLSTATE class 40)
_GIVEN_UP = (
    psycopg.errors.TransactionRollback,
    psycopg.errors.DeadlockDetected,
    psycopg.errors.SerializationFailure,
)


def _as_sqlite_error(exc: psycopg.Error) -> sqlite3.Error:
    if isinstance(exc, psycopg.errors.PipelineAborted):  # an earlier statement's error
        return sqlite3.DatabaseError(str(exc))
    if isinstance(exc, _GIVEN_UP):
        return TransactionConflict(str(exc))
    if isinstance(exc, psycopg.errors.IntegrityError):
        return sqlite3.IntegrityError(str(exc))
    if isinstance(exc, psycopg.OperationalError):
        return sqlite3.OperationalError(str(exc))
    return sqlite3.DatabaseError(str(exc))


class Cursor:
    """A statement's result. In a pipelined batch (`PostgresConnection.pipelined`) the result
    may not have arrived yet: reading it waits for everything sent so far."""

    def __init__(self, cursor: psycopg.Cursor[Any], pipeline: psycopg.Pipeline | None) -> None:
        self._cursor = cursor
        self._pipeline = pipeline

    def _arrived(self) -> None:
        if self._pipeline is not None:
            try:
                self._pipeline.sync()
            except psycopg.Error as exc:
                raise _as_sqlite_error(exc) from None
            self._pipeline = None

    @property
    def rowcount(self) -> int:
        self._arrived()
        return self._cursor.rowcount

    @property
    def description(self) -> Any:
        self._arrived()
        return self._cursor.description

    def fetchmany(self, size: int) -> list[Row]:
        self._arrived()
        return self._cursor.fetchmany(size) if self._cursor.description else []

    @property
    def lastrowid(self) -> None:
        # PostgreSQL has no last row id: the store asks for new ids with RETURNING
        raise AttributeError("lastrowid: use RETURNING with PostgreSQL")

    def fetchone(self) -> Row | None:
        self._arrived()
        return self._cursor.fetchone() if self._cursor.description else None

    def fetchall(self) -> list[Row]:
        self._arrived()
        return self._cursor.fetchall() if self._cursor.description else []

    def __iter__(self) -> Iterator[Row]:
        return iter(self.fetchall())


CONNECT_TIMEOUT_SECONDS = 5  # a server that does not answer at all: give up, answer 503


class PostgresConnection:
    """One server connection, used by one thread at a time (the writer's, a reader's, the CLI).

    A connection the server dropped (a restart, a network cut) is opened again by the next
    statement that begins a transaction or stands alone, so the service resumes by itself when
    the server is back; a statement inside a transaction that was lost fails, and so does its
    transaction, as it must."""

    def __init__(self, url: str, *, readonly: bool = False) -> None:
        self._url = url
        # a session setting, given at every connect: a connection opened again stays read-only
        self._options = "-c default_transaction_read_only=on" if readonly else ""
        self._conn = self._open()
        self._pipeline: psycopg.Pipeline | None = None

    def _open(self) -> psycopg.Connection[Any]:
        try:
            conn = psycopg.connect(
                self._url,
                autocommit=True,
                row_factory=_row_factory,
                connect_timeout=CONNECT_TIMEOUT_SECONDS,
                options=self._options,
            )
        except psycopg.Error as exc:
            raise _as_sqlite_error(exc) from None
        conn.adapters.register_loader("numeric", _NumberLoader)
        return conn

    @property
    def in_transaction(self) -> bool:
        status = self._conn.info.transaction_status
        return status not in (TransactionStatus.IDLE, TransactionStatus.UNKNOWN)

    @property
    def lost(self) -> bool:
        """The server dropped this connection; the next statement outside a transaction opens
        a new one."""
        return self._conn.closed or self._conn.broken

    def _cursor(self, sql: str) -> psycopg.Cursor[Any]:
        if self.lost:
            if sql.lstrip().upper().startswith(("ROLLBACK", "RELEASE")):
                raise sqlite3.OperationalError("the connection to PostgreSQL was lost")
            self._conn = self._open()
        return self._conn.cursor()

    def execute(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> Cursor:
        cursor = self._cursor(sql)
        try:
            if isinstance(params, Mapping):
                cursor.execute(postgres_sql(sql), params)
            elif params:
                cursor.execute(postgres_sql(sql), tuple(params))
            else:
                cursor.execute(_statement(sql))
        except psycopg.Error as exc:
            raise _as_sqlite_error(exc) from None
        return Cursor(cursor, self._pipeline)

    @contextlib.contextmanager
    def pipelined(self) -> Iterator[None]:
        """Statements are sent without waiting for each result; a result is waited for only
        when it is read, and everything at the end. The writer's batch runs so: most of an
        appeal's statements need no answer, so it costs a few round trips, not one each. An
        error may surface at a later statement than the one that caused it."""
        if self.lost:  # as `_cursor` would, before a pipeline is opened on the dead one
            self._conn = self._open()
        try:
            with self._conn.pipeline() as pipeline:
                self._pipeline = pipeline
                yield
        except psycopg.Error as exc:
            raise _as_sqlite_error(exc) from None
        finally:
            self._pipeline = None

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> Cursor:
        values = [tuple(r) for r in rows]
        if len(values) == 1:  # most of the store's: psycopg's pipeline costs more than it saves
            return self.execute(sql, values[0])
        cursor = self._cursor(sql)
        try:
            cursor.executemany(postgres_sql(sql), values)
        except psycopg.Error as exc:
            raise _as_sqlite_error(exc) from None
        return Cursor(cursor, self._pipeline)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> PostgresConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
