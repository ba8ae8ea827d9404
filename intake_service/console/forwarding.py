"""Forwarding an appeal by hand, to the competent body an operator names.

`forward_op`: the appeal's target changes, both organisations' logs get a `routed` event (the
new one's without the sender's operator), the new one's sinks and queue get it as a new appeal,
the old one's undelivered rows are withdrawn, the search index moves it to the new
organisation, and the citizen is told. (Rules that route a category at intake:
routing.py.)

`forward_candidates`: to whom an operator may forward: the bodies its organisation works with —
the organisations its own routing rules name as competent, and its parent's tree (the parent,
its siblings and everything below them; an organisation without a parent: its own tree) — or,
for a platform admin, any organisation.

Another organisation's rules are not this one's business: an organisation some unrelated body
routes to is not offered (it would then read an appeal, and its history, that nothing linked
it to). What the receiving organisation sees of the sender's handling is decided by the one
rule of visibility (intake_service/visibility.py) and the appeal page's history, which shows
another organisation's events without their internal notes or operators' e-mails."""

from __future__ import annotations

import sqlite3
import time

from intake_service.console.auth import Operator
from intake_service.console.search import move_indexed
from intake_service.directory import OrgDirectory
from intake_service.events import EventType, insert_event
from intake_service.forward.outbox import add_rows, withdraw_appeal
from intake_service.lifecycle.changes import Actor, Op, Refused, current, log_change
from intake_service.lifecycle.deadlines import Due
from intake_service.lifecycle.notices import NoticeKind, notify_citizen
from intake_service.orgs import Org
from intake_service.statuses import Status, StatusType, status_type
from intake_service.store import now_iso


def forward_candidates(directory: OrgDirectory, operator: Operator, org_id: int) -> list[Org]:
    orgs = directory.orgs()
    if operator.user.platform:
        return sorted((o for o in orgs if o.id != org_id), key=lambda o: o.name)
    own = directory.org(org_id)
    root = directory.org_by_slug(own.parent) if own.parent else None
    near = set(directory.family((root or own).id))
    near |= directory.route_targets(org_id)
    near.discard(org_id)
    return sorted((o for o in orgs if o.id in near), key=lambda o: o.name)


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
            "extension_reason = NULL, status_reason = NULL, updated_at = ? WHERE id = ?",
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
