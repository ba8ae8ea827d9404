""" "My appeals": every appeal a citizen filed signed in at the identity provider, by its
subject, and every appeal filed with the e-mail address that provider verified and the citizen
confirmed by its link — the personal cabinet where answers always arrive. Read by the
`appeals_by_citizen` and `appeals_by_confirmed_email` indexes; nothing of anyone else's.

Matching by address is sound because both sides proved the same mailbox: the confirmation link
was opened from it, and the provider only passes an address it marks `email_verified`."""

from __future__ import annotations

import sqlite3
from typing import Any

COLUMNS = (
    "a.id, a.number, a.category, a.status, a.created_at, a.answer_due, a.answered_at, "
    "a.target_org_id, a.seq, o.name AS org_name"
)


def appeals_of(
    conn: sqlite3.Connection, sub: str, email: str | None = None, limit: int = 200
) -> list[dict[str, Any]]:
    """The citizen's newest appeals first, each once (an appeal may match both ways)."""
    found: dict[str, dict[str, Any]] = {}
    queries = [("a.citizen_sub = ?", sub)]
    if email:
        queries.append(("a.confirmed_email = ?", email.lower()))
    for where, value in queries:
        rows = conn.execute(
            f"SELECT {COLUMNS} FROM appeals a JOIN orgs o ON o.id = a.target_org_id "
            f"WHERE {where} ORDER BY a.seq DESC LIMIT ?",
            (value, limit),
        )
        for row in rows:
            found[row["id"]] = dict(row)
    return sorted(found.values(), key=lambda row: row["seq"], reverse=True)[:limit]
