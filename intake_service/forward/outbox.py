"""The outbox: one row per appeal and sink, written in the appeal's own transaction, so that an
accepted appeal is always either forwarded or visibly waiting — never lost between the two.

A row is `done` only once its sink confirmed it. For the embedded queue the sink is the agency's
consumer and the confirmation is its acknowledgement, so the outbox row *is* the queue message:
`pending` (waiting), `inflight` (handed out under a receipt, invisible until `next_attempt_at`),
`done` (acknowledged). External sinks use `pending` → `done`, or `failed` with a next attempt,
and `dead` after the last attempt.
"""

from __future__ import annotations

import sqlite3
from enum import StrEnum

EMBEDDED_SINK = "embedded"


class OutboxState(StrEnum):
    PENDING = "pending"
    INFLIGHT = "inflight"
    FAILED = "failed"
    DONE = "done"
    DEAD = "dead"


def add_rows(
    conn: sqlite3.Connection, appeal_id: str, org_id: int, sinks: list[str], *, now: float, at: str
) -> None:
    conn.executemany(
        "INSERT INTO outbox (appeal_id, org_id, sink, state, next_attempt_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(appeal_id, org_id, sink, OutboxState.PENDING, now, at) for sink in sinks],
    )


def stats(conn: sqlite3.Connection) -> list[dict[str, object]]:
    """Counts per organisation, sink and state — `pos-intake queue stats` and /metrics."""
    rows = conn.execute(
        "SELECT o.slug AS org, x.sink, x.state, count(*) AS count, min(x.updated_at) AS oldest "
        "FROM outbox x JOIN orgs o ON o.id = x.org_id "
        "GROUP BY o.slug, x.sink, x.state ORDER BY o.slug, x.sink, x.state"
    )
    return [dict(row) for row in rows]


def depth(conn: sqlite3.Connection) -> list[tuple[str, str, int]]:
    """(org, sink, messages not yet done) for every org and sink that has any."""
    rows = conn.execute(
        "SELECT o.slug, x.sink, count(*) FROM outbox x JOIN orgs o ON o.id = x.org_id "
        "WHERE x.state != 'done' GROUP BY o.slug, x.sink"
    )
    return [(r[0], r[1], r[2]) for r in rows]
