"""The reads behind GeoReport v2's `GET requests` and `requests/{id}`: an organisation's
appeals filed in a period, newest first, on `appeals_by_target_time (target_org_id,
created_at)` — one index range per organisation shown."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from intake_service.statuses import STATUS_TYPES, Status, StatusType

MAX_RESULTS = 1000
MAX_IDS = 50
"""How many comma-separated `service_request_id` one `GET requests` may name: an app checks
the requests it filed in batches; a longer list is refused (400), not cut short, so that the
app knows why some are missing. Counted as sent (`a,,b` is three), as the schema's pattern
counts them (openapi_paths.py)."""

_COLUMNS = (
    "SELECT a.id, a.number, a.status, a.category, a.text, a.address, a.lat, a.lon, "
    "a.media_url, a.created_at, a.updated_at, a.answer_due, a.answer, a.status_reason, "
    "a.clarify_question, a.target_org_id FROM appeals a"
)


def open311_status(status: str) -> str:
    """Open311's word for one of the project's statuses: open, or closed (answered and
    resolved ones included)."""
    return "open" if STATUS_TYPES.get(Status(status)) is StatusType.OPEN else "closed"


def statuses_of(open_or_closed: Iterable[str]) -> list[str]:
    """The project's statuses that Open311's `open` / `closed` stand for."""
    wanted = set(open_or_closed)
    return [str(status) for status in STATUS_TYPES if open311_status(status) in wanted]


def find_requests(
    conn: sqlite3.Connection,
    org_ids: Iterable[int],
    *,
    since: str,
    until: str,
    categories: list[str] | None = None,
    statuses: list[str] | None = None,
    limit: int = MAX_RESULTS,
) -> list[sqlite3.Row]:
    """Appeals of these organisations filed in [since, until) (stored UTC instants)."""
    orgs = sorted(org_ids)
    if not orgs:
        return []
    terms = [
        f"a.target_org_id IN ({','.join('?' * len(orgs))})",
        "a.created_at >= ?",
        "a.created_at < ?",
    ]
    args: list[object] = [*orgs, since, until]
    if categories:
        terms.append(f"a.category IN ({','.join('?' * len(categories))})")
        args += categories
    if statuses is not None:
        terms.append(f"a.status IN ({','.join('?' * len(statuses))})" if statuses else "0")
        args += statuses
    sql = f"{_COLUMNS} WHERE {' AND '.join(terms)} ORDER BY a.created_at DESC LIMIT ?"
    return conn.execute(sql, (*args, limit)).fetchall()


def find_by_ids(conn: sqlite3.Connection, ids: list[str]) -> list[sqlite3.Row]:
    """These appeals (ids that do not exist are left out), newest first."""
    wanted = list(dict.fromkeys(ids))[:MAX_RESULTS]
    if not wanted:
        return []
    sql = f"{_COLUMNS} WHERE a.id IN ({','.join('?' * len(wanted))}) ORDER BY a.created_at DESC"
    return conn.execute(sql, wanted).fetchall()
