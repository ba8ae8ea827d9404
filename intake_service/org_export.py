"""The registry's organisations as CSV: `pos-intake org export` writes the file `org import`
reads (org_import.py), and `pos-intake org snippets` one row per organisation with the line its
webmaster pastes and whom to send it to, for a mail merge.

An export lists parents before their children (a tree walked from its roots, slugs in order at
each level) and writes what is stored — an empty cell where a setting is left at its default —
so that importing it into an empty store and exporting again gives the same bytes.
"""

from __future__ import annotations

import csv
import io
import sqlite3
from collections.abc import Iterable

from intake_service.org_rows import HEADER, SETTING_COLUMNS
from intake_service.orgs import Org, check_base_url, list_orgs, snippet

SNIPPET_HEADER = ("slug", "name", "snippet", "email", "phone", "website")


def parents_first(orgs: Iterable[Org]) -> list[Org]:
    """The organisations as a tree read from its roots: each after its parent, siblings by
    slug."""
    children: dict[str | None, list[Org]] = {}
    for org in sorted(orgs, key=lambda o: o.slug):
        children.setdefault(org.parent, []).append(org)
    ordered: list[Org] = []
    todo = list(reversed(children.get(None, [])))
    while todo:
        org = todo.pop()
        ordered.append(org)
        todo.extend(reversed(children.get(org.slug, [])))
    return ordered


def _csv(header: tuple[str, ...], rows: Iterable[Iterable[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def export_csv(conn: sqlite3.Connection) -> str:
    """Every organisation as a row of the import's format."""

    def cells(org: Org) -> list[object]:
        setting = {c: org.settings.get(c) or "" for c in SETTING_COLUMNS}
        by_column: dict[str, object] = {
            "slug": org.slug,
            "name": org.name,
            "parent": org.parent or "",
            "origins": " ".join(org.origins),
            "pos_id": "" if org.pos_id is None else org.pos_id,
            **setting,
        }
        return [by_column[c] for c in HEADER]

    return _csv(HEADER, (cells(o) for o in parents_first(list_orgs(conn))))


def snippets_csv(conn: sqlite3.Connection, base_url: str) -> str:
    """One row per organisation: slug, name, the snippet `org snippet` prints (with its
    `<noscript>` link) and the organisation's public e-mail, phone and website."""
    check_base_url(base_url)
    return _csv(
        SNIPPET_HEADER,
        (
            [
                org.slug,
                org.name,
                snippet(base_url, org.slug, fallback=True),
                *(org.settings.get(c) or "" for c in ("email", "phone", "website")),
            ]
            for org in parents_first(list_orgs(conn))
        ),
    )
