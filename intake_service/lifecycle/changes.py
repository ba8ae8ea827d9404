"""The changes more than one party makes to an appeal after intake, store side — its status,
its public answer — and what every change shares: who makes it, the row it re-reads, the event
that explains it.

The handling state lives on the appeal row — the status, who has it, how acute it is, the
answer the citizen reads — so that the log, the board and the tracking page read one row instead
of replaying history. Every change is ONE writer operation that updates the row (and
`updated_at`) and inserts the event that explains it, with `by` = who made it (an operator's
e-mail, `citizen`, `system`, an agency's key): the row says where the appeal stands, the intake
log says who moved it there, when and why. Each operation re-reads the row inside the
transaction, so two parties racing each other cannot make a move the status table forbids.

Shared by the console (an operator's status and answer), the follow-through (the citizen's
verdict and clarification, the periods that close an appeal) and the agencies' replies; the
operator's own acts (assignee, severity, note, duplicate) stay in console/handling.py.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from intake_service.declension import greeting
from intake_service.events import EventType, insert_event
from intake_service.i18n import t
from intake_service.lifecycle.notices import NoticeKind, notify_citizen
from intake_service.statuses import Status, StatusType, can_move, status_type
from intake_service.store import now_iso

MAX_NOTE = 4000
MAX_ANSWER = 10000
MAX_REASON = 1000


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


def check_move(current: str, new: str) -> None:
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
    """Move along the status table. `reason` is written for the citizen: kept on the row with
    the new status (the tracking page shows it), in the event (the history) and in the e-mail;
    `rejected` must have one. `note` is internal, in the event only. `forward_due` (an
    organisation's id → ISO date): registering an official appeal starts the seven days in
    which it may be forwarded to the competent body."""
    reason, note = reason.strip()[:MAX_REASON], note.strip()[:MAX_NOTE]
    # they have their own forms: the answer's text, the original's number, the question with
    # its date (a bare `clarifying` would ask nothing, tell no one and never close)
    if new in (Status.ANSWERED, Status.DUPLICATE, Status.CLARIFYING):
        raise Refused("handling.use-own-form")
    if new == Status.REJECTED and not reason:
        raise Refused("handling.reason-required")

    def op(conn: sqlite3.Connection) -> None:
        row = current(conn, appeal_id)
        check_move(row["status"], new)
        at = now_iso()
        kept_reason = reason or None
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
        if status_type(new) is not StatusType.OPEN:
            notify_closed(conn, appeal_id, new, kept_reason, event_id)
        elif kept_reason:
            notify_status(conn, appeal_id, new, kept_reason, event_id)

    return op


NAME_PLACEHOLDER = "{name}"
# «Уважаемая Анна Сергеевна!», «Уважаемый Иван Петрович!», «Здравствуйте, Саша!» or
# «Здравствуйте!»: what templates wrote as «Уважаемый(ая) {name}!» (declension.greeting)
GREETING_PLACEHOLDER = "{greeting}"


def fill_template(body: str, number: str, name: str) -> str:
    """The placeholders an answer may hold: {number} and {name} (the citizen's)."""
    return body.replace("{number}", number).replace("{name}", name)


def personal(text: str, name: str) -> str:
    """A stored answer as its own citizen reads it: {name} and {greeting} filled in. The
    greeting is Russian whatever the page's language: the answer around it is the operator's,
    written in Russian."""
    if GREETING_PLACEHOLDER in text:
        text = text.replace(GREETING_PLACEHOLDER, greeting(name, "ru"))
    return text.replace(NAME_PLACEHOLDER, name)


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
        check_move(row["status"], Status.ANSWERED)
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
        own = personal(final, str(contact_of(dict(row)).get("name", "")))
        notify_citizen(
            conn,
            appeal_id,
            NoticeKind.ANSWERED,
            dedupe=f"answered:{event_id}",
            data={"text": own},
        )

    return op


def notify_status(
    conn: sqlite3.Connection, appeal_id: str, status: str, reason: str, event_id: int
) -> None:
    """Tell the citizen of a move between open statuses that came with a reason: the operator
    wrote it for them, so it reaches them by e-mail too, not only on the tracking page. A bare
    move (registered, in progress) stays on the tracking page alone."""
    notify_citizen(
        conn,
        appeal_id,
        NoticeKind.STATUS,
        dedupe=f"status:{event_id}",
        data={
            "status": status,
            "status_title": _status_title(conn, appeal_id, status),
            "text": reason,
        },
    )


def _status_title(conn: sqlite3.Connection, appeal_id: str, status: str) -> str:
    """The status in the citizen's language (the e-mail's subject and body name it)."""
    lang_row = conn.execute("SELECT lang FROM appeals WHERE id = ?", (appeal_id,)).fetchone()
    return t(f"status.{status}", lang_row["lang"] if lang_row else "ru")


def notify_closed(
    conn: sqlite3.Connection, appeal_id: str, status: str, reason: str | None, event_id: int
) -> None:
    """Tell the citizen that the appeal closed (rejected, not clarified, resolved…), with the
    reason they may read; moves between open statuses are on the tracking page only."""
    if status_type(status) is StatusType.OPEN:
        return
    notify_citizen(
        conn,
        appeal_id,
        NoticeKind.CLOSED,
        dedupe=f"closed:{event_id}",
        data={
            "status": status,
            "status_title": _status_title(conn, appeal_id, status),
            "text": reason,
        },
    )
