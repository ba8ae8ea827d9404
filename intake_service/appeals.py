"""The appeal's life: accepted in one transaction with its log event and outbox rows, told back as
a status with history, and handed to agencies as a versioned document.

`accept_op` builds the writer operation. Everything in it happens in one savepoint inside the
writer's batch: the idempotency check and record, the human number, the appeal row, the
`accepted` event and one outbox row per sink. Either all of it is on disk when the answer goes
out, or none of it is.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from intake_service.appeal_input import AppealInput
from intake_service.categories import Category
from intake_service.dialect import is_sqlite, lock_name
from intake_service.errors import IdempotencyConflict
from intake_service.events import EventType, append_event
from intake_service.forward.outbox import EMBEDDED_SINK, add_rows
from intake_service.ids import human_number
from intake_service.lifecycle.deadlines import Due
from intake_service.lifecycle.notices import NoticeKind, appeal_basics, record_notice
from intake_service.org_settings import offset_minutes, timezone_of
from intake_service.orgs import Org
from intake_service.store import now_iso

# @2: the contact may carry the name in parts (surname, first_name, patronymic) and a postal
# address; `name` is still the whole name, so a reader of @1 reads @2 unchanged
DOCUMENT_SCHEMA = "pos-intake/appeal@2"
# what a sink receives when the citizen's data left an appeal (erasure.py): erase your copy
ERASED_SCHEMA = "pos-intake/erased@1"
ERASED_MESSAGE = "erased"  # outbox.message of such a row (NULL: the appeal's document)


@dataclass(frozen=True)
class NewAppeal:
    id: str
    origin_org: Org
    target_org: Org
    input: AppealInput
    channel: str  # api, form, page, open311, repeat; phone, letter, visit (console/taken.py)
    request_id: str | None
    remote_addr: str | None
    embed_origin: str | None = None
    page_url: str | None = None  # from the form token; API callers send it in the body
    loader_version: str | None = None
    photo_count: int = 0
    # the citizen's follow-through (followup/)
    lang: str = "ru"  # of the citizen's notices and pages
    identity: str = "none"  # none | email (confirmed link) | oidc (signed in at the IdP)
    citizen_sub: str | None = None  # the identity provider's subject: "my appeals"
    notify_email: bool = False  # e-mail copies of what happens (copies_by_default)
    repeat_of: str | None = None  # the appeal this one repeats (the problem is back)
    # the operator who took it by phone, letter or visit (console/taken.py): their e-mail
    taken_by: str | None = None


def copies_by_default(data: AppealInput, asked: bool | None = None) -> bool:
    """Whether the citizen gets e-mail copies: for messages by default, for official appeals
    only when asked (547-ФЗ: the answer goes to the citizen's account, by e-mail on request);
    never without an e-mail."""
    if not data.contact.get("email"):
        return False
    if asked is not None:
        return asked
    return data.kind != "official"


@dataclass(frozen=True)
class Idempotency:
    key: str
    body_hash: str
    ttl: float


@dataclass(frozen=True)
class Accepted:
    response: dict[str, Any]
    replayed: bool
    answer_due: str | None = None  # ISO date; None for a replay (not looked up again)


def body_hash(parsed: Any) -> str:
    """Hash of the request as meant, not as spelt: key order and white space do not count."""
    canonical = json.dumps(parsed, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def find_idempotent(
    conn: sqlite3.Connection, org_id: int, idem: Idempotency
) -> dict[str, Any] | None:
    """The first answer given under this key, or IdempotencyConflict if the body differs."""
    row = conn.execute(
        "SELECT body_hash, response FROM idempotency "
        "WHERE org_id = ? AND scope = 'intake' AND key = ? AND created_at > ?",
        (org_id, idem.key, time.time() - idem.ttl),
    ).fetchone()
    if row is None:
        return None
    if row["body_hash"] != idem.body_hash:
        raise IdempotencyConflict("detail.idempotency-conflict", key=idem.key)
    return json.loads(row["response"])


def remember_idempotent(
    conn: sqlite3.Connection, org_id: int, idem: Idempotency, response: dict[str, Any], now: float
) -> None:
    """The answer a retry under the same key gets (find_idempotent): an accepted appeal's, or the
    form's `held` answer of an appeal that waits for its e-mail link."""
    conn.execute(
        "INSERT INTO idempotency (org_id, scope, key, body_hash, response, created_at) "
        "VALUES (?, 'intake', ?, ?, ?, ?) ON CONFLICT (org_id, scope, key) DO UPDATE SET "
        "body_hash = excluded.body_hash, response = excluded.response, "
        "created_at = excluded.created_at",
        (org_id, idem.key, idem.body_hash, json.dumps(response), now),
    )


def accept_op(
    appeal: NewAppeal,
    tracking_url: str,
    idem: Idempotency | None,
    sinks: tuple[str, ...] = (EMBEDDED_SINK,),
    also: Callable[[sqlite3.Connection], None] | None = None,
    node: str = "",
    severity: str | None = None,
    due: Due | None = None,
    then: Callable[[sqlite3.Connection, str], None] | None = None,
) -> Callable[[sqlite3.Connection], Accepted]:
    """The writer operation; `also` runs first in the same savepoint (the form's one-time nonce,
    the photo rows) and may raise to refuse the whole appeal. `severity` is the category's
    default, if it has one; `due` the deadlines (lifecycle/deadlines.py); `then(conn, number)`
    runs last in the same savepoint (a repeat appeal's mark on the first one) and may refuse. The citizen who gets
    copies is told the number and the deadline by e-mail (a `registered` notice, in the same
    transaction)."""

    def op(conn: sqlite3.Connection) -> Accepted:
        if idem is not None:
            # a retry on another node sharing the database waits here for the first to commit
            lock_name(conn, f"idempotency:{appeal.origin_org.id}:{idem.key}")
            first = find_idempotent(conn, appeal.origin_org.id, idem)
            if first is not None:  # a retry raced the first request into the same batch
                return Accepted(first, replayed=True)
        if also is not None:
            also(conn)
        now = time.time()
        at = now_iso(now)
        year = datetime.fromtimestamp(now, UTC).year
        org = appeal.target_org
        sequence = conn.execute(
            "INSERT INTO org_sequences (org_id, year, last) VALUES (?, ?, 1) "
            "ON CONFLICT (org_id, year) DO UPDATE SET last = org_sequences.last + 1 "
            "RETURNING last",
            (org.id, year),
        ).fetchone()[0]
        # one shared PostgreSQL hands every node the same sequence (its row lock orders them):
        # the node's letter is needed only where each node counts in its own SQLite file
        number = human_number(org.slug, year, sequence, node if is_sqlite(conn) else "")
        data = appeal.input
        page_url = appeal.page_url or data.page_url
        conn.execute(
            "INSERT INTO appeals (id, number, origin_org_id, target_org_id, kind, category, text, "
            "address, lat, lon, contact, page_url, channel, embed_origin, loader_version, status, "
            "created_at, severity, lang, identity, citizen_sub, notify_email, repeat_of, "
            "register_due, answer_due, attributes, media_url, confirmed_email, local_offset) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
            "?, ?)",
            (
                appeal.id,
                number,
                appeal.origin_org.id,
                org.id,
                data.kind,
                data.category,
                data.text,
                data.address,
                data.lat,
                data.lon,
                json.dumps(data.contact, ensure_ascii=False),
                page_url,
                appeal.channel,
                appeal.embed_origin,
                appeal.loader_version,
                EventType.ACCEPTED,
                at,
                severity,
                appeal.lang,
                appeal.identity,
                appeal.citizen_sub,
                int(appeal.notify_email),
                appeal.repeat_of,
                due.register.isoformat() if due and due.register else None,
                due.answer.isoformat() if due else None,
                json.dumps(data.attributes, ensure_ascii=False) if data.attributes else None,
                data.media_url,
                # the address the citizen proved by the link: "my appeals" finds it by this
                data.contact.get("email", "").lower() or None
                if appeal.identity == "email"
                else None,
                # the statistics count it on its organisation's day, not UTC's (migration 17)
                offset_minutes(timezone_of(org), datetime.fromtimestamp(now, UTC)),
            ),
        )
        # The log carries no personal data: number, category and where it came from.
        append_event(
            conn,
            EventType.ACCEPTED,
            org_id=org.id,
            appeal_id=appeal.id,
            request_id=appeal.request_id,
            remote_addr=appeal.remote_addr,
            data={
                "number": number,
                "category": data.category,
                "kind": data.kind,
                "channel": appeal.channel,
                "origin_org": appeal.origin_org.slug,
                "page_url": page_url,
                "embed_origin": appeal.embed_origin,
                "loader_version": appeal.loader_version,
                "photos": appeal.photo_count,
                "identity": appeal.identity,
                **({"repeat_of": appeal.repeat_of} if appeal.repeat_of else {}),
                # who took it, as every operator's event names them
                **({"by": appeal.taken_by} if appeal.taken_by else {}),
            },
            at=at,
        )
        add_rows(conn, appeal.id, org.id, list(sinks), now=now, at=at)
        email = data.contact.get("email")
        if appeal.notify_email and email:  # told from what is at hand: no read of the new row
            record_notice(
                conn,
                NoticeKind.REGISTERED,
                org_id=org.id,
                recipient=str(email),
                lang=appeal.lang,
                data=appeal_basics(
                    number=number,
                    category=data.category,
                    appeal_kind=data.kind,
                    org_name=org.name,
                    answer_due=due.answer.isoformat() if due else None,
                    citizen_name=data.contact.get("name"),
                ),
                dedupe=f"registered:{appeal.id}",
                appeal_id=appeal.id,
            )
        if then is not None:
            then(conn, number)
        response = {
            "id": appeal.id,
            "number": number,
            "status": str(EventType.ACCEPTED),
            "tracking_url": tracking_url,
        }
        if idem is not None:
            remember_idempotent(conn, appeal.origin_org.id, idem, response, now)
        return Accepted(
            response, replayed=False, answer_due=due.answer.isoformat() if due else None
        )

    return op


def form_nonce_used(conn: sqlite3.Connection, nonce: str) -> bool:
    """Whether a form token's nonce has filed an appeal already (a read before the writer, so
    that a replayed token is refused without spending the organisation's budget)."""
    return (
        conn.execute("SELECT 1 FROM form_nonces WHERE nonce = ?", (nonce,)).fetchone() is not None
    )


def spend_form_nonce(conn: sqlite3.Connection, nonce: str) -> bool:
    """Mark a form token used, inside the appeal's transaction; False if it was used already."""
    try:
        conn.execute("INSERT INTO form_nonces (nonce, used_at) VALUES (?, ?)", (nonce, time.time()))
    except sqlite3.IntegrityError:
        return False
    return True


def forget_idempotency_op(ttl: float, form_max_age: float) -> Callable[[sqlite3.Connection], int]:
    """Idempotency keys and form nonces are only needed while a retry or replay could come."""

    def op(conn: sqlite3.Connection) -> int:
        now = time.time()
        keys = conn.execute("DELETE FROM idempotency WHERE created_at <= ?", (now - ttl,))
        nonces = conn.execute(
            "DELETE FROM form_nonces WHERE used_at <= ?", (now - form_max_age - 60,)
        )
        return keys.rowcount + nonces.rowcount

    return op


_APPEAL_COLUMNS = (
    "a.id, a.number, a.kind, a.category, a.text, a.address, a.lat, a.lon, a.contact, a.page_url, "
    "a.channel, a.embed_origin, a.loader_version, a.status, a.created_at, "
    "a.answer, a.answered_at, a.status_reason, a.duplicate_of, a.attributes, a.media_url, "
    "a.erased_at, "
    "t.slug AS org_slug, t.name AS org_name, o.slug AS origin_slug, o.name AS origin_name"
)
_APPEAL_FROM = (
    " FROM appeals a JOIN orgs t ON t.id = a.target_org_id JOIN orgs o ON o.id = a.origin_org_id"
)


def load_appeals(conn: sqlite3.Connection, ids: list[str]) -> dict[str, sqlite3.Row]:
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = conn.execute(f"SELECT {_APPEAL_COLUMNS}{_APPEAL_FROM} WHERE a.id IN ({marks})", ids)
    return {row["id"]: row for row in rows}


def document(
    row: sqlite3.Row, categories: dict[str, Category], photos: list[dict[str, object]]
) -> dict[str, Any]:
    """The versioned JSON an agency receives: the same from every queue and sink."""
    category = categories.get(row["category"])
    location = None
    if row["lat"] is not None:
        location = {"lat": row["lat"], "lon": row["lon"]}
    return {
        "schema": DOCUMENT_SCHEMA,
        "id": row["id"],
        "number": row["number"],
        "kind": row["kind"],
        "status": row["status"],
        "category": {
            "code": row["category"],
            "title": category.title_ru if category else row["category"],
        },
        "text": row["text"],
        "address": row["address"],
        "location": location,
        "contact": json.loads(row["contact"]),
        "photos": photos,
        "media_url": row["media_url"],
        "attributes": json.loads(row["attributes"] or "{}"),
        "org": {"slug": row["org_slug"], "name": row["org_name"]},
        "origin_org": {"slug": row["origin_slug"], "name": row["origin_name"]},
        "source": {
            "channel": row["channel"],
            "page_url": row["page_url"],
            "embed_origin": row["embed_origin"],
            "loader_version": row["loader_version"],
        },
        "created_at": row["created_at"],
    }


def erased_document(row: sqlite3.Row) -> dict[str, Any]:
    """The message telling a consumer that the citizen's data left this appeal (erasure.py):
    it names the appeal and nothing of the person; the consumer erases its own copy."""
    return {
        "schema": ERASED_SCHEMA,
        "id": row["id"],
        "number": row["number"],
        "org": {"slug": row["org_slug"], "name": row["org_name"]},
        "erased_at": row["erased_at"],
    }


def message_id(appeal_id: str, message: str | None) -> str:
    """A message's id at its sink: the appeal's id for its document, `erased:<id>` for the
    erasure, so that a consumer dropping repeats by id does not drop the erasure."""
    return f"{message}:{appeal_id}" if message else appeal_id
