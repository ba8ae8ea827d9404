"""A ballot: one voter's answers to one poll.

`checked_answers` is the one check of answers against the poll (the API's JSON, the pages'
form and the badge's tab alike): every choice question answered, options of this poll's
question only, a multiple choice within its `max_choices`, a scale's value 1–5, a free answer
within its length. It returns what the ballot counts — (question, option) pairs — beside the
answers as stored.

`cast_op` and `confirm_op` are the writer's operations. The voter is the identity the poll's
level names (voters.py), and `poll_ballots` holds one row per poll and voter: a second ballot
of the same person meets the UNIQUE key inside the transaction and changes nothing — on one
node, or on several nodes of one PostgreSQL at once, where the second INSERT waits for the
first to commit and then finds it. The counts move in the same transaction as the ballot that
is counted, so results are a read of `poll_counts` and always equal the ballots.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from intake_service.errors import PollNotOpen, ValidationFailed
from intake_service.events import EventType, insert_event
from intake_service.lifecycle.notices import NoticeKind, record_notice
from intake_service.participation.definition import SCALE, TEXT_ANSWER_MAX, Poll
from intake_service.store import now_iso

PARTICIPANTS = ("", "")  # the count row of everyone counted
CONFIRM_HOURS = 48  # an e-mail-level ballot's link is good this long


@dataclass(frozen=True)
class Ballot:
    answers: dict[str, Any]  # as stored: question id → option id, list of ids, 1–5, or text
    counted: tuple[tuple[str, str], ...]  # (question, option) pairs counted


def _scale(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        value = str(value)
    return value.strip() if isinstance(value, str) and value.strip() in SCALE else None


def checked_answers(poll: Poll, raw: Any) -> Ballot:
    """The ballot `raw` (question id → answer) makes, or ValidationFailed naming each error."""
    if not isinstance(raw, dict):
        raise ValidationFailed([("answers", "field.not-object", {})])
    known = {q.id for q in poll.questions}
    # the first ten keys that are no question, found without walking a body of a million keys
    errors: list[tuple[str, str, dict[str, Any]]] = list(
        itertools.islice(
            (
                (f"answers.{str(key)[:32]}", "field.poll-question", {})
                for key in raw
                if key not in known
            ),
            10,
        )
    )
    answers: dict[str, Any] = {}
    counted: list[tuple[str, str]] = []
    for question in poll.questions:
        field = f"answers.{question.id}"
        value = raw.get(question.id)
        if value in (None, "", []):
            if question.type != "text":
                errors.append((field, "field.required", {}))
            continue
        if question.type == "single":
            if not isinstance(value, str) or question.option(value) is None:
                errors.append((field, "field.poll-option", {}))
                continue
            answers[question.id] = value
            counted.append((question.id, value))
        elif question.type == "multiple":
            chosen = value if isinstance(value, list) else [value]
            if len(chosen) > len(question.options):
                errors.append((field, "field.poll-option", {}))
                continue
            if not all(isinstance(c, str) and question.option(c) is not None for c in chosen):
                errors.append((field, "field.poll-option", {}))
                continue
            chosen = list(dict.fromkeys(chosen))
            limit = question.max_choices or len(question.options)
            if len(chosen) > limit:
                errors.append((field, "field.poll-too-many-choices", {"max": limit}))
                continue
            answers[question.id] = chosen
            counted.extend((question.id, c) for c in chosen)
        elif question.type == "scale":
            mark = _scale(value)
            if mark is None:
                errors.append((field, "field.poll-scale", {}))
                continue
            answers[question.id] = int(mark)
            counted.append((question.id, mark))
        else:  # a short free answer: stored as text, shown to the organisation, never counted
            if not isinstance(value, str):
                errors.append((field, "field.not-string", {}))
                continue
            text = value.strip()
            if len(text) > TEXT_ANSWER_MAX:
                errors.append((field, "field.too-long", {"max": TEXT_ANSWER_MAX}))
                continue
            if "\x00" in text:
                errors.append((field, "field.bad-characters", {}))
                continue
            if text:
                answers[question.id] = text
    if errors:
        raise ValidationFailed(errors)
    return Ballot(answers, tuple(counted))


def add_counts(conn: sqlite3.Connection, poll_id: str, counted: list[tuple[str, str]]) -> None:
    """Count one ballot: its (question, option) pairs and one participant."""
    conn.executemany(
        "INSERT INTO poll_counts (poll_id, question, option, n) VALUES (?, ?, ?, 1) "
        "ON CONFLICT (poll_id, question, option) DO UPDATE SET n = poll_counts.n + 1",
        [(poll_id, q, o) for q, o in [PARTICIPANTS, *counted]],
    )


def poll_open_now(conn: sqlite3.Connection, poll_id: str, now: str) -> sqlite3.Row:
    """The poll's row, read in the ballot's own transaction: one closed a moment ago (early,
    by an operator, on another node) takes no more ballots."""
    row = conn.execute(
        "SELECT org_id, title, opens_at, closes_at, closed_at FROM polls WHERE id = ?", (poll_id,)
    ).fetchone()
    if row is None or row["closed_at"] is not None or now >= row["closes_at"]:
        raise PollNotOpen("detail.poll-closed", reason="poll-closed")
    if now < row["opens_at"]:
        raise PollNotOpen("detail.poll-upcoming", reason="poll-not-yet-open")
    return row


@dataclass(frozen=True)
class Cast:
    outcome: str  # "counted", "held" (an e-mail asks to confirm it) or "duplicate"
    ballot_id: int
    answers: dict[str, Any]  # the voter's choice as counted (or held); the first one if duplicate


def cast_op(
    poll: Poll,
    ballot: Ballot,
    *,
    voter: str,
    lang: str,
    email: str | None = None,
    request_id: str | None = None,
    channel: str = "api",
) -> Callable[[sqlite3.Connection], Cast]:
    """Hold (e-mail level: `email` given) or count a ballot; a voter who has a counted ballot
    changes nothing (`duplicate`). A held ballot not yet confirmed is replaced by the newer
    answers (its new link mailed, at most once an hour)."""

    def op(conn: sqlite3.Connection) -> Cast:
        now = now_iso()
        poll_open_now(conn, poll.id, now)
        hold = email is not None
        expires = now_iso(_epoch(now) + CONFIRM_HOURS * 3600) if hold else None
        stored = json.dumps(ballot.answers, ensure_ascii=False)
        row = conn.execute(
            "INSERT INTO poll_ballots (poll_id, voter, answers, state, lang, created_at, "
            "counted_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (poll_id, voter) DO NOTHING RETURNING id",
            (poll.id, voter, stored, "held" if hold else "counted", lang, now,
             None if hold else now, expires),
        ).fetchone()  # fmt: skip
        if row is None:
            kept = conn.execute(
                "SELECT id, state, answers FROM poll_ballots WHERE poll_id = ? AND voter = ?",
                (poll.id, voter),
            ).fetchone()
            if kept["state"] == "counted" or not hold:
                return Cast("duplicate", int(kept["id"]), json.loads(kept["answers"]))
            conn.execute(
                "UPDATE poll_ballots SET answers = ?, lang = ?, created_at = ?, expires_at = ? "
                "WHERE id = ?",
                (stored, lang, now, expires, kept["id"]),
            )
            ballot_id = int(kept["id"])
        else:
            ballot_id = int(row["id"])
        data = {"poll": poll.id, "ballot": ballot_id, "channel": channel, "identity": poll.identity}
        if hold:
            assert email is not None
            record_notice(
                conn,
                NoticeKind.VOTE,
                org_id=poll.org_id,
                recipient=email,
                lang=lang,
                data={"title": poll.title, "ballot_id": ballot_id, "confirm_hours": CONFIRM_HOURS},
                dedupe=f"vote:{ballot_id}:{int(_epoch(now) // 3600)}",
            )
            insert_event(
                conn, EventType.VOTE_HELD, org_id=poll.org_id, request_id=request_id, data=data
            )
            return Cast("held", ballot_id, ballot.answers)
        add_counts(conn, poll.id, list(ballot.counted))
        insert_event(
            conn, EventType.VOTE_COUNTED, org_id=poll.org_id, request_id=request_id, data=data
        )
        return Cast("counted", ballot_id, ballot.answers)

    return op


def counted_pairs(poll: Poll, answers: dict[str, Any]) -> list[tuple[str, str]]:
    """The (question, option) pairs stored answers count (as `checked_answers` made them)."""
    pairs: list[tuple[str, str]] = []
    for question in poll.questions:
        value = answers.get(question.id)
        if value is None or question.type == "text":
            continue
        if question.type == "multiple":
            pairs.extend((question.id, str(c)) for c in value)
        else:
            pairs.append((question.id, str(value)))
    return pairs


def confirm_op(
    poll: Poll, ballot_id: int, *, request_id: str | None = None
) -> Callable[[sqlite3.Connection], Cast | None]:
    """Count a held ballot whose e-mailed link was opened in time; None when the link's ballot
    is gone or ran out. A ballot counted already is answered as counted (a second click)."""

    def op(conn: sqlite3.Connection) -> Cast | None:
        now = now_iso()
        row = conn.execute(
            "SELECT state, answers, expires_at FROM poll_ballots WHERE id = ? AND poll_id = ?",
            (ballot_id, poll.id),
        ).fetchone()
        if row is None:
            return None
        answers = json.loads(row["answers"])
        if row["state"] == "counted":
            return Cast("duplicate", ballot_id, answers)
        if row["expires_at"] is not None and row["expires_at"] <= now:
            return None
        poll_open_now(conn, poll.id, now)
        conn.execute(
            "UPDATE poll_ballots SET state = 'counted', counted_at = ?, expires_at = NULL "
            "WHERE id = ?",
            (now, ballot_id),
        )
        add_counts(conn, poll.id, counted_pairs(poll, answers))
        insert_event(
            conn,
            EventType.VOTE_COUNTED,
            org_id=poll.org_id,
            request_id=request_id,
            data={"poll": poll.id, "ballot": ballot_id, "channel": "email-link",
                  "identity": poll.identity},
        )  # fmt: skip
        return Cast("counted", ballot_id, answers)

    return op


def _epoch(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def poll_of_ballot(conn: sqlite3.Connection, ballot_id: int) -> str | None:
    """The poll a ballot belongs to (a held ballot's e-mailed link names only the ballot)."""
    row = conn.execute("SELECT poll_id FROM poll_ballots WHERE id = ?", (ballot_id,)).fetchone()
    return row["poll_id"] if row is not None else None
