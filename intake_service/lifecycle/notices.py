"""Notices: the e-mails the service sends — to citizens about their appeals, to operators as a
daily digest.

A notice is recorded in the same transaction as the event it tells of: a `notices` row holding
what the e-mail needs (rendered only when it is sent, in the recipient's language) and an outbox
row (sink `mail`) that the forwarder drains like any other delivery — retries with backoff, dead
after the last attempt, `queue stats`, `queue retry`, metrics. So a notice is never lost between
the change and the mail, and an SMTP outage only delays it.

`dedupe` names the fact the notice tells of (usually the event: `answered:<event id>`); a second
notice for the same fact is not recorded, so a retried request, a replayed reply message or a
job that runs twice sends one e-mail.
"""

from __future__ import annotations

import json
import sqlite3
import time
from enum import StrEnum
from typing import Any

from intake_service.forward.outbox import add_rows
from intake_service.i18n import t
from intake_service.store import now_iso

MAIL_SINK = "mail"


class NoticeKind(StrEnum):
    CONFIRM = "confirm"  # open this link to confirm your e-mail (a held appeal)
    REGISTERED = "registered"  # number, where it went, the deadline
    ROUTED = "routed"  # sent on to the competent body
    CLARIFY = "clarify"  # a question: answer it on the tracking page by the date
    ANSWERED = "answered"  # the answer itself
    EXTENDED = "extended"  # the deadline moved, with the reason
    STATUS = "status"  # a move between open statuses, with the reason the operator wrote
    CLOSED = "closed"  # rejected, not clarified, resolved, not resolved: with the reason
    DIGEST = "digest"  # to an operator: the organisation's overdue and soon-due appeals
    FOLLOW = "follow"  # to a would-be follower: open this link to follow appeal N
    FOLLOWED = "followed"  # to a follower: appeal N moved (its status only), and how to stop
    VOTE = "vote"  # to a voter: open this link to count your vote in poll T
    COMMENT = "comment"  # to a comment's author: approved, or rejected with the reason


def record_notice(
    conn: sqlite3.Connection,
    kind: NoticeKind,
    *,
    org_id: int,
    recipient: str,
    lang: str,
    data: dict[str, Any],
    dedupe: str,
    appeal_id: str | None = None,
) -> int | None:
    """Record one e-mail and its outbox row, inside the caller's transaction. Returns the
    notice id, or None when a notice with this `dedupe` exists already (nothing is added)."""
    row = conn.execute(
        "INSERT INTO notices (appeal_id, org_id, kind, recipient, lang, data, dedupe, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe) DO NOTHING RETURNING id",
        (
            appeal_id,
            org_id,
            str(kind),
            recipient,
            lang if lang in ("ru", "en") else "ru",
            json.dumps(data, ensure_ascii=False),
            dedupe,
            now_iso(),
        ),
    ).fetchone()
    if row is None:
        return None
    notice_id = int(row[0])
    now = time.time()
    add_rows(
        conn, appeal_id or "", org_id, [MAIL_SINK], now=now, at=now_iso(now), notice_id=notice_id
    )
    return notice_id


def appeal_basics(
    *,
    number: str,
    category: str,
    appeal_kind: str,
    org_name: str,
    answer_due: str | None,
    citizen_name: str | None,
) -> dict[str, Any]:
    """What every notice to a citizen carries, whatever it tells of. The citizen's name is
    for the greeting («Уважаемая Анна Сергеевна!»), made when the mail is sent: the notice
    goes to that citizen's own address, which it holds already."""
    return {
        "number": number,
        "category": category,
        "appeal_kind": appeal_kind,
        "org_name": org_name,
        "answer_due": answer_due,
        "citizen_name": citizen_name,
    }


def citizen_email(conn: sqlite3.Connection, appeal_id: str) -> tuple[str, str] | None:
    """(e-mail, language) to send the citizen copies to: only when the appeal has an e-mail and
    the citizen gets copies (`notify_email`: messages by default, official appeals when asked)."""
    row = conn.execute(
        "SELECT contact, lang, notify_email FROM appeals WHERE id = ?", (appeal_id,)
    ).fetchone()
    if row is None or not row["notify_email"]:
        return None
    try:
        email = json.loads(row["contact"] or "{}").get("email")
    except (ValueError, AttributeError):
        return None
    return (str(email), row["lang"] or "ru") if email else None


def notify_citizen(
    conn: sqlite3.Connection,
    appeal_id: str,
    kind: NoticeKind,
    *,
    dedupe: str,
    data: dict[str, Any] | None = None,
) -> int | None:
    """Tell the appeal's citizen by e-mail, if they get copies. What every notice carries —
    number, organisation, category, the tracking link's appeal id — is read here from the row;
    `data` adds what this notice is about (the answer, the question, the new date, the reason).
    Returns the notice id, or None when nothing was recorded."""
    if kind in FOLLOWED_KINDS:
        notify_followers(conn, appeal_id, dedupe=dedupe)
    to = citizen_email(conn, appeal_id)
    if to is None:
        return None
    row = conn.execute(
        "SELECT a.number, a.category, a.kind, a.answer_due, a.target_org_id, a.contact, "
        "o.name AS org_name "
        "FROM appeals a JOIN orgs o ON o.id = a.target_org_id WHERE a.id = ?",
        (appeal_id,),
    ).fetchone()
    base = appeal_basics(
        number=row["number"],
        category=row["category"],
        appeal_kind=row["kind"],
        org_name=row["org_name"],
        answer_due=row["answer_due"],
        citizen_name=_name(row["contact"]),
    )
    return record_notice(
        conn,
        kind,
        org_id=row["target_org_id"],
        recipient=to[0],
        lang=to[1],
        data={**base, **(data or {})},
        dedupe=dedupe,
        appeal_id=appeal_id,
    )


# the moves a follower hears of: where the appeal went, its status, the answer, the close
FOLLOWED_KINDS = frozenset(
    {NoticeKind.ROUTED, NoticeKind.STATUS, NoticeKind.ANSWERED, NoticeKind.CLOSED}
)


def notify_followers(conn: sqlite3.Connection, appeal_id: str, *, dedupe: str) -> int:
    """Tell the appeal's confirmed followers (followup/follows.py) that it moved: its number,
    organisation and new status — never the citizen's name, the operator's words to the
    citizen or the answer's text, nor the citizen's tracking link (the notice names no
    appeal, so the e-mail carries none). Returns how many were recorded."""
    followers = conn.execute(
        "SELECT id, email, lang FROM follows WHERE appeal_id = ? "
        "AND confirmed_at IS NOT NULL AND stopped_at IS NULL",
        (appeal_id,),
    ).fetchall()
    if not followers:  # the usual case: one index probe, no read of the appeal
        return 0
    row = conn.execute(
        "SELECT a.number, a.status, a.target_org_id, o.name AS org_name "
        "FROM appeals a JOIN orgs o ON o.id = a.target_org_id WHERE a.id = ?",
        (appeal_id,),
    ).fetchone()
    if row is None:
        return 0
    made = 0
    for follower in followers:
        made += (
            record_notice(
                conn,
                NoticeKind.FOLLOWED,
                org_id=row["target_org_id"],
                recipient=follower["email"],
                lang=follower["lang"],
                data={
                    "number": row["number"],
                    "org_name": row["org_name"],
                    "status_title": t("status." + row["status"], follower["lang"]),
                    "follow_id": follower["id"],
                },
                dedupe=f"followed:{follower['id']}:{dedupe}",
            )
            is not None
        )
    return made


def _name(contact: str | None) -> str | None:
    try:
        name = json.loads(contact or "{}").get("name")
    except (ValueError, AttributeError):
        return None
    return str(name) if name else None


def load_notices(conn: sqlite3.Connection, ids: list[int]) -> dict[int, sqlite3.Row]:
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = conn.execute(
        "SELECT id, appeal_id, org_id, kind, recipient, lang, data, dedupe, created_at "
        f"FROM notices WHERE id IN ({marks})",
        ids,
    )
    return {row["id"]: row for row in rows}
