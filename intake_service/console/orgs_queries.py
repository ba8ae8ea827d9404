"""Store-side reads and writer operations of the platform's organisations page
(/console/orgs): how many appeals each organisation has received and when the last came, and
adding or editing one organisation with the SITE_CHANGED event that records who did it.

The counts are kept, not counted: `appeal_org_counts` (migration 24) has one row per
organisation, moved by triggers in the transaction that files or forwards an appeal. The last
appeal's time is one index seek per organisation (`appeals_by_target_time`: the newest entry of
the organisation's range). So the page reads a few hundred rows and seeks, never the appeals
themselves; both count an appeal where it is now (its target after routing and forwards), as
the board and statistics do.

The changes reuse the registry's checks (orgs.check_slug, orgs.normalise_origins,
orgs.parse_pos_id, org_settings.check_setting), so a refusal reads as the CLI's does; the
checks that depend on the store (a slug taken, a ПОС id kept by another, a parent that would
close a circle) run again inside the writer's operation, where nothing can change under them.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from intake_service.events import EventType, insert_event
from intake_service.org_settings import check_setting
from intake_service.orgs import (
    Org,
    OrgError,
    check_name,
    check_slug,
    get_org,
    normalise_origins,
    parse_pos_id,
    pos_id_holder,
)
from intake_service.store import now_iso

SETTING_FIELDS = ("timezone", "phone", "email", "website", "oktmo")
ORIGINS_MAX = 100  # lines of the origins box: a region's site list, not an unbounded loop
Change = Callable[[sqlite3.Connection], Any]


@dataclass(frozen=True)
class Received:
    """What an organisation has received: appeals now sent to it and the newest one's time."""

    count: int = 0
    last_at: str | None = None


def received(conn: sqlite3.Connection) -> dict[int, Received]:
    """Every organisation's appeals: its kept count and its index's newest entry (see the
    module's docstring), not a scan of the appeals."""
    counts = {
        int(row[0]): int(row[1])
        for row in conn.execute("SELECT target_org_id, n FROM appeal_org_counts WHERE n > 0")
    }
    result = {}
    for row in conn.execute(
        "SELECT o.id, (SELECT max(a.created_at) FROM appeals a WHERE a.target_org_id = o.id) "
        "FROM orgs o"
    ):
        org_id, last_at = int(row[0]), row[1]
        if last_at is not None or counts.get(org_id):
            result[org_id] = Received(counts.get(org_id, 0), last_at)
    return result


# Why a field is refused, in the console's words: a catalogue key (console.orgs.bad.*) and what
# fills it in. The registry's own messages are the CLI's, in English; the page says the rule in
# the operator's language and names what was typed.
Refusal = tuple[str, dict[str, object]]


class FieldRefused(OrgError):
    """A posted organisation refused, each reason under the form field it is about."""

    def __init__(self, errors: dict[str, Refusal]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v[0]}" for k, v in errors.items()))


@dataclass
class Posted:
    """An organisation as the form posted it, checked on its own (`errors` per field)."""

    slug: str
    name: str
    parent: str | None
    origins: list[str]
    settings: dict[str, str]  # as typed; "" clears
    pos_id: int | None
    errors: dict[str, Refusal] = field(default_factory=dict)


def _check(errors: dict[str, Refusal], name: str, typed: str, check: Callable[[], Any]) -> Any:
    try:
        return check()
    except OrgError:
        errors[name] = (f"console.orgs.bad.{name}", {"value": typed[:80]})
        return None


def read_form(form: dict[str, str], slug: str | None) -> Posted:
    """The posted fields with each one's own check (the registry's); `slug` is the edited
    organisation's (None: a new one, whose slug is posted)."""
    errors: dict[str, Refusal] = {}
    new_slug = form.get("slug", "").strip() if slug is None else slug
    if slug is None:
        _check(errors, "slug", new_slug, lambda: check_slug(new_slug))
    typed_name = form.get("name", "")
    name = _check(errors, "name", typed_name.strip(), lambda: check_name(typed_name)) or ""
    lines = [line.strip() for line in form.get("origins", "").splitlines() if line.strip()]
    origins: list[str] = []
    if len(lines) > ORIGINS_MAX:
        errors["origins"] = ("console.orgs.bad.origins-many", {"max": ORIGINS_MAX})
    else:
        for line in lines:  # each on its own, so that the page names the one refused
            checked = _check(errors, "origins", line, lambda x=line: normalise_origins([x]))
            if checked is None:
                origins = []
                break
            origins += checked
    settings = {}
    for name_ in SETTING_FIELDS:
        typed = form.get(name_, "")
        settings[name_] = typed
        _check(errors, name_, typed, lambda n=name_, v=typed: check_setting(n, v))
    typed_pos = form.get("pos_id", "").strip()
    pos_id = (
        _check(errors, "pos_id", typed_pos, lambda: parse_pos_id(typed_pos)) if typed_pos else None
    )
    return Posted(
        slug=new_slug,
        name=name,
        parent=form.get("parent", "").strip() or None,
        origins=sorted(dict.fromkeys(origins)),
        settings=settings,
        pos_id=pos_id,
        errors=errors,
    )


def _store_checks(conn: sqlite3.Connection, posted: Posted, editing: Org | None) -> None:
    """What the store decides — a slug taken, a parent missing or closing a circle, a ПОС id
    another organisation keeps — as FieldRefused."""
    errors: dict[str, Refusal] = {}
    if (
        editing is None
        and conn.execute("SELECT 1 FROM orgs WHERE slug = ?", (posted.slug,)).fetchone()
    ):
        errors["slug"] = ("console.orgs.bad.slug-taken", {"value": posted.slug})
    if posted.parent is not None:
        parents = {row[0]: row[1] for row in conn.execute(_PARENTS)}
        if posted.parent not in parents:
            errors["parent"] = ("console.orgs.bad.parent-missing", {"value": posted.parent[:60]})
        elif editing is not None:
            ring = _ring(parents, editing.slug, posted.parent)
            if ring:
                errors["parent"] = ring
    if posted.pos_id is not None:
        holder = pos_id_holder(conn, posted.pos_id)
        if holder is not None and holder != posted.slug:
            errors["pos_id"] = (
                "console.orgs.bad.pos-taken",
                {"value": posted.pos_id, "holder": holder},
            )
    if errors:
        raise FieldRefused(errors)


_PARENTS = "SELECT o.slug, p.slug FROM orgs o LEFT JOIN orgs p ON p.id = o.parent_id"


def _ring(parents: dict[str, str | None], slug: str, parent: str) -> Refusal | None:
    """Why `slug` cannot go under `parent` (it would close a circle: the chain, as `org import`
    shows it), or None."""
    if parent == slug:
        return ("console.orgs.bad.parent-self", {})
    chain = [slug, parent]
    up = parents.get(parent)
    while up is not None and up not in chain:
        chain.append(up)
        up = parents.get(up)
    if up != slug:
        return None
    return ("console.orgs.bad.parent-circle", {"chain": " → ".join([*chain, slug])})


def _settings_json(settings: dict[str, object]) -> str:
    """As org_settings.update_settings writes them."""
    return json.dumps(settings, ensure_ascii=False, sort_keys=True)


def _parent_id(conn: sqlite3.Connection, parent: str | None) -> int | None:
    return get_org(conn, parent).id if parent is not None else None


def create_op(posted: Posted, by: str, request_id: str | None) -> Change:
    """Add the organisation with its origins, settings and ПОС id; returns its slug."""

    def op(conn: sqlite3.Connection) -> str:
        _store_checks(conn, posted, None)
        settings = {
            k: v for k, raw in posted.settings.items() if (v := check_setting(k, raw)) is not None
        }
        org_id = conn.execute(
            "INSERT INTO orgs (slug, name, parent_id, settings, created_at, pos_id) "
            "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            (
                posted.slug,
                posted.name,
                _parent_id(conn, posted.parent),
                _settings_json(settings),
                now_iso(),
                posted.pos_id,
            ),
        ).fetchone()[0]
        conn.executemany(
            "INSERT INTO org_origins (org_id, origin) VALUES (?, ?)",
            [(org_id, o) for o in posted.origins],
        )
        _changed(
            conn, org_id, by, request_id, change="org-added", slug=posted.slug,
            parent=posted.parent, pos_id=posted.pos_id, origins=posted.origins,
        )  # fmt: skip
        return posted.slug

    return op


def edit_op(posted: Posted, by: str, request_id: str | None) -> Change:
    """Store what the form changed of the organisation; the event names the changed fields.
    Settings the form does not show (the embedded queue, identity modes) stay as they are."""

    def op(conn: sqlite3.Connection) -> tuple[str, ...]:
        org = get_org(conn, posted.slug)
        _store_checks(conn, posted, org)
        changed: list[str] = []
        columns: dict[str, object] = {}
        if posted.name != org.name:
            columns["name"] = posted.name
            changed.append("name")
        if posted.parent != org.parent:
            columns["parent_id"] = _parent_id(conn, posted.parent)
            changed.append("parent")
        if posted.pos_id != org.pos_id:
            columns["pos_id"] = posted.pos_id
            changed.append("pos_id")
        settings = dict(org.settings)
        for name, raw in posted.settings.items():
            value = check_setting(name, raw)
            if value != settings.get(name):
                changed.append(name)
            if value is None:
                settings.pop(name, None)
            else:
                settings[name] = value
        if settings != org.settings:
            columns["settings"] = _settings_json(settings)
        if columns:
            assignments = ", ".join(f"{c} = ?" for c in columns)
            conn.execute(f"UPDATE orgs SET {assignments} WHERE id = ?", (*columns.values(), org.id))
        if set(posted.origins) != set(org.origins):
            changed.append("origins")
            conn.execute("DELETE FROM org_origins WHERE org_id = ?", (org.id,))
            conn.executemany(
                "INSERT INTO org_origins (org_id, origin) VALUES (?, ?)",
                [(org.id, o) for o in posted.origins],
            )
        if changed:
            _changed(
                conn, org.id, by, request_id, change="org-edited", slug=org.slug,
                fields=changed,
            )  # fmt: skip
        return tuple(changed)

    return op


def _changed(
    conn: sqlite3.Connection, org_id: int, by: str, request_id: str | None, **data: Any
) -> None:
    insert_event(
        conn, EventType.SITE_CHANGED, org_id=org_id, request_id=request_id, data={**data, "by": by}
    )
