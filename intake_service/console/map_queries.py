"""The map's read of appeals: the newest appeals of a period for the operator's organisations,
with their coordinates (NULL when the citizen gave none), capped at MAX_POINTS so a busy
region's map stays a map.

A platform admin's read walks the primary key newest first and meets the cap within the first
few thousand rows. For a set of organisations, each is walked on its own, newest first, along
an index that holds the sequence number (`appeals_by_target` (target_org_id, seq), or with a
topic `appeals_by_target_category` (target_org_id, category, seq)), from the newest appeal down
to the first one of the period — found by one probe of `appeals_by_target_time` — reading the
index alone; the newest MAX_POINTS of all the walks are then read from the table. One query
over the set instead read every appeal of the period of all of them from the table and sorted
them: a region's month of roads took 160 ms in-process, the walks and the read take 18."""

from __future__ import annotations

import json
import sqlite3
from typing import NamedTuple

from intake_service.dialect import MAX_COMPOUND, ids_in_json

MAX_POINTS = 5_000
_NO_SEQ = 2**63 - 1  # an organisation with no appeal in the period walks nothing

_COLUMNS = "id, number, target_org_id, category, severity, lat, lon"


class MapAppeal(NamedTuple):  # a tuple: thousands are made per read
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
    if org_ids is None:
        # everyone's (a platform admin): the primary key walked newest first meets the cap
        # within the first few thousand rows, cheaper than fifty walks of an index
        terms, args = ["created_at >= ?"], [since]
        if category:
            terms.append("category = ?")
            args.append(category)
        rows = conn.execute(
            f"SELECT {_COLUMNS} FROM appeals WHERE {' AND '.join(terms)} ORDER BY seq DESC LIMIT ?",
            [*args, limit],
        ).fetchall()
        return [MapAppeal._make(row) for row in rows]
    seqs = _newest_seqs(conn, sorted(org_ids), since, category, limit)
    if not seqs:
        return []
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM appeals WHERE seq IN {ids_in_json(conn)} "
        "AND created_at >= ? ORDER BY seq DESC",
        (json.dumps(seqs), since),
    ).fetchall()
    return [MapAppeal._make(row) for row in rows]


def _newest_seqs(
    conn: sqlite3.Connection, org_ids: list[int], since: str, category: str | None, limit: int
) -> list[int]:
    """The newest `limit` sequence numbers of the period over all `org_ids`, newest first."""
    topic = " AND a.category = ?" if category else ""
    walk = (
        "SELECT seq FROM (SELECT a.seq FROM appeals a WHERE a.target_org_id = ?"
        f"{topic} AND a.seq >= coalesce((SELECT b.seq FROM appeals b "
        "WHERE b.target_org_id = ? AND b.created_at >= ? ORDER BY b.created_at LIMIT 1), ?) "
        "ORDER BY a.seq DESC LIMIT ?) AS per_org"
    )
    found: list[int] = []
    for start in range(0, len(org_ids), MAX_COMPOUND):
        chunk = org_ids[start : start + MAX_COMPOUND]
        values: list[object] = []
        for org_id in chunk:
            values += [org_id, *([category] if category else []), org_id, since, _NO_SEQ, limit]
        sql = " UNION ALL ".join([walk] * len(chunk))
        found += [row[0] for row in conn.execute(sql, values)]
    found.sort(reverse=True)
    return found[:limit]
