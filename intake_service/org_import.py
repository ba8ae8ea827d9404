"""A region's organisations from one CSV file (`pos-intake org import`): read, checked as a
whole, then created and updated in ONE transaction — or, if any row is wrong, nothing written at
all and every wrong row named with its line and reason.

The file is UTF-8 (a byte-order mark, as spreadsheets save it, is accepted) with the header
`slug,name,parent,oktmo,origins,timezone,phone,email,website,pos_id` (org_export.py writes the
same). A cell left empty keeps the default for a new organisation and leaves that field as it
is for an existing one; an `origins` cell that is not empty lists, separated by spaces, all the
organisation's origins. A parent may come later in the file than its children, or be in the
store already.

Importing is idempotent: a row that says what the store already has writes nothing, so a second
import of the same file moves no row, no timestamp and not the registry's `config_version`.
What does change moves it through the registry's triggers (migrations/registry.py), as every
other registry change does, so running services reload their directory within 0.1 s.

Each row's own checks are org_rows.py's; here the file is checked against the store — parents
that exist nowhere or form a circle, ПОС ids another organisation keeps — and applied.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from intake_service.org_rows import (
    HEADER,
    SETTING_COLUMNS,
    ImportRefused,
    Parsed,
    Row,
    read_rows,
)
from intake_service.orgs import Org, list_orgs
from intake_service.store import now_iso, transaction


@dataclass(frozen=True)
class Change:
    """What importing does to one organisation of the file."""

    slug: str
    kind: Literal["create", "update", "same"]
    fields: tuple[str, ...] = ()  # an update's changed columns, in the header's order


@dataclass
class Plan:
    """The changes, in an order that puts parents first, and the rows they come from."""

    changes: list[Change] = field(default_factory=list)
    rows: dict[str, Row] = field(default_factory=dict)


def plan(conn: sqlite3.Connection, parsed: Parsed) -> Plan:
    """What importing the rows into the store would change; ImportRefused naming every row
    refused on its own (`parsed.problems`) or whose parent exists nowhere, forms a cycle, or
    whose ПОС id another organisation has or gets."""
    rows = parsed.rows
    existing = {o.slug: o for o in list_orgs(conn)}
    by_slug = {r.slug: r for r in rows}
    problems = list(parsed.problems)

    parents: dict[str, str | None] = {s: o.parent for s, o in existing.items()}
    for row in rows:
        if row.name is None and row.slug not in existing:
            problems.append((row.line, f"{row.slug} is new and needs a name"))
        if row.parent is not None:
            if row.parent in parsed.refused:
                continue  # that row's own problem is reported
            if row.parent not in by_slug and row.parent not in existing:
                problems.append(
                    (row.line, f"parent: {row.parent[:60]!r} is neither in the file nor stored")
                )
                continue
            parents[row.slug] = row.parent
        elif row.slug not in existing:
            parents[row.slug] = None
    problems += _cycles(parents, by_slug)

    problems += _pos_id_problems(rows, existing)
    if problems:
        raise ImportRefused([f"line {line}: {why}" for line, why in sorted(problems)])

    result = Plan(rows=by_slug)
    for slug in _parents_first([r.slug for r in rows], parents):
        row = by_slug[slug]
        old = existing.get(slug)
        if old is None:
            result.changes.append(Change(slug, "create"))
        else:
            changed = _changed(row, old)
            result.changes.append(
                Change(slug, "update", changed) if changed else Change(slug, "same")
            )
    return result


def _pos_id_problems(rows: list[Row], existing: dict[str, Org]) -> list[tuple[int, str]]:
    """A problem for each row whose ПОС id an earlier row gives too, or a stored organisation
    keeps (one the file does not give another id); ids the file moves between organisations
    are fine."""
    by_slug = {r.slug: r for r in rows}
    final = {s: o.pos_id for s, o in existing.items() if o.pos_id is not None}
    final.update({r.slug: r.pos_id for r in rows if r.pos_id is not None})
    owners: dict[int, list[str]] = {}
    for slug, pos_id in final.items():
        owners.setdefault(pos_id, []).append(slug)
    problems: list[tuple[int, str]] = []
    given: dict[int, Row] = {}
    for row in rows:
        if row.pos_id is None:
            continue
        first = given.setdefault(row.pos_id, row)
        if first is not row:
            problems.append(
                (row.line, f"pos_id: {row.pos_id} is also {first.slug}'s, on line {first.line}")
            )
            continue
        keepers = [
            s
            for s in owners[row.pos_id]
            if s != row.slug and (s not in by_slug or by_slug[s].pos_id is None)
        ]
        if keepers:
            problems.append((row.line, f"pos_id: {row.pos_id} already belongs to {keepers[0]}"))
    return problems


def _cycles(parents: dict[str, str | None], rows: dict[str, Row]) -> list[tuple[int, str]]:
    """A problem for each cycle the parents would make, on the first of its lines in the file."""
    problems: list[tuple[int, str]] = []
    done: set[str] = set()
    for start in rows:
        path: list[str] = []
        slug: str | None = start
        while slug is not None and slug not in done and slug not in path:
            path.append(slug)
            slug = parents.get(slug)
        if slug is not None and slug in path:
            cycle = path[path.index(slug) :]
            line, first = min((rows[s].line, i) for i, s in enumerate(cycle) if s in rows)
            cycle = cycle[first:] + cycle[:first]  # told from the row that is read first
            if len(cycle) == 1:
                problems.append((line, f"parent: {slug} cannot be its own parent"))
            else:
                ring = " → ".join([*cycle, cycle[0]])
                problems.append((line, f"parent: the parents go round in a circle: {ring}"))
        done.update(path)
    return problems


def _parents_first(slugs: list[str], parents: dict[str, str | None]) -> list[str]:
    """`slugs` reordered so that each comes after its parent if that is among them (the
    parents are known to form no cycle), otherwise in the file's order."""
    wanted = set(slugs)
    placed: set[str] = set()
    ordered: list[str] = []

    def place(slug: str) -> None:
        chain = []
        while slug in wanted and slug not in placed:
            chain.append(slug)
            parent = parents.get(slug)
            if parent is None:
                break
            slug = parent
        for s in reversed(chain):
            placed.add(s)
            ordered.append(s)

    for slug in slugs:
        place(slug)
    return ordered


def _changed(row: Row, org: Org) -> tuple[str, ...]:
    """The columns where `row` says something other than the stored `org`."""
    changed = set()
    if row.name is not None and row.name != org.name:
        changed.add("name")
    if row.parent is not None and row.parent != org.parent:
        changed.add("parent")
    if row.origins is not None and row.origins != frozenset(org.origins):
        changed.add("origins")
    changed.update(k for k, v in row.settings.items() if org.settings.get(k) != v)
    if row.pos_id is not None and row.pos_id != org.pos_id:
        changed.add("pos_id")
    return tuple(c for c in HEADER if c in changed)


def import_orgs(conn: sqlite3.Connection, data: bytes, *, dry_run: bool = False) -> list[Change]:
    """Check the whole file and, unless `dry_run`, apply it in one transaction: what each row
    does. The plan is made inside the transaction that applies it, so nothing another process
    changes in between is overwritten unseen."""
    parsed = read_rows(data)
    if dry_run:
        return plan(conn, parsed).changes
    with transaction(conn):
        made = plan(conn, parsed)
        _apply(conn, made)
    return made.changes


def _apply(conn: sqlite3.Connection, made: Plan) -> None:
    """Write the plan's creations and updates, parents first; only changed rows are touched, so
    `config_version` moves exactly when something changed."""
    ids = {row[1]: row[0] for row in conn.execute("SELECT id, slug FROM orgs")}
    moving = [c for c in made.changes if c.kind == "update" and "pos_id" in c.fields]
    # an id passed from one organisation to another in the same file: free them all first
    conn.executemany(
        "UPDATE orgs SET pos_id = NULL WHERE id = ? AND pos_id IS NOT NULL",
        [(ids[c.slug],) for c in moving],
    )
    created_at = now_iso()
    for change in made.changes:
        row = made.rows[change.slug]
        parent_id = ids[row.parent] if row.parent is not None else None
        if change.kind == "create":
            ids[row.slug] = conn.execute(
                "INSERT INTO orgs (slug, name, parent_id, settings, created_at, pos_id) "
                "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    row.slug,
                    row.name,
                    parent_id,
                    _settings_json(row.settings),
                    created_at,
                    row.pos_id,
                ),
            ).fetchone()[0]
            _add_origins(conn, ids[row.slug], row.origins or ())
        elif change.kind == "update":
            _update(conn, ids[row.slug], row, change.fields, parent_id)


def _update(
    conn: sqlite3.Connection,
    org_id: int,
    row: Row,
    fields: tuple[str, ...],
    parent_id: int | None,
) -> None:
    columns: dict[str, object] = {}
    if "name" in fields:
        columns["name"] = row.name
    if "parent" in fields:
        columns["parent_id"] = parent_id
    if "pos_id" in fields:
        columns["pos_id"] = row.pos_id
    if any(f in SETTING_COLUMNS for f in fields):
        stored = conn.execute("SELECT settings FROM orgs WHERE id = ?", (org_id,)).fetchone()[0]
        columns["settings"] = _settings_json({**json.loads(stored), **row.settings})
    if columns:
        assignments = ", ".join(f"{c} = ?" for c in columns)
        conn.execute(f"UPDATE orgs SET {assignments} WHERE id = ?", (*columns.values(), org_id))
    if "origins" in fields:
        conn.execute("DELETE FROM org_origins WHERE org_id = ?", (org_id,))
        _add_origins(conn, org_id, row.origins or ())


def _add_origins(conn: sqlite3.Connection, org_id: int, origins: Iterable[str]) -> None:
    conn.executemany(
        "INSERT INTO org_origins (org_id, origin) VALUES (?, ?)",
        [(org_id, o) for o in sorted(origins)],
    )


def _settings_json(settings: dict[str, object]) -> str:
    """As org_settings.update_settings writes them."""
    return json.dumps(settings, ensure_ascii=False, sort_keys=True)
