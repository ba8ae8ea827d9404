"""One appeal in the console: its page (text, photos, point, contact on request, source, the
whole history, where it was forwarded) and the operator's changes to it.

Every route starts by finding the appeal and checking the operator sees its target organisation:
another organisation's appeal answers 404 exactly like a missing one — the page, its photos and
every change. Changes are posted forms (CSRF-checked by `changing`), each one writer operation
from `handling` or `lifecycle`, answered with a 303 back to the page and a notice; a refused
change re-renders the page with the reason (422) and the form as the operator wrote it.

The page posts its one handling form to `handle` (console/panel.py: status and reason,
assignee, severity, note, answer — only what changed); the one-part actions (`status`,
`assign`, `answer`…) stay for the other forms of the page and for scripts that post them.
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
from intake_service.console import handling, panel
from intake_service.console.appeal_history import (
    channel_word,
    history_rows,
    shown_answer,
    sink_word,
    taken_by,
)
from intake_service.console.auth import Operator, changing, operator_of
from intake_service.console.extension import extend_op
from intake_service.console.forwarding import forward_candidates, forward_op
from intake_service.console.page import console_page
from intake_service.console.panel import PanelForm
from intake_service.console.similar import similar_appeals
from intake_service.console.state import console_of
from intake_service.errors import Forbidden, NotFound
from intake_service.i18n import t
from intake_service.lifecycle import changes
from intake_service.lifecycle.clarify import ask_op
from intake_service.lifecycle.deadlines import is_overdue, today_in
from intake_service.org_settings import timezone_of
from intake_service.pages import human_date, local_time, page_language
from intake_service.statuses import TRANSITIONS, Severity, Status, StatusType, can_move, status_type

ACTIONS = (
    "handle",  # the page's one handling form (console/panel.py)
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


async def _render(
    request: Request,
    operator: Operator,
    *,
    error: str | None = None,
    contact: dict[str, str] | None = None,
    status: int = 200,
    sent: PanelForm | None = None,
) -> Response:
    """The page; after a refused change, `sent` fills the handling form again with what the
    operator wrote (nothing typed is lost), else it shows the appeal as it stands."""
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
    # {name} stays a placeholder in the console: the citizen's page fills it in
    templates = [
        {
            **template,
            "filled": changes.fill_template(
                template["body"], appeal["number"], changes.NAME_PLACEHOLDER
            ),
        }
        for template in data["templates"]
    ]
    chosen = request.query_params.get("template", "")
    if sent is None:  # the form as the appeal stands: saving it untouched changes nothing
        sent = PanelForm(
            status=current, assignee=appeal["assignee"] or "", severity=appeal["severity"] or ""
        )
        picked = next((tpl for tpl in templates if str(tpl["id"]) == chosen), None)
        if picked is not None:  # the no-script "Use template": a GET with ?template=
            sent = replace(sent, text=picked["filled"], template_title=picked["title"])
    if sent.assignee is None or sent.severity is None:  # not posted: shown as they stand
        sent = replace(
            sent,
            assignee=appeal["assignee"] or "" if sent.assignee is None else sent.assignee,
            severity=appeal["severity"] or "" if sent.severity is None else sent.severity,
        )
    kinds = data["sink_kinds"]
    # all of the appeal's own organisation: whoever sees it sees them (console/similar.py)
    similar = await console.reads.run(similar_appeals, appeal)
    context = {
        "appeal": appeal,
        "category_title": category.title(lang) if category else appeal["category"],
        "when": lambda iso: local_time(iso, zone, lang) if iso else "",
        "history": history_rows(data["history"], operator, runtime.directory, kinds, lang),
        # another organisation's sinks (one the appeal was forwarded away from) are its own
        "deliveries": [
            {**d, "sink_word": sink_word(str(d["sink"]), kinds, lang)}
            for d in data["deliveries"]
            if operator.sees(d["org_id"])
        ],
        "channel": channel_word(appeal["channel"], lang),
        "taken_by": taken_by(data["history"]),
        "answer_shown": shown_answer(appeal["answer"] or "", lang),
        "photos": data["photos"],
        "colleagues": [u.email for u in data["colleagues"]],
        "templates": templates,
        "duplicates": data["duplicates"],
        "similar": similar if operator.sees_appeal(target) else [],
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
        "sent": sent,
        "notice": _notice(request.query_params.get("done", ""), lang),
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


def _notice(done: str, lang: str) -> str | None:
    """What the page says after a save: each part the operator changed (`done=assign,note`),
    or that nothing was — the form sent back as it stood."""
    parts = [p for p in done.split(",") if p in ACTIONS or p in ("nothing", "taken")]
    if not parts:
        return None
    return " ".join(t(f"console.appeal.done.{p}", lang) for p in parts)


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
    done = action
    try:
        if action == "handle":
            runtime = console_of(request).runtime
            asked = panel.plan(
                PanelForm.of(form),
                appeal,
                operator.user.email,
                actor,
                runtime.deadlines.forward_due,
            )
            done = ",".join(asked.parts) or "nothing"
            op = asked.op()
        else:
            op = _operation(request, operator, appeal, action, form, actor)
        await console_of(request).runtime.writer.submit(op)
    except changes.Refused as refused:
        values = dict(refused.values)
        for key in ("current", "new"):
            if key in values:
                values[key] = t(f"status.{values[key]}", lang)
        return await _render(
            request,
            operator,
            error=t(refused.key, lang, **values),
            status=422,
            sent=_kept(action, form, appeal),
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
    # the notice is at the top of the page and takes the focus there (appeal.js)
    return RedirectResponse(f"/console/appeals/{appeal_id}?done={done}#notice", 303)


def _kept(action: str, form: Any, appeal: dict[str, Any]) -> PanelForm | None:
    """What the handling form shows again after a refusal: all the operator wrote in it, or —
    for the older one-part forms — the answer they wrote, over the appeal as it stands."""
    if action == "handle":
        return PanelForm.of(form)
    if action == "answer":
        return PanelForm(
            status=appeal["status"],
            assignee=appeal["assignee"] or "",
            severity=appeal["severity"] or "",
            text=_text(form, "text"),
        )
    return None


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
