"""A public discussion's comments: written by residents, pre-moderated in one console queue,
public once approved, with the organisation's reply beneath.

A comment is plain text: markup is not interpreted anywhere (every page escapes it), and a
comment past COMMENT_MAX is refused rather than cut. Its author gives a name to show and an
e-mail address the decision is mailed to — approved, or rejected with the reason the
moderator wrote — and a link to the comment's own page (`comment` token), which shows it to
them in every state.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from intake_service.appeal_input import _EMAIL  # the one check of an address
from intake_service.errors import ValidationFailed
from intake_service.events import EventType, insert_event
from intake_service.lifecycle.notices import NoticeKind, record_notice
from intake_service.participation.ballots import poll_open_now
from intake_service.participation.definition import Poll
from intake_service.store import now_iso
from intake_service.visibility import Scope

COMMENT_MAX = 2_000
AUTHOR_MAX = 100
REASON_MAX = 500
REPLY_MAX = 5_000
PAGE = 100  # comments on one page


@dataclass(frozen=True)
class Comment:
    id: int
    poll_id: str
    author: str
    text: str
    state: str  # pending, approved, rejected
    reason: str | None
    reply: str | None
    created_at: str
    decided_at: str | None
    email: str = ""  # for the moderators; never shown on a public page


def _comment(row: Any) -> Comment:
    return Comment(
        id=int(row["id"]),
        poll_id=row["poll_id"],
        author=row["author"],
        text=row["text"],
        state=row["state"],
        reason=row["reason"],
        reply=row["reply"],
        created_at=row["created_at"],
        decided_at=row["decided_at"],
        email=row["email"],
    )


def checked_comment(author: Any, email: Any, text: Any) -> tuple[str, str, str]:
    """(author, e-mail, text) of a comment, or ValidationFailed naming each error."""
    errors: list[tuple[str, str, dict[str, Any]]] = []
    values: list[str] = []
    for field, value, limit in (("author", author, AUTHOR_MAX), ("text", text, COMMENT_MAX)):
        value = value.strip() if isinstance(value, str) else ""
        if not value:
            errors.append((field, "field.required", {}))
        elif len(value) > limit:
            errors.append((field, "field.too-long", {"max": limit}))
        elif "\x00" in value:
            errors.append((field, "field.bad-characters", {}))
        values.append(value)
    address = email.strip() if isinstance(email, str) else ""
    if len(address) > 254 or not _EMAIL.match(address):
        errors.append(("email", "field.email", {}))
    if errors:
        raise ValidationFailed(errors)
    return values[0], address, values[1]


def post_op(
    poll: Poll, *, author: str, email: str, text: str, lang: str, request_id: str | None = None
) -> Callable[[sqlite3.Connection], int]:
    def op(conn: sqlite3.Connection) -> int:
        now = now_iso()
        poll_open_now(conn, poll.id, now)
        row = conn.execute(
            "INSERT INTO poll_comments (poll_id, author, email, text, lang, state, created_at) "
            "VALUES (?, ?, ?, ?, ?, 'pending', ?) RETURNING id",
            (poll.id, author, email, text, lang, now),
        ).fetchone()
        insert_event(
            conn,
            EventType.COMMENT_POSTED,
            org_id=poll.org_id,
            request_id=request_id,
            data={"poll": poll.id, "comment": int(row["id"])},
        )
        return int(row["id"])

    return op


def decide_op(
    poll: Poll, comment_id: int, *, approve: bool, reason: str, by: str
) -> Callable[[sqlite3.Connection], bool]:
    """Approve a pending comment, or reject it with a reason; the author is mailed either way.
    False when the comment is not pending (decided already, by another moderator)."""

    def op(conn: sqlite3.Connection) -> bool:
        row = conn.execute(
            "UPDATE poll_comments SET state = ?, reason = ?, decided_at = ?, decided_by = ? "
            "WHERE id = ? AND poll_id = ? AND state = 'pending' RETURNING email, lang",
            ("approved" if approve else "rejected", None if approve else reason, now_iso(), by,
             comment_id, poll.id),
        ).fetchone()  # fmt: skip
        if row is None:
            return False
        data: dict[str, Any] = {"poll": poll.id, "comment": comment_id, "by": by}
        if not approve:
            data["reason"] = reason
        insert_event(
            conn,
            EventType.COMMENT_APPROVED if approve else EventType.COMMENT_REJECTED,
            org_id=poll.org_id,
            data=data,
        )
        record_notice(
            conn,
            NoticeKind.COMMENT,
            org_id=poll.org_id,
            recipient=row["email"],
            lang=row["lang"],
            data={
                "title": poll.title,
                "comment_id": comment_id,
                "approved": approve,
                "text": None if approve else reason,
            },
            dedupe=f"comment:{comment_id}",
        )
        return True

    return op


def reply_op(
    poll: Poll, comment_id: int, *, reply: str, by: str
) -> Callable[[sqlite3.Connection], bool]:
    """The organisation's reply under an approved comment (written again, replaced)."""

    def op(conn: sqlite3.Connection) -> bool:
        done = conn.execute(
            "UPDATE poll_comments SET reply = ? WHERE id = ? AND poll_id = ? "
            "AND state = 'approved' RETURNING id",
            (reply, comment_id, poll.id),
        ).fetchone()
        if done is None:
            return False
        insert_event(
            conn,
            EventType.COMMENT_REPLIED,
            org_id=poll.org_id,
            data={"poll": poll.id, "comment": comment_id, "by": by},
        )
        return True

    return op


def approved(conn: sqlite3.Connection, poll_id: str, limit: int = PAGE) -> list[Comment]:
    """A discussion's public comments, oldest first (a conversation reads down)."""
    rows = conn.execute(
        "SELECT * FROM poll_comments WHERE poll_id = ? AND state = 'approved' ORDER BY id LIMIT ?",
        (poll_id, limit),
    ).fetchall()
    return [_comment(row) for row in rows]


def comment_by_id(conn: sqlite3.Connection, comment_id: int) -> Comment | None:
    row = conn.execute("SELECT * FROM poll_comments WHERE id = ?", (comment_id,)).fetchone()
    return _comment(row) if row is not None else None


def pending_in_scope(
    conn: sqlite3.Connection, scope: Scope, limit: int = PAGE
) -> list[tuple[Comment, str]]:
    """The moderation queue: pending comments of the polls an operator of `scope` sees, oldest
    first, each with its poll's title."""
    where, args = ("", ()) if scope is None else (
        f"AND p.org_id IN ({','.join('?' * len(scope))})", tuple(sorted(scope))
    )  # fmt: skip
    rows = conn.execute(
        "SELECT c.*, p.title AS poll_title FROM poll_comments c JOIN polls p ON p.id = c.poll_id "
        f"WHERE c.state = 'pending' {where} ORDER BY c.id LIMIT ?",
        (*args, limit),
    ).fetchall()
    return [(_comment(row), row["poll_title"]) for row in rows]


def pending_count(conn: sqlite3.Connection, poll_id: str) -> int:
    """A discussion's comments awaiting moderation (an index range of its own)."""
    row = conn.execute(
        "SELECT COUNT(*) AS n FROM poll_comments WHERE poll_id = ? AND state = 'pending'",
        (poll_id,),
    ).fetchone()
    return int(row["n"])
