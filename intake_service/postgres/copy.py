"""Moving a deployment between SQLite and PostgreSQL, either way: every row, with its ids and
numbers, in one transaction.

The destination is migrated first and must hold no organisation yet; the source is brought up to
the same migration. Tables are copied parents first, in batches; organisations' parents are set
after all of them are in (a parent may have a higher id than its child). The tables the
triggers keep (the board's counts, the outbox counts) are copied as they are, with the
destination's triggers off meanwhile (PostgreSQL: disabled; SQLite, which cannot disable them:
dropped and created again in the same transaction), so nothing is counted twice; PostgreSQL's
identities then continue after the highest copied id (SQLite's AUTOINCREMENT follows the ids
inserted by itself). The search index is built again at the destination (SQLite's full-text
table keeps no text to copy). Photos stay in the media folder, which every node must share.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from intake_service.postgres.connection import PostgresConnection
from intake_service.store import migrate
from intake_service.store_errors import StoreError

# Parents before children; every table of the schema but the migrations' own, the search's and
# the writer's batch markers (writer_batches: they matter only to a commit under way).
TABLES = (
    "meta", "orgs", "org_origins", "org_categories", "category_attributes", "api_keys",
    "routing_rules", "sinks", "users", "appeals", "appeal_photos", "org_sequences", "events",
    "outbox", "outbox_counts", "idempotency", "form_nonces", "console_sessions",
    "answer_templates", "held_appeals", "notices", "appeal_day_counts", "appeal_open_counts",
    "appeal_hour_counts", "appeal_due_counts", "appeal_org_counts", "appeal_org_day_counts",
    "appeal_answer_counts", "follows", "polls", "poll_ballots",
    "poll_counts", "poll_comments", "poll_files",
)  # fmt: skip
IDENTITIES = {
    "orgs": "id", "sinks": "id", "users": "id", "appeals": "seq", "events": "id",
    "outbox": "id", "answer_templates": "id", "notices": "id", "follows": "id",
    "poll_ballots": "id", "poll_comments": "id", "poll_files": "id",
}  # fmt: skip
BATCH = 5_000
SEARCH_MARK = "search_indexed_seq"


Store = sqlite3.Connection | PostgresConnection


def copy_store(
    source: Store,
    destination: Store,
    progress: Callable[[str, int], None] = lambda table, rows: None,
) -> dict[str, int]:
    """Copy every row of `source` into `destination` (one SQLite, one PostgreSQL); rows per
    table."""
    migrate(source)  # type: ignore[arg-type]
    migrate(destination)  # type: ignore[arg-type]
    if destination.execute("SELECT count(*) FROM orgs").fetchone()[0]:
        raise StoreError("the destination already holds organisations: copy into an empty one")
    copied: dict[str, int] = {}
    to_sqlite = isinstance(destination, sqlite3.Connection)
    destination.execute("BEGIN")
    try:
        triggers = _triggers_off(destination)
        for table in TABLES:
            copied[table] = _copy_table(source, destination, table)
            progress(table, copied[table])
        for org_id, parent_id in source.execute(
            "SELECT id, parent_id FROM orgs WHERE parent_id IS NOT NULL"
        ):
            destination.execute("UPDATE orgs SET parent_id = ? WHERE id = ?", (parent_id, org_id))
        for table, column in IDENTITIES.items() if not to_sqlite else ():
            destination.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                f"coalesce((SELECT max({column}) FROM {table}), 0) + 1, false)"
            )
        # SQLite's full-text rows cannot be read back: the destination's are built again
        destination.execute("UPDATE meta SET value = '0' WHERE key = ?", (SEARCH_MARK,))
        _triggers_on(destination, triggers)
        destination.execute("COMMIT")
    except BaseException:
        if destination.in_transaction:
            destination.execute("ROLLBACK")
        raise
    return copied


def _triggers_off(conn: Store) -> list[str]:
    """The destination's triggers out of the way for the copy; what `_triggers_on` needs."""
    if isinstance(conn, sqlite3.Connection):
        found = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        saved = []
        for name, sql in found.fetchall():
            conn.execute(f'DROP TRIGGER "{name}"')
            saved.append(sql)
        return saved
    for table in TABLES:
        conn.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    return []


def _triggers_on(conn: Store, saved: list[str]) -> None:
    if isinstance(conn, sqlite3.Connection):
        for sql in saved:
            conn.execute(sql)
        return
    for table in TABLES:
        conn.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def _copy_table(source: Store, destination: Store, table: str) -> int:
    cursor = source.execute(f"SELECT * FROM {table}")
    columns = [d[0] for d in cursor.description]
    if table == "meta":  # the destination's own rows (its schema's version marks) give way
        destination.execute("DELETE FROM meta")
    parent = columns.index("parent_id") if table == "orgs" else -1
    insert = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    count = 0
    while rows := cursor.fetchmany(BATCH):
        values = [tuple(None if i == parent else v for i, v in enumerate(r)) for r in rows]
        destination.executemany(insert, values)
        count += len(rows)
    return count
