"""The text read behind the similar appeals (console/similar.py): those whose text shares words
with the appeal, from the full-text index the console's search keeps (console/search.py); the
place read is nearby.py's.

It reads only the appeal's own organisation (its target), named in the index (`orgs`), so
another organisation's appeal is never a candidate."""

from __future__ import annotations

import sqlite3
from typing import Any

from intake_service.dialect import fixed_join, is_sqlite
from intake_service.nearby import COLUMNS


def _seq_bounds(
    conn: sqlite3.Connection, org_id: int, since: str, until: str
) -> tuple[int, int] | None:
    """The first and the last `seq` of the organisation's appeals filed in the window: the
    index rows are keyed by `seq`, and an appeal's `seq` follows its time of filing, so the
    text match walks that range of the index rather than the organisation's whole history.
    None when the window holds no appeal."""
    first = conn.execute(
        "SELECT seq FROM appeals WHERE target_org_id = ? AND created_at >= ? "
        "AND created_at <= ? ORDER BY created_at LIMIT 1",
        (org_id, since, until),
    ).fetchone()
    last = conn.execute(
        "SELECT seq FROM appeals WHERE target_org_id = ? AND created_at >= ? "
        "AND created_at <= ? ORDER BY created_at DESC LIMIT 1",
        (org_id, since, until),
    ).fetchone()
    if first is None or last is None:
        return None
    return min(first[0], last[0]), max(first[0], last[0])


def shared_words(
    conn: sqlite3.Connection,
    appeal: dict[str, Any],
    expression: str,
    since: str,
    until: str,
    limit: int,
) -> list[sqlite3.Row]:
    """The organisation's appeals filed between `since` and `until` that the full-text index
    matches with `expression` (search.any_term_expression: the organisation's token and any of
    the words), newest first, at most `limit`."""
    bounds = _seq_bounds(conn, appeal["target_org_id"], since, until)
    if bounds is None:
        return []
    sqlite = is_sqlite(conn)
    seq = "s.rowid" if sqlite else "s.seq"
    match = (
        "appeal_search MATCH ?"
        if sqlite
        else "to_tsvector('simple', s.orgs || ' ' || s.body) @@ to_tsquery('simple', ?)"
    )
    sql = (
        f"SELECT {COLUMNS} FROM appeal_search s {fixed_join(conn)} appeals a ON a.seq = {seq} "
        f"WHERE {match} AND {seq} >= ? AND {seq} <= ? AND a.target_org_id = ? "
        "AND a.created_at >= ? AND a.created_at <= ? AND a.id != ? "
        f"ORDER BY {seq} DESC LIMIT ?"
    )
    args = (expression, *bounds, appeal["target_org_id"], since, until, appeal["id"], limit)
    try:
        return conn.execute(sql, args).fetchall()
    except sqlite3.OperationalError as error:
        # a word FTS5 reads as several tokens: no text match rather than a server error
        if "fts5" not in str(error).lower() and "phrase" not in str(error).lower():
            raise
        return []
