"""Routing to the competent body.

A rule sends one category of an organisation's appeals to another organisation — street
lighting from the city administration to the lighting utility, a region's road appeals to its
road agency. It is applied at intake: the appeal keeps its origin organisation (the site it was
filed on) and gets the rule's target, which then sees it in its log, queue and sinks; a
`routed` event for the origin records where it went (the platform's log shows it: the origin no
longer sees the appeal, intake_service/visibility.py). Rules chain (the target's own rule
applies next) up to MAX_HOPS, and a rule that would close a loop is refused when it is set.

Here: the rules, read into the organisation directory's cache and set by the CLI, and the
`routed` event of an appeal a rule sent on. Below the capabilities, as the directory and
intake use it; an operator's forward by hand is the console's (console/forwarding.py).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from intake_service.categories import org_catalogue
from intake_service.events import EventType, insert_event
from intake_service.orgs import Org, OrgError, get_org
from intake_service.store import now_iso

MAX_HOPS = 5


def rules(conn: sqlite3.Connection) -> dict[tuple[int, str], int]:
    """(org id, category) → target org id, for the directory's cache."""
    return {
        (r["org_id"], r["category"]): r["to_org_id"]
        for r in conn.execute("SELECT org_id, category, to_org_id FROM routing_rules")
    }


def set_rule(
    conn: sqlite3.Connection, slug: str, category: str, to_slug: str, catalogue: set[str]
) -> None:
    """Send `category` of `slug` to `to_slug`; refused for unknown organisations, a category
    the organisation does not have, the organisation itself, or a loop."""
    org, target = get_org(conn, slug), get_org(conn, to_slug)
    if category not in catalogue:
        raise OrgError(f"{slug} has no category {category!r} (pos-intake org show {slug})")
    if org.id == target.id:
        raise OrgError("an organisation cannot route its appeals to itself")
    table = rules(conn)
    table[(org.id, category)] = target.id
    step, seen = target.id, {org.id}
    while (step, category) in table:
        if step in seen:
            raise OrgError(
                f"routing {category} from {slug} to {to_slug} would send such appeals round "
                "in a loop"
            )
        seen.add(step)
        step = table[(step, category)]
    conn.execute(
        "INSERT INTO routing_rules (org_id, category, to_org_id, created_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (org_id, category) DO UPDATE SET to_org_id = excluded.to_org_id",
        (org.id, category, target.id, now_iso()),
    )


def route_category(conn: sqlite3.Connection, slug: str, category: str, to_slug: str) -> None:
    """`set_rule` against the organisation's own catalogue (the categories it offers): what the
    CLI's `org route --to` and the console's settings page both run."""
    codes = {c.code for c in org_catalogue(conn, get_org(conn, slug).id)}
    set_rule(conn, slug, category, to_slug, codes)


def unroute_category(conn: sqlite3.Connection, slug: str, category: str) -> None:
    """Remove a rule; refused (OrgError) when there is none, so a typo is not taken for done."""
    if not remove_rule(conn, slug, category):
        raise OrgError(f"{slug} has no routing rule for {category!r}")


def remove_rule(conn: sqlite3.Connection, slug: str, category: str) -> bool:
    org = get_org(conn, slug)
    cursor = conn.execute(
        "DELETE FROM routing_rules WHERE org_id = ? AND category = ?", (org.id, category)
    )
    return cursor.rowcount > 0


def list_rules(conn: sqlite3.Connection, slug: str) -> list[dict[str, str]]:
    org = get_org(conn, slug)
    rows = conn.execute(
        "SELECT r.category, o.slug AS to_slug, o.name AS to_name FROM routing_rules r "
        "JOIN orgs o ON o.id = r.to_org_id WHERE r.org_id = ? ORDER BY r.category",
        (org.id,),
    )
    return [dict(row) for row in rows]


def routed_event(
    origin: Org, target: Org, category: str, appeal_id: str
) -> Callable[[sqlite3.Connection, str], None]:
    """The origin organisation's `routed` event for an appeal a rule sent on (written in the
    appeal's own transaction, once its number is known)."""

    def then(conn: sqlite3.Connection, number: str) -> None:
        insert_event(
            conn,
            EventType.ROUTED,
            org_id=origin.id,
            appeal_id=appeal_id,
            data={"number": number, "from": origin.slug, "to": target.slug, "rule": category},
        )

    return then
