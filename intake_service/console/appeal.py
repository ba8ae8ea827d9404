"""One appeal in the console: its page (text, photos, point, contact on request, source, the
whole history, where it was forwarded) and the operator's changes to it.

Every route starts by finding the appeal and checking the operator sees its target organisation:
another organisation's appeal answers 404 exactly like a missing one — the page, its photos and
every change. Changes are posted forms (CSRF-checked by `changing`), each one writer operation
from `handling` or `lifecycle`, answered with a 303 back to the page and a notice; a refused change re-renders
the page with the reason (422).
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from intake_service import photos
from intake_service.api.requests import ROW_ID
from intake_service.category_attributes import answers_shown
from intake_service.console import handling
from intake_service.console.auth import Operator, changing, operator_of
from intake_service.console.extension import extend_op
from intake_service.console.forwarding import forward_candidates, forward_op
from intake_service.console.page import console_page
from intake_service.console.state import console_of
from intake_service.directory import OrgDirectory
from intake_service.errors import Forbidden, NotFound
from intake_service.events import PUBLIC_TYPES, Event, EventType
from intake_service.i18n import t
from intake_service.lifecycle import changes
from intake_service.lifecycle.clarify import ask_op
from intake_service.lifecycle.deadlines import is_overdue, today_in
from intake_service.org_settings import timezone_of
from intake_service.pages import human_date, local_time, page_language
from intake_service.statuses import TRANSITIONS, Severity, Status, StatusType, can_move, status_type

ACTIONS = (
    "status",
    "assign",
    "severity",
    "note",
    "duplicate",
    "answer",
    "clarify",
    "extend",
    "forward",
)


def _visible(request: Request, operator: Operator) -> dict[str, Any]:
    """The appeal of the URL, if this operator sees it; else 404 as if it did not exist."""
    appeal_id = str(request.path_params["appeal_id"])
    appeal = changes.find_appeal(console_of(request).runtime.reader, appeal_id)
    if appeal is None:
        raise NotFound("detail.no-route", reason="appeal-unknown", path=request.url.path)
    operator.check_sees_appeal(appeal["target_org_id"])
    return appeal


def _actor(request: Request, operator: Operator) -> changes.Actor:
    return changes.Actor(
        operator.user.email,
        getattr(request.state, "request_id", None),
        request.client.host if request.client else None,
    )


def _details(event: Event, lang: str) -> list[str]:
    """What an event of the history says beyond its type, in the operator's words."""
    data, out = event.data, []
    if event.type in (EventType.STATUS, EventType.SEVERITY):
        prefix = "status" if event.type == EventType.STATUS else "severity"
        names = [
            t(f"{prefix}.{v}", lang) if v else t("console.appeal.severity.none", lang)
            for v in (data.get("from"), data.get("to"))
        ]
        out.append(" → ".join(names))
    if event.type == EventType.ASSIGNED:
        out.append("→ " + (data.get("to") or t("console.appeal.nobody", lang)))
    if data.get("original"):
        out.append(t("console.event.original", lang, number=data["original"]))
    if data.get("reason"):
        out.append(t("console.event.reason", lang, reason=data["reason"]))
    if event.reason:
        out.append(t("console.event.reason", lang, reason=event.reason))
    if data.get("note"):
        out.append(t("console.event.note-text", lang, note=data["note"]))
    if event.type in (EventType.NOTE, EventType.ANSWERED) and data.get("text"):
        out.append(str(data["text"]))
    if data.get("template"):
        out.append(t("console.event.template", lang, title=data["template"]))
    if data.get("sink"):
        out.append(t("console.event.sink", lang, sink=data["sink"]))
    if data.get("forward_due"):
        out.append(t("console.event.forward-due", lang, date=human_date(data["forward_due"], lang)))
    if data.get("late"):
        out.append(t("console.event.forward-late", lang))
    if event.type == EventType.ACCEPTED and data.get("channel"):
        out.append(t("console.event.channel", lang, channel=data["channel"]))
    return out


# What an appeal's page keeps of another organisation's data in an event: never its internal
# note or its operators' e-mails (`by`; assignments are not shown at all).
_INTERNAL = ("by", "note")


def _shown_history(
    history: list[Event], operator: Operator, directory: OrgDirectory
) -> list[Event]:
    """The history as this operator may read it. Events of an organisation they do not see —
    the one that forwarded the appeal to theirs — are shown only where the citizen sees them
    too (PUBLIC_TYPES: filed, status, answer, routed…), signed with that organisation's name
    instead of its operator's e-mail and without internal notes; their notes, assignments,
    contact views and deliveries stay with that organisation."""
    shown = []
    for event in history:
        if event.org_id is None or operator.sees(event.org_id):
            shown.append(event)
            continue
        if event.type not in PUBLIC_TYPES:
            continue
        data = {k: v for k, v in event.data.items() if k not in _INTERNAL}
        try:
            data["by"] = directory.org(event.org_id).name
        except KeyError:
            data["by"] = event.org or ""
        shown.append(replace(event, data=data))
    return shown


def _event_title(event: Event, lang: str) -> str:
    key = f"console.event.{event.type}"
    try:
        return t(key, lang)
    except KeyError:
        return event.type


async def _render(
    request: Request,
    operator: Operator,
    *,
    error: str | None = None,
    contact: dict[str, str] | None = None,
    status: int = 200,
    draft: str | None = None,
) -> Response:
    console = console_of(request)
    runtime = console.runtime
    lang = page_language(request)
    appeal_id = str(request.path_params["appeal_id"])
    data = await console.reads.run(handling.page_data, appeal_id)
    if data is None:
        raise NotFound("detail.no-route", reason="appeal-unknown", path=request.url.path)
    appeal = data["appeal"]
    target = appeal["target_org_id"]
    operator.check_sees_appeal(target)
    org = runtime.directory.org(target)
    zone = timezone_of(org)
    category = runtime.directory.catalogue(target).get(appeal["category"])
    current = appeal["status"]
    moves = [
        str(s)
        for s in TRANSITIONS.get(Status(current), ())
        if s not in (Status.ANSWERED, Status.DUPLICATE, Status.CLARIFYING)
    ]
    chosen = request.query_params.get("template", "")
    template_title = ""
    if draft is None:
        draft = appeal["answer"] or ""
        for template in data["templates"]:
            if str(template["id"]) == chosen:
                # {name} stays a placeholder in the console: the citizen's page fills it in
                draft = changes.fill_template(
                    template["body"], appeal["number"], changes.NAME_PLACEHOLDER
                )
                template_title = template["title"]
    done = request.query_params.get("done", "")
    notice = t(f"console.appeal.done.{done}", lang) if done in ACTIONS else None
    history = [
        {
            "at": e.at,
            "type": e.type,
            "title": _event_title(e, lang),
            "by": e.data.get("by", ""),
            "details": _details(e, lang),
        }
        for e in _shown_history(data["history"], operator, runtime.directory)
    ]
    context = {
        "appeal": appeal,
        "category_title": category.title(lang) if category else appeal["category"],
        "when": lambda iso: local_time(iso, zone, lang) if iso else "",
        "history": history,
        # another organisation's sinks (one the appeal was forwarded away from) are its own
        "deliveries": [d for d in data["deliveries"] if operator.sees(d["org_id"])],
        "photos": data["photos"],
        "colleagues": [u.email for u in data["colleagues"]],
        "templates": data["templates"],
        "duplicates": data["duplicates"],
        "moves": moves,
        "can_answer": can_move(current, Status.ANSWERED),
        "can_duplicate": can_move(current, Status.DUPLICATE),
        "can_clarify": can_move(current, Status.CLARIFYING),
        "can_extend": appeal["kind"] == "official"
        and not appeal["extended_at"]
        and bool(appeal["answer_due"])
        and status_type(current) is StatusType.OPEN,
        "overdue": bool(appeal["answer_due"])
        and status_type(current) is StatusType.OPEN
        and is_overdue(appeal["answer_due"], zone),
        # an official appeal outside the body's competence: forwarded within 7 days, or late
        "forward_due": appeal["forward_due"] if status_type(current) is StatusType.OPEN else None,
        "forward_late": status_type(current) is StatusType.OPEN
        and is_overdue(appeal["forward_due"], zone),
        "repeats": data["repeats"],
        "forward_to": forward_candidates(runtime.directory, operator, target)
        if status_type(current) is StatusType.OPEN
        else [],
        "day": lambda iso: human_date(iso, lang),
        "severities": [str(s) for s in Severity],
        "sees_contact": operator.sees_contact(target),
        "contact": contact,
        "manages": operator.manages(target),
        "chosen": chosen,
        "template_title": template_title,
        "draft": draft,
        "notice": notice,
        "error": error,
        "map_url": _map_url(appeal["lat"], appeal["lon"]),
        "answers": answers_shown(
            category.attributes if category else (),
            json.loads(appeal["attributes"] or "{}"),
            lang,
        ),
        # a link the citizen's app gave (Open311 media_url): shown, never fetched by us
        "media_url": appeal["media_url"] if _is_web_link(appeal["media_url"]) else None,
    }
    return console_page(
        request, operator, "console/appeal.html", context, status=status, section="/console"
    )


def _is_web_link(url: str | None) -> bool:
    return bool(url) and str(url).lower().startswith(("https://", "http://"))


def _map_url(lat: float | None, lon: float | None) -> str | None:
    if lat is None or lon is None:
        return None
    query = urlencode({"mlat": f"{lat:.6f}", "mlon": f"{lon:.6f}"})
    return f"https://www.openstreetmap.org/?{query}#map=17/{lat:.6f}/{lon:.6f}"


async def appeal_page(request: Request) -> Response:
    """GET /console/appeals/{appeal_id}."""
    operator = operator_of(request)
    _visible(request, operator)
    return await _render(request, operator)


async def appeal_photo(request: Request) -> Response:
    """GET /console/appeals/{appeal_id}/photos/{n} — to those who see the appeal, never cached."""
    operator = operator_of(request)
    appeal = _visible(request, operator)
    runtime = console_of(request).runtime
    n = request.path_params["n"]
    media_type = photos.media_type_for(runtime.reader, appeal["id"], n, appeal["target_org_id"])
    if media_type is None:
        raise NotFound("detail.no-route", reason="photo-unknown", path=request.url.path)
    path = photos.path_of(runtime.media_root, appeal["id"], n, media_type)
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": "private, no-store"})


async def show_contact(request: Request) -> Response:
    """POST /console/appeals/{appeal_id}/contact — the page with the citizen's contact. Each
    showing is answered directly (no redirect to a URL that would show it again unrecorded)
    after its `contact_viewed` audit event is stored."""
    operator, _ = await changing(request)
    appeal = _visible(request, operator)
    if not operator.sees_contact(appeal["target_org_id"]):
        raise Forbidden("handling.contact-not-yours", reason="contact-not-yours")
    runtime = console_of(request).runtime
    await runtime.writer.submit(handling.contact_viewed_op(appeal["id"], _actor(request, operator)))
    response = await _render(request, operator, contact=changes.contact_of(appeal))
    return response


def _text(form: Any, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


async def act(request: Request) -> Response:
    """POST /console/appeals/{appeal_id}/{action}: status, assign, severity, note, duplicate,
    answer."""
    operator, form = await changing(request)
    appeal = _visible(request, operator)
    action = str(request.path_params["action"])
    if action not in ACTIONS:
        raise NotFound("detail.no-route", reason="no-route", path=request.url.path)
    lang = page_language(request)
    actor = _actor(request, operator)
    appeal_id = appeal["id"]
    try:
        op = _operation(request, operator, appeal, action, form, actor)
        await console_of(request).runtime.writer.submit(op)
    except changes.Refused as refused:
        values = dict(refused.values)
        for key in ("current", "new"):
            if key in values:
                values[key] = t(f"status.{values[key]}", lang)
        draft = _text(form, "text") if action == "answer" else None
        return await _render(
            request, operator, error=t(refused.key, lang, **values), status=422, draft=draft
        )
    runtime = console_of(request).runtime
    if runtime.forwarder is not None:
        runtime.forwarder.wake()  # the citizen's e-mail, the new organisation's sinks
    if action == "forward":
        moved = changes.find_appeal(runtime.reader, appeal_id)
        if moved is not None:
            runtime.notify_queue(moved["target_org_id"])
        if moved is None or not operator.sees_appeal(moved["target_org_id"]):
            return RedirectResponse("/console?done=forward", 303)  # it is theirs now
    return RedirectResponse(f"/console/appeals/{appeal_id}?done={action}#handling", 303)


def _operation(
    request: Request,
    operator: Operator,
    appeal: dict[str, Any],
    action: str,
    form: Any,
    actor: changes.Actor,
) -> changes.Op:
    appeal_id = appeal["id"]
    if action == "status":
        new = _text(form, "status")
        if new not in {str(s) for s in Status}:
            raise changes.Refused("handling.bad-status")
        runtime = console_of(request).runtime
        reason, note = _text(form, "reason"), _text(form, "note")
        return changes.status_op(appeal_id, new, reason, note, actor, runtime.deadlines.forward_due)
    if action == "assign":
        to = _text(form, "to").strip()
        if to == "me":
            to = operator.user.email
        return handling.assign_op(appeal_id, to or None, actor)
    if action == "severity":
        return handling.severity_op(appeal_id, _text(form, "severity") or None, actor)
    if action == "note":
        return handling.note_op(appeal_id, _text(form, "text"), actor)
    if action == "duplicate":
        number = _text(form, "number").strip()
        original = changes.find_by_number(console_of(request).runtime.reader, number)
        if original is None or not operator.sees_appeal(original["target_org_id"]):
            raise changes.Refused("handling.duplicate-unknown", number=number)
        return handling.duplicate_op(appeal_id, original["id"], _text(form, "note"), actor)
    runtime = console_of(request).runtime
    if action == "clarify":
        zone = timezone_of(runtime.directory.org(appeal["target_org_id"]))
        due = runtime.calendar.add_days(today_in(zone), runtime.settings.clarify_days)
        return ask_op(appeal_id, _text(form, "question"), due.isoformat(), actor)
    if action == "extend":
        return extend_op(appeal_id, _text(form, "reason"), runtime.calendar, actor)
    if action == "forward":
        candidates = forward_candidates(runtime.directory, operator, appeal["target_org_id"])
        to = next((o for o in candidates if o.slug == _text(form, "to")), None)
        if to is None:
            raise changes.Refused("routing.unknown")
        today = runtime.deadlines.today(appeal["target_org_id"])
        due = runtime.deadlines.due_for(to, appeal["kind"], appeal["category"])
        return forward_op(appeal_id, to, runtime.sinks_for(to), actor, today, due)
    template = _text(form, "template_title") or None
    return changes.answer_op(appeal_id, _text(form, "text"), template, actor)


ROUTES = [
    Route("/console/appeals/{appeal_id}", appeal_page, methods=["GET"]),
    Route(f"/console/appeals/{{appeal_id}}/photos/{{n:{ROW_ID}}}", appeal_photo, methods=["GET"]),
    Route("/console/appeals/{appeal_id}/contact", show_contact, methods=["POST"]),
    Route("/console/appeals/{appeal_id}/{action}", act, methods=["POST"]),
]
