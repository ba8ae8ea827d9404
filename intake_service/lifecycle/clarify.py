"""Clarification: an operator asks the citizen a question, the citizen answers on the tracking
page, and an appeal whose question stays unanswered past its date closes as `not_clarified`.

The question is public (the citizen must read it); the due date is counted like every deadline,
in the deployment's calendar from today in the organisation's zone. While the question is open
the appeal is `clarifying`; the citizen's answer moves it back to `in_progress`. Each step is
one writer operation: the row, its event and the citizen's notice together.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from intake_service.events import EventType
from intake_service.lifecycle.changes import (
    CITIZEN,
    MAX_NOTE,
    SYSTEM,
    Actor,
    Op,
    Refused,
    current,
    log_change,
    notify_closed,
)
from intake_service.lifecycle.notices import NoticeKind, notify_citizen
from intake_service.statuses import Status, can_move
from intake_service.store import now_iso

MAX_QUESTION = 2000


def ask_op(appeal_id: str, question: str, due: str, actor: Actor) -> Op:
    """The operator's question, answerable until `due` (an ISO date)."""
    question = question.strip()[:MAX_QUESTION]
    if not question:
        raise Refused("clarify.question-empty")

    def op(conn: sqlite3.Connection) -> None:
        row = current(conn, appeal_id)
        if not can_move(row["status"], Status.CLARIFYING):
            raise Refused("handling.bad-move", current=row["status"], new=Status.CLARIFYING)
        at = now_iso()
        conn.execute(
            "UPDATE appeals SET status = ?, clarify_question = ?, clarify_due = ?, "
            "clarify_answer = NULL, status_reason = NULL, updated_at = ? WHERE id = ?",
            (Status.CLARIFYING, question, due, at, appeal_id),
        )
        data = {"from": row["status"], "to": str(Status.CLARIFYING), "question": question}
        event_id = log_change(
            conn, EventType.CLARIFY_ASKED, row, actor, {**data, "due": due}, at=at
        )
        notify_citizen(
            conn,
            appeal_id,
            NoticeKind.CLARIFY,
            dedupe=f"clarify:{event_id}",
            data={"text": question, "clarify_due": due},
        )

    return op


class ClarifyRefused(Exception):
    """The citizen's answer cannot be taken: no open question (answered already, or closed)."""


def answer_op(appeal_id: str, text: str) -> Op:
    """The citizen's answer: stored, logged, and the appeal back `in_progress`."""
    text = text.strip()[:MAX_NOTE]

    def op(conn: sqlite3.Connection) -> None:
        row = current(conn, appeal_id)
        if row["status"] != Status.CLARIFYING:
            raise ClarifyRefused("no open question")
        at = now_iso()
        conn.execute(
            "UPDATE appeals SET status = ?, clarify_answer = ?, updated_at = ? WHERE id = ?",
            (Status.IN_PROGRESS, text, at, appeal_id),
        )
        data: dict[str, Any] = {"from": str(Status.CLARIFYING), "to": str(Status.IN_PROGRESS)}
        log_change(conn, EventType.CLARIFIED, row, CITIZEN, {**data, "text": text}, at=at)

    return op


def questions_due(conn: sqlite3.Connection, latest_today: str) -> bool:
    """Whether a question may be unanswered past its date: one is due before the latest
    "today" of any organisation's zone (`expire_op` checks each against its own)."""
    return bool(
        conn.execute(
            "SELECT 1 FROM appeals WHERE status = 'clarifying' AND clarify_due < ? LIMIT 1",
            (latest_today,),
        ).fetchone()
    )


def expire_op(today_by_org: dict[int, str], batch: int) -> Op:
    """Close the appeals whose question is unanswered past its date (today in its org's zone,
    given per organisation), at most `batch` an operation: `not_clarified`, a status event by
    "system", a notice."""

    def op(conn: sqlite3.Connection) -> int:
        rows = conn.execute(
            "SELECT id, target_org_id, clarify_due FROM appeals WHERE status = 'clarifying' "
            "AND clarify_due IS NOT NULL ORDER BY clarify_due LIMIT ?",
            (batch,),
        ).fetchall()
        closed = 0
        for due_row in rows:
            today = today_by_org.get(due_row["target_org_id"])
            if today is None or due_row["clarify_due"] >= today:
                continue
            row = current(conn, due_row["id"])
            at = now_iso()
            conn.execute(
                "UPDATE appeals SET status = ?, updated_at = ? WHERE id = ?",
                (Status.NOT_CLARIFIED, at, row["id"]),
            )
            data = {"from": str(Status.CLARIFYING), "to": str(Status.NOT_CLARIFIED)}
            event_id = log_change(conn, EventType.STATUS, row, SYSTEM, data, at=at)
            notify_closed(conn, row["id"], Status.NOT_CLARIFIED, None, event_id)
            closed += 1
        return closed

    return op
