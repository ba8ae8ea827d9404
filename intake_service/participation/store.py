"""Polls in the store: the writer's operations that create, close and publish one, and the
reads every surface shares — one poll, what a badge shows, an organisation's list, results.

Whose badges show a poll: its own organisation's always, and with `reach` "children" every
organisation below it too (a region's poll on its municipalities' sites). Who sees it in the
console: the one rule of `visibility.py`, the organisation and those above it, and the platform.

Results are the kept counts (ballots.py), so `results` is a read of a few rows at any number of
votes; the console, the public page, the API and the CSV all call it and show the same numbers.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field

from intake_service.directory import OrgDirectory
from intake_service.events import EventType, insert_event
from intake_service.participation.definition import Poll, poll_of_row, questions_json
from intake_service.store import now_iso
from intake_service.visibility import Scope

LISTED = 50  # a badge, a page and the API list at most this many open polls


def create_op(poll: Poll) -> Callable[[sqlite3.Connection], str]:
    def op(conn: sqlite3.Connection) -> str:
        conn.execute(
            "INSERT INTO polls (id, org_id, kind, title, description, identity, opens_at, "
            "closes_at, results, reach, questions, created_at, created_by) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (poll.id, poll.org_id, poll.kind, poll.title, poll.description, poll.identity,
             poll.opens_at, poll.closes_at, poll.results, poll.reach,
             questions_json(poll.questions), poll.created_at, poll.created_by),
        )  # fmt: skip
        insert_event(
            conn,
            EventType.POLL_CREATED,
            org_id=poll.org_id,
            data={"poll": poll.id, "kind": poll.kind, "title": poll.title, "by": poll.created_by},
        )
        return poll.id

    return op


def close_op(poll: Poll, by: str) -> Callable[[sqlite3.Connection], bool]:
    """Close a poll now; False if it had closed already (nothing written)."""

    def op(conn: sqlite3.Connection) -> bool:
        now = now_iso()
        done = conn.execute(
            "UPDATE polls SET closed_at = ? WHERE id = ? AND closed_at IS NULL AND closes_at > ? "
            "RETURNING id",
            (now, poll.id, now),
        ).fetchone()
        if done is None:
            return False
        insert_event(
            conn, EventType.POLL_CLOSED, org_id=poll.org_id, data={"poll": poll.id, "by": by}
        )
        return True

    return op


def publish_op(poll: Poll, by: str) -> Callable[[sqlite3.Connection], bool]:
    """Publish a poll's results before it closes (they publish themselves at closing)."""

    def op(conn: sqlite3.Connection) -> bool:
        done = conn.execute(
            "UPDATE polls SET published_at = ? WHERE id = ? AND published_at IS NULL RETURNING id",
            (now_iso(), poll.id),
        ).fetchone()
        if done is None:
            return False
        insert_event(
            conn, EventType.POLL_PUBLISHED, org_id=poll.org_id, data={"poll": poll.id, "by": by}
        )
        return True

    return op


def poll_by_id(conn: sqlite3.Connection, poll_id: str) -> Poll | None:
    if not poll_id or len(poll_id) > 64:
        return None
    row = conn.execute("SELECT * FROM polls WHERE id = ?", (poll_id,)).fetchone()
    return poll_of_row(row) if row is not None else None


def shown_on_badge(conn: sqlite3.Connection, directory: OrgDirectory, org_id: int) -> list[Poll]:
    """The polls open now (or still showing results) on `org_id`'s badge: its own, and those of
    the organisations above it that reach their children; open ones first, soonest closing
    first."""
    now = now_iso()
    owners = [org_id, *_ancestors(directory, org_id)]
    marks = ",".join("?" * len(owners))
    rows = conn.execute(
        f"SELECT * FROM polls WHERE org_id IN ({marks}) AND opens_at <= ? AND closes_at > ? "
        "AND closed_at IS NULL ORDER BY closes_at LIMIT ?",
        (*owners, now, now, LISTED * 2),
    ).fetchall()
    polls = [poll_of_row(row) for row in rows]
    return [p for p in polls if p.org_id == org_id or p.reach == "children"][:LISTED]


def _ancestors(directory: OrgDirectory, org_id: int) -> list[int]:
    found: list[int] = []
    org = directory.org(org_id)
    while org.parent:
        parent = directory.org_by_slug(org.parent)
        if parent is None or parent.id in found:
            break
        found.append(parent.id)
        org = parent
    return found


def polls_in_scope(conn: sqlite3.Connection, scope: Scope, limit: int = 200) -> list[Poll]:
    """The polls an operator of `scope` sees (visibility.py), newest first."""
    if scope is None:
        rows = conn.execute(
            "SELECT * FROM polls ORDER BY created_at DESC LIMIT ?", (limit,)
        ).fetchall()
    else:
        ids = sorted(scope)
        marks = ",".join("?" * len(ids))
        rows = conn.execute(
            f"SELECT * FROM polls WHERE org_id IN ({marks}) ORDER BY created_at DESC LIMIT ?",
            (*ids, limit),
        ).fetchall()
    return [poll_of_row(row) for row in rows]


@dataclass(frozen=True)
class Results:
    participants: int
    # question id → option id (a scale's value) → count, every option present (0 if none)
    questions: dict[str, dict[str, int]] = field(default_factory=dict)

    def share(self, question: str, option: str) -> float:
        """The option's share of the participants, 0–1."""
        return self.questions[question][option] / self.participants if self.participants else 0.0


def results(conn: sqlite3.Connection, poll: Poll) -> Results:
    """The kept counts of a poll: one read of its rows in `poll_counts`."""
    counts = {
        (row["question"], row["option"]): int(row["n"])
        for row in conn.execute(
            "SELECT question, option, n FROM poll_counts WHERE poll_id = ?", (poll.id,)
        )
    }
    questions = {
        q.id: {option: counts.get((q.id, option), 0) for option in q.answers()}
        for q in poll.questions
        if q.type != "text"
    }
    return Results(counts.get(("", ""), 0), questions)


def text_answers(conn: sqlite3.Connection, poll: Poll, limit: int = 1_000) -> dict[str, list[str]]:
    """The free answers of the counted ballots, newest first, per question (for the console
    and the CSV; never public — they are residents' own words)."""
    wanted = [q.id for q in poll.questions if q.type == "text"]
    found: dict[str, list[str]] = {q: [] for q in wanted}
    if not wanted:
        return found
    for row in conn.execute(
        "SELECT answers FROM poll_ballots WHERE poll_id = ? AND state = 'counted' "
        "ORDER BY id DESC LIMIT ?",
        (poll.id, limit),
    ):
        answers = json.loads(row["answers"])
        for q in wanted:
            if isinstance(answers.get(q), str):
                found[q].append(answers[q])
    return found


@dataclass(frozen=True)
class PollFigures:
    poll: Poll
    participants: int
    comments: int  # approved comments of a discussion


def polls_in_period(
    conn: sqlite3.Connection, org_ids: frozenset[int] | None, since: str, until: str
) -> list[PollFigures]:
    """The polls of the organisations (None: all) that took part in [since, until) — opened
    before its end and ended after its start — with their participants and published comments:
    what the console's statistics show of participation. At most LISTED * 4, soonest ending
    first; the counts are the kept ones."""
    where = ""
    args: tuple[object, ...] = ()
    if org_ids is not None:
        ids = sorted(org_ids) or [-1]
        where = f"AND p.org_id IN ({','.join('?' * len(ids))})"
        args = tuple(ids)
    rows = conn.execute(
        "SELECT p.*, coalesce(c.n, 0) AS participants, "
        "(SELECT count(*) FROM poll_comments m WHERE m.poll_id = p.id AND m.state = 'approved') "
        "AS comments FROM polls p LEFT JOIN poll_counts c ON c.poll_id = p.id "
        "AND c.question = '' AND c.option = '' "
        f"WHERE p.opens_at < ? AND coalesce(p.closed_at, p.closes_at) > ? {where} "
        "ORDER BY coalesce(p.closed_at, p.closes_at) LIMIT ?",
        (until, since, *args, LISTED * 4),
    ).fetchall()
    return [PollFigures(poll_of_row(r), int(r["participants"]), int(r["comments"])) for r in rows]


def participants_of(conn: sqlite3.Connection, poll_ids: list[str]) -> dict[str, int]:
    """Each poll's participants (polls without any are absent): one read of their kept counts."""
    if not poll_ids:
        return {}
    rows = conn.execute(
        "SELECT poll_id, n FROM poll_counts WHERE question = '' AND option = '' "
        f"AND poll_id IN ({','.join('?' * len(poll_ids))})",
        poll_ids,
    )
    return {row["poll_id"]: int(row["n"]) for row in rows}
