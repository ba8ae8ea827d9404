"""The few SQL fragments that SQLite and PostgreSQL spell differently.

The store's SQL is written once wherever the two engines read it the same (`?` parameters,
`ON CONFLICT`, `RETURNING`, partial indexes). Where they do not — JSON, date arithmetic, index
hints — a query asks here for its engine's spelling, by the connection it runs on, so that the
difference is named in one place instead of hidden in a rewrite of the SQL text.
"""

from __future__ import annotations

import sqlite3
from typing import Any

# SQLite allows 500 terms in a compound SELECT: a read of many organisations, one walk each,
# goes in chunks of this many
MAX_COMPOUND = 400


def is_sqlite(conn: Any) -> bool:
    return isinstance(conn, sqlite3.Connection)


def ids_in_json(conn: Any) -> str:
    """A subquery of the integers in one JSON array parameter: `x IN <this>` takes a set of ids
    as a single parameter, so the statement's text does not change with the set's size."""
    if is_sqlite(conn):
        return "(SELECT value FROM json_each(?))"
    return "(SELECT json_array_elements_text(?::json)::bigint)"


def json_text(conn: Any, column: str, key: str) -> str:
    """One top-level key of a JSON text column, as text."""
    if is_sqlite(conn):
        return f"json_extract({column}, '$.{key}')"
    return f"({column}::json ->> '{key}')"


def seconds_between(conn: Any, start: str, end: str) -> str:
    """Seconds from one ISO timestamp column to another."""
    if is_sqlite(conn):
        return f"(julianday({end}) - julianday({start})) * 86400.0"
    return f"extract(epoch FROM ({end}::timestamptz - {start}::timestamptz))"


def fixed_join(conn: Any) -> str:
    """An inner join in the order written: SQLite's `CROSS JOIN … ON` keeps its planner from
    reordering the tables; PostgreSQL's CROSS JOIN takes no ON, and it plans by statistics."""
    return "CROSS JOIN" if is_sqlite(conn) else "JOIN"


def index_hint(conn: Any, index: str) -> str:
    """SQLite's `INDEXED BY`, where its planner needs telling; PostgreSQL's plans by statistics."""
    return f" INDEXED BY {index}" if is_sqlite(conn) else ""


def row_locks(conn: Any, alias: str, *, skip_locked: bool = False) -> str:
    """PostgreSQL's `FOR UPDATE` on the rows a writer operation is about to change, so that two
    nodes' transactions take turns on them (or, with `skip_locked`, share them out). SQLite has
    one writer at a time and needs none."""
    if is_sqlite(conn):
        return ""
    return f" FOR UPDATE OF {alias}" + (" SKIP LOCKED" if skip_locked else "")


def lock_name(conn: Any, name: str) -> None:
    """Hold a lock named by text until the transaction ends (PostgreSQL: an advisory lock), so
    that nodes sharing one database check and record the same key one after the other; SQLite's
    single writer already does."""
    if not is_sqlite(conn):
        conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", (name,))
