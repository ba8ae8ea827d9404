"""The citizen's verdict on an answer, and repeat appeals.

After an answer the citizen says "solved" or "not solved", with a 1–5 rating and an optional
comment — once. Only that (or the end of the confirmation period, `POS_VERDICT_DAYS`) makes an
appeal `resolved`. "Not solved", or "the problem is back" within `POS_REPEAT_DAYS` of the
answer, files a repeat appeal: a NEW appeal to the same organisation, linked by `repeat_of`,
accepted through the same path as every appeal (number, queue, sinks, the registered e-mail).
The first appeal's verdict and `repeated` event are written by the `also` hook of that
acceptance, so the verdict and its repeat commit together or not at all.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable

from intake_service.dialect import row_locks
from intake_service.events import EventType
from intake_service.lifecycle.changes import CITIZEN, SYSTEM, current, log_change, notify_closed
from intake_service.statuses import Status, open_statuses_sql
from intake_service.store import now_iso

MAX_COMMENT = 2000  # the comment's limit (checked with the appeal text's rules on the way in)
# statuses after which the citizen may say the problem is back
REPEATABLE = (Status.ANSWERED, Status.RESOLVED, Status.NOT_RESOLVED)


class VerdictRefused(Exception):
    """Why the citizen's verdict or repeat cannot be taken: `early` (no answer yet), `twice`,
    `late` (after the repeat period)."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


def last_answered(conn: sqlite3.Connection, appeal_id: str, answered_at: str | None) -> str | None:
    """When the answer the citizen reads was given: the latest `answered` event. An appeal
    reopened and answered again keeps its first `answered_at` (for the statistics), but the
    repeat period and the answer's date on the tracking page are the latest answer's."""
    if not answered_at:
        return None
    row = conn.execute(
        "SELECT max(at) FROM events WHERE appeal_id = ? AND type = ?",
        (appeal_id, str(EventType.ANSWERED)),
    ).fetchone()
    return max(answered_at, row[0] or answered_at)


def days_since(at: str | None, now: dt.datetime) -> float | None:
    """Days from an ISO instant to `now`; None without one."""
    if not at:
        return None
    return (now - dt.datetime.fromisoformat(at.replace("Z", "+00:00"))).total_seconds() / 86400


def verdict_op(
    appeal_id: str, solved: bool, rating: int, comment: str, *, repeat_number: str | None = None
) -> Callable[[sqlite3.Connection], None]:
    """Record the verdict: `resolved` or `not_resolved` (a status event by "citizen") and a
    `rated` event; with `repeat_number`, a `repeated` event naming the repeat appeal — refused,
    as "the problem is back" is, while an earlier repeat of this appeal is still open. The
    comment comes checked (tracking_routes.py): too long is an error there, never cut here."""
    comment = comment.strip()

    def op(conn: sqlite3.Connection) -> None:
        # locked on PostgreSQL: a verdict sent to two nodes at once was read unrated by both
        # transactions and recorded twice; the second now waits, then reads it rated
        row = conn.execute(
            "SELECT status, rated_at FROM appeals a WHERE id = ?" + row_locks(conn, "a"),
            (appeal_id,),
        ).fetchone()
        if row["rated_at"]:
            raise VerdictRefused("twice")
        if row["status"] != Status.ANSWERED:
            raise VerdictRefused("early")
        if repeat_number and open_repeat(conn, appeal_id, besides=repeat_number):
            raise VerdictRefused("repeat-open")
        full = current(conn, appeal_id)
        new = Status.RESOLVED if solved else Status.NOT_RESOLVED
        at = now_iso()
        conn.execute(
            "UPDATE appeals SET status = ?, solved = ?, rating = ?, rating_comment = ?, "
            "rated_at = ?, updated_at = ? WHERE id = ?",
            (new, int(solved), rating, comment or None, at, at, appeal_id),
        )
        data = {"from": str(Status.ANSWERED), "to": str(new)}
        event_id = log_change(conn, EventType.STATUS, full, CITIZEN, data, at=at)
        verdict = {"solved": solved, "rating": rating, "comment": comment}
        log_change(conn, EventType.RATED, full, CITIZEN, verdict, at=at)
        if repeat_number:
            log_change(conn, EventType.REPEATED, full, CITIZEN, {"repeat": repeat_number}, at=at)
        notify_closed(conn, appeal_id, new, None, event_id)

    return op


def open_repeat(conn: sqlite3.Connection, appeal_id: str, besides: str = "") -> str | None:
    """The number of a repeat of this appeal that is still being handled (other than the one
    being filed, `besides`): while there is one, the problem is in hand and another repeat — a
    double click, a form sent twice — would only file the same work again."""
    row = conn.execute(
        "SELECT number FROM appeals WHERE repeat_of = ? AND number != ? "
        f"AND status IN {open_statuses_sql()} LIMIT 1",
        (appeal_id, besides),
    ).fetchone()
    return row["number"] if row else None


def repeat_check_op(appeal_id: str, repeat_days: int) -> Callable[[sqlite3.Connection, str], None]:
    """ "The problem is back": refused before an answer, after the period or while an earlier
    repeat is open; else the first appeal gets its `repeated` event naming the repeat, in the
    repeat's own transaction."""

    def op(conn: sqlite3.Connection, number: str) -> None:
        row = current(conn, appeal_id)
        answered = last_answered(conn, appeal_id, row["answered_at"])
        if row["status"] not in REPEATABLE or not answered:
            raise VerdictRefused("early")
        if (days_since(answered, dt.datetime.now(dt.UTC)) or 0.0) > repeat_days:
            raise VerdictRefused("late")
        if open_repeat(conn, appeal_id, besides=number):
            raise VerdictRefused("repeat-open")
        at = now_iso()
        log_change(conn, EventType.REPEATED, row, CITIZEN, {"repeat": number}, at=at)

    return op


def verdict_limit(verdict_days: int) -> str:
    """An answer at or before this (ISO, compared as text) is past the confirmation period."""
    limit = dt.datetime.now(dt.UTC) - dt.timedelta(days=verdict_days)
    return limit.strftime("%Y-%m-%dT%H:%M:%S") + "~"


# answered appeals past the period, measured from the answer the citizen reads (see below)
_PAST_PERIOD = "status = 'answered' AND answered_at <= ? AND coalesce(updated_at, answered_at) <= ?"


def verdicts_due(conn: sqlite3.Connection, verdict_days: int) -> bool:
    """Whether an answer waits past the period for the citizen's verdict (a read, so that the
    writer is asked only when `settle_verdicts_op` has something to do)."""
    limit = verdict_limit(verdict_days)
    return bool(
        conn.execute(
            f"SELECT 1 FROM appeals WHERE {_PAST_PERIOD} LIMIT 1", (limit, limit)
        ).fetchone()
    )


def settle_verdicts_op(verdict_days: int, batch: int) -> Callable[[sqlite3.Connection], int]:
    """Answered appeals whose citizen said nothing within the period count as resolved (a
    status event by "system", the closing notice).

    The period runs from the answer the citizen reads: `answered_at` keeps the FIRST answer's
    time (for the statistics), so an appeal reopened and answered again is measured by
    `updated_at` too, which its latest answer set and later changes only move on. At most
    `batch` appeals an operation (periods.py says why)."""

    def op(conn: sqlite3.Connection) -> int:
        limit = verdict_limit(verdict_days)
        rows = conn.execute(
            f"SELECT id FROM appeals WHERE {_PAST_PERIOD} ORDER BY answered_at LIMIT ?",
            (limit, limit, batch),
        ).fetchall()
        for found in rows:
            row = current(conn, found["id"])
            at = now_iso()
            conn.execute(
                "UPDATE appeals SET status = ?, updated_at = ? WHERE id = ?",
                (Status.RESOLVED, at, row["id"]),
            )
            data = {"from": str(Status.ANSWERED), "to": str(Status.RESOLVED), "period": True}
            event_id = log_change(conn, EventType.STATUS, row, SYSTEM, data, at=at)
            notify_closed(conn, row["id"], Status.RESOLVED, None, event_id)
        return len(rows)

    return op
