"""The migrations' registry and the helpers their modules share: `migration(n)` registers a
function under its number in MIGRATIONS; `run_script` and `config_triggers` build what several
releases need.

Apart from the package's `__init__.py`, which imports every release's module so that MIGRATIONS
is complete: those modules register here, and importing the package back from them made each
of them and the package import each other.
"""

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
