"""Store-side reads and writer operations of the webmaster's site page: an organisation's
refused requests, its API keys, its whole category catalogue (turned-off entries included), and
the changes — origins, keys, categories — each with the SITE_CHANGED event that explains it.

The changes reuse the registry's own functions (orgs.py), which the CLI runs in its
transaction; here they run inside one writer operation together with their event.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from intake_service.categories import DEFAULT_CATALOGUE, org_catalogue
from intake_service.dialect import json_text
from intake_service.events import EventType, insert_event
from intake_service.orgs import (
    ApiKey,
    add_origin,
    create_key,
    list_keys,
    remove_origin,
    revoke_key,
    set_category,
)
from intake_service.origins import OriginError, normalise_origin

REFUSALS_SHOWN = 50


@dataclass(frozen=True)
class Refusal:
    at: str
    reason: str
    path: str
    origin: str


@dataclass(frozen=True)
class CatalogueEntry:
    code: str
    title_ru: str
    title_en: str
    enabled: bool
    default: bool  # from the shipped catalogue (turned off, never deleted)


def refusals(conn: sqlite3.Connection, org_id: int, limit: int = REFUSALS_SHOWN) -> list[Refusal]:
    """The organisation's latest `rejected` events, newest first: why a site's badge or an API
    call was refused (the reason names the origin when the origin was the cause). The console's
    own refusals (a stale form, a page of another organisation) are logged to the operator's
    organisation too; they are not the sites' and are left out."""
    rows = conn.execute(
        "SELECT at, reason, data FROM events WHERE org_id = ? AND type = ? "
        f"AND coalesce({json_text(conn, 'data', 'path')}, '') NOT LIKE '/console%' "
        "ORDER BY id DESC LIMIT ?",
        (org_id, str(EventType.REJECTED), limit),
    )
    result = []
    for row in rows:
        data = json.loads(row["data"]) if row["data"] else {}
        result.append(
            Refusal(
                at=row["at"],
                reason=row["reason"] or "",
                path=str(data.get("path") or ""),
                origin=str(data.get("origin") or ""),
            )
        )
    return result


def keys(conn: sqlite3.Connection, slug: str) -> list[ApiKey]:
    return list_keys(conn, slug)


def catalogue(conn: sqlite3.Connection, org_id: int) -> list[CatalogueEntry]:
    """Every category an admin may act on: the enabled ones in the form's order, then the
    turned-off defaults and own categories."""
    enabled = org_catalogue(conn, org_id)
    entries = [
        CatalogueEntry(
            c.code, c.title_ru, c.title_en, True, any(d.code == c.code for d in DEFAULT_CATALOGUE)
        )
        for c in enabled
    ]
    shown = {c.code for c in enabled}
    titles = {
        row["code"]: row
        for row in conn.execute(
            "SELECT code, title_ru, title_en FROM org_categories WHERE org_id = ? AND enabled = 0 "
            "ORDER BY code",
            (org_id,),
        )
    }
    for default in DEFAULT_CATALOGUE:
        if default.code not in shown:
            entries.append(
                CatalogueEntry(default.code, default.title_ru, default.title_en, False, True)
            )
            shown.add(default.code)
    for code, row in titles.items():
        if code not in shown:
            entries.append(
                CatalogueEntry(code, row["title_ru"] or code, row["title_en"] or "", False, False)
            )
    return entries


Change = Callable[[sqlite3.Connection], Any]


def _site_changed(
    conn: sqlite3.Connection, org_id: int, by: str, request_id: str | None, **data: Any
) -> None:
    insert_event(
        conn, EventType.SITE_CHANGED, org_id=org_id, request_id=request_id, data={**data, "by": by}
    )


def add_origin_op(org_id: int, slug: str, origin: str, by: str, request_id: str | None) -> Change:
    def op(conn: sqlite3.Connection) -> None:
        before = set(_origins(conn, org_id))
        org = add_origin(conn, slug, origin)
        added = sorted(set(org.origins) - before)
        if added:
            _site_changed(
                conn, org_id, by, request_id, change="origin-added", origin=", ".join(added)
            )

    return op


def remove_origin_op(
    org_id: int, slug: str, origin: str, by: str, request_id: str | None
) -> Change:
    def op(conn: sqlite3.Connection) -> None:
        remove_origin(conn, slug, origin)
        try:
            stored = normalise_origin(origin)
        except OriginError:
            stored = origin.strip()
        _site_changed(conn, org_id, by, request_id, change="origin-removed", origin=stored)

    return op


def create_key_op(org_id: int, slug: str, label: str, by: str, request_id: str | None) -> Change:
    """Returns the whole key, which the page shows once; the event names only its id."""

    def op(conn: sqlite3.Connection) -> str:
        key = create_key(conn, slug, label)
        key_id = key.split("_", 2)[1]
        _site_changed(conn, org_id, by, request_id, change="key-created", key=key_id, label=label)
        return key

    return op


def revoke_key_op(org_id: int, slug: str, key_id: str, by: str, request_id: str | None) -> Change:
    def op(conn: sqlite3.Connection) -> None:
        revoke_key(conn, slug, key_id)
        _site_changed(conn, org_id, by, request_id, change="key-revoked", key=key_id)

    return op


def category_op(
    org_id: int,
    slug: str,
    code: str,
    by: str,
    request_id: str | None,
    *,
    enabled: bool,
    title_ru: str | None = None,
    title_en: str | None = None,
) -> Change:
    def op(conn: sqlite3.Connection) -> None:
        set_category(conn, slug, code, enabled=enabled, title_ru=title_ru, title_en=title_en)
        change = "category-added" if title_ru else "category-on" if enabled else "category-off"
        _site_changed(conn, org_id, by, request_id, change=change, category=code)

    return op


def _origins(conn: sqlite3.Connection, org_id: int) -> list[str]:
    return [
        r[0] for r in conn.execute("SELECT origin FROM org_origins WHERE org_id = ?", (org_id,))
    ]
