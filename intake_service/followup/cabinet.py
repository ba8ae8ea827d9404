""" "My appeals": every appeal a citizen filed signed in at the identity provider, by its
subject, and every appeal filed with the e-mail address that provider verified and the citizen
confirmed by its link — the personal cabinet where answers always arrive. Read by the
`appeals_by_citizen` and `appeals_by_confirmed_email` indexes; nothing of anyone else's.

Matching by address is sound because both sides proved the same mailbox: the confirmation link
was opened from it, and the provider only passes an address it marks `email_verified`."""

from __future__ import annotations

import sqlite3
from typing import Any


def appeals_of(
    conn: sqlite3.Connection, sub: str, email: str | None = None, limit: int = 200
) -> list[dict[str, Any]]:
    """The citizen's newest appeals first, each once (an appeal may match both ways; without a
    verified address the second term matches nothing)."""
    rows = conn.execute(
        "SELECT a.id, a.number, a.category, a.status, a.created_at, a.answer_due, "
        "a.answered_at, a.target_org_id, o.name AS org_name FROM appeals a "
        "JOIN orgs o ON o.id = a.target_org_id "
        "WHERE a.citizen_sub = ? OR a.confirmed_email = ? ORDER BY a.seq DESC LIMIT ?",
        (sub, email.lower() if email else None, limit),
    )
    return [dict(row) for row in rows]
