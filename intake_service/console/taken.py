"""Appeals from other channels: an operator registers, on the citizen's behalf, an appeal that
came by the organisation's hotline, by letter or at a visit (`/console/appeals/new`).

It goes the very way an appeal from the badge or the API goes — `validate_appeal` checks it and
`Runtime.file` stores it — so it gets the same number, deadlines, `accepted` event, sinks and
the citizen's e-mail notice. Only the channel (`phone`, `letter`, `visit`) and the operator who
took it (`by` in the accepted event) tell it apart.

A letter may be registered as an official appeal under 59-ФЗ (kind `official`): the same checks
the citizen's form and the API run (`validate_appeal`, with `postal`) then ask what the law
asks of a written appeal — the surname and first name (the patronymic when there is one; the
form always asks the name in these parts, and they are joined into the stored name) and a
postal address or an e-mail for the answer — and it gets an official appeal's 30-day answer
date and 3-day registration date, and notices at its e-mail when it gave one. The operator may file only for an
organisation they see (`Operator.sees`, the console's one rule); any other — or an unknown one —
is refused in the form like a wrong choice, never named. A refused form comes back with every
reason in words and everything typed kept. A one-time key in the form makes a double submit
open the appeal it filed instead of filing it twice.
"""

from __future__ import annotations

import secrets
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from intake_service.appeal_input import AppealInput, validate_appeal
from intake_service.appeals import (
    Idempotency,
    NewAppeal,
    body_hash,
    copies_by_default,
    find_idempotent,
)
from intake_service.console.auth import Operator, changing, operator_of
from intake_service.console.page import console_page
from intake_service.console.state import console_of
from intake_service.console.taken_queries import target_of
from intake_service.errors import IdempotencyConflict, Unavailable, ValidationFailed
from intake_service.i18n import t
from intake_service.orgs import Org
from intake_service.pages import page_language

CHANNELS = ("phone", "letter", "visit")
KINDS = ("message", "official")
# an official appeal (59-ФЗ) is registered from a written one: a letter
OFFICIAL_CHANNELS = ("letter",)
NAME_PARTS = ("surname", "first_name", "patronymic")
CONTACT = (*NAME_PARTS, "phone", "email", "postal")
FIELDS = ("org", "channel", "kind", "category", "text", "address", *CONTACT)
# validate_appeal's field names → the form's
_FORM_FIELD = {
    **{f"contact.{name}": name for name in CONTACT},
    "contact.name": "first_name",
    "contact": "first_name",
}
ONCE_TTL = 24 * 3600.0  # a form's one-time key is remembered a day


def _orgs(request: Request, operator: Operator) -> list[Org]:
    """The organisations this operator may file for: those they see, by name."""
    directory = console_of(request).runtime.directory
    return sorted((o for o in directory.orgs() if operator.sees(o.id)), key=lambda o: o.name)


def _choices(request: Request, orgs: list[Org], lang: str) -> list[dict[str, Any]]:
    """Each organisation with its topics, for the form's grouped topic list."""
    directory = console_of(request).runtime.directory
    return [
        {
            "slug": org.slug,
            "name": org.name,
            "categories": [
                {"code": c.code, "title": c.title(lang)}
                for c in directory.catalogue(org.id).values()
            ],
        }
        for org in orgs
    ]


def _page(
    request: Request,
    operator: Operator,
    sent: dict[str, str],
    errors: dict[str, list[str]] | None = None,
    *,
    status: int = 200,
) -> Response:
    lang = page_language(request)
    orgs = _orgs(request, operator)
    return console_page(
        request,
        operator,
        "console/taken.html",
        {
            "orgs": _choices(request, orgs, lang),
            "channels": [(c, t(f"console.appeal.channel.{c}", lang)) for c in CHANNELS],
            "kinds": [(k, t(f"taken.kind.{k}", lang)) for k in KINDS],
            "sent": sent,
            "errors": errors or {},
            "error_list": _error_list(errors or {}, lang),
        },
        status=status,
        section="/console",
    )


def _error_list(errors: dict[str, list[str]], lang: str) -> list[dict[str, str]]:
    """The summary above the form: each reason with the field it is about, linking to it."""
    return [
        {
            "field": name,
            "label": t(f"taken.{name}", lang) if name in FIELDS else "",
            "message": message,
        }
        for name, messages in errors.items()
        for message in messages
    ]


async def new_page(request: Request) -> Response:
    """GET /console/appeals/new — an empty form with a fresh one-time key."""
    operator = operator_of(request)
    orgs = _orgs(request, operator)
    sent = {name: "" for name in FIELDS}
    sent["kind"] = "message"
    sent["org"] = _own_slug(operator, orgs)
    sent["once"] = secrets.token_urlsafe(16)
    return _page(request, operator, sent)


def _own_slug(operator: Operator, orgs: list[Org]) -> str:
    """The organisation the form starts on: the operator's own, else the only one they see."""
    own = next((o.slug for o in orgs if o.id == operator.user.org_id), None)
    return own or (orgs[0].slug if len(orgs) == 1 else "")


def _sent(form: FormData) -> dict[str, str]:
    def text(name: str) -> str:
        value = form.get(name)
        return value if isinstance(value, str) else ""

    sent = {name: text(name) for name in FIELDS}
    sent["kind"] = sent["kind"] or "message"
    sent["consent"] = "yes" if text("consent") == "yes" else ""
    sent["once"] = text("once")[:64] or secrets.token_urlsafe(16)
    return sent


def _body(sent: dict[str, str]) -> dict[str, Any]:
    """The form as the intake checks know an appeal (empty fields are not given): the name in
    parts, which validate_appeal joins — and requires of an official appeal."""
    contact = {k: sent[k] for k in CONTACT if sent[k].strip()}
    body: dict[str, Any] = {
        "category": sent["category"],
        "text": sent["text"],
        "kind": sent["kind"],
        "contact": contact,
        "consent": sent["consent"] == "yes",
    }
    if sent["address"].strip():
        body["address"] = sent["address"]
    return body


async def take(request: Request) -> Response:
    """POST /console/appeals/new — file it, then open its page; or the form again with why."""
    operator, form = await changing(request)
    console = console_of(request)
    runtime = console.runtime
    lang = page_language(request)
    sent = _sent(form)
    errors: dict[str, list[str]] = {}

    def refuse(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    org = runtime.directory.org_by_slug(sent["org"])
    if org is None or not operator.sees(org.id):
        org = None
        refuse("org", t("taken.org-unknown", lang))
    if sent["channel"] not in CHANNELS:
        refuse("channel", t("taken.channel-unknown", lang))
    elif sent["kind"] == "official" and sent["channel"] not in OFFICIAL_CHANNELS:
        refuse("kind", t("taken.official-letter", lang))
    body = _body(sent)
    checked: AppealInput | None = None
    try:
        catalogue = runtime.directory.catalogue(org.id) if org is not None else {}
        checked = validate_appeal(body, catalogue, postal=True)
    except ValidationFailed as failed:
        for field, key, values in failed.errors:
            name = _FORM_FIELD.get(field, field.split(".", 1)[0])
            refuse(name if name in (*FIELDS, "consent") else "text", t(key, lang, **values))
    if errors or org is None or checked is None:
        return _page(request, operator, sent, errors, status=422)
    idem = Idempotency(
        "console:" + sent["once"], body_hash({**body, "channel": sent["channel"]}), ONCE_TTL
    )
    try:
        first = find_idempotent(runtime.reader, org.id, idem)
        if first is not None:  # sent twice: the appeal it filed the first time
            return RedirectResponse(f"/console/appeals/{first['id']}?done=taken#notice", 303)
        appeal_id, tracking_url = runtime.new_appeal_id(request)
        appeal = NewAppeal(
            id=appeal_id,
            origin_org=org,
            target_org=org,
            input=checked,
            channel=sent["channel"],
            request_id=getattr(request.state, "request_id", None),
            remote_addr=request.client.host if request.client else None,
            lang=lang,
            # an official letter's e-mail is the address it asks the answer at: the notices go
            # there as the badge's official appeal sends them when its citizen asked
            notify_email=copies_by_default(checked, True if checked.kind == "official" else None),
            taken_by=operator.user.email,
        )
        accepted = await runtime.file(appeal, tracking_url, idem=idem)
    except IdempotencyConflict:
        refuse("once", t("taken.conflict", lang))
        sent["once"] = secrets.token_urlsafe(16)
        return _page(request, operator, sent, errors, status=409)
    except Unavailable:
        refuse("once", t("taken.unavailable", lang))
        return _page(request, operator, sent, errors, status=503)
    appeal_id = str(accepted.response["id"])
    if not operator.sees_appeal(target_of(runtime.reader, appeal_id)):  # a routing rule sent it on
        return RedirectResponse("/console?done=forward", 303)
    return RedirectResponse(f"/console/appeals/{appeal_id}?done=taken#notice", 303)


ROUTES = [
    Route("/console/appeals/new", new_page, methods=["GET"]),
    Route("/console/appeals/new", take, methods=["POST"]),
]
