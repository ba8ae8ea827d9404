"""Routing to the competent body.

A rule sends one category of an organisation's appeals to another organisation — street
lighting from the city administration to the lighting utility, a region's road appeals to its
road agency. It is applied at intake: the appeal keeps its origin organisation (the site it was
filed on) and gets the rule's target, which then sees it in its log, queue and sinks; a
`routed` event for the origin records where it went (the platform's log shows it: the origin no
longer sees the appeal, intake_service/visibility.py). Rules chain (the target's own rule
applies next) up to MAX_HOPS, and a rule that would close a loop is refused when it is set.
The rules themselves are kept in `routing_rules.py`; an operator's forward by hand is the
console's (console/forwarding.py).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from intake_service.events import EventType, insert_event
from intake_service.orgs import Org


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
