"""Handling one appeal in the console, store side: what its page reads, and the writer operations
that change it (status, assignee, severity, note, duplicate, the public answer, a contact view).

The handling state lives on the appeal row — the status, who has it, how acute it is, the
answer the citizen reads — so that the log, the board and the tracking page read one row instead
of replaying history. Every change is ONE writer operation that updates the row (and
`updated_at`) and inserts the event that explains it, with `by` = the operator's e-mail: the row
says where the appeal stands, the intake log says who moved it there, when and why. Each
operation re-reads the row inside the transaction, so two operators racing each other cannot
make a move the status table forbids.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from intake_service.console.accounts import list_users
from intake_service.console.answer_templates import NAME_PLACEHOLDER, fill_template, templates_for
from intake_service.events import EventType, appeal_history, insert_event
from intake_service.followup.notices import NoticeKind, notify_citizen
from intake_service.forward.outbox import deliveries
from intake_service.i18n import t
from intake_service.photos import listed_for
from intake_service.statuses import Severity, Status, StatusType, can_move, status_type
from intake_service.store import now_iso

MAX_NOTE = 4000
MAX_ANSWER = 10000
MAX_REASON = 1000
MAX_CHAIN = 10  # how far a duplicate follows its originals before giving up


class Refused(Exception):
    """A change the rules do not allow: shown to the operator on the appeal's page (422)."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(frozen=True)
class Actor:
    """Who makes a change and from where: what its event records."""

    email: str
    request_id: str | None = None
    remote_addr: str | None = None


# who acts where no operator does: the citizen on the tracking page, the service's own jobs
CITIZEN = Actor(email="citizen")
SYSTEM = Actor(email="system")


_COLUMNS = (
    "a.id, a.number, a.kind, a.category, a.text, a.address, a.lat, a.lon, a.contact, "
    "a.page_url, a.channel, a.embed_origin, a.loader_version, a.status, a.created_at, "
    "a.severity, a.assignee_id, a.duplicate_of, a.answer, a.answered_at, a.status_reason, "
    "a.updated_at, a.target_org_id, a.origin_org_id, "
    "a.lang, a.identity, a.citizen_sub, a.notify_email, a.repeat_of, a.register_due, a.forward_due, a.answer_due, a.extended_at, "
    "a.extension_reason, a.clarify_question, a.clarify_due, a.clarify_answer, a.solved, "
    "a.rating, a.rating_comment, a.rated_at, a.answered_at, a.attributes, a.media_url, "
    "t.slug AS org_slug, t.name AS org_name, o.slug AS origin_slug, o.name AS origin_name, "
    "u.email AS assignee, d.number AS duplicate_number, r.number AS repeat_of_number "
    "FROM appeals a JOIN orgs t ON t.id = a.target_org_id JOIN orgs o ON o.id = a.origin_org_id "
    "LEFT JOIN users u ON u.id = a.assignee_id LEFT JOIN appeals d ON d.id = a.duplicate_of "
    "LEFT JOIN appeals r ON r.id = a.repeat_of "
)


def find_appeal(conn: sqlite3.Connection, appeal_id: str) -> dict[str, Any] | None:
    row = conn.execute("SELECT " + _COLUMNS + "WHERE a.id = ?", (appeal_id,)).fetchone()
    return dict(row) if row else None


def find_by_number(conn: sqlite3.Connection, number: str) -> dict[str, Any] | None:
    row = conn.execute(
        "SELECT " + _COLUMNS + "WHERE a.number = ?", (number.strip().upper(),)
    ).fetchone()
    return dict(row) if row else None


def contact_of(appeal: dict[str, Any]) -> dict[str, str]:
    try:
        contact = json.loads(appeal["contact"] or "{}")
    except ValueError:
        return {}
    return contact if isinstance(contact, dict) else {}


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
        "photos": listed_for(conn, [appeal_id])[appeal_id],
        "colleagues": [u for u in list_users(conn, [org_id]) if not u.disabled],
        "templates": templates_for(conn, org_id, appeal["category"]),
        "duplicates": [dict(row) for row in duplicates],
        "repeats": [dict(row) for row in repeats],
    }


def current(conn: sqlite3.Connection, appeal_id: str) -> sqlite3.Row:
    """The appeal as a change must see it, read inside the change's transaction."""
    row = conn.execute(
        "SELECT id, number, status, severity, target_org_id, duplicate_of, contact, kind, "
        "answer_due, extended_at, answered_at, lang, clarify_due, forward_due "
        "FROM appeals WHERE id = ?",
        (appeal_id,),
    ).fetchone()
    if row is None:
        raise Refused("handling.missing")
    return row


def log_change(
    conn: sqlite3.Connection,
    type: EventType,
    row: sqlite3.Row,
    actor: Actor,
    data: dict[str, Any],
    *,
    reason: str | None = None,
    at: str,
) -> int:
    """The event of a change, as every handling operation writes it: `by`, the number."""
    return insert_event(
        conn,
        type,
        org_id=row["target_org_id"],
        appeal_id=row["id"],
        request_id=actor.request_id,
        remote_addr=actor.remote_addr,
        reason=reason,
        data={**data, "number": row["number"], "by": actor.email},
        at=at,
    )


def _check_move(current: str, new: str) -> None:
    if not can_move(current, new):
        raise Refused("handling.bad-move", current=current, new=new)


Op = Callable[[sqlite3.Connection], None]


def status_op(
    appeal_id: str,
    new: str,
    reason: str,
    note: str,
    actor: Actor,
    forward_due: Callable[[int], str] | None = None,
) -> Op:
    """Move along the status table; `rejected` needs the reason the citizen will read.
    `forward_due` (an organisation's id → ISO date): registering an official appeal starts the
    seven days in which it may be forwarded to the competent body."""
    reason, note = reason.strip()[:MAX_REASON], note.strip()[:MAX_NOTE]
    # they have their own forms: the answer's text, the original's number, the question with
    # its date (a bare `clarifying` would ask nothing, tell no one and never close)
    if new in (Status.ANSWERED, Status.DUPLICATE, Status.CLARIFYING):
        raise Refused("handling.use-own-form")
    if new == Status.REJECTED and not reason:
        raise Refused("handling.reason-required")

    def op(conn: sqlite3.Connection) -> None:
        row = current(conn, appeal_id)
        _check_move(row["status"], new)
        at = now_iso()
        kept_reason = reason if new == Status.REJECTED else None
        data: dict[str, Any] = {"from": row["status"], "to": new}
        if new == Status.REGISTERED and row["kind"] == "official" and forward_due is not None:
            data["forward_due"] = forward_due(row["target_org_id"])
        conn.execute(
            "UPDATE appeals SET status = ?, status_reason = ?, duplicate_of = NULL, "
            "forward_due = coalesce(?, forward_due), updated_at = ? WHERE id = ?",
            (new, kept_reason, data.get("forward_due"), at, appeal_id),
        )
        if kept_reason:
            data["reason"] = kept_reason
        if note:
            data["note"] = note
        event_id = log_change(conn, EventType.STATUS, row, actor, data, at=at)
        notify_closed(conn, appeal_id, new, kept_reason, event_id)

    return op


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
        _check_move(row["status"], Status.DUPLICATE)
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


def answer_op(appeal_id: str, text: str, template: str | None, actor: Actor) -> Op:
    """The public answer: stored on the row (the first answer's time kept), status `answered`.
    `{number}` is filled here; `{name}` is stored as written and filled only on the citizen's
    own tracking page, from that appeal's contact: stored filled, it would show one citizen's
    name to the operators above who may not see contacts, and to the citizens of duplicates
    that follow this appeal."""
    text = text.strip()[:MAX_ANSWER]
    if not text:
        raise Refused("handling.answer-empty")

    def op(conn: sqlite3.Connection) -> None:
        row = current(conn, appeal_id)
        _check_move(row["status"], Status.ANSWERED)
        final = fill_template(text, row["number"], NAME_PLACEHOLDER)
        at = now_iso()
        conn.execute(
            "UPDATE appeals SET status = ?, answer = ?, answered_at = coalesce(answered_at, ?), "
            "status_reason = NULL, updated_at = ? WHERE id = ?",
            (Status.ANSWERED, final, at, at, appeal_id),
        )
        data = {"from": row["status"], "to": str(Status.ANSWERED), "text": final}
        event_id = log_change(
            conn, EventType.ANSWERED, row, actor, {**data, "template": template}, at=at
        )
        # the e-mail goes to this appeal's own citizen: their name filled in
        personal = final.replace(NAME_PLACEHOLDER, str(contact_of(dict(row)).get("name", "")))
        notify_citizen(
            conn,
            appeal_id,
            NoticeKind.ANSWERED,
            dedupe=f"answered:{event_id}",
            data={"text": personal},
        )

    return op


def notify_closed(
    conn: sqlite3.Connection, appeal_id: str, status: str, reason: str | None, event_id: int
) -> None:
    """Tell the citizen that the appeal closed (rejected, not clarified, resolved…), with the
    reason they may read; moves between open statuses are on the tracking page only."""
    if status_type(status) is StatusType.OPEN:
        return
    lang_row = conn.execute("SELECT lang FROM appeals WHERE id = ?", (appeal_id,)).fetchone()
    lang = lang_row["lang"] if lang_row else "ru"
    notify_citizen(
        conn,
        appeal_id,
        NoticeKind.CLOSED,
        dedupe=f"closed:{event_id}",
        data={"status": status, "status_title": t(f"status.{status}", lang), "text": reason},
    )


def contact_viewed_op(appeal_id: str, actor: Actor) -> Op:
    """The audit event of one showing of the citizen's contact (the row does not change)."""

    def op(conn: sqlite3.Connection) -> None:
        row = current(conn, appeal_id)
        log_change(conn, EventType.CONTACT_VIEWED, row, actor, {}, at=now_iso())

    return op
