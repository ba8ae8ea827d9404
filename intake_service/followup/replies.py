"""Answers from the agencies' own systems: a status change or the public answer, sent with the
organisation's API key over HTTP (`api/replies.py`) or as a message on the RabbitMQ reply queue
(`reply_queue.py`). Both land here, in one writer operation.

They are the same operations an operator makes (lifecycle/changes.py), so an agency's reply is
recorded exactly like an operator's — the appeal row and its event together, `by` naming the
key — and notifies the citizen the same way. A client-supplied key makes a reply idempotent:
the first answer given under it is stored (the `idempotency` table, scope `reply`) in the same
transaction as the change, so a retry, a redelivered message or a replay gets that answer back
and changes nothing; the same key with another body is refused. The key is required: without
it a lost answer could only be retried by applying the change twice.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from intake_service.appeals import body_hash
from intake_service.dialect import lock_name
from intake_service.errors import IdempotencyConflict, IntakeError, NotFound, ValidationFailed
from intake_service.lifecycle.changes import (
    MAX_ANSWER,
    MAX_NOTE,
    MAX_REASON,
    Actor,
    Refused,
    answer_op,
    status_op,
)
from intake_service.statuses import Status

KINDS = ("status", "answer")
_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")


class KeyMissing(IntakeError):
    """A reply without an Idempotency-Key (or message_id): refused before anything is read,
    because a lost answer to it could only be retried by applying the change twice."""

    status, slug, title_key = 400, "idempotency-key-required", "problem.reply-key"

    def __init__(self) -> None:
        super().__init__("detail.reply-key", reason="reply-key-missing")


class ReplyRefused(IntakeError):
    """A reply the status rules do not allow (a move from the current status, an empty answer):
    the appeal stays as it was."""

    status, slug, title_key = 409, "reply-refused", "problem.reply-refused"


@dataclass(frozen=True)
class Reply:
    """One checked reply: which appeal (id or number), what to do, under which key."""

    appeal: str
    kind: str  # status | answer
    fields: dict[str, str]
    key: str
    body_hash: str


def check_reply(kind: str, appeal: str, body: Any, key: str | None) -> Reply:
    """The reply as it will be applied, or ValidationFailed naming every problem."""
    if key is None or not _KEY.match(key):
        raise KeyMissing()
    errors: list[tuple[str, str, dict[str, Any]]] = []
    if not isinstance(body, dict):
        raise ValidationFailed([("body", "field.not-object", {})])
    allowed = {"status": ("status", "reason", "note"), "answer": ("text",)}[kind]
    errors.extend((name, "field.unknown", {}) for name in body if name not in allowed)
    fields: dict[str, str] = {}
    for name in allowed:
        value = body.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            errors.append((name, "field.not-string", {}))
            continue
        fields[name] = value
    limits = {"reason": MAX_REASON, "note": MAX_NOTE, "text": MAX_ANSWER}
    for name, limit in limits.items():
        if len(fields.get(name, "")) > limit:
            errors.append((name, "field.too-long", {"max": limit}))
    if kind == "status":
        status = fields.get("status", "")
        if not status:
            errors.append(("status", "field.required", {}))
        elif status not in {str(s) for s in Status}:
            errors.append(("status", "field.reply-status", {}))
        elif status == Status.REJECTED and not fields.get("reason", "").strip():
            errors.append(("reason", "field.reply-reason", {}))
    elif not fields.get("text", "").strip():
        errors.append(("text", "field.required", {}))
    if errors:
        raise ValidationFailed(errors)
    canonical = {"appeal": appeal, "kind": kind, **fields}
    return Reply(appeal, kind, fields, str(key), body_hash(canonical))


def reply_op(
    reply: Reply,
    org_ids: frozenset[int],
    org_id: int,
    actor: Actor,
    forward_due: Callable[[int], str] | None = None,
):
    """The writer operation: (response, replayed). `org_ids` are the organisations the key may
    answer for (its own and those below it); any other appeal is as missing as an unknown one.
    `forward_due` as for the console's status change (registering starts the seven days)."""

    def op(conn: sqlite3.Connection) -> tuple[dict[str, Any], bool]:
        # a retry on another node sharing the database waits here for the first to commit, and
        # then replays its answer instead of failing on the key's unique index
        lock_name(conn, f"reply:{org_id}:{reply.key}")
        stored = conn.execute(
            "SELECT body_hash, response FROM idempotency "
            "WHERE org_id = ? AND scope = 'reply' AND key = ?",
            (org_id, reply.key),
        ).fetchone()
        if stored is not None:
            if stored["body_hash"] != reply.body_hash:
                raise IdempotencyConflict("detail.idempotency-conflict", key=reply.key)
            return json.loads(stored["response"]), True
        row = conn.execute(
            "SELECT id, number, target_org_id FROM appeals WHERE id = ? OR number = ?",
            (reply.appeal, reply.appeal.strip().upper()),
        ).fetchone()
        if row is None or row["target_org_id"] not in org_ids:
            raise NotFound("detail.reply-appeal", reason="reply-unknown-appeal")
        try:
            if reply.kind == "answer":
                answer_op(row["id"], reply.fields["text"], None, actor)(conn)
            else:
                status_op(
                    row["id"],
                    reply.fields["status"],
                    reply.fields.get("reason", ""),
                    reply.fields.get("note", ""),
                    actor,
                    forward_due,
                )(conn)
        except Refused as refused:
            raise ReplyRefused(
                refused.key, reason=f"reply-refused {refused.key}", **refused.values
            ) from None
        status = conn.execute("SELECT status FROM appeals WHERE id = ?", (row["id"],)).fetchone()
        response = {"id": row["id"], "number": row["number"], "status": status[0]}
        conn.execute(
            "INSERT INTO idempotency (org_id, scope, key, body_hash, response, created_at) "
            "VALUES (?, 'reply', ?, ?, ?, ?)",
            (org_id, reply.key, reply.body_hash, json.dumps(response), time.time()),
        )
        return response, False

    return op
