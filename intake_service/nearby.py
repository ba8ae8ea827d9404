"""Appeals of one organisation and topic at a place: within RADIUS_M of a point, or at the same
address once both are normalised (case, spaces and punctuation do not count). Two readers ask:
the console's similar appeals beside one appeal (console/similar.py), and the citizen's form,
which shows the open ones before a second report of the same broken lamp is filed
(form/similar.py).

The candidates are one indexed range (`appeals_by_target_time`: the organisation, then the time
of filing), of the topic, at most SCAN of them, newest first; distance and address are compared
here, in Python, the same way on SQLite and PostgreSQL.
"""

from __future__ import annotations

import math
import re
import sqlite3
from typing import Any

RADIUS_M = 200.0
SCAN = 2000  # the newest candidates of the window read at most: a bound on a busy topic
EARTH_RADIUS_M = 6_371_000.0

NEARBY, SAME_ADDRESS = "nearby", "same-address"

COLUMNS = "a.id, a.number, a.status, a.created_at, a.address, a.lat, a.lon, a.duplicate_of, a.text"

_NOT_WORD = re.compile(r"[\W_]+")


def normalised_address(address: str | None) -> str:
    """An address as compared: lower case, every run of spaces and punctuation one space."""
    return _NOT_WORD.sub(" ", (address or "").lower()).strip()


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def same_topic(
    conn: sqlite3.Connection,
    org_id: int,
    category: str,
    since: str,
    until: str,
    limit: int,
    *,
    other_than: str = "",
) -> list[sqlite3.Row]:
    """The organisation's appeals of `category` filed between `since` and `until`, newest
    first, at most `limit`, but `other_than`: one range of `appeals_by_target_time`."""
    return conn.execute(
        f"SELECT {COLUMNS} FROM appeals a "
        "WHERE a.target_org_id = ? AND a.created_at >= ? AND a.created_at <= ? "
        "AND a.category = ? AND a.id != ? ORDER BY a.created_at DESC LIMIT ?",
        (org_id, since, until, category, other_than, limit),
    ).fetchall()


def at_place(
    conn: sqlite3.Connection,
    *,
    org_id: int,
    category: str,
    lat: float | None,
    lon: float | None,
    address: str | None,
    since: str,
    until: str,
    other_than: str = "",
    scan: int = SCAN,
) -> list[dict[str, Any]]:
    """Of the newest `scan` of `same_topic`, those within RADIUS_M of (lat, lon) or at `address`: nearest first,
    each with its `metres` away (None when matched by address alone) and its `reasons`."""
    here = (lat, lon)
    wanted = normalised_address(address)
    if None in here and not wanted:
        return []
    found = []
    for row in same_topic(conn, org_id, category, since, until, scan, other_than=other_than):
        metres = None
        if (
            lat is not None
            and lon is not None
            and row["lat"] is not None
            and row["lon"] is not None
        ):
            metres = distance_m(lat, lon, row["lat"], row["lon"])
        near = metres is not None and metres <= RADIUS_M
        same_place = bool(wanted) and normalised_address(row["address"]) == wanted
        if near or same_place:
            found.append(
                {
                    **dict(row),
                    "metres": round(metres) if near and metres is not None else None,
                    "reasons": [NEARBY if near else SAME_ADDRESS],
                }
            )
    found.sort(key=lambda r: (r["metres"] is None, r["metres"] or 0))
    return found
