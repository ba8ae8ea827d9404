"""The map's read of appeals: the newest appeals of a period for the operator's organisations,
with their coordinates (NULL when the citizen gave none), read along `appeals_by_target`
(target_org_id, seq) — one range per organisation, newest first, capped at MAX_POINTS so a
busy region's map stays a map."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from intake_service.dialect import ids_in_json

MAX_POINTS = 5_000


@dataclass(frozen=True)
class MapAppeal:
    id: str
    number: str
    target_org_id: int
    category: str
    severity: str | None
    lat: float | None
    lon: float | None


def map_appeals(
    conn: sqlite3.Connection,
    org_ids: frozenset[int] | None,
    since: str,
    category: str | None,
    limit: int = MAX_POINTS,
) -> list[MapAppeal]:
    """Appeals filed since `since` (ISO UTC) whose current target is in `org_ids` (None: all),
    of `category` if given, newest first."""
    terms = ["created_at >= ?"]
    args: list[object] = [since]
    if org_ids is not None:
        terms.append(f"target_org_id IN {ids_in_json(conn)}")
        args.append(json.dumps(sorted(org_ids)))
    if category:
        terms.append("category = ?")
        args.append(category)
    rows = conn.execute(
        "SELECT id, number, target_org_id, category, severity, lat, lon FROM appeals WHERE "
        + " AND ".join(terms)
        + " ORDER BY seq DESC LIMIT ?",
        [*args, limit],
    ).fetchall()
    return [MapAppeal(*row) for row in rows]
