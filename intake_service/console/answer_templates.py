"""Answer templates, store side: an organisation's ready answers, per category or for any, with
{number} and {name} filled in for the appeal at hand (`fill_template`, lifecycle/changes.py).
Adding, editing and deleting one is a writer operation with its `site_changed` event, like every other
change to an organisation's setup."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from intake_service.events import EventType, insert_event
from intake_service.store import now_iso

MAX_TITLE = 200
MAX_BODY = 10000


def templates_for(conn: sqlite3.Connection, org_id: int, category: str) -> list[dict[str, Any]]:
    """The organisation's templates for this category and for any, the category's first."""
    rows = conn.execute(
        "SELECT id, org_id, category, title, body FROM answer_templates "
        "WHERE org_id = ? AND (category = ? OR category IS NULL) "
        "ORDER BY category IS NULL, title, id",
        (org_id, category),
    )
    return [dict(row) for row in rows]


def list_templates(conn: sqlite3.Connection, org_ids: list[int] | None) -> list[dict[str, Any]]:
    """Every template of these organisations (None: of all), by organisation and title."""
    where, args = "", []
    if org_ids is not None:
        where = f"WHERE a.org_id IN ({','.join('?' * len(org_ids)) or 'NULL'}) "
        args = list(org_ids)
    rows = conn.execute(
        "SELECT a.id, a.org_id, o.slug AS org_slug, o.name AS org_name, a.category, a.title, "
        "a.body FROM answer_templates a JOIN orgs o ON o.id = a.org_id "
        + where
        + "ORDER BY o.slug, a.category IS NULL, a.category, a.title, a.id",
        args,
    )
    return [dict(row) for row in rows]


def template_org(conn: sqlite3.Connection, template_id: int) -> int | None:
    row = conn.execute(
        "SELECT org_id FROM answer_templates WHERE id = ?", (template_id,)
    ).fetchone()
    return None if row is None else int(row[0])


def add_template_op(
    org_id: int, category: str | None, title: str, body: str, by: str
) -> Callable[[sqlite3.Connection], None]:
    def op(conn: sqlite3.Connection) -> None:
        at = now_iso()
        conn.execute(
            "INSERT INTO answer_templates (org_id, category, title, body, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (org_id, category, title[:MAX_TITLE], body[:MAX_BODY], at),
        )
        data = {"by": by, "change": "template-added", "title": title, "category": category}
        insert_event(conn, EventType.SITE_CHANGED, org_id=org_id, data=data, at=at)

    return op


def delete_template_op(template_id: int, by: str) -> Callable[[sqlite3.Connection], None]:
    def op(conn: sqlite3.Connection) -> None:
        row = conn.execute(
            "DELETE FROM answer_templates WHERE id = ? RETURNING org_id, title", (template_id,)
        ).fetchone()
        if row is None:
            return
        data = {"by": by, "change": "template-deleted", "title": row["title"]}
        insert_event(conn, EventType.SITE_CHANGED, org_id=row["org_id"], data=data)

    return op


def update_template_op(
    template_id: int, category: str | None, title: str, body: str, by: str
) -> Callable[[sqlite3.Connection], None]:
    """Edit a template in place: operators keep picking it under its id, with the new text."""

    def op(conn: sqlite3.Connection) -> None:
        row = conn.execute(
            "UPDATE answer_templates SET category = ?, title = ?, body = ? WHERE id = ? "
            "RETURNING org_id",
            (category, title[:MAX_TITLE], body[:MAX_BODY], template_id),
        ).fetchone()
        if row is None:
            return
        data = {"by": by, "change": "template-edited", "title": title, "category": category}
        insert_event(conn, EventType.SITE_CHANGED, org_id=row["org_id"], data=data)

    return op
