"""Store-side reads and writer operations of the admins' settings page (/console/settings): the
organisation's time zone and public contacts, its categories' default severity, its extra
questions and its routing rules.

Each change runs the same registry function the CLI runs (org_settings.update_settings,
orgs.set_default_severity, category_attributes.set_attribute / remove_question,
routing.route_category / unroute_category), so the checks and their messages are one; here it
runs inside one writer operation together with the SITE_CHANGED event that records who did it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from intake_service.categories import org_catalogue
from intake_service.category_attributes import (
    Attribute,
    load_attributes,
    remove_question,
    set_attribute,
)
from intake_service.events import EventType, insert_event
from intake_service.org_settings import update_settings
from intake_service.orgs import set_default_severity
from intake_service.routing import list_rules, route_category, unroute_category

Change = Callable[[sqlite3.Connection], Any]


@dataclass(frozen=True)
class Question:
    category: str
    attribute: Attribute


def severities(conn: sqlite3.Connection, org_id: int) -> dict[str, str | None]:
    """Each offered category's default severity (None: appeals start without one)."""
    return {c.code: c.default_severity for c in org_catalogue(conn, org_id)}


def questions(conn: sqlite3.Connection, org_id: int) -> list[Question]:
    """Every extra question of the organisation, by category and order."""
    found = load_attributes(conn, org_id)
    return [Question(code, a) for code in sorted(found) for a in found[code]]


def routes(conn: sqlite3.Connection, slug: str) -> list[dict[str, str]]:
    return list_rules(conn, slug)


def _changed(
    conn: sqlite3.Connection, org_id: int, by: str, request_id: str | None, **data: Any
) -> None:
    insert_event(
        conn, EventType.SITE_CHANGED, org_id=org_id, request_id=request_id, data={**data, "by": by}
    )


def settings_op(
    org_id: int, slug: str, changes: dict[str, str], by: str, request_id: str | None
) -> Change:
    """Store the changed settings; the event names them and their new values."""

    def op(conn: sqlite3.Connection) -> None:
        update_settings(conn, slug, changes)
        _changed(conn, org_id, by, request_id, change="settings", settings=changes)

    return op


def severity_op(
    org_id: int, slug: str, code: str, severity: str, by: str, request_id: str | None
) -> Change:
    def op(conn: sqlite3.Connection) -> None:
        set_default_severity(conn, slug, code, severity)
        _changed(
            conn, org_id, by, request_id, change="category-severity", category=code, to=severity
        )

    return op


def add_question_op(
    org_id: int, category: str, attribute: Attribute, by: str, request_id: str | None
) -> Change:
    def op(conn: sqlite3.Connection) -> None:
        codes = {c.code for c in org_catalogue(conn, org_id)}
        set_attribute(conn, org_id, category, codes, attribute)
        _changed(
            conn,
            org_id,
            by,
            request_id,
            change="question-set",
            category=category,
            question=attribute.code,
        )

    return op


def remove_question_op(
    org_id: int, slug: str, category: str, code: str, by: str, request_id: str | None
) -> Change:
    def op(conn: sqlite3.Connection) -> None:
        remove_question(conn, org_id, slug, category, code)
        _changed(
            conn,
            org_id,
            by,
            request_id,
            change="question-removed",
            category=category,
            question=code,
        )

    return op


def route_op(
    org_id: int, slug: str, category: str, to_slug: str, by: str, request_id: str | None
) -> Change:
    def op(conn: sqlite3.Connection) -> None:
        route_category(conn, slug, category, to_slug)
        _changed(conn, org_id, by, request_id, change="route-set", category=category, to=to_slug)

    return op


def unroute_op(org_id: int, slug: str, category: str, by: str, request_id: str | None) -> Change:
    def op(conn: sqlite3.Connection) -> None:
        unroute_category(conn, slug, category)
        _changed(conn, org_id, by, request_id, change="route-removed", category=category)

    return op
