"""The admins' settings page (/console/settings): what `pos-intake org set`, `org category
--default-severity`, `org attribute` and `org route` change, for an organisation's admins in the
console — its time zone and public contacts, its categories (offered or not, default severity),
its extra questions and its routing rules (to the bodies it works with, the ones it may
forward an appeal to by hand: console/forwarding.py).

Only an organisation's admins (`operator.manages`) see the page or change anything: anyone else
who sees the organisation gets 403, another organisation's page answers 404 like a missing one
(console/site.py's `chosen_org`). Each change is one writer operation with the SITE_CHANGED
event that records it (settings_queries.py); a refused change shows the page again with the
registry's reason and the values as typed.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode
from zoneinfo import available_timezones

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from intake_service.category_attributes import (
    DATATYPES,
    LISTS,
    MAX_CHOICES,
    Attribute,
    QuestionError,
)
from intake_service.console import settings_queries as queries
from intake_service.console import site_queries
from intake_service.console.auth import Operator, changing, operator_of
from intake_service.console.forwarding import forward_candidates
from intake_service.console.page import console_page
from intake_service.console.site import chosen_org, managed_org, visible_orgs
from intake_service.console.state import console_of
from intake_service.errors import Forbidden
from intake_service.org_settings import CONTACTS, VALUE_MAX, describe
from intake_service.orgs import Org, OrgError
from intake_service.pages import page_language
from intake_service.question_values import TYPED_MAX, ValuesError, parse_values
from intake_service.statuses import Severity

SECTION = "/console/settings"
FIELDS = ("timezone", *CONTACTS)
ZONES = sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc/"))


async def _page(
    request: Request,
    operator: Operator,
    org: Org | None,
    *,
    error: str | None = None,
    typed: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    console = console_of(request)
    runtime = console.runtime
    context: dict[str, Any] = {
        "orgs": [o for o in visible_orgs(runtime, operator) if operator.manages(o.id)],
        "org": org,
        "error": error,
        "typed": typed or {},
        "done": request.query_params.get("done") == "1" and error is None,
    }
    if org is not None:
        if not operator.manages(org.id):
            raise Forbidden(reason="not-admin")
        context.update(
            settings=(settings := describe(org)),
            # a zone set with the CLI outside the list (UTC, Etc/GMT-3) stays chosen on a save
            zones=sorted({*ZONES, str(settings["timezone"])}),
            severities=[str(s) for s in Severity],
            types=DATATYPES,
            lists=LISTS,
            values_max=MAX_CHOICES,
            catalogue=await console.reads.run(site_queries.catalogue, org.id),
            severity_of=await console.reads.run(queries.severities, org.id),
            questions=await console.reads.run(queries.questions, org.id),
            routes=await console.reads.run(queries.routes, org.slug),
            targets=forward_candidates(runtime.directory, operator, org.id),
        )
    return console_page(
        request, operator, "console/settings.html", context, status=status, section=SECTION
    )


async def settings_page(request: Request) -> Response:
    """GET /console/settings[?org=slug]."""
    operator = operator_of(request)
    org = chosen_org(console_of(request).runtime, operator, request.query_params.get("org"))
    return await _page(request, operator, org)


def _text(form: FormData, name: str, limit: int = VALUE_MAX + 1) -> str:
    return str(form.get(name) or "")[:limit]


def _change(
    form: FormData, org: Org, by: str, request_id: str | None, targets: list[Org]
) -> tuple[str, Any]:
    """The anchor to come back to and the writer operation the posted `action` asks for."""
    action = form.get("action")
    category = _text(form, "category", 40).strip()
    if action == "settings":
        changes = {name: _text(form, name) for name in FIELDS}
        return "general", queries.settings_op(org.id, org.slug, changes, by, request_id)
    if action in ("on", "off"):
        op = site_queries.category_op(
            org.id, org.slug, category, by, request_id, enabled=action == "on"
        )
        return "categories", op
    if action == "severity":
        severity = _text(form, "severity", 20) or "none"
        return "categories", queries.severity_op(
            org.id, org.slug, category, severity, by, request_id
        )
    if action == "question-add":
        datatype = _text(form, "datatype", 20)
        typed_values = _text(form, "values", TYPED_MAX + 1)
        if datatype in LISTS:
            choices = parse_values(typed_values)
        elif typed_values.strip():
            # typed for a list, then another type chosen: say so rather than drop the values
            raise ValuesError("console.settings.values-unasked")
        else:
            choices = ()
        attribute = Attribute(
            code=_text(form, "code", 41).strip(),
            datatype=datatype,
            required=form.get("required") == "on",
            description_ru=_text(form, "description_ru", 300).strip(),
            description_en=_text(form, "description_en", 300).strip(),
            choices=choices,
        )
        return "questions", queries.add_question_op(org.id, category, attribute, by, request_id)
    if action == "question-remove":
        code = _text(form, "code", 41)
        return "questions", queries.remove_question_op(
            org.id, org.slug, category, code, by, request_id
        )
    if action == "route-add":
        to = _text(form, "to", 100)
        if to not in {o.slug for o in targets}:
            # only the bodies it works with, as for a forward by hand: a rule to an unrelated
            # organisation would hand it appeals nothing else links it to
            raise OrgError(f"{org.slug} does not work with {to!r}: pick one of the list")
        return "routes", queries.route_op(org.id, org.slug, category, to, by, request_id)
    if action == "route-remove":
        return "routes", queries.unroute_op(org.id, org.slug, category, by, request_id)
    raise OrgError(f"unknown action {str(action)[:40]!r}")


async def change_settings(request: Request) -> Response:
    """POST /console/settings (org, action, and the action's fields)."""
    operator, form = await changing(request)
    runtime = console_of(request).runtime
    org = managed_org(runtime, operator, form.get("org"))
    request_id = getattr(request.state, "request_id", None)
    try:
        targets = forward_candidates(runtime.directory, operator, org.id)
        anchor, op = _change(form, org, operator.user.email, request_id, targets)
        await runtime.writer.submit(op)
    except (OrgError, QuestionError) as exc:
        typed = {
            k: str(v)[: (TYPED_MAX if k == "values" else VALUE_MAX) + 1]
            for k, v in form.items()
            if k != "csrf"
        }
        # a list's values are refused in the reader's words; the registry's checks in English
        error = exc.message(page_language(request)) if isinstance(exc, ValuesError) else str(exc)
        fresh = runtime.directory.org(org.id)
        return await _page(request, operator, fresh, error=error, typed=typed, status=422)
    query = urlencode({"org": org.slug, "done": "1"})
    return RedirectResponse(f"{SECTION}?{query}#{anchor}", 303)


ROUTES = [
    Route(SECTION, settings_page, methods=["GET"]),
    Route(SECTION, change_settings, methods=["POST"]),
]
