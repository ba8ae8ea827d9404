""" "My appeals": every appeal a citizen filed signed in at the identity provider, by its
subject — the personal cabinet where answers always arrive. Read by the `appeals_by_citizen`
index; nothing of anyone else's."""

from __future__ import annotations

import sqlite3
from typing import Any


def appeals_of(conn: sqlite3.Connection, sub: str, limit: int = 200) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT a.id, a.number, a.category, a.status, a.created_at, a.answer_due, "
        "a.answered_at, a.target_org_id, o.name AS org_name FROM appeals a "
        "JOIN orgs o ON o.id = a.target_org_id WHERE a.citizen_sub = ? "
        "ORDER BY a.seq DESC LIMIT ?",
        (sub, limit),
    )
    return [dict(row) for row in rows]
