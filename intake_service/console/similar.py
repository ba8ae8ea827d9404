"""Similar appeals beside one appeal's page: the same organisation and topic, filed within 30
days of it, and either within 200 m of its point or at the same address once both are
normalised (case, spaces and punctuation do not count). They are the likely duplicates — the
same broken lamp reported by three neighbours, one by phone — and the page offers to mark the
appeal a duplicate of one of them with the page's own duplicate operation.

The candidates are one indexed range (`appeals_by_target_time`: the target organisation, then
the time of filing), of the same topic, at most `SCAN` of them; distance and address are
compared here, in Python, the same way on SQLite and PostgreSQL. They are all of the appeal's
own organisation, so whoever sees the appeal sees them; the caller still asks the one rule.
"""

from __future__ import annotations

import math
import re
import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any

from intake_service.store import now_iso

WINDOW = timedelta(days=30)
RADIUS_M = 200.0
SHOWN = 5
SCAN = 2000  # the newest candidates of the window read at most: a bound on a busy topic
EARTH_RADIUS_M = 6_371_000.0

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


def _shifted(iso: str, delta: timedelta) -> str:
    moment = datetime.strptime(iso[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC) + delta
    return now_iso(moment.timestamp())


def similar_appeals(conn: sqlite3.Connection, appeal: dict[str, Any]) -> list[dict[str, Any]]:
    """Up to `SHOWN` appeals like `appeal`, nearest first (then newest), each with its
    `metres` away (None when only the address matched)."""
    here = (appeal["lat"], appeal["lon"])
    address = normalised_address(appeal["address"])
    if None in here and not address:
        return []
    rows = conn.execute(
        "SELECT id, number, status, created_at, address, lat, lon, duplicate_of FROM appeals "
        "WHERE target_org_id = ? AND created_at >= ? AND created_at <= ? AND category = ? "
        "AND id != ? ORDER BY created_at DESC LIMIT ?",
        (
            appeal["target_org_id"],
            _shifted(appeal["created_at"], -WINDOW),
            _shifted(appeal["created_at"], WINDOW),
            appeal["category"],
            appeal["id"],
            SCAN,
        ),
    ).fetchall()
    found = []
    for row in rows:
        if row["duplicate_of"] == appeal["id"]:  # already its duplicate: listed as such
            continue
        metres = None
        if None not in here and row["lat"] is not None and row["lon"] is not None:
            metres = distance_m(here[0], here[1], row["lat"], row["lon"])
        near = metres is not None and metres <= RADIUS_M
        same_place = bool(address) and normalised_address(row["address"]) == address
        if near or same_place:
            found.append({**dict(row), "metres": round(metres) if near else None})
    found.sort(key=lambda r: (r["metres"] is None, r["metres"] or 0))
    return found[:SHOWN]
