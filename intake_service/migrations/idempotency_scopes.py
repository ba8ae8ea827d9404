"""Migration 14: intake's and replies' idempotency keys in namespaces of their own.

Both kinds of key were kept in one column, a reply's as `reply:<key>`: an appeal filed with
`Idempotency-Key: reply:K` met the answer stored for a reply under `K` (and was refused, or
failed on that answer's missing tracking link), and a reply under `K` after it was refused. The
table gets a `scope` — `intake` or `reply` — in its primary key. The rows stored for replies
(`reply:` keys whose answer has no tracking link, which every intake answer has) move to the
`reply` scope under the client's own key, so a retry across the upgrade still replays.
"""

from __future__ import annotations

import sqlite3

from intake_service.dialect import is_sqlite
from intake_service.migrations.registry import migration, run_script


@migration(14)
def idempotency_scopes(conn: sqlite3.Connection) -> None:
    if is_sqlite(conn):  # SQLite cannot change a primary key in place: the table is rebuilt
        run_script(
            conn,
            """
            CREATE TABLE idempotency_scoped (
                org_id INTEGER NOT NULL,
                key TEXT NOT NULL,
                body_hash TEXT NOT NULL,
                response TEXT NOT NULL,
                created_at REAL NOT NULL,
                scope TEXT NOT NULL DEFAULT 'intake',
                PRIMARY KEY (org_id, scope, key)
            );
            INSERT INTO idempotency_scoped (org_id, key, body_hash, response, created_at)
                SELECT org_id, key, body_hash, response, created_at FROM idempotency;
            DROP TABLE idempotency;
            ALTER TABLE idempotency_scoped RENAME TO idempotency
            """,
        )
    else:
        run_script(
            conn,
            """
            ALTER TABLE idempotency ADD COLUMN scope TEXT NOT NULL DEFAULT 'intake';
            ALTER TABLE idempotency DROP CONSTRAINT idempotency_pkey;
            ALTER TABLE idempotency ADD PRIMARY KEY (org_id, scope, key)
            """,
        )
    conn.execute(
        "UPDATE idempotency SET scope = 'reply', key = substr(key, 7) "
        "WHERE key LIKE 'reply:%' AND response NOT LIKE '%\"tracking_url\"%'"
    )
