"""Bringing a PostgreSQL database up to date: the baseline of schema.py on a new database,
then every later migration (written for both engines), once, whichever node starts first."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from intake_service.postgres.connection import PostgresConnection
from intake_service.postgres.schema import BASELINE, baseline_statements
from intake_service.store_errors import refuse_newer

MIGRATIONS_TABLE = (
    "CREATE TABLE IF NOT EXISTS migrations (number BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)"
)
LOCK = 7_420_311  # the advisory lock nodes starting at once take turns on while migrating


def migrate(
    conn: PostgresConnection, known: Mapping[int, Callable[[Any], None]], applied_at: str
) -> list[int]:
    """Bring a PostgreSQL database up to date; the numbers applied. Nodes starting together
    take turns on an advisory lock, so each migration runs once, all in one transaction."""
    conn.execute(MIGRATIONS_TABLE)
    conn.execute("BEGIN")
    try:
        conn.execute("SELECT pg_advisory_xact_lock(?)", (LOCK,))
        done = {row[0] for row in conn.execute("SELECT number FROM migrations")}
        refuse_newer(done, known)
        applied: list[int] = []
        if not done:
            for statement in baseline_statements():
                conn.execute(statement)
            applied = list(range(1, BASELINE + 1))
        later = sorted(n for n in known if n > BASELINE and n not in done)
        for number in later:
            known[number](conn)
        applied += later
        if applied:
            conn.executemany(
                "INSERT INTO migrations (number, applied_at) VALUES (?, ?)",
                [(n, applied_at) for n in applied],
            )
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return applied
