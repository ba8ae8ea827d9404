"""Similar appeals beside one appeal's page: the same organisation's appeals filed within 30 days
of it that are likely the same matter — of the same topic and within 200 m of its point or at
the same address once both are normalised (case, spaces and punctuation do not count), or, of
any topic, whose text shares the appeal's significant words. They are the likely duplicates —
the same broken lamp reported by three neighbours, one by phone and in other words — and the
page offers to mark the appeal a duplicate of one of them with the page's own duplicate
operation. Each says why it is listed: the distance, "same address", "similar text".

The place: nearby.py, which the citizen's form asks too (one indexed range of the topic, the
distance and the address compared in Python, alike on SQLite and PostgreSQL).

The text: the appeal's distinct words of at least four letters (stemmed as the search index
stems them, at most 16) make one query of the index for any of them (FTS5 MATCH / PostgreSQL
`@@`), limited to the organisation's token and the window's range of the index; at most
`TEXT_SCAN` of the newest matches are read. One shared word is not enough — "улица" or
"просим" is in half of them — so a match counts when it shares at least `MIN_SHARED` of the
words and at least `MIN_SHARE` of them, and the matches are ranked by how many they share.
Counted here rather than by the engines' rank functions: the SQLite index keeps no counts of
occurrences (`detail = column`), so FTS5's bm25 is 0 for every row of it, and one rank on both
engines lists the same appeals on both.

They are all of the appeal's own organisation, so whoever sees the appeal sees them; the caller
still asks the one rule.
"""

from __future__ import annotations

import math
import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any

from intake_service.console.search import any_term_expression, significant_stems, stems
from intake_service.console.similar_queries import shared_words
from intake_service.dialect import is_sqlite
from intake_service.nearby import at_place
from intake_service.store import now_iso

WINDOW = timedelta(days=30)
SHOWN = 6
TEXT_SCAN = 200  # the newest text matches read at most
MIN_SHARED = 2  # significant words a similar text shares at least (all, when it has fewer)
MIN_SHARE = 0.4  # ... and at least this share of them

SIMILAR_TEXT = "similar-text"


def _shifted(iso: str, delta: timedelta) -> str:
    moment = datetime.strptime(iso[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC) + delta
    return now_iso(moment.timestamp())


def _nearby(
    conn: sqlite3.Connection, appeal: dict[str, Any], since: str, until: str
) -> list[dict[str, Any]]:
    """Same topic, within `RADIUS_M` or at the same address: nearest first (nearby.py)."""
    return at_place(
        conn,
        org_id=appeal["target_org_id"],
        category=appeal["category"],
        lat=appeal["lat"],
        lon=appeal["lon"],
        address=appeal["address"],
        since=since,
        until=until,
        other_than=appeal["id"],
    )


def needed_shared(terms: int) -> int:
    """How many of an appeal's `terms` significant words a similar text must share."""
    return min(terms, max(MIN_SHARED, math.ceil(MIN_SHARE * terms)))


def _similar_text(
    conn: sqlite3.Connection, appeal: dict[str, Any], since: str, until: str
) -> list[dict[str, Any]]:
    """Any topic, the text sharing enough of the appeal's significant words: most shared
    first, then newest."""
    terms = significant_stems(appeal["text"] or "")
    expression = any_term_expression(terms, appeal["target_org_id"], sqlite=is_sqlite(conn))
    if expression is None:
        return []
    wanted, needed = set(terms), needed_shared(len(terms))
    found = []
    # the index holds the address's words too: the share is counted on the text alone
    for row in shared_words(conn, appeal, expression, since, until, TEXT_SCAN):
        shared = len(wanted & set(stems(row["text"] or "")))
        if shared >= needed:
            found.append({**dict(row), "metres": None, "reasons": [SIMILAR_TEXT], "shared": shared})
    found.sort(key=lambda r: -r["shared"])  # stable: newest first among equals, as read
    return found


def similar_appeals(conn: sqlite3.Connection, appeal: dict[str, Any]) -> list[dict[str, Any]]:
    """Up to `SHOWN` appeals like `appeal`: those near it or at its address first (nearest
    first), then those of similar text (most words shared first); an appeal found both ways
    once, with both reasons. Each with its `metres` away (None when not near) and `reasons`."""
    since = _shifted(appeal["created_at"], -WINDOW)
    until = _shifted(appeal["created_at"], WINDOW)
    merged: dict[str, dict[str, Any]] = {}
    for row in (*_nearby(conn, appeal, since, until), *_similar_text(conn, appeal, since, until)):
        if row["duplicate_of"] == appeal["id"]:  # already its duplicate: listed as such
            continue
        known = merged.get(row["id"])
        if known is None:
            merged[row["id"]] = row
        elif row["reasons"][0] not in known["reasons"]:
            known["reasons"].append(row["reasons"][0])
    return list(merged.values())[:SHOWN]
