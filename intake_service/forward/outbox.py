"""The outbox: one row per appeal and sink, written in the appeal's own transaction, so that an
accepted appeal is always either forwarded or visibly waiting — never lost between the two.

A row is `done` only once its sink confirmed it. For the embedded queue the sink is the agency's
consumer and the confirmation is its acknowledgement, so the outbox row *is* the queue message:
`pending` (waiting), `inflight` (handed out under a receipt, invisible until `next_attempt_at`),
`done` (acknowledged). External sinks use `pending` → `done`, or `failed` with a next attempt,
and `dead` after the last attempt.
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from intake_service.events import EventType, insert_event
from intake_service.store import now_iso

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
        "SELECT o.slug AS org, x.sink, x.state, count(*) AS count, min(x.updated_at) AS oldest, "
        "sum(x.attempts) AS attempts, "
        "(SELECT y.last_error FROM outbox y WHERE y.org_id = x.org_id AND y.sink = x.sink "
        " AND y.state = x.state AND y.last_error IS NOT NULL ORDER BY y.updated_at DESC LIMIT 1) "
        "AS last_error "
        "FROM outbox x JOIN orgs o ON o.id = x.org_id "
        "GROUP BY o.slug, x.sink, x.state ORDER BY o.slug, x.sink, x.state"
    )
    return [dict(row) for row in rows]


def deliveries(conn: sqlite3.Connection, appeal: str) -> list[dict[str, object]]:
    """Where one appeal (by id or number) went: one row per sink with state, attempts and error."""
    rows = conn.execute(
        "SELECT a.number, x.appeal_id, x.sink, x.state, x.attempts, x.last_error, x.updated_at, "
        "x.next_attempt_at FROM outbox x JOIN appeals a ON a.id = x.appeal_id "
        "WHERE a.id = ? OR a.number = ? ORDER BY x.id",
        (appeal, appeal.upper()),
    )
    return [dict(row) for row in rows]


def dead(
    conn: sqlite3.Connection, *, org: str | None = None, limit: int = 100
) -> list[dict[str, object]]:
    """Dead deliveries, newest first: what an operator has to look at (and `queue retry`)."""
    rows = conn.execute(
        "SELECT a.number, x.appeal_id, o.slug AS org, x.sink, x.attempts, x.last_error, "
        "x.updated_at FROM outbox x JOIN appeals a ON a.id = x.appeal_id "
        "JOIN orgs o ON o.id = x.org_id WHERE x.state = 'dead' AND (? IS NULL OR o.slug = ?) "
        "ORDER BY x.updated_at DESC, x.id DESC LIMIT ?",
        (org, org, limit),
    )
    return [dict(row) for row in rows]


def retry(
    conn: sqlite3.Connection, *, appeal: str | None = None, dead: bool = False, now: float, at: str
) -> int:
    """Make deliveries due again with a fresh count of attempts: one appeal's failed or dead
    ones, or every dead one. The embedded queue's rows are left to its consumers."""
    where = "x.sink != 'embedded' AND x.state IN ('failed', 'dead')"
    params: list[object] = [OutboxState.PENDING, now, at]
    if appeal is not None:
        where += " AND x.appeal_id IN (SELECT id FROM appeals WHERE id = ? OR number = ?)"
        params += [appeal, appeal.upper()]
    elif dead:
        where += " AND x.state = 'dead'"
    cursor = conn.execute(
        "UPDATE outbox AS x SET state = ?, attempts = 0, next_attempt_at = ?, updated_at = ? "
        f"WHERE {where}",
        params,
    )
    return cursor.rowcount


def depth(conn: sqlite3.Connection) -> list[tuple[str, str, int]]:
    """(org, sink, messages not yet done) for every org and sink that has any."""
    rows = conn.execute(
        "SELECT o.slug, x.sink, count(*) FROM outbox x JOIN orgs o ON o.id = x.org_id "
        "WHERE x.state != 'done' GROUP BY o.slug, x.sink"
    )
    return [(r[0], r[1], r[2]) for r in rows]


@dataclass(frozen=True)
class Settled:
    """A sink's answer for one row of an external sink, ready to be written back."""

    outbox_id: int
    appeal_id: str
    org_id: int
    sink: str
    number: str
    error: str | None
    answered_at: float  # when the sink confirmed or refused
    final: bool = False  # no point in trying again: the sink is gone


def settle_op(
    settled: list[Settled], *, max_attempts: int, backoff: float, backoff_max: float
) -> Callable[[sqlite3.Connection], Counter[str]]:
    """The writer operation settling one answered batch: `done` with a `forwarded` event,
    `failed` with the next attempt after an exponential backoff with jitter, or `dead` after the
    last attempt. Returns how many rows ended how, for /metrics."""

    def op(conn: sqlite3.Connection) -> Counter[str]:
        outcomes: Counter[str] = Counter()
        now = time.time()
        at = now_iso(now)
        ids = [s.outbox_id for s in settled]
        marks = ",".join("?" * len(ids))
        current = {
            r["id"]: r
            for r in conn.execute(
                f"SELECT id, attempts, state FROM outbox WHERE id IN ({marks})", ids
            )
        }
        updates: list[tuple[object, ...]] = []
        for s in settled:
            row = current.get(s.outbox_id)
            if row is None or row["state"] not in (OutboxState.PENDING, OutboxState.FAILED):
                continue  # settled meanwhile (e.g. by `queue retry`): leave it
            attempt = row["attempts"] + 1
            data: dict[str, object] = {
                "number": s.number,
                "sink": s.sink,
                "attempt": attempt,
                "answered_at": now_iso(s.answered_at),
            }
            if s.error is None:
                state, due, event = OutboxState.DONE, now, EventType.FORWARDED
            elif s.final or attempt >= max_attempts:
                state, due, event = OutboxState.DEAD, now, EventType.DEAD
            else:
                delay = min(backoff_max, backoff * 2 ** (attempt - 1))
                state, due, event = (
                    OutboxState.FAILED,
                    now + random.uniform(delay / 2, delay),
                    EventType.FAILED,
                )
                data["next_attempt_in"] = round(due - now, 3)
            updates.append((state, attempt, due, s.error, at, s.outbox_id))
            outcomes[str(event)] += 1
            insert_event(
                conn, event, org_id=s.org_id, appeal_id=s.appeal_id, reason=s.error, data=data,
                at=at,
            )  # fmt: skip
        conn.executemany(
            "UPDATE outbox SET state = ?, attempts = ?, next_attempt_at = ?, "
            "last_error = ?, updated_at = ? WHERE id = ?",
            updates,
        )
        return outcomes

    return op
