"""Changing several appeals of the register at once: `POST /console/register/bulk` with the
selected appeals (`appeal`, repeated), an `action` — `assign` (`to`: an e-mail, `me`, or
nobody), `status` (`status`, `reason`), `severity` (`severity`) — and the CSRF token.

Each appeal goes through the writer operation its own page uses (console/handling.py for the
assignee and severity, lifecycle/changes.py for the status), one by one, so each change leaves
its own event and the status table is checked per appeal. The ids are the client's: an appeal
that does not exist or that the operator does not see (intake_service/visibility.py) is refused
and left alone, as is one the rules refuse (a move the status table forbids); the answer is a
303 back to the register saying how many were changed and how many refused.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from intake_service.console import handling, register_queries
from intake_service.console.auth import changing
from intake_service.console.state import console_of
from intake_service.errors import BadParameter
from intake_service.lifecycle import changes
from intake_service.statuses import Status

ACTIONS = ("assign", "status", "severity")
MAX_SELECTED = 200
# the statuses the bulk form offers: those with a form of their own on the appeal's page
# (the answer, the original of a duplicate, the question to the citizen) are left to it
_OWN_FORMS = (Status.ANSWERED, Status.DUPLICATE, Status.CLARIFYING)
_KEPT = ("view", "sort", "org", "kind", "category", "status", "severity", "from", "to")
_KEPT += ("assignee", "due", "q", "lang")


def bulk_moves() -> list[str]:
    """The statuses an operator may set on several appeals at once."""
    system = (Status.ACCEPTED, Status.RESOLVED, Status.NOT_RESOLVED, Status.NOT_CLARIFIED)
    return [str(s) for s in Status if s not in _OWN_FORMS and s not in system]


def _text(form: Any, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _back(form: Any) -> dict[str, str]:
    """The register's view the form was sent from (only its own parameters)."""
    raw = _text(form, "back")
    return {k: v for k, v in parse_qsl(raw)[:20] if k in _KEPT}


async def bulk(request: Request) -> Response:
    """POST /console/register/bulk."""
    operator, form = await changing(request)
    action = _text(form, "action")
    if action not in ACTIONS:
        raise BadParameter([("action", "param.one-of", {"allowed": ", ".join(ACTIONS)})])
    asked = [v for v in form.getlist("appeal") if isinstance(v, str)][:MAX_SELECTED]
    asked = list(dict.fromkeys(a.strip() for a in asked if a.strip()))
    console = console_of(request)
    runtime = console.runtime
    seen = await console.reads.run(register_queries.visible_appeals, asked, operator.org_ids)
    actor = changes.Actor(
        operator.user.email,
        getattr(request.state, "request_id", None),
        request.client.host if request.client else None,
    )
    changed = refused = 0
    for appeal_id in asked:
        if appeal_id not in seen:
            refused += 1  # missing or another organisation's: alike
            continue
        try:
            await runtime.writer.submit(_operation(request, action, appeal_id, form, actor))
            changed += 1
        except changes.Refused:
            refused += 1
    if changed and runtime.forwarder is not None:
        runtime.forwarder.wake()  # the citizens' e-mails of a status change
    back = {**_back(form), "done": "bulk", "changed": str(changed), "refused": str(refused)}
    return RedirectResponse("/console?" + urlencode(back), 303)


def _operation(
    request: Request, action: str, appeal_id: str, form: Any, actor: changes.Actor
) -> changes.Op:
    """The appeal page's own operation for `action` (console/appeal.py `_operation`)."""
    if action == "assign":
        to = _text(form, "to").strip()
        if to == "me":
            to = actor.email
        return handling.assign_op(appeal_id, to or None, actor)
    if action == "severity":
        return handling.severity_op(appeal_id, _text(form, "severity") or None, actor)
    new = _text(form, "status")
    if new not in bulk_moves():
        raise changes.Refused("handling.bad-status")
    runtime = console_of(request).runtime
    reason = _text(form, "reason")
    return changes.status_op(appeal_id, new, reason, "", actor, runtime.deadlines.forward_due)


BULK_ROUTES = [Route("/console/register/bulk", bulk, methods=["POST"])]
