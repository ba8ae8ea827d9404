"""Migration 13, the first written for both engines: what the follow-through still lacked.

- `appeals.confirmed_email`: the address a citizen proved by opening the confirmation link
  (lower case), so that "my appeals" also lists the appeals filed with e-mail confirmation once
  the same person signs in with an identity provider that vouches for that address. Existing
  e-mail-confirmed appeals get it from their contact.
- `appeals.forward_due`: for an official appeal outside the body's competence, the last day to
  forward it to the competent body (59-ФЗ art. 8 p. 3: seven days from registration), set when
  the appeal is registered.
- `users.lang`: the language an operator last signed in with, which the daily digest speaks.

The SQL reads the same on SQLite and PostgreSQL (the JSON field through `dialect`), so
PostgreSQL applies this very function after its baseline (postgres/migrate.py)."""

from __future__ import annotations

import sqlite3

from intake_service.dialect import json_text
from intake_service.migrations.registry import migration, run_script


@migration(13)
def follow_through_links(conn: sqlite3.Connection) -> None:
    run_script(
        conn,
        """
        ALTER TABLE appeals ADD COLUMN confirmed_email TEXT;
        ALTER TABLE appeals ADD COLUMN forward_due TEXT;
        ALTER TABLE users ADD COLUMN lang TEXT NOT NULL DEFAULT 'ru';
        CREATE INDEX appeals_by_confirmed_email ON appeals (confirmed_email, seq)
            WHERE confirmed_email IS NOT NULL
        """,
    )
    # lower case as intake writes it and "my appeals" looks it up (Python's, which knows
    # Unicode: SQLite's lower() and PostgreSQL's in the C locale touch ASCII only, and the
    # form takes Cyrillic domains — vera@Почта.РФ must become vera@почта.рф)
    rows = conn.execute(
        f"SELECT id, {json_text(conn, 'contact', 'email')} FROM appeals WHERE identity = 'email'"
    ).fetchall()
    conn.executemany(
        "UPDATE appeals SET confirmed_email = ? WHERE id = ?",
        [(row[1].lower(), row[0]) for row in rows if row[1]],
    )
