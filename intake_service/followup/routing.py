"""Routing to the competent body.

A rule sends one category of an organisation's appeals to another organisation — street
lighting from the city administration to the lighting utility, a region's road appeals to its
road agency. It is applied at intake: the appeal keeps its origin organisation (the site it was
filed on) and gets the rule's target, which then sees it in its log, queue and sinks; a
`routed` event for the origin records where it went (the platform's log shows it: the origin no
longer sees the appeal, intake_service/visibility.py). Rules chain (the target's own rule
applies next) up to MAX_HOPS, and a rule that would close a loop is refused when it is set.
An operator may also forward an appeal by hand (`forward_op`): the appeal's target changes,
both organisations' logs get a `routed` event (the new one's without the sender's operator),
the new one's sinks and queue get it as a new appeal, the old one's undelivered rows are
withdrawn, the search index moves it to the new organisation, and the citizen is told. The rules themselves are kept in `routing_rules.py`.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable

from intake_service.console.handling import Actor, Op, Refused, current, log_change
from intake_service.console.search import move_indexed
from intake_service.events import EventType, insert_event
from intake_service.followup.deadlines import Due
from intake_service.followup.notices import NoticeKind, notify_citizen
from intake_service.forward.outbox import add_rows, withdraw_appeal
from intake_service.orgs import Org
from intake_service.statuses import Status, StatusType, status_type
from intake_service.store import now_iso


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


def forward_op(
    appeal_id: str, to: Org, sinks: tuple[str, ...], actor: Actor, today: str, due: Due
) -> Op:
    """Forward by hand: the new organisation takes the appeal over as `accepted` with outbox
    rows for its `sinks`; both logs say so. Its clock starts afresh (59-ФЗ: the competent body
    registers the forwarded appeal and answers within the periods from then): `due` are its
    dates, and the old body's extension goes with the old dates. `today` (ISO,
    in the old organisation's zone): an official appeal forwarded after its seven days is
    logged as `late`, for the record 59-ФЗ asks of the body that kept it too long."""

    def op(conn: sqlite3.Connection) -> None:
        row = current(conn, appeal_id)
        if status_type(row["status"]) is not StatusType.OPEN:
            raise Refused("routing.closed")
        if row["target_org_id"] == to.id:
            raise Refused("routing.same")
        old = conn.execute(
            "SELECT slug FROM orgs WHERE id = ?", (row["target_org_id"],)
        ).fetchone()["slug"]
        at = now_iso()
        conn.execute(
            "UPDATE appeals SET target_org_id = ?, routed_from = ?, status = ?, assignee_id = NULL, "
            "forward_due = NULL, register_due = ?, answer_due = ?, extended_at = NULL, "
            "extension_reason = NULL, updated_at = ? WHERE id = ?",
            (
                to.id,
                row["target_org_id"],
                Status.ACCEPTED,
                due.register.isoformat() if due.register else None,
                due.answer.isoformat(),
                at,
                appeal_id,
            ),
        )
        data: dict[str, object] = {"from": old, "to": to.slug, "status_from": row["status"]}
        if row["forward_due"] and row["forward_due"] < today:
            data["late"] = True
        event_id = log_change(conn, EventType.ROUTED, row, actor, data, at=at)
        # the new organisation's log has it too — without the sender's operator (their e-mail
        # and address stay with their own organisation: `from` names who sent it)
        insert_event(
            conn,
            EventType.ROUTED,
            org_id=to.id,
            appeal_id=appeal_id,
            request_id=actor.request_id,
            data={**data, "number": row["number"]},
            at=at,
        )
        move_indexed(conn, appeal_id, row["target_org_id"], to.id)
        withdraw_appeal(conn, appeal_id, row["target_org_id"], at=at)
        add_rows(conn, appeal_id, to.id, list(sinks), now=time.time(), at=at)
        notify_citizen(conn, appeal_id, NoticeKind.ROUTED, dedupe=f"routed:{event_id}")

    return op
