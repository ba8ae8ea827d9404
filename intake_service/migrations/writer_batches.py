"""Migration 15: a row per writer batch, committed in the batch's own transaction.

On PostgreSQL the connection can be lost after COMMIT was sent and before its answer came
back (the server restarted, the backend was terminated): the batch may or may not be stored.
The writer then asks the database which it was by this batch's marker (writer.py), by
inserting the same id itself as `claimed`: that waits for a transaction still holding the
marker, and once it is in, the lost batch can never commit after the answer was given. A writer
keeps only the markers of its last batches. SQLite's commits are local and never in doubt, so its
writer does not write them; the table exists on both engines all the same, as the schema does.
"""

from __future__ import annotations

import sqlite3

from intake_service.migrations.registry import migration


@migration(15)
def writer_batches(conn: sqlite3.Connection) -> None:
    conn.execute(
        "CREATE TABLE writer_batches "
        "(id TEXT PRIMARY KEY, created_at REAL NOT NULL, claimed INTEGER NOT NULL DEFAULT 0)"
    )
