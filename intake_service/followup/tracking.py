"""What the holder of a tracking link sees (`/s/{token}` and `GET /api/v1/status/{token}`):
the status with its type, the deadline, the answer, an open question, the verdict, the repeat
chain and the public history — never the contact, the assignee, the severity, internal notes or
who in the organisation acted. A duplicate shows its original's status and answer.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable
from typing import Any

from intake_service.appeals import load_appeals
from intake_service.categories import Category
from intake_service.declension import org_name_in
from intake_service.events import Event, EventType, appeal_history
from intake_service.followup.verdict import REPEATABLE, days_since, last_answered, open_repeat
from intake_service.i18n import t
from intake_service.lifecycle.changes import find_appeal, personal
from intake_service.pages import human_date
from intake_service.statuses import Status, StatusType, status_type


def _public_step(event: Event, lang: str, org_name: Callable[[str], str]) -> dict[str, Any]:
    """One line of the citizen's history, in their words: what happened, and for some steps the
    public text that goes with it (the question, the reason of an extension)."""
    data, detail = event.data, None
    if event.type == EventType.STATUS:
        status, detail = str(data.get("to") or ""), data.get("reason")
        title = t(f"status.{status}", lang)
    elif event.type == EventType.ANSWERED:
        status = str(Status.ANSWERED)
        title = t("status.answered", lang)
    elif event.type == EventType.ROUTED:
        status = str(Status.FORWARDED)
        name = org_name(str(data.get("to") or ""))
        title = t(
            "track.step.routed", lang, org=org_name_in("accs", name) if lang == "ru" else name
        )
    elif event.type == EventType.CLARIFY_ASKED:
        status, detail = str(Status.CLARIFYING), data.get("question")
        title = t("track.step.clarify_asked", lang)
    elif event.type == EventType.CLARIFIED:
        status, title = str(Status.IN_PROGRESS), t("track.step.clarified", lang)
    elif event.type == EventType.EXTENDED:
        status, detail = "extended", data.get("reason")
        title = t("track.step.extended", lang, date=human_date(str(data.get("to")), lang))
    elif event.type == EventType.RATED:
        status = "rated"
        title = t("track.step.rated", lang, rating=data.get("rating", ""))
    elif event.type == EventType.REPEATED:
        status = "repeated"
        title = t("track.step.repeated", lang, number=data.get("repeat", ""))
    else:
        status = str(Status.ACCEPTED)
        title = t("status.accepted", lang)
    return {"at": event.at, "status": status, "title": title, "detail": detail}


def _public_answer(
    row: dict[str, Any] | sqlite3.Row, name: str, at: str | None = None
) -> dict[str, Any] | None:
    """The answer as the reader of one tracking page sees it: `{name}` (and `{greeting}`) is that
    appeal's own citizen's name (the answer of an original, shown on a duplicate's page, greets the
    duplicate's citizen — never the original's)."""
    if not row["answer"]:
        return None
    return {"text": personal(row["answer"], name), "at": at or row["answered_at"]}


def _citizen_name(row: dict[str, Any] | sqlite3.Row) -> str:
    try:
        name = json.loads(row["contact"]).get("name")
    except (TypeError, ValueError, AttributeError):
        name = None
    return str(name or "")


def _original(
    conn: sqlite3.Connection, row: dict[str, Any] | sqlite3.Row, lang: str
) -> dict[str, Any] | None:
    """A duplicate follows its original: the first appeal up the chain that is not one."""
    name = _citizen_name(row)
    seen = {row["id"]}
    while row["status"] == Status.DUPLICATE and row["duplicate_of"]:
        found = load_appeals(conn, [row["duplicate_of"]]).get(row["duplicate_of"])
        if found is None or found["id"] in seen or len(seen) > 10:
            return None
        seen.add(found["id"])
        row = found
    if len(seen) == 1:
        return None
    return {
        "number": row["number"],
        "status": row["status"],
        "status_title": t(f"status.{row['status']}", lang),
        "status_reason": row["status_reason"],
        "answer": _public_answer(row, name),
    }


def status_view(
    conn: sqlite3.Connection,
    appeal_id: str,
    categories: Callable[[str], dict[str, Category]],
    lang: str,
    *,
    org_name: Callable[[str], str] = str,
    today: Callable[[str], dt.date] | None = None,
    repeat_days: int = 90,
) -> dict[str, Any] | None:
    """The public view of one appeal, or None if there is none. `org_name(slug)` names an
    organisation a step mentions; `today(slug)` is today in that organisation's zone (for
    "overdue"); `repeat_days` how long after the answer a repeat may be filed."""
    row = find_appeal(conn, appeal_id)
    if row is None:
        return None
    category = categories(row["org_slug"]).get(row["category"])
    kind = status_type(row["status"])
    answer_due = row["answer_due"]
    overdue = bool(
        answer_due
        and kind is StatusType.OPEN
        and today is not None
        and dt.date.fromisoformat(answer_due) < today(row["org_slug"])
    )
    answered = last_answered(conn, appeal_id, row["answered_at"])
    since = days_since(answered, dt.datetime.now(dt.UTC))
    repeats = conn.execute(
        "SELECT number FROM appeals WHERE repeat_of = ? ORDER BY seq", (appeal_id,)
    ).fetchall()
    verdict = None
    if row["rated_at"]:
        verdict = {
            "solved": bool(row["solved"]),
            "rating": row["rating"],
            "comment": row["rating_comment"],
            "at": row["rated_at"],
        }
    return {
        "number": row["number"],
        "status": row["status"],
        "status_title": t(f"status.{row['status']}", lang),
        "status_type": str(kind),
        "status_reason": row["status_reason"],
        "answer": _public_answer(row, _citizen_name(row), answered),
        "original": _original(conn, row, lang),
        "kind": row["kind"],
        "category": {
            "code": row["category"],
            "title": category.title(lang) if category else row["category"],
        },
        "text": row["text"],
        "address": row["address"],
        "org": {"slug": row["org_slug"], "name": row["org_name"]},
        "created_at": row["created_at"],
        "register_due": row["register_due"],
        "answer_due": answer_due,
        "overdue": overdue,
        "extension_reason": row["extension_reason"],
        "question": (
            {"text": row["clarify_question"], "due": row["clarify_due"]}
            if row["status"] == Status.CLARIFYING
            else None
        ),
        "verdict": verdict,
        "can_rate": row["status"] == Status.ANSWERED and verdict is None,
        "can_repeat": (
            row["status"] in REPEATABLE
            and since is not None
            and since <= repeat_days
            and open_repeat(conn, appeal_id) is None
        ),
        "repeat_of": row["repeat_of_number"],
        "repeats": [r["number"] for r in repeats],
        "history": [_public_step(e, lang, org_name) for e in appeal_history(conn, appeal_id)],
    }
