"""Who may see an appeal: the one rule every read path asks.

An appeal is seen by its *current* target organisation, by every organisation above that one
(a region sees its municipalities' appeals), and by the platform — never by an organisation it
came from, was routed away from by a rule, or was forwarded away from by hand. A viewer's
`Scope` is their organisation and every organisation below it (`OrgDirectory.family`), or
`None` for the platform; "the target or one of its ancestors is mine" is then "the target is
in my scope", one membership test.

Reads that look at one appeal (the console's page, Open311's `requests/{id}`, the embedded
queue's messages) ask `sees_appeal` of its `target_org_id`; the log's reads, which walk
events, add `event_sql` to their WHERE so that an event naming an appeal shows only while the
appeal's current target is in scope (console/log_queries.py), and check one row with
`sees_event` (the live stream). Who may see the citizen's contact is narrower still
(`Operator.sees_contact`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable

from intake_service.dialect import ids_in_json, is_sqlite

Scope = frozenset[int] | None  # None: the platform, which sees every organisation


def sees_appeal(scope: Scope, target_org_id: int | None) -> bool:
    """Whether a viewer of `scope` sees an appeal whose current target is `target_org_id`."""
    return scope is None or (target_org_id is not None and target_org_id in scope)


def sees_event(scope: Scope, event_org_id: int | None, target_org_id: int | None) -> bool:
    """Whether a viewer's log shows an event: written for one of their organisations (events
    that name none — refusals without an organisation — are the platform's), and, if it names
    an appeal (`target_org_id` not None), one they see now."""
    if scope is None:
        return True
    if event_org_id is None or event_org_id not in scope:
        return False
    return target_org_id is None or sees_appeal(scope, target_org_id)


def event_sql(conn: sqlite3.Connection, events: str = "e") -> str:
    """The WHERE term keeping the events (alias `events`) whose appeal, if they name one that
    exists, has its current target in the scope given as one JSON parameter (`scope_arg`); an
    event naming none is judged by its own organisation. A filter on each event walked — a
    primary-key look-up of its appeal, the scope read once — that leaves the walk of the
    events' index as it was: as a NOT EXISTS, PostgreSQL may plan it as an anti-join that
    reads every appeal."""
    target = (
        f"coalesce((SELECT v.target_org_id FROM appeals v WHERE v.id = {events}.appeal_id), "
        f"{events}.org_id)"
    )
    if is_sqlite(conn):
        return f"{target} IN {ids_in_json(conn)}"
    return f"{target} = ANY(ARRAY{ids_in_json(conn)})"


def scope_arg(scope: Iterable[int]) -> str:
    """The scope as the JSON parameter of `event_sql` (and of `ids_in_json`)."""
    return json.dumps(sorted(scope))
