"""The reads of the page for appeals taken by phone, letter or visit (console/taken.py)."""

from __future__ import annotations

import sqlite3


def target_of(conn: sqlite3.Connection, appeal_id: str) -> int | None:
    """The organisation an appeal is now with (a routing rule may have sent it on at once)."""
    row = conn.execute("SELECT target_org_id FROM appeals WHERE id = ?", (appeal_id,)).fetchone()
    return row["target_org_id"] if row is not None else None
