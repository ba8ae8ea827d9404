"""Appeals held for e-mail confirmation.

An organisation may ask citizens to confirm their e-mail address (its identity mode `email`).
Such an appeal is not accepted at once: it is HELD — a `held_appeals` row with everything
needed to accept it later, a `held` event in the intake log (no personal data) and the
confirmation e-mail, in one transaction. It is no appeal yet: it has no number, is not in the
queue, the sinks, the console or the board, so a flood of unconfirmed appeals spends nothing
of what real ones use. Opening the link (a POST from the page it leads to, so a mail scanner
that fetches links does not confirm) accepts it through the same path as every appeal, with
the held row's check and mark in the same transaction: a link used twice files one appeal. An
unconfirmed appeal expires after `POS_EMAIL_CONFIRM_HOURS`.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import time
from collections.abc import Callable
from typing import Any

from intake_service.appeal_input import AppealInput
from intake_service.appeals import NewAppeal
from intake_service.directory import OrgDirectory
from intake_service.events import EventType, insert_event
from intake_service.lifecycle.notices import NoticeKind, record_notice


class HeldRefused(Exception):
    """The link cannot confirm: `reused` (confirmed already; `number` says which appeal),
    `expired`, or `missing`."""

    def __init__(self, why: str, number: str | None = None) -> None:
        super().__init__(why)
        self.why = why
        self.number = number


def payload(appeal: NewAppeal) -> str:
    """Everything to accept the appeal later, organisations by id."""
    values = dataclasses.asdict(appeal)
    values["origin_org"] = appeal.origin_org.id
    values["target_org"] = appeal.target_org.id
    return json.dumps(values, ensure_ascii=False)


def appeal_of(raw: str, directory: OrgDirectory) -> NewAppeal:
    values: dict[str, Any] = json.loads(raw)
    values["origin_org"] = directory.org(values["origin_org"])
    values["target_org"] = directory.org(values["target_org"])
    values["input"] = AppealInput(**values["input"])
    values["identity"] = "email"
    return NewAppeal(**values)


def hours_text(hours: float) -> str:
    """How long a confirmation link works, as the citizen is told it: whole hours as such
    (48), a fraction with one decimal (1.5)."""
    rounded = round(hours, 1)
    return str(int(rounded)) if rounded == int(rounded) else str(rounded)


def hold_op(
    appeal: NewAppeal,
    email: str,
    expires_at: float,
    also: Callable[[sqlite3.Connection], None],
) -> Callable[[sqlite3.Connection], None]:
    """The held row, its event and the confirmation e-mail; `also` first (the form's nonce,
    the photo rows), which may refuse the whole. The e-mail's link is not recorded: the
    renderer makes it from the configured base URL when it sends (forward/mail_render.py), never from
    the request that filed the appeal, whose Host header anyone can write."""

    def op(conn: sqlite3.Connection) -> None:
        also(conn)
        now = time.time()
        org = appeal.target_org
        conn.execute(
            "INSERT INTO held_appeals (id, org_id, email, lang, payload, created_at, expires_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (appeal.id, org.id, email, appeal.lang, payload(appeal), now, expires_at),
        )
        insert_event(
            conn,
            EventType.HELD,
            org_id=org.id,
            request_id=appeal.request_id,
            remote_addr=appeal.remote_addr,
            data={
                "category": appeal.input.category,
                "kind": appeal.input.kind,
                "channel": appeal.channel,
                "embed_origin": appeal.embed_origin,
            },
        )
        record_notice(
            conn,
            NoticeKind.CONFIRM,
            org_id=org.id,
            recipient=email,
            lang=appeal.lang,
            data={
                "org_name": org.name,
                "citizen_name": appeal.input.contact.get("name"),
                "confirm_hours": hours_text((expires_at - now) / 3600),
                "number": "",
            },
            dedupe=f"confirm:{appeal.id}",
            appeal_id=appeal.id,
        )

    return op


def find_held(conn: sqlite3.Connection, held_id: str) -> sqlite3.Row | None:
    return conn.execute(
        "SELECT id, org_id, state, expires_at, number, payload FROM held_appeals WHERE id = ?",
        (held_id,),
    ).fetchone()


def check(row: sqlite3.Row | None, now: float) -> None:
    if row is None:
        raise HeldRefused("missing")
    if row["state"] == "confirmed":
        raise HeldRefused("reused", row["number"])
    if row["state"] == "expired" or row["expires_at"] < now:
        raise HeldRefused("expired")


def confirm_hooks(
    held_id: str,
) -> tuple[Callable[[sqlite3.Connection], None], Callable[[sqlite3.Connection, str], None]]:
    """(also, then) for the acceptance: re-check the held row inside the transaction, and mark
    it confirmed with the number the appeal got."""

    def also(conn: sqlite3.Connection) -> None:
        check(find_held(conn, held_id), time.time())

    def then(conn: sqlite3.Connection, number: str) -> None:
        conn.execute(
            "UPDATE held_appeals SET state = 'confirmed', confirmed_at = ?, number = ?, "
            "payload = '{}' WHERE id = ?",
            (time.time(), number, held_id),
        )

    return also, then


def any_expired(conn: sqlite3.Connection, now: float) -> bool:
    """Whether a held appeal's link has run out (`expire_op` then expires them)."""
    return bool(
        conn.execute(
            "SELECT 1 FROM held_appeals WHERE state = 'waiting' AND expires_at < ? LIMIT 1",
            (now,),
        ).fetchone()
    )


def expire_op(now: float, batch: int) -> Callable[[sqlite3.Connection], list[str]]:
    """Held appeals past their link's life: expired, their content dropped, an `unconfirmed`
    event each, at most `batch` an operation. Returns their ids (whose photos the caller
    removes)."""

    def op(conn: sqlite3.Connection) -> list[str]:
        rows = conn.execute(
            "SELECT id, org_id FROM held_appeals WHERE state = 'waiting' AND expires_at < ? "
            "LIMIT ?",
            (now, batch),
        ).fetchall()
        for row in rows:
            conn.execute(
                "UPDATE held_appeals SET state = 'expired', payload = '{}' WHERE id = ?",
                (row["id"],),
            )
            conn.execute("DELETE FROM appeal_photos WHERE appeal_id = ?", (row["id"],))
            insert_event(conn, EventType.UNCONFIRMED, org_id=row["org_id"], data={})
        return [r["id"] for r in rows]

    return op
