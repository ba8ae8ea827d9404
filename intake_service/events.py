"""The intake log: the append-only `events` table. Every step of every appeal and every refused
request is a row here; operators read it (`pos-intake log tail`), the citizen's history is
drawn from it, and no row is ever updated or deleted."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from enum import StrEnum
from typing import Any

from intake_service.dialect import is_sqlite
from intake_service.store import now_iso


class EventType(StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    DELIVERED = "delivered"  # handed to a consumer of the embedded queue (may repeat)
    FORWARDED = "forwarded"  # an external sink confirmed it: the broker acked, the webhook 2xx
    ACKED = "acked"  # the embedded queue's consumer acknowledged it
    FAILED = "failed"
    DEAD = "dead"
    EXPIRED = "expired"  # nobody acknowledged it from the embedded queue within the retention
    # an undelivered outbox row of an organisation the appeal was forwarded away from (or that
    # no longer sees it): never delivered now; data: number, sink, to (the new organisation)
    WITHDRAWN = "withdrawn"
    # handling an appeal in the console (data: "by" = the operator's e-mail, and what changed)
    STATUS = "status"  # data: from, to, reason (public), note (internal)
    ANSWERED = "answered"  # the public answer; data: text, template
    ASSIGNED = "assigned"  # data: to (e-mail or null)
    SEVERITY = "severity"  # data: from, to
    NOTE = "note"  # an internal note; data: text
    CONTACT_VIEWED = "contact_viewed"  # audit: an operator saw the citizen's contact
    EXPORTED = "exported"  # audit: a CSV export; data: rows, filters
    # accounts (org_id = the user's organisation)
    SIGNED_IN = "signed_in"
    SIGNIN_FAILED = "signin_failed"  # reason: unknown-user, bad-password, disabled, throttled
    SIGNED_OUT = "signed_out"
    PASSWORD_CHANGED = "password_changed"
    USER_CHANGED = "user_changed"  # added, disabled, reset, role; data: email, change
    SITE_CHANGED = "site_changed"  # origins, keys, categories, templates changed in the console
    # the citizen's follow-through (followup/); `by` is "citizen" or "system" where no operator
    HELD = "held"  # filed, waiting for the e-mail confirmation link (held_appeals); no appeal yet
    UNCONFIRMED = "unconfirmed"  # a held appeal dropped: its link was not opened in time
    ROUTED = "routed"  # sent to the competent body; data: from, to (slugs), rule|by
    CLARIFY_ASKED = "clarify_asked"  # an operator's question; data: question, due
    CLARIFIED = "clarified"  # the citizen's answer to it; data: text
    EXTENDED = "extended"  # the answer deadline extended once; data: from, to, reason (public)
    RATED = "rated"  # the citizen's verdict; data: solved, rating, comment
    # the citizen's personal data left the appeal (erasure.py); data: number, why (retention |
    # request), by, sinks told — never the data itself; `reason` the reason given
    ERASED = "erased"
    CITIZEN_EXPORTED = "citizen_exported"  # a citizen's appeals exported; data: appeals, by
    REPEATED = "repeated"  # on the first appeal: a repeat was filed; data: repeat (its number)
    NOTIFIED = "notified"  # an e-mail of a notice handed to the SMTP server; data: notice, sink
    # polls, votes and discussions (participation/); data: poll (its id) and what happened
    POLL_CREATED = "poll_created"  # data: poll, kind, title, by
    POLL_CLOSED = "poll_closed"  # closed early; data: poll, by
    POLL_PUBLISHED = "poll_published"  # results published; data: poll, by
    VOTE_HELD = "vote_held"  # waiting for the e-mail link; data: poll, ballot, channel
    VOTE_COUNTED = "vote_counted"  # data: poll, ballot, channel, identity
    COMMENT_POSTED = "comment_posted"  # waiting for moderation; data: poll, comment
    COMMENT_APPROVED = "comment_approved"  # data: poll, comment, by
    COMMENT_REJECTED = "comment_rejected"  # data: poll, comment, by, reason (the author reads it)
    COMMENT_REPLIED = "comment_replied"  # the organisation's reply; data: poll, comment, by


# One encoder for every event: json.dumps with options builds a new one per call, which cost
# ~8 us an event — most of the time of a job writing hundreds of them (measured).
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))

# What the citizen sees in the history of an appeal: its arrival, every status change and the
# answer. The rest — notes, assignees, severities, contact views, delivery — is for operators.
PUBLIC_TYPES = (
    EventType.ACCEPTED,
    EventType.STATUS,
    EventType.ANSWERED,
    EventType.ROUTED,
    EventType.CLARIFY_ASKED,
    EventType.CLARIFIED,
    EventType.EXTENDED,
    EventType.RATED,
    EventType.REPEATED,
)


@dataclass(frozen=True)
class Event:
    id: int
    at: str
    type: str
    org: str | None
    appeal_id: str | None
    request_id: str | None
    remote_addr: str | None
    reason: str | None
    data: dict[str, Any]
    org_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at,
            "type": self.type,
            "org": self.org,
            "appeal_id": self.appeal_id,
            "request_id": self.request_id,
            "remote_addr": self.remote_addr,
            "reason": self.reason,
            "data": self.data,
        }

    def line(self, zone: tzinfo = UTC) -> str:
        """One line for a person reading the terminal, the time in `zone` (the organisation's)
        with its offset, so a reader never mistakes UTC for local time or the other way."""
        at = datetime.fromisoformat(self.at.replace("Z", "+00:00")).astimezone(zone)
        parts = [at.isoformat(sep=" ", timespec="seconds"), f"{self.type:<9}", self.org or "-"]
        number = self.data.get("number")
        if number:
            parts.append(str(number))
        for key, label in (
            ("category", "category"),
            ("kind", "kind"),
            ("channel", "channel"),
            ("embed_origin", "origin"),
            ("photos", "photos"),
            ("sink", "sink"),
            ("delivery", "delivery"),
            ("poll", "poll"),
        ):
            if self.data.get(key):
                parts.append(f"{label}={self.data[key]}")
        if self.reason:
            parts.append(f"reason={self.reason!r}")
        if self.remote_addr:
            parts.append(f"from={self.remote_addr}")
        if self.request_id:
            parts.append(f"request={self.request_id}")
        return "  ".join(parts)


def insert_event(
    conn: sqlite3.Connection,
    type: EventType,
    *,
    org_id: int | None = None,
    appeal_id: str | None = None,
    request_id: str | None = None,
    remote_addr: str | None = None,
    reason: str | None = None,
    data: dict[str, Any] | None = None,
    at: str | None = None,
    returning: bool = True,
) -> int:
    """Append one event; returns its id (what a notice about it is deduplicated by). On
    PostgreSQL the id is a round trip in a pipelined batch: with `returning=False` (use
    `append_event`) no id is asked for, and 0 comes back."""
    sqlite = is_sqlite(conn)  # PostgreSQL has no last row id
    returned = not sqlite and returning
    cursor = conn.execute(
        "INSERT INTO events (at, type, org_id, appeal_id, request_id, remote_addr, reason, data) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)" + (" RETURNING id" if returned else ""),
        (
            at or now_iso(),
            str(type),
            org_id,
            appeal_id,
            request_id,
            remote_addr,
            reason,
            _JSON.encode(data) if data else None,
        ),
    )
    if sqlite:
        return int(cursor.lastrowid or 0)
    return int(cursor.fetchone()[0]) if returned else 0


def append_event(conn: sqlite3.Connection, type: EventType, **fields: Any) -> None:
    """Append one event whose id nobody needs (intake's and the forwarder's own)."""
    insert_event(conn, type, returning=False, **fields)


def insert_events(
    conn: sqlite3.Connection,
    type: EventType,
    events: list[tuple[int | None, str | None, dict[str, Any]]],
    *,
    at: str,
) -> None:
    """Many events of one type at once — (org_id, appeal_id, data) each — for jobs that touch
    hundreds of rows in one operation (the queue's retention), where a statement per event
    would be most of their time."""
    conn.executemany(
        "INSERT INTO events (at, type, org_id, appeal_id, data) VALUES (?, ?, ?, ?, ?)",
        [
            (at, str(type), org_id, appeal_id, _JSON.encode(data))
            for org_id, appeal_id, data in events
        ],
    )


_SELECT = (
    "SELECT e.id, e.at, e.type, o.slug AS org, e.appeal_id, e.request_id, e.remote_addr, "
    "e.reason, e.data, e.org_id FROM events e LEFT JOIN orgs o ON o.id = e.org_id "
)


def _event(row: sqlite3.Row) -> Event:
    values = dict(row)
    values["data"] = json.loads(values["data"]) if values["data"] else {}
    return Event(**values)


def read_events(
    conn: sqlite3.Connection,
    *,
    after_id: int = 0,
    org_id: int | None = None,
    limit: int = 1000,
) -> list[Event]:
    """Events newer than `after_id`, oldest first, optionally of one organisation."""
    where, args = "WHERE e.id > ?", [after_id]
    if org_id is not None:
        where += " AND e.org_id = ?"
        args.append(org_id)
    rows = conn.execute(_SELECT + where + " ORDER BY e.id LIMIT ?", (*args, limit))
    return [_event(row) for row in rows]


# PostgreSQL shared by several nodes: an event's id is drawn when its row is written, but the
# row is seen only when its transaction commits, so ids appear out of order — by at most what
# the nodes have in flight at once (a batch of a few hundred appeals each, a few events per
# appeal). A feed looks this far back and hands on only what it has not handed on yet.
SHARED_LOOKBACK_IDS = 10_000


class EventFeed:
    """New events, each handed on once, in the order they became visible: the live log and
    `log tail -f`. On SQLite the single writer commits ids in order, so the feed reads past the
    last id; on a database other nodes write too, it reads `SHARED_LOOKBACK_IDS` further back
    and skips the ids it has seen."""

    def __init__(self, conn: sqlite3.Connection, after_id: int) -> None:
        self._lookback = 0 if is_sqlite(conn) else SHARED_LOOKBACK_IDS
        self.last_id = after_id
        self._seen: set[int] = set()
        if self._lookback:  # what is visible now is past; what becomes visible later is new
            self._seen = {
                row[0]
                for row in conn.execute(
                    "SELECT id FROM events WHERE id > ? AND id <= ?",
                    (after_id - self._lookback, after_id),
                )
            }

    def read(
        self, conn: sqlite3.Connection, *, org_id: int | None = None, limit: int = 1000
    ) -> list[Event]:
        if not self._lookback:
            events = read_events(conn, after_id=self.last_id, org_id=org_id, limit=limit)
        else:
            floor = self.last_id - self._lookback
            self._seen = {i for i in self._seen if i > floor}
            where, args = "WHERE id > ?", [floor]
            if org_id is not None:
                where, args = where + " AND org_id = ?", [floor, org_id]
            ids = conn.execute(f"SELECT id FROM events {where} ORDER BY id", args).fetchall()
            fresh = [row[0] for row in ids if row[0] not in self._seen][:limit]
            events = []
            if fresh:
                marks = ",".join("?" * len(fresh))
                rows = conn.execute(_SELECT + f"WHERE e.id IN ({marks}) ORDER BY e.id", fresh)
                events = [_event(row) for row in rows]
            self._seen.update(fresh)
        if events:
            self.last_id = max(self.last_id, events[-1].id)
        return events


def last_events(conn: sqlite3.Connection, *, org_id: int | None, count: int) -> list[Event]:
    """The `count` most recent events, oldest first (what `log tail` shows before following)."""
    where, args = "", []
    if org_id is not None:
        where, args = "WHERE e.org_id = ? ", [org_id]
    rows = conn.execute(_SELECT + where + "ORDER BY e.id DESC LIMIT ?", (*args, count)).fetchall()
    return [_event(row) for row in reversed(rows)]


def appeal_history(
    conn: sqlite3.Connection,
    appeal_id: str,
    types: tuple[EventType, ...] | None = PUBLIC_TYPES,
) -> list[Event]:
    """An appeal's events, oldest first: the public ones, or all of them (`types=None`)."""
    if types is None:
        rows = conn.execute(_SELECT + "WHERE e.appeal_id = ? ORDER BY e.id", (appeal_id,))
        return [_event(row) for row in rows]
    marks = ",".join("?" * len(types))
    rows = conn.execute(
        _SELECT + f"WHERE e.appeal_id = ? AND e.type IN ({marks}) ORDER BY e.id",
        (appeal_id, *types),
    )
    return [_event(row) for row in rows]
