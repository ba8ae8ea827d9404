"""A citizen's personal data erased from an appeal, keeping what statistics need.

One writer operation (`erase_op`) blanks, in one transaction, everything the citizen wrote or
told about themselves — the contact (name, e-mail, phone, postal address), the text, the
address and the point, the photos' rows, the clarification answer, the verdict's comment, the
answers to a category's extra questions, the media link, the identity provider's subject and
the confirmed e-mail — and the rows that exist only because of them: the search stems, the
e-mails recorded for the citizen (notices, with their undelivered `mail` rows withdrawn), the
followers' addresses, the held row the appeal was confirmed from. The citizen's words in the
log (`clarified` text, `rated` comment) leave their events too — the one place the log is
rewritten, because the law asks for it — and so does the network address the citizen's own
requests were logged with (`accepted`, `clarified`, `rated`, `repeated`). Kept: organisations,
topic, kind, channel, dates, statuses, severity, the rating, the operators' answers and notes.

Then it writes an `erased` event (who, why, the reason given — never the data) and one outbox
row per sink that received the appeal (`outbox.message = 'erased'`; not `mail`), so that each
consumer hears to erase its own copy. The photos' files are removed after COMMIT by the caller
(`remove_files`). An appeal erased already is left as it is and said so.

The writer runs it while the service runs (the retention job, retention.py); the CLI, a process
of its own, runs the same function in a short transaction of its own (cli/citizen_cmd.py).
On SQLite every writing connection has `secure_delete` on (store.py), so the bytes are zeroed in
the file; the WAL keeps the old pages until a checkpoint restarts it (`truncate_wal`). On
PostgreSQL the old row versions stay in dead tuples until VACUUM reclaims them (docs/data.md).
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from intake_service import photos
from intake_service.appeals import ERASED_MESSAGE
from intake_service.dialect import is_sqlite, row_locks
from intake_service.events import EventType, insert_event
from intake_service.forward.outbox import OutboxState
from intake_service.store import now_iso

# the citizen's words some events carry, by event type: dropped from the event's data
_WORDS_IN_EVENTS = {EventType.CLARIFIED: "text", EventType.RATED: "comment"}
# the events the citizen's own requests wrote: their address (the filing's, an answer's, a
# verdict's) is the citizen's too; operators' events keep theirs
_CITIZENS_EVENTS = (
    EventType.ACCEPTED,
    EventType.CLARIFIED,
    EventType.RATED,
    EventType.REPEATED,
)
_UNDELIVERED = (OutboxState.PENDING, OutboxState.FAILED, OutboxState.INFLIGHT)
# an appeal's document: not sent (withdrawn on erasure), or possibly with its consumer (told)
_NOT_SENT = (OutboxState.PENDING, OutboxState.FAILED, OutboxState.DEAD)
_MAY_HAVE_REACHED = (OutboxState.DONE, OutboxState.INFLIGHT, OutboxState.EXPIRED)


# What capabilities keep of an appeal's text elsewhere, erased in the same transaction: each
# is called with the appeal's row (seq, target_org_id, text, address) before it is blanked.
# The console's search registers its stems here (console/search.py), so that this module, below
# the capabilities, imports none of them; whoever erases has imported the console (the app,
# the CLI's `citizen` command).
AlsoErase = Callable[[sqlite3.Connection, sqlite3.Row], None]
_ALSO: list[AlsoErase] = []


def also_erase(hook: AlsoErase) -> AlsoErase:
    """Register what a capability erases of an appeal besides the rows this module knows."""
    if hook not in _ALSO:
        _ALSO.append(hook)
    return hook


class Why(StrEnum):
    RETENTION = "retention"  # closed longer ago than POS_RETENTION_YEARS
    REQUEST = "request"  # the citizen asked (pos-intake citizen erase)


@dataclass(frozen=True)
class Erased:
    appeal_id: str
    number: str
    already: bool  # erased before: nothing changed
    sinks: tuple[str, ...] = ()  # told by an `erased` message


def erase_op(
    appeal_ids: list[str], *, why: Why, by: str, reason: str | None = None
) -> Callable[[sqlite3.Connection], list[Erased]]:
    """The writer operation erasing these appeals' personal data (unknown ids are skipped)."""

    def op(conn: sqlite3.Connection) -> list[Erased]:
        now = time.time()
        return [
            done
            for appeal_id in appeal_ids
            if (done := erase(conn, appeal_id, why=why, by=by, reason=reason, now=now)) is not None
        ]

    return op


def erase(
    conn: sqlite3.Connection, appeal_id: str, *, why: Why, by: str, reason: str | None, now: float
) -> Erased | None:
    """Erase one appeal inside the caller's transaction; None if there is no such appeal."""
    at = now_iso(now)
    # PostgreSQL: a retention job and a request erasing the same appeal take turns, and the
    # second sees it erased
    row = conn.execute(
        "SELECT seq, number, target_org_id, text, address, erased_at FROM appeals WHERE id = ?"
        + row_locks(conn, "appeals"),
        (appeal_id,),
    ).fetchone()
    if row is None:
        return None
    if row["erased_at"] is not None:
        return Erased(appeal_id, row["number"], already=True)
    for hook in _ALSO:
        hook(conn, row)
    conn.execute(
        "UPDATE appeals SET text = '', address = NULL, lat = NULL, lon = NULL, contact = '{}', "
        "citizen_sub = NULL, confirmed_email = NULL, clarify_answer = NULL, "
        "rating_comment = NULL, attributes = NULL, media_url = NULL, notify_email = 0, "
        "erased_at = ? WHERE id = ?",
        (at, appeal_id),
    )
    conn.execute("DELETE FROM appeal_photos WHERE appeal_id = ?", (appeal_id,))
    # the e-mails to the citizen: not sent any more, and their addresses and names gone
    marks = ",".join("?" * len(_UNDELIVERED))
    conn.execute(
        "UPDATE outbox SET state = ?, receipt = NULL, updated_at = ? "
        f"WHERE appeal_id = ? AND notice_id IS NOT NULL AND state IN ({marks})",
        (OutboxState.WITHDRAWN, at, appeal_id, *_UNDELIVERED),
    )
    # found through their outbox rows (`outbox_by_appeal`): every notice about an appeal has
    # one under the same appeal (lifecycle/notices.py), so `notices` keeps no index of its own
    # for this one read and the citizen's notice costs intake one index entry less (migration 27)
    conn.execute(
        "DELETE FROM notices WHERE id IN (SELECT notice_id FROM outbox "
        "WHERE appeal_id = ? AND notice_id IS NOT NULL)",
        (appeal_id,),
    )
    conn.execute("DELETE FROM follows WHERE appeal_id = ?", (appeal_id,))
    conn.execute("DELETE FROM held_appeals WHERE number = ?", (row["number"],))
    _forget_in_log(conn, appeal_id)
    sinks = _tell_sinks(conn, appeal_id, now, at)
    insert_event(
        conn,
        EventType.ERASED,
        org_id=row["target_org_id"],
        appeal_id=appeal_id,
        data={
            "number": row["number"],
            "why": str(why),
            "by": by,
            "sinks": sorted({sink for sink, _ in sinks}),
            **({"reason": reason} if reason else {}),
        },
        at=at,
        returning=False,
    )
    return Erased(appeal_id, row["number"], already=False, sinks=tuple(s for s, _ in sinks))


def _forget_in_log(conn: sqlite3.Connection, appeal_id: str) -> None:
    """The citizen's words and network address out of the appeal's events."""
    marks = ",".join("?" * len(_CITIZENS_EVENTS))
    conn.execute(
        f"UPDATE events SET remote_addr = NULL WHERE appeal_id = ? AND type IN ({marks}) "
        "AND remote_addr IS NOT NULL",
        (appeal_id, *[str(k) for k in _CITIZENS_EVENTS]),
    )
    kinds = list(_WORDS_IN_EVENTS)
    rows = conn.execute(
        "SELECT id, type, data FROM events WHERE appeal_id = ? "
        f"AND type IN ({','.join('?' * len(kinds))})",
        (appeal_id, *[str(k) for k in kinds]),
    ).fetchall()
    for event in rows:
        data = json.loads(event["data"] or "{}")
        data.pop(_WORDS_IN_EVENTS[EventType(event["type"])], None)
        data["erased"] = True
        conn.execute(
            "UPDATE events SET data = ? WHERE id = ?",
            (json.dumps(data, ensure_ascii=False), event["id"]),
        )


def _tell_sinks(
    conn: sqlite3.Connection, appeal_id: str, now: float, at: str
) -> list[tuple[str, int]]:
    """One `erased` row per sink and organisation the appeal's document may have reached
    (delivered, being delivered, or pulled and left unacknowledged), e-mail aside: its consumer
    erases its copy. A document not sent yet (waiting, failing, dead) is withdrawn instead: it
    would go out blank, and its sink never had the citizen's data."""
    conn.execute(
        "UPDATE outbox SET state = ?, receipt = NULL, updated_at = ? WHERE appeal_id = ? "
        "AND notice_id IS NULL AND message IS NULL AND state IN (?, ?, ?)",
        (OutboxState.WITHDRAWN, at, appeal_id, *_NOT_SENT),
    )
    marks = ",".join("?" * len(_MAY_HAVE_REACHED))
    targets = [
        (r["sink"], r["org_id"])
        for r in conn.execute(
            "SELECT DISTINCT sink, org_id FROM outbox WHERE appeal_id = ? AND notice_id IS NULL "
            f"AND message IS NULL AND sink != 'mail' AND state IN ({marks}) ORDER BY sink, org_id",
            (appeal_id, *_MAY_HAVE_REACHED),
        )
    ]
    conn.executemany(
        "INSERT INTO outbox (appeal_id, org_id, sink, state, next_attempt_at, updated_at, "
        "created_at, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (appeal_id, org_id, sink, OutboxState.PENDING, now, at, now, ERASED_MESSAGE)
            for sink, org_id in targets
        ],
    )
    return targets


@dataclass(frozen=True)
class Forgotten:
    """What went of a person's e-mail beyond their own appeals."""

    follows: int  # their follows of others' appeals
    held: list[str]  # their forms held for (or expired without) the confirmation link: ids
    comments: int  # their comments in public discussions (and the moderators' replies to them)


def forget_address(conn: sqlite3.Connection, email: str) -> Forgotten:
    """A person's e-mail beyond their own appeals, on their request: the appeals of others they
    follow by it (`follows`), forms of theirs still held for the confirmation link or expired
    unconfirmed (`held_appeals`: the whole form; their photo folders go after COMMIT, as
    `remove_files` does for appeals), and their comments in discussions (`poll_comments`: their
    name, address and words; a ballot is a keyed hash and stays, so results do not move)."""
    folded = email.strip().lower()
    follows = conn.execute("DELETE FROM follows WHERE lower(email) = ?", (folded,)).rowcount
    held = [
        row[0]
        for row in conn.execute(
            "DELETE FROM held_appeals WHERE lower(email) = ? AND state != 'confirmed' RETURNING id",
            (folded,),
        ).fetchall()
    ]
    comments = conn.execute("DELETE FROM poll_comments WHERE lower(email) = ?", (folded,)).rowcount
    return Forgotten(follows, held, comments)


def remove_files(media_root: Path, erased: list[Erased]) -> None:
    """After COMMIT: the photos' files of the appeals just erased."""
    for done in erased:
        if not done.already:
            photos.discard(media_root / done.appeal_id)


def truncate_wal(conn: sqlite3.Connection) -> None:
    """SQLite: copy the WAL into the file and restart it empty, so the erased rows' old pages
    leave the WAL too (best effort: a reader holding an old snapshot leaves it for the next
    checkpoint). PostgreSQL: nothing to do here (VACUUM, docs/data.md)."""
    if is_sqlite(conn):
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
