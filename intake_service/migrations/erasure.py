"""Migration 25: a citizen's data erased from an appeal (erasure.py). `appeals.erased_at` says
when the personal data left the row — the retention job finds the closed appeals not yet
erased by it, and erasing twice reads it to answer "already erased" — and `outbox.message`
names what an outbox row carries: NULL for the appeal's document (every row before this
migration), `erased` for the message telling a sink's consumers to erase their copy. The
retention job walks `appeals_to_erase` (the appeals not erased, by their last change) oldest
first and stops at its cutoff. The same SQL on both engines."""

from __future__ import annotations

import sqlite3

from intake_service.migrations.registry import migration, run_script


@migration(25)
def erasure(conn: sqlite3.Connection) -> None:
    run_script(
        conn,
        """
        ALTER TABLE appeals ADD COLUMN erased_at TEXT;
        ALTER TABLE outbox ADD COLUMN message TEXT;
        CREATE INDEX appeals_to_erase ON appeals (updated_at) WHERE erased_at IS NULL
        """,
    )
