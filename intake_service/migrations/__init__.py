"""Numbered schema migrations, each applied once in its own transaction and recorded in the
`migrations` table. Add a new function with the next number; never edit an applied one.

The migrations live in one module per release: `spine` (1–5: appeals, events, the outbox and
sinks), `console` (6–10: accounts, handling, search, the board's counts, the log's indexes),
`follow_through` (11: what comes back to the citizen), `open311` (12: Open311 and a category's
extra questions), `follow_through_links` (13: the cabinet's e-mail link, the forwarding
deadline, the operator's language), `idempotency_scopes` (14: intake's and replies' keys apart),
`writer_batches` (15: a marker per writer batch, for a commit whose answer was lost).
Importing this package registers them all in MIGRATIONS.

PostgreSQL starts from a baseline of migration 12 (postgres/schema.py) and applies the later
ones itself, so from 13 on a migration's SQL must read the same on both engines (`dialect`
where it cannot)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

Migration = Callable[[sqlite3.Connection], None]
MIGRATIONS: dict[int, Migration] = {}


def migration(number: int) -> Callable[[Migration], Migration]:
    def register(fn: Migration) -> Migration:
        if number in MIGRATIONS:
            raise RuntimeError(f"migration {number} defined twice")
        MIGRATIONS[number] = fn
        return fn

    return register


# Tables whose change must make running services reload their organisation directory.
CONFIG_TABLES = ("orgs", "org_origins", "org_categories", "api_keys")


def run_script(conn: sqlite3.Connection, script: str) -> None:
    """Run `;`-separated statements inside the caller's transaction (executescript would
    commit it first). Statements here contain no `;` of their own."""
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


def config_triggers(conn: sqlite3.Connection, table: str) -> None:
    """Any change to `table` bumps `config_version`, so running services re-read what they
    cache of it (the organisation directory)."""
    for action in ("INSERT", "UPDATE", "DELETE"):
        conn.execute(
            f"CREATE TRIGGER {table}_{action.lower()}_bumps_config AFTER {action} ON {table} "
            "BEGIN UPDATE meta SET value = CAST(value AS INTEGER) + 1 "
            "WHERE key = 'config_version'; END"
        )


# registered by importing them (each module's functions carry their numbers)
from intake_service.migrations import (  # noqa: E402, F401
    console,
    follow_through,
    follow_through_links,
    idempotency_scopes,
    open311,
    spine,
    writer_batches,
)
