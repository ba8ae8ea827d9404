"""The outbox: one row per appeal and sink, written in the appeal's own transaction, so that an
accepted appeal is always either forwarded or visibly waiting — never lost between the two.

A row is `done` only once its sink confirmed it. For the embedded queue the sink is the agency's
consumer and the confirmation is its acknowledgement, so the outbox row *is* the queue message:
`pending` (waiting), `inflight` (handed out under a receipt, invisible until `next_attempt_at`),
`done` (acknowledged), or `expired` when nobody acknowledged it within the retention period.
External sinks use `pending` → `done`, or `failed` with a next attempt, and `dead` after the last
attempt.

Counts per organisation, sink and state live in `outbox_counts`, kept by triggers (migration 5),
so nothing that answers often — /metrics, /readyz, the forwarder's pacing — counts rows. Every
query here that runs on the event loop walks an index in its own order and stops at its LIMIT;
rows in a terminal state (done, expired, dead) are in none of those indexes.
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from intake_service.dialect import row_locks
from intake_service.events import EventType, append_event, insert_events
from intake_service.store import now_iso

EMBEDDED_SINK = "embedded"


class OutboxState(StrEnum):
    PENDING = "pending"
    INFLIGHT = "inflight"
    FAILED = "failed"
    DONE = "done"
    DEAD = "dead"
    EXPIRED = "expired"  # the embedded queue's: not acknowledged within the retention period
    WITHDRAWN = "withdrawn"  # the appeal left the row's organisation before it was delivered


# States in which a row still waits for its sink: what `pos_queue_depth` counts.
TERMINAL = (OutboxState.DONE, OutboxState.EXPIRED, OutboxState.WITHDRAWN)


def add_rows(
    conn: sqlite3.Connection,
    appeal_id: str,
    org_id: int,
    sinks: list[str],
    *,
    now: float,
    at: str,
    notice_id: int | None = None,
) -> None:
    """One pending delivery per sink; `notice_id` names the e-mail a `mail` row sends."""
    conn.executemany(
        "INSERT INTO outbox (appeal_id, org_id, sink, state, next_attempt_at, updated_at, "
        "created_at, notice_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(appeal_id, org_id, sink, OutboxState.PENDING, now, at, now, notice_id) for sink in sinks],
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
        "GROUP BY x.org_id, o.slug, x.sink, x.state ORDER BY o.slug, x.sink, x.state"
    )
    return [dict(row) for row in rows]


def deliveries(conn: sqlite3.Connection, appeal: str) -> list[dict[str, object]]:
    """Where one appeal (by id or number) went: one row per sink with state, attempts and error."""
    rows = conn.execute(
        "SELECT a.number, x.appeal_id, x.org_id, x.sink, x.state, x.attempts, x.last_error, "
        "x.updated_at, x.next_attempt_at FROM outbox x JOIN appeals a ON a.id = x.appeal_id "
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
        "JOIN orgs o ON o.id = x.org_id WHERE x.state = 'dead' AND (CAST(? AS TEXT) IS NULL OR o.slug = ?) "
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
    """(org, sink, messages not yet done) for every org and sink that ever had any (0 once
    drained, so a gauge falls to zero instead of vanishing). Read from the kept counts: a few
    rows, however long the queues are. Dead rows count — they wait for `queue retry`."""
    marks = ",".join("?" * len(TERMINAL))
    rows = conn.execute(
        f"SELECT o.slug, c.sink, sum(CASE WHEN c.state IN ({marks}) THEN 0 ELSE c.n END) "
        "FROM outbox_counts c JOIN orgs o ON o.id = c.org_id "
        "GROUP BY o.slug, c.sink ORDER BY o.slug, c.sink",
        TERMINAL,
    )
    return [(r[0], r[1], r[2]) for r in rows]


def embedded_waiting(conn: sqlite3.Connection, org_id: int) -> int:
    """Messages of the organisation's embedded queue still to be acknowledged: pending, or
    handed out and not yet acknowledged (they come back when their visibility runs out)."""
    row = conn.execute(
        "SELECT coalesce(sum(n), 0) FROM outbox_counts WHERE org_id = ? AND sink = 'embedded' "
        "AND state IN ('pending', 'inflight')",
        (org_id,),
    ).fetchone()
    return int(row[0])


def external_backlog(conn: sqlite3.Connection) -> dict[str, int]:
    """Undelivered rows (pending or failed) of each external sink that has any, from the kept
    counts; removed sinks' rows are here too, so the forwarder can mark them dead."""
    rows = conn.execute(
        "SELECT sink, sum(n) FROM outbox_counts WHERE sink != 'embedded' "
        "AND state IN ('pending', 'failed') GROUP BY sink HAVING sum(n) > 0"
    )
    return {r[0]: int(r[1]) for r in rows}


def due_rows(
    conn: sqlite3.Connection, sink: str, *, skip: list[int], now: float, limit: int
) -> list[sqlite3.Row]:
    """Up to `limit` rows of one external sink due now, longest due first, except `skip` (rows
    being delivered). Walks `outbox_forward_due` from its start: the skipped rows are the first
    due ones, so this reads at most limit + len(skip) entries, whatever the backlog."""
    marks = ",".join("?" * len(skip))
    return conn.execute(
        "SELECT x.id, x.appeal_id, x.org_id, x.sink, x.notice_id, x.message FROM outbox x "
        "WHERE x.sink = ? AND x.state IN ('pending', 'failed') AND x.sink != 'embedded' "
        f"AND x.next_attempt_at <= ? AND x.id NOT IN ({marks}) "
        "ORDER BY x.next_attempt_at LIMIT ?",
        (sink, now, *skip, limit),
    ).fetchall()


def claim_due_rows(
    conn: sqlite3.Connection, sink: str, *, now: float, limit: int, lease: float
) -> list[sqlite3.Row]:
    """PostgreSQL, where several nodes drain one outbox: take up to `limit` rows of one external
    sink due now, longest due first, by moving their next attempt `lease` seconds ahead in the
    same statement. Rows another node is taking at this moment are skipped, not waited for, so
    the nodes split the work; a node that dies leaves its taken rows to come due again when the
    lease ends, and another node sends them."""
    return conn.execute(
        "UPDATE outbox SET next_attempt_at = ? WHERE id IN ("
        "SELECT x.id FROM outbox x WHERE x.sink = ? AND x.state IN ('pending', 'failed') "
        "AND x.sink != 'embedded' AND x.next_attempt_at <= ? "
        "ORDER BY x.next_attempt_at LIMIT ? FOR UPDATE OF x SKIP LOCKED) "
        "RETURNING id, appeal_id, org_id, sink, notice_id, message",
        (now + lease, sink, now, limit),
    ).fetchall()


def due_count(conn: sqlite3.Connection, sink: str, *, now: float, cap: int) -> int:
    """How many rows of one external sink are due now, counted up to `cap` only (pacing needs
    to know whether there are more than a few dozen, not how many more)."""
    return int(
        conn.execute(
            "SELECT count(*) FROM (SELECT 1 FROM outbox x WHERE x.sink = ? "
            "AND x.state IN ('pending', 'failed') AND x.sink != 'embedded' "
            "AND x.next_attempt_at <= ? LIMIT ?) AS due",
            (sink, now, cap),
        ).fetchone()[0]
    )


def expire_op(
    retention: float, batch: int
) -> Callable[[sqlite3.Connection], list[tuple[int, str]]]:
    """The writer operation expiring one batch of embedded-queue messages written more than
    `retention` seconds ago and not acknowledged: state `expired` (terminal; a pull no longer
    hands them out, an ack of their receipt answers unknown) and an `expired` event each, with
    the number and the sink, no personal data. Oldest first, at most `batch` rows, so that a
    million of them are many short transactions between which intake goes on, not one long
    one. Returns (org_id, number) of each, for the caller's count."""

    def op(conn: sqlite3.Connection) -> list[tuple[int, str]]:
        now = time.time()
        at = now_iso(now)
        rows = conn.execute(
            "SELECT x.id, x.appeal_id, x.org_id, x.attempts, a.number FROM outbox x "
            "JOIN appeals a ON a.id = x.appeal_id "
            "WHERE x.sink = 'embedded' AND x.state IN ('pending', 'inflight') "
            "AND x.created_at <= ? ORDER BY x.created_at LIMIT ?",
            (now - retention, batch),
        ).fetchall()
        if not rows:
            return []
        conn.executemany(
            "UPDATE outbox SET state = ?, receipt = NULL, updated_at = ? WHERE id = ?",
            [(OutboxState.EXPIRED, at, r["id"]) for r in rows],
        )
        insert_events(
            conn,
            EventType.EXPIRED,
            [
                (
                    r["org_id"],
                    r["appeal_id"],
                    {"number": r["number"], "sink": EMBEDDED_SINK, "delivery": r["attempts"]},
                )
                for r in rows
            ],
            at=at,
        )
        return [(r["org_id"], r["number"]) for r in rows]

    return op


# States in which a row has not reached its sink and still may: what a withdrawal ends.
UNDELIVERED = (OutboxState.PENDING, OutboxState.INFLIGHT, OutboxState.FAILED, OutboxState.DEAD)
_WITHDRAWABLE = (
    "SELECT x.id, x.org_id, x.appeal_id, x.sink, x.attempts, a.number, t.slug AS target "
    "FROM outbox x JOIN appeals a ON a.id = x.appeal_id JOIN orgs t ON t.id = a.target_org_id "
)


def withdraw_rows(conn: sqlite3.Connection, rows: list[sqlite3.Row], *, at: str) -> None:
    """End rows (`_WITHDRAWABLE`'s columns) whose appeal left their organisation before they
    were delivered: state `withdrawn` (terminal, like `expired`: a pull no longer hands them
    out, an ack of their receipt answers unknown, the forwarder never sends them) and a
    `withdrawn` event each for that organisation, saying where the appeal went."""
    if not rows:
        return
    conn.executemany(
        "UPDATE outbox SET state = ?, receipt = NULL, updated_at = ? WHERE id = ?",
        [(OutboxState.WITHDRAWN, at, r["id"]) for r in rows],
    )
    insert_events(
        conn,
        EventType.WITHDRAWN,
        [
            (
                r["org_id"],
                r["appeal_id"],
                {
                    "number": r["number"],
                    "sink": r["sink"],
                    "delivery": r["attempts"],
                    "to": r["target"],
                },
            )
            for r in rows
        ],
        at=at,
    )


def withdraw_appeal(conn: sqlite3.Connection, appeal_id: str, org_id: int, *, at: str) -> int:
    """Withdraw the organisation's undelivered rows of an appeal forwarded away from it (read
    on `outbox_by_appeal`); e-mails to the citizen (`notice_id`) are not the organisation's
    deliveries and stay. Runs inside the forward's transaction, after the appeal's new target
    is written. How many were withdrawn."""
    marks = ",".join("?" * len(UNDELIVERED))
    rows = conn.execute(
        _WITHDRAWABLE + "WHERE x.appeal_id = ? AND x.org_id = ? AND x.notice_id IS NULL "
        f"AND x.state IN ({marks})" + row_locks(conn, "x"),
        (appeal_id, org_id, *UNDELIVERED),
    ).fetchall()
    withdraw_rows(conn, rows, at=at)
    return len(rows)


def withdrawable(conn: sqlite3.Connection, ids: list[int]) -> list[sqlite3.Row]:
    """The outbox rows of these ids, as `withdraw_rows` takes them."""
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    return conn.execute(_WITHDRAWABLE + f"WHERE x.id IN ({marks})", ids).fetchall()


@dataclass(frozen=True)
class Settled:
    """A sink's answer for one row of an external sink, ready to be written back."""

    outbox_id: int
    appeal_id: str | None  # None for a notice about no appeal (an operator's digest)
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
                f"SELECT id, attempts, state FROM outbox x WHERE id IN ({marks})"
                + row_locks(conn, "x"),
                ids,
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
                # an e-mail handed to the SMTP server is a notice sent, not an appeal forwarded
                done = EventType.NOTIFIED if s.sink == "mail" else EventType.FORWARDED
                state, due, event = OutboxState.DONE, now, done
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
            append_event(
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
