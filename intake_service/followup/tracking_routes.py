"""The tracking link's page and JSON, and what the citizen does there: the verdict on an answer,
a repeat appeal when the problem is back, the answer to an operator's question.

The signed link is the citizen's only credential (no account needed), so every action checks
it first; a page's forms must come from the service's own pages (the same check as the appeal
form's). Each refusal — a forged link, a rating twice or before the answer, a repeat after the
period, an answer to no question — is a clear page or problem+json and a `rejected` event.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from intake_service.api.requests import body_limited, client_address, read_json, runtime_of
from intake_service.appeal_input import TEXT_MIN, AppealInput, checked_text
from intake_service.appeals import NewAppeal
from intake_service.errors import IntakeError, NotFound, ValidationFailed
from intake_service.followup.tracking import status_view
from intake_service.followup.tracking_page import has_email, page_context, tracking_photo
from intake_service.followup.verdict import (
    MAX_COMMENT,
    VerdictRefused,
    repeat_check_op,
    verdict_op,
)
from intake_service.form.submission import check_sender
from intake_service.i18n import t
from intake_service.lifecycle.changes import MAX_NOTE, find_appeal
from intake_service.lifecycle.clarify import ClarifyRefused
from intake_service.lifecycle.clarify import answer_op as clarify_answer_op
from intake_service.lifecycle.deadlines import today_in
from intake_service.org_settings import timezone_of
from intake_service.pages import human_date, local_time, page_language, render, wants_html


class TrackingRefused(IntakeError):
    """A citizen's action the appeal's state does not allow now."""

    status, slug, title_key = 409, "tracking-refused", "problem.tracking-refused"

    def __init__(self, why: str) -> None:
        super().__init__(f"track.refused.{why}", reason=f"tracking-{why}")


def _appeal_id(request: Request) -> str:
    runtime = runtime_of(request)
    runtime.address_limiter.check(client_address(request))
    appeal_id = runtime.tokens.appeal_id(request.path_params["token"])
    row = find_appeal(runtime.reader, appeal_id) if appeal_id is not None else None
    if appeal_id is None or row is None:
        raise NotFound("detail.tracking-unknown", reason="tracking-unknown")
    request.state.org_id = row["target_org_id"]  # refusals are logged to the organisation
    return appeal_id


def _view(request: Request, appeal_id: str, lang: str) -> dict[str, Any] | None:
    runtime = runtime_of(request)
    directory = runtime.directory

    def name(slug: str) -> str:
        org = directory.org_by_slug(slug)
        return org.name if org is not None else slug

    def today(slug: str) -> dt.date:
        org = directory.org_by_slug(slug)
        return today_in(timezone_of(org)) if org is not None else dt.date.today()

    return status_view(
        runtime.reader,
        appeal_id,
        lambda slug: directory.catalogue(directory.org_by_slug(slug).id),
        lang,
        org_name=name,
        today=today,
        repeat_days=runtime.settings.repeat_days,
    )


def _page(
    request: Request, appeal_id: str, view: dict[str, Any], *, notice: str | None = None,
    error: str | None = None, status: int = 200, fields: dict[str, str] | None = None,
    typed: dict[str, str] | None = None, filed: str | None = None,
) -> Response:  # fmt: skip
    """The tracking page; after a refused action, `fields` holds each field's error and `typed`
    what the citizen wrote (both keyed `action.field`), so that nothing has to be typed again.
    `filed`: the citizen has just filed this repeat from the first appeal's page, by its
    verdict ("verdict") or as the problem being back ("repeat")."""
    runtime = runtime_of(request)
    lang = page_language(request)
    org = runtime.directory.org_by_slug(view["org"]["slug"])
    zone = timezone_of(org) if org is not None else None

    def when(iso: str) -> str:
        return local_time(iso, zone, lang) if zone else iso

    def day(iso: str) -> str:
        return human_date(iso, lang)

    token = request.path_params["token"]
    new = request.query_params.get("new") == "1"
    context = {
        **page_context(request, appeal_id, view["org"]["slug"], token, lang),
        "filed": filed,
        "page_url": f"{runtime.base_url(request)}/s/{token}",
        "view": view,
        "new": new,
        "no_email": new and not has_email(runtime.reader, appeal_id),
        "when": when,
        "day": day,
        "token": token,
        "notice": notice,
        "error": error,
        "errors": fields or {},
        "typed": typed or {},
        "erased": _erased(runtime.reader, appeal_id),
    }
    return render("status.html", lang, context, status=status)


def _erased(conn: Any, appeal_id: str) -> bool:
    """Whether the citizen's data has left the appeal (erasure.py): it takes no more of it."""
    row = conn.execute("SELECT erased_at FROM appeals WHERE id = ?", (appeal_id,)).fetchone()
    return row is not None and row[0] is not None


async def appeal_status(request: Request) -> Response:
    """GET /s/{token} (the tracking link) and /api/v1/status/{token}: status and history.
    Times on the page are as people there read them (the organisation's zone, named); the
    JSON keeps ISO 8601 in UTC and due dates as ISO dates."""
    lang = page_language(request)
    appeal_id = _appeal_id(request)
    view = _view(request, appeal_id, lang)
    if view is None:
        raise NotFound("detail.tracking-unknown", reason="tracking-unknown")
    if wants_html(request):
        done = request.query_params.get("done")
        # a repeat lands here from its first appeal's page: "repeat N is filed", not a thanks
        filed = done if done in ("verdict", "repeat") and view["repeat_of"] else None
        notice = t(f"track.done.{done}", lang) if done in ACTIONS and not filed else None
        return _page(request, appeal_id, view, notice=notice, filed=filed)
    return JSONResponse(view)


ACTIONS = ("verdict", "repeat", "clarification")


async def _input(request: Request, as_page: bool) -> dict[str, Any]:
    if as_page:
        check_sender(request)
        limit = runtime_of(request).settings.max_body_bytes  # as the JSON's: a few fields
        try:
            form = await body_limited(request, limit).form(max_files=0, max_fields=10)
        except HTTPException:  # Starlette's own limits (fields, files) or a broken multipart
            raise ValidationFailed([("body", "field.form-fields", {})]) from None
        return {k: v for k, v in form.items() if isinstance(v, str)}
    body = await read_json(request)
    if not isinstance(body, dict):
        raise ValidationFailed([("body", "field.not-object", {})])
    return body


async def act(request: Request) -> Response:
    """POST /s/{token}/{action} (the page's forms) and /api/v1/status/{token}/{action} (JSON)."""
    runtime = runtime_of(request)
    lang = page_language(request)
    as_page = not request.url.path.startswith("/api/")
    action = str(request.path_params["action"])
    if action not in ACTIONS:
        raise NotFound("detail.no-route", reason="no-route", path=request.url.path)
    appeal_id = _appeal_id(request)
    data: dict[str, Any] = {}
    try:
        data = await _input(request, as_page)
        target = await _apply(request, appeal_id, action, data)
    except IntakeError as error:
        if not as_page or error.status not in (409, 422):
            raise
        await runtime.reject(request, error)
        view = _view(request, appeal_id, lang) or {}
        message = t(error.detail_key, lang, **error.values) if error.detail_key else ""
        fields: dict[str, str] = {}
        if isinstance(error, ValidationFailed):
            message = " ".join(t(key, lang, **values) for _, key, values in error.errors)
            # each beside its field in the action's own form (two forms have a `text`)
            fields = {f"{action}.{f}": t(key, lang, **v) for f, key, v in error.errors}
        typed = {f"{action}.{k}": v for k, v in data.items() if isinstance(v, str)}
        return _page(
            request, appeal_id, view, error=message, status=error.status, fields=fields,
            typed=typed,
        )  # fmt: skip
    if as_page:
        token = runtime.tokens.tracking(target)
        return RedirectResponse(f"/s/{token}?done={action}&lang={lang}", status_code=303)
    return JSONResponse(_view(request, target, lang))


async def _apply(request: Request, appeal_id: str, action: str, data: dict[str, Any]) -> str:
    """Do the action; returns the appeal whose page comes next (a repeat's own)."""
    runtime = runtime_of(request)
    lang = page_language(request)
    if _erased(runtime.reader, appeal_id):  # no new words of the citizen's on an erased appeal
        raise TrackingRefused("erased")
    try:
        if action == "clarification":
            text = checked_text(data.get("text"), min_len=0, max_len=MAX_NOTE)
            await runtime.writer.submit(clarify_answer_op(appeal_id, text))
            return appeal_id
        if action == "verdict":
            solved = data.get("solved") in (True, "yes", "true", "1")
            try:
                rating = int(data.get("rating") or 0)
            except (TypeError, ValueError):
                rating = 0
            errors = [] if 1 <= rating <= 5 else [("rating", "track.refused.rating", {})]
            try:
                comment = checked_text(
                    data.get("comment"), "comment", required=False, min_len=0, max_len=MAX_COMMENT
                )
            except ValidationFailed as failed:
                errors, comment = errors + failed.errors, ""
            if errors:
                raise ValidationFailed(errors)
            if solved:
                await runtime.writer.submit(verdict_op(appeal_id, True, rating, comment))
                return appeal_id
            first = _first(request, appeal_id)
            default = t("track.repeat-default", lang, number=first["number"])
            text = comment if len(comment) >= TEXT_MIN else default
            return await _file_repeat(
                request,
                first,
                text,
                lambda conn, number: verdict_op(
                    appeal_id, False, rating, comment, repeat_number=number
                )(conn),
                field="comment",
            )
        return await _file_repeat(
            request,
            _first(request, appeal_id),
            data.get("text"),
            repeat_check_op(appeal_id, runtime.settings.repeat_days),
        )
    except VerdictRefused as refused:
        raise TrackingRefused(refused.why) from None
    except ClarifyRefused:
        raise TrackingRefused("no-question") from None


def _first(request: Request, appeal_id: str) -> dict[str, Any]:
    """The appeal a repeat follows (the one the tracking link is for)."""
    first = find_appeal(runtime_of(request).reader, appeal_id)
    if first is None:
        raise NotFound("detail.tracking-unknown", reason="tracking-unknown")
    return first


async def _file_repeat(
    request: Request, first: dict[str, Any], text: object, then: Any, *, field: str = "text"
) -> str:
    """The repeat appeal: to the same organisation, the same citizen and place, the new text,
    through the same acceptance as every appeal; `then` marks the first one in its
    transaction (and may refuse, which files nothing). The text is checked by the appeal
    text's own rules whichever action brings it (an error names the action's `field`), so no
    repeat holds what the appeal form would refuse."""
    text = checked_text(text, field)
    runtime = runtime_of(request)
    appeal_id = first["id"]
    org = runtime.directory.org(first["target_org_id"])
    repeat_id, tracking_url = runtime.new_appeal_id(request)
    appeal = NewAppeal(
        id=repeat_id,
        origin_org=org,
        target_org=org,
        input=AppealInput(
            kind=first["kind"],
            category=first["category"],
            text=text,
            address=first["address"],
            lat=first["lat"],
            lon=first["lon"],
            contact=json.loads(first["contact"] or "{}"),
            page_url=None,
            attributes=json.loads(first["attributes"] or "{}"),
            media_url=first["media_url"],
        ),
        channel="repeat",
        request_id=request.state.request_id,
        remote_addr=client_address(request),
        lang=first["lang"],
        identity=first["identity"],
        citizen_sub=first["citizen_sub"],
        notify_email=bool(first["notify_email"]),
        repeat_of=appeal_id,
    )
    await runtime.file(appeal, tracking_url, then=then)
    return repeat_id


async def photo(request: Request) -> Response:
    """GET /s/{token}/photos/{n}: the appeal's own photo, to the holder of its tracking link."""
    return await tracking_photo(request, _appeal_id(request))


ROUTES = [
    Route("/s/{token}", appeal_status, methods=["GET"], name="tracking"),
    Route("/s/{token}/photos/{n:int}", photo, methods=["GET"]),
    Route("/api/v1/status/{token}", appeal_status, methods=["GET"], name="status"),
    Route("/s/{token}/{action}", act, methods=["POST"]),
    Route("/api/v1/status/{token}/{action}", act, methods=["POST"]),
]
