"""Extending an official appeal's answer deadline: once, by 30 days (59-ФЗ art. 12), with a
reason the citizen reads on the tracking page and in the e-mail that tells them."""

from __future__ import annotations

import datetime as dt
import sqlite3

from intake_service.events import EventType
from intake_service.lifecycle.changes import MAX_REASON, Actor, Op, Refused, current, log_change
from intake_service.lifecycle.deadlines import Calendar, extended
from intake_service.lifecycle.notices import NoticeKind, notify_citizen
from intake_service.statuses import StatusType, status_type
from intake_service.store import now_iso


def extend_op(appeal_id: str, reason: str, calendar: Calendar, actor: Actor) -> Op:
    reason = reason.strip()[:MAX_REASON]
    if not reason:
        raise Refused("extend.reason-required")

    def op(conn: sqlite3.Connection) -> None:
        row = current(conn, appeal_id)
        if row["kind"] != "official":
            raise Refused("extend.not-official")
        if row["extended_at"]:
            raise Refused("extend.once")
        if status_type(row["status"]) is not StatusType.OPEN or not row["answer_due"]:
            raise Refused("extend.closed")
        new_due = extended(dt.date.fromisoformat(row["answer_due"]), calendar).isoformat()
        at = now_iso()
        conn.execute(
            "UPDATE appeals SET answer_due = ?, extended_at = ?, extension_reason = ?, "
            "updated_at = ? WHERE id = ?",
            (new_due, at, reason, at, appeal_id),
        )
        data = {"from": row["answer_due"], "to": new_due, "reason": reason}
        event_id = log_change(conn, EventType.EXTENDED, row, actor, data, at=at)
        notify_citizen(
            conn,
            appeal_id,
            NoticeKind.EXTENDED,
            dedupe=f"extended:{event_id}",
            data={"text": reason, "answer_due": new_due},
        )

    return op
