"""Due dates for appeals stored before due dates existed (an upgrade from a release before the
follow-through): without one an open appeal is never flagged overdue, never in the digest, and
the board judges it by age alone.

Once per database, in the background after start: the appeals without an answer date get the
dates they would have had — from the time they were filed, their kind and their category's fast
track, in their organisation's zone and the deployment's calendar — in batches through the one
writer, oldest first. A flag in `meta` then says it is done, so that later starts do not walk the
table again (every appeal accepted since has its dates from intake)."""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from intake_service.runtime import Runtime

log = logging.getLogger("pos_intake")
# Appeals dated an operation: 1,000,000 took 89 s (~90 µs each, the due-count triggers
# included), so a batch of 100 holds intake's commits ~9 ms where 500 held them ~45 ms.
BATCH = 100
DONE_KEY = "due_dates_backfilled"


def is_done(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM meta WHERE key = ?", (DONE_KEY,)).fetchone() is not None


def undated(conn: sqlite3.Connection, after_seq: int, limit: int = BATCH) -> list[sqlite3.Row]:
    """The next appeals without an answer date, in the order they were filed."""
    return conn.execute(
        "SELECT seq, id, kind, category, target_org_id, created_at, status FROM appeals "
        "WHERE seq > ? AND answer_due IS NULL ORDER BY seq LIMIT ?",
        (after_seq, limit),
    ).fetchall()


def dates_op(dates: list[tuple[str | None, str, str]], finished: bool):
    """Write (register_due, answer_due, id) where still empty; with `finished`, the flag."""

    def op(conn: sqlite3.Connection) -> None:
        conn.executemany(
            "UPDATE appeals SET register_due = ?, answer_due = ? "
            "WHERE id = ? AND answer_due IS NULL",
            dates,
        )
        if finished:
            conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, '1') ON CONFLICT (key) DO NOTHING",
                (DONE_KEY,),
            )

    return op


def _dates(runtime: Runtime, row: Any) -> tuple[str | None, str, str]:
    org = runtime.directory.org(row["target_org_id"])
    filed = dt.datetime.fromisoformat(str(row["created_at"]).replace("Z", "+00:00"))
    due = runtime.deadlines.due_for(org, row["kind"], row["category"], filed)
    # the registration date matters only while the appeal waits for its registration
    register = due.register.isoformat() if due.register and row["status"] == "accepted" else None
    return register, due.answer.isoformat(), row["id"]


async def backfill(runtime: Runtime) -> int:
    """Date every undated appeal, once per database; how many were dated."""
    if is_done(runtime.reader):
        return 0
    dated, after = 0, 0
    while True:
        rows = undated(runtime.reader, after)
        finished = len(rows) < BATCH
        dates = [_dates(runtime, row) for row in rows]
        await runtime.writer.submit(dates_op(dates, finished))
        dated += len(dates)
        if finished:
            break
        after = rows[-1]["seq"]
    if dated:
        log.info("due dates: %d appeal(s) from before due dates existed now have them", dated)
    return dated
