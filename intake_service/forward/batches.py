"""What one batch of outbox rows becomes at its sink, and how each row's answer reads: appeals'
documents published to a RabbitMQ or webhook sink (`send_appeals`), notices rendered in their
recipients' languages and handed to the SMTP server or the Maildir (`send_notices`).

Apart from the forwarder (forwarder.py), which decides which rows go when, holds the publishing
slots and writes the answers back: this module is what is sent. Each function returns one
`Settled` per row, stamped with the time the sink answered; a row that cannot be sent (its sink
removed, its notice gone, mail not set up) settles as a failure like any other — nothing is
dropped silently.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from intake_service import photos
from intake_service.appeals import (
    DOCUMENT_SCHEMA,
    ERASED_SCHEMA,
    document,
    erased_document,
    load_appeals,
    message_id,
)
from intake_service.directory import OrgDirectory
from intake_service.forward.mail_render import NoticeRenderer
from intake_service.forward.mailer import Mailer
from intake_service.forward.outbox import Settled
from intake_service.forward.sinks import Sink
from intake_service.forward.types import Outgoing, Publisher
from intake_service.lifecycle.notices import MAIL_SINK, load_notices

MAIL_HEALTH = 0  # the key of the mail sink's health (sink ids start at 1)
# what a batch's answers tell of its sink's health: (the sink's id or MAIL_HEALTH, the errors)
NoteHealth = Callable[[int, list[str | None]], None]


async def send_appeals(
    reader: sqlite3.Connection,
    directory: OrgDirectory,
    base_url: str,
    sink_name: str,
    rows: list[sqlite3.Row],
    publisher_for: Callable[[Sink], Publisher],
    note_health: NoteHealth,
) -> list[Settled]:
    """Publish the appeals of `rows` to the sink `sink_name` names (`sink:<id>`)."""
    sink = directory.sink(int(sink_name.removeprefix("sink:")))
    appeals = load_appeals(reader, [r["appeal_id"] for r in rows])
    # a row is for a sink that is gone: removed, or (databases from before migration 4
    # reused ids) its id now names another organisation's sink
    gone = [sink is None or sink.org_id not in (None, r["org_id"]) for r in rows]
    errors: dict[int, str | None] = {}
    to_send = [r for r, g in zip(rows, gone, strict=True) if not g]
    if sink is not None and to_send:
        base_url = base_url.rstrip("/")
        sent_ids = [r["appeal_id"] for r in to_send]
        pictures = photos.listed_for(reader, sent_ids, base_url=base_url)
        outgoing = [_outgoing(directory, r, appeals[r["appeal_id"]], pictures) for r in to_send]
        answers = await publisher_for(sink).publish(outgoing)
        answers = [_without_secrets(e, sink) for e in answers]
        note_health(sink.id, answers)
        errors = {r["id"]: e for r, e in zip(to_send, answers, strict=True)}
    answered_at = time.time()
    return [
        Settled(
            r["id"],
            r["appeal_id"],
            r["org_id"],
            sink_name,
            appeals[r["appeal_id"]]["number"],
            "sink removed" if g else errors[r["id"]],
            answered_at,
            final=g,
        )
        for r, g in zip(rows, gone, strict=True)
    ]


async def send_notices(
    reader: sqlite3.Connection,
    rows: list[sqlite3.Row],
    mailer: Mailer | None,
    renderer: NoticeRenderer | None,
    note_health: NoteHealth,
) -> list[Settled]:
    """Send the notices of `rows`, each rendered in its recipient's language. A notice whose row
    is gone, or a node started without a mailer, settles as a failure."""
    notices = load_notices(reader, [r["notice_id"] for r in rows if r["notice_id"]])
    numbers: dict[int, str] = {}
    errors: dict[int, str | None] = {}
    messages, sent_rows = [], []
    for r in rows:
        notice = notices.get(r["notice_id"])
        if notice is None:
            errors[r["id"]] = "notice missing"
            continue
        numbers[r["id"]] = str(json.loads(notice["data"]).get("number") or "")
        if mailer is None or renderer is None:
            errors[r["id"]] = "mail is not set up on this node"
            continue
        try:
            messages.append(renderer.message(notice))
        except ValueError as exc:  # an address no mail header can carry
            errors[r["id"]] = str(exc)
            continue
        sent_rows.append(r)
        # a notice takes ~0.3 ms to render and a batch holds hundreds under load: the
        # requests waiting meanwhile go first, not after the whole batch (intake p99)
        await asyncio.sleep(0)
    permanent: set[int] = set()  # refused for good (550): dead at once, not retried
    if messages and mailer is not None:
        answers = await mailer.send(messages)
        # a permanent refusal is the server answering about one message, not failing
        note_health(MAIL_HEALTH, [a.error if a and not a.permanent else None for a in answers])
        for r, a in zip(sent_rows, answers, strict=True):
            errors[r["id"]] = a.error if a else None
            if a is not None and a.permanent:
                permanent.add(r["id"])
    answered_at = time.time()
    return [
        Settled(
            r["id"], r["appeal_id"] or None, r["org_id"], MAIL_SINK,
            numbers.get(r["id"], ""), errors.get(r["id"]), answered_at,
            final=errors.get(r["id"]) == "notice missing" or r["id"] in permanent,
        )
        for r in rows
    ]  # fmt: skip


def _outgoing(
    directory: OrgDirectory,
    row: sqlite3.Row,
    appeal: sqlite3.Row,
    pictures: dict[str, list[dict[str, object]]],
) -> Outgoing:
    if row["message"]:  # the erasure of the citizen's data (erasure.py)
        return Outgoing(
            outbox_id=row["id"],
            appeal_id=row["appeal_id"],
            org_slug=appeal["org_slug"],
            kind=appeal["kind"],
            schema=ERASED_SCHEMA,
            body=json.dumps(erased_document(appeal), ensure_ascii=False).encode(),
            message_id=message_id(row["appeal_id"], row["message"]),
        )
    catalogue = directory.catalogue(row["org_id"])
    body = document(appeal, catalogue, pictures[row["appeal_id"]])
    return Outgoing(
        outbox_id=row["id"],
        appeal_id=row["appeal_id"],
        org_slug=appeal["org_slug"],
        kind=appeal["kind"],
        schema=DOCUMENT_SCHEMA,
        body=json.dumps(body, ensure_ascii=False).encode(),
    )


def _without_secrets(error: str | None, sink: Sink) -> str | None:
    """Error texts go to the log and the outbox: no password of the URL, no webhook secret."""
    if error is None:
        return None
    password = urlsplit(sink.url).password
    for secret in (password, sink.secret):
        if secret:
            error = error.replace(secret, "***")
    return error
