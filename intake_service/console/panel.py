"""The appeal page's one handling form: status with the reason the citizen reads, assignee,
severity, an internal note and the answer — one form, one save, one history entry per field the
operator actually changed.

The form comes back with every field filled as the appeal stands (the current status, the
current assignee, the current severity), so saving what one did not touch changes nothing:
each field is compared with the row and only a difference becomes an operation. All of them run
as ONE writer operation — a refusal of any part (a move the status table forbids, a second
answer not confirmed) leaves the appeal as it was, and the page comes back with what the
operator wrote, so nothing typed is lost.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from intake_service.console import handling
from intake_service.lifecycle import changes
from intake_service.statuses import Severity, Status

# the order the parts are applied in, and the order the notice names them
PARTS = ("assign", "severity", "note", "status", "answer")


@dataclass(frozen=True)
class PanelForm:
    """What the operator sent, as text: kept to fill the form again after a refusal. A field
    the post leaves out (None; a script posting only a note) is left as it is — an empty one
    (the page's «— никому —», «не задана») clears it."""

    status: str = ""
    reason: str = ""
    assignee: str | None = None
    severity: str | None = None
    note: str = ""
    text: str = ""
    template_title: str = ""
    again: bool = False

    @classmethod
    def of(cls, form: Any) -> PanelForm:
        def text(name: str) -> str:
            value = form.get(name)
            return value if isinstance(value, str) else ""

        def given(name: str) -> str | None:
            value = form.get(name)
            return value.strip() if isinstance(value, str) else None

        return cls(
            status=text("status"),
            reason=text("reason"),
            assignee=given("assignee"),
            severity=given("severity"),
            note=text("note"),
            text=text("text"),
            template_title=text("template_title"),
            again=text("again") == "yes",
        )


@dataclass
class Plan:
    """The operations the form asks for, by part, in `PARTS` order."""

    ops: dict[str, changes.Op] = field(default_factory=dict)

    @property
    def parts(self) -> list[str]:
        return [p for p in PARTS if p in self.ops]

    def op(self) -> changes.Op:
        """One writer operation doing every part, in one savepoint: all of them or none."""
        steps = [self.ops[p] for p in self.parts]

        def run(conn: sqlite3.Connection) -> None:
            for step in steps:
                step(conn)

        return run


def plan(
    sent: PanelForm,
    appeal: dict[str, Any],
    me: str,
    actor: changes.Actor,
    forward_due: Callable[[int], str] | None,
) -> Plan:
    """The parts of the form that differ from the appeal as it stands. Raises `Refused` for
    what cannot be done as written: a reason with no new status to go with it, an unknown
    status or severity, a second answer the operator did not confirm."""
    out = Plan()
    appeal_id = appeal["id"]
    assignee = me if sent.assignee == "me" else sent.assignee
    if assignee is not None and (assignee or None) != appeal["assignee"]:
        out.ops["assign"] = handling.assign_op(appeal_id, assignee or None, actor)
    severity = sent.severity or None
    if sent.severity is not None and severity != appeal["severity"]:
        if severity is not None and severity not in {str(s) for s in Severity}:
            raise changes.Refused("handling.bad-severity")
        out.ops["severity"] = handling.severity_op(appeal_id, severity, actor)
    if sent.note.strip():
        out.ops["note"] = handling.note_op(appeal_id, sent.note, actor)
    new = sent.status or appeal["status"]
    if new not in {str(s) for s in Status}:
        raise changes.Refused("handling.bad-status")
    if new != appeal["status"]:
        out.ops["status"] = changes.status_op(appeal_id, new, sent.reason, "", actor, forward_due)
    elif sent.reason.strip():
        raise changes.Refused("handling.reason-without-move")
    if sent.text.strip():
        if appeal["answered_at"] and not sent.again:
            raise changes.Refused("handling.answer-again")
        template = sent.template_title.strip() or None
        out.ops["answer"] = changes.answer_op(appeal_id, sent.text, template, actor)
    return out
