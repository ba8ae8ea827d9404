"""Handling one appeal in the console, store side: what its page reads, and the operator's own
acts on it (assignee, severity, note, duplicate, a contact view) as writer operations.

The changes other parties make too — a status, the public answer — and what every change
shares (who acts, the re-read row, its event) are in lifecycle/changes.py.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from intake_service.console.accounts import list_users
from intake_service.console.answer_templates import templates_for
from intake_service.events import EventType, appeal_history
from intake_service.forward.outbox import deliveries
from intake_service.forward.sinks import list_sinks
from intake_service.lifecycle.changes import (
    MAX_NOTE,
    Actor,
    Op,
    Refused,
    check_move,
    current,
    find_appeal,
    log_change,
)
from intake_service.photos import listed_for
from intake_service.statuses import Severity, Status
from intake_service.store import now_iso

MAX_CHAIN = 10  # how far a duplicate follows its originals before giving up


def page_data(conn: sqlite3.Connection, appeal_id: str) -> dict[str, Any] | None:
    """Everything the appeal's page shows, in one go on a reader thread; None if missing."""
    appeal = find_appeal(conn, appeal_id)
    if appeal is None:
        return None
    org_id = appeal["target_org_id"]
    duplicates = conn.execute(
        "SELECT id, number FROM appeals WHERE duplicate_of = ? ORDER BY seq", (appeal_id,)
    ).fetchall()
    repeats = conn.execute(
        "SELECT id, number FROM appeals WHERE repeat_of = ? ORDER BY seq", (appeal_id,)
    ).fetchall()
    return {
        "appeal": appeal,
        "history": appeal_history(conn, appeal_id, types=None),
        "deliveries": deliveries(conn, appeal_id),
        "sink_kinds": {sink.name: sink.kind for sink in list_sinks(conn)},
        "photos": listed_for(conn, [appeal_id])[appeal_id],
        "colleagues": [u for u in list_users(conn, [org_id]) if not u.disabled],
        "templates": templates_for(conn, org_id, appeal["category"]),
        "duplicates": [dict(row) for row in duplicates],
        "repeats": [dict(row) for row in repeats],
    }


def assign_op(appeal_id: str, assignee: str | None, actor: Actor) -> Op:
    """Give the appeal to an enabled user of its target organisation (None: to nobody)."""

    def op(conn: sqlite3.Connection) -> None:
        row = current(conn, appeal_id)
        user_id = None
        if assignee is not None:
            user = conn.execute(
                "SELECT id, email FROM users WHERE email = ? AND org_id = ? "
                "AND disabled_at IS NULL",
                (assignee, row["target_org_id"]),
            ).fetchone()
            if user is None:
                raise Refused("handling.no-colleague", email=assignee)
            user_id = user["id"]
        at = now_iso()
        conn.execute(
            "UPDATE appeals SET assignee_id = ?, updated_at = ? WHERE id = ?",
            (user_id, at, appeal_id),
        )
        log_change(conn, EventType.ASSIGNED, row, actor, {"to": assignee}, at=at)

    return op


def severity_op(appeal_id: str, severity: str | None, actor: Actor) -> Op:
    if severity is not None and severity not in {str(s) for s in Severity}:
        raise Refused("handling.bad-severity")

    def op(conn: sqlite3.Connection) -> None:
        row = current(conn, appeal_id)
        at = now_iso()
        conn.execute(
            "UPDATE appeals SET severity = ?, updated_at = ? WHERE id = ?",
            (severity, at, appeal_id),
        )
        data = {"from": row["severity"], "to": severity}
        log_change(conn, EventType.SEVERITY, row, actor, data, at=at)

    return op


def note_op(appeal_id: str, text: str, actor: Actor) -> Op:
    """An internal note: in the intake log only, never on the tracking page."""
    text = text.strip()[:MAX_NOTE]
    if not text:
        raise Refused("handling.note-empty")

    def op(conn: sqlite3.Connection) -> None:
        row = current(conn, appeal_id)
        at = now_iso()
        conn.execute("UPDATE appeals SET updated_at = ? WHERE id = ?", (at, appeal_id))
        log_change(conn, EventType.NOTE, row, actor, {"text": text}, at=at)

    return op


def duplicate_op(appeal_id: str, original_id: str, note: str, actor: Actor) -> Op:
    """Mark a duplicate of `original_id` (checked visible by the caller): same organisation,
    not itself, and no loop — the original must not follow this appeal."""
    note = note.strip()[:MAX_NOTE]

    def op(conn: sqlite3.Connection) -> None:
        row = current(conn, appeal_id)
        original = current(conn, original_id)
        if original["id"] == row["id"]:
            raise Refused("handling.duplicate-self")
        if original["target_org_id"] != row["target_org_id"]:
            raise Refused("handling.duplicate-other-org")
        step = original
        for _ in range(MAX_CHAIN):
            if step["duplicate_of"] is None:
                break
            if step["duplicate_of"] == row["id"]:
                raise Refused("handling.duplicate-loop", number=original["number"])
            step = current(conn, step["duplicate_of"])
        else:
            raise Refused("handling.duplicate-loop", number=original["number"])
        check_move(row["status"], Status.DUPLICATE)
        at = now_iso()
        conn.execute(
            "UPDATE appeals SET status = ?, duplicate_of = ?, status_reason = NULL, "
            "updated_at = ? WHERE id = ?",
            (Status.DUPLICATE, original["id"], at, appeal_id),
        )
        data: dict[str, Any] = {
            "from": row["status"],
            "to": str(Status.DUPLICATE),
            "original": original["number"],
        }
        if note:
            data["note"] = note
        log_change(conn, EventType.STATUS, row, actor, data, at=at)

    return op


def contact_viewed_op(appeal_id: str, actor: Actor) -> Op:
    """The audit event of one showing of the citizen's contact (the row does not change)."""

    def op(conn: sqlite3.Connection) -> None:
        row = current(conn, appeal_id)
        log_change(conn, EventType.CONTACT_VIEWED, row, actor, {}, at=now_iso())

    return op
