"""GeoReport v2's service requests: filing one (`POST requests`), an organisation's list
(`GET requests`), one by id (`requests/{id}`) and a token's request (`tokens/{token}`).

A filed request goes through the same checks and the same acceptance as a JSON API appeal
(channel `open311`), so it is numbered, logged, queued, forwarded and shown in the console
like any other. Decisions where the specification leaves room (ARCHITECTURE.md):
- `service_request_id` is the appeal's id (a UUIDv7 nobody can guess), not its number;
- the list by period is the organisation's own: `GET requests` without ids takes its
  `api_key` (appeals are personal data, not a public map), and never carries contacts;
- `requests/{id}` without a key tells only what the tracking page's link tells of status —
  no text, address or place; with the organisation's key, the whole request;
- `GET requests?service_request_id=a,b,c` is the status check an app makes of the requests it
  filed, and Python's Open311 client sends no key there: each id is answered as `requests/{id}`
  answers it — whole to a key whose organisation sees the request, its public fields to anyone
  else (a routed request included, and a caller without a key) —, the ids that do not exist
  are left out. The ids are UUIDv7s nobody can guess, so the list tells no more than asking
  for each one in turn would; at most `queries.MAX_IDS` of them, with a key or without;
- `token` is the citizen's tracking token: `tokens/{token}` names the request, and the same
  token opens the tracking page.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from intake_service.api.appeals import api_appeal
from intake_service.api.requests import authenticate, body_limited, client_address, runtime_of
from intake_service.appeal_input import validate_appeal
from intake_service.directory import Caller
from intake_service.errors import (
    BadParameter,
    Forbidden,
    NotFound,
    Unauthorized,
    UnsupportedMediaType,
    ValidationFailed,
)
from intake_service.i18n import t
from intake_service.open311 import queries
from intake_service.open311.formats import end_of_day, parse_datetime, respond, with_offset
from intake_service.open311.services import asked_format, jurisdiction, service
from intake_service.org_settings import timezone_of
from intake_service.pages import page_language
from intake_service.runtime import Runtime
from intake_service.statuses import Status
from intake_service.store import now_iso
from intake_service.visibility import sees_appeal

WINDOW_DAYS = 90
_ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]{1,40})\](\[\])?$")
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def _caller(request: Request, params: Any) -> Caller | None:
    """The organisation of the key sent (`api_key`, or a Bearer header); None when none was."""
    api_key = (params.get("api_key") or "").strip()
    if not api_key and "authorization" not in request.headers:
        return None
    return authenticate(request, api_key or None)


def _scope(request: Request, caller: Caller, slug: str | None) -> frozenset[int]:
    """The organisations a key's list covers: its own and those below it, or the one of them
    `jurisdiction_id` names."""
    directory = runtime_of(request).directory
    family = directory.family(caller.org.id)
    if not slug:
        return family
    org = jurisdiction(request, slug)
    if org.id not in family:
        raise Forbidden("open311.jurisdiction-other", reason="jurisdiction-other", slug=org.slug)
    request.state.org_id = caller.org.id
    return directory.family(org.id)


def _float(value: str | None, name: str, errors: list[tuple[str, str, dict[str, Any]]]) -> Any:
    if value is None or not value.strip():
        return None
    try:
        return float(value)
    except ValueError:
        errors.append((name, "field.not-number", {}))
        return None


def _answers(form: FormData) -> dict[str, Any]:
    """attribute[CODE]=v (a list when sent as attribute[CODE][] or more than once)."""
    answers: dict[str, Any] = {}
    for name in dict.fromkeys(form.keys()):
        match = _ATTRIBUTE.match(name)
        if match is None:
            continue
        values = [str(v) for v in form.getlist(name)]
        code = match.group(1)
        if match.group(2) or len(values) > 1:
            answers[code] = [*answers.get(code, []), *values] if code in answers else values
        else:
            answers[code] = values[0]
    return answers


async def post_request(request: Request) -> Response:
    """POST /open311/v2/requests.{fmt} (form-encoded): file an appeal."""
    fmt = asked_format(request)
    runtime = runtime_of(request)
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in _FORMS:
        raise UnsupportedMediaType("open311.media-type", got=media_type or "(none)")
    limited = body_limited(request, runtime.settings.max_body_bytes)
    async with limited.form(max_files=0, max_fields=200) as form:
        caller = _caller(request, form)
        if caller is None:  # said in Open311's words: the JSON API's message names the header
            runtime.address_limiter.check(client_address(request))
            raise Unauthorized("open311.key-missing", reason="key-missing")
        org = caller.org
        slug = str(form.get("jurisdiction_id") or "").strip()
        if slug and slug != org.slug:
            named = jurisdiction(request, slug)
            request.state.org_id = org.id
            raise Forbidden(
                "open311.jurisdiction-other", reason="jurisdiction-other", slug=named.slug
            )
        code = str(form.get("service_code") or "").strip()
        if not code:
            raise BadParameter([("service_code", "open311.service-missing", {})])
        service(request, org, code)
        data = _appeal_data(form, code)
    lang = page_language(request)
    appeal_input = validate_appeal(data, runtime.directory.catalogue(org.id))
    appeal, tracking_url = api_appeal(request, org, appeal_input, "open311")
    accepted = await runtime.file(appeal, tracking_url)
    due = accepted.answer_due or "—"
    notice = t("open311.notice", lang, number=accepted.response["number"], due=due)
    created = {
        "service_request_id": appeal.id,
        "token": tracking_url.rsplit("/", 1)[1],
        "service_notice": notice,
        "account_id": None,
    }
    return respond(fmt, "service_requests", [created], headers={"Location": tracking_url})


def _appeal_data(form: FormData, code: str) -> dict[str, Any]:
    """The Open311 parameters as the JSON API's appeal, checked by the same function; the place
    (lat/long or address_string) is checked here, being Open311's own rule."""
    errors: list[tuple[str, str, dict[str, Any]]] = []

    def text(name: str) -> str | None:
        value = form.get(name)
        return str(value).strip() or None if value is not None else None

    lat, lon = _float(text("lat"), "lat", errors), _float(text("long"), "lon", errors)
    address = text("address_string")
    if (lat is None or lon is None) and not address and not errors:
        key = "open311.address-id" if text("address_id") else "open311.location"
        raise BadParameter([("lat", key, {})])
    if errors:
        raise ValidationFailed(errors)
    name = " ".join(p for p in (text("first_name"), text("last_name")) if p)
    contact = {
        k: v for k, v in (("name", name), ("email", text("email")), ("phone", text("phone"))) if v
    }
    data: dict[str, Any] = {
        "category": code,
        "text": text("description") or "",
        "kind": "message",
        "contact": contact,
        # the app holding the organisation's key asks the citizen's consent (README)
        "consent": True,
        "attributes": _answers(form),
    }
    if address:
        data["address"] = address
    if lat is not None and lon is not None:
        data["lat"], data["lon"] = lat, lon
    if media := text("media_url"):
        data["media_url"] = media
    return data


def _status_notes(row: sqlite3.Row, lang: str) -> str:
    """Why the request is where it is: the answer, the reason it closed, the question asked,
    or the status in words. An answer's {name} is the citizen's, filled only on their own
    tracking page."""
    status = row["status"]
    if status == Status.CLARIFYING and row["clarify_question"]:
        return str(row["clarify_question"])
    for text in (row["status_reason"], row["answer"]):
        if text:
            return str(text).replace("{greeting}", "").replace("{name}", "").strip(" ,")
    return t(f"status.{status}", lang)


def request_view(runtime: Runtime, row: sqlite3.Row, lang: str, *, full: bool) -> dict[str, Any]:
    """One service request with the specification's fields, in its order. Without `full`,
    the text, the place and the media are left empty (see the module's docstring)."""
    org = runtime.directory.org(row["target_org_id"])
    zone = timezone_of(org)
    category = runtime.directory.catalogue(org.id).get(row["category"])
    return {
        "service_request_id": row["id"],
        "status": queries.open311_status(row["status"]),
        "status_notes": _status_notes(row, lang),
        "service_name": category.title(lang) if category else row["category"],
        "service_code": row["category"],
        "description": row["text"] if full else None,
        "agency_responsible": org.name,
        "service_notice": row["number"],
        "requested_datetime": with_offset(row["created_at"], zone),
        "updated_datetime": with_offset(row["updated_at"] or row["created_at"], zone),
        "expected_datetime": end_of_day(row["answer_due"], zone),
        "address": row["address"] if full else None,
        "address_id": None,
        "zipcode": None,
        "lat": row["lat"] if full else None,
        "long": row["lon"] if full else None,
        "media_url": row["media_url"] if full else None,
    }


def _period(params: Any) -> tuple[str, str]:
    """[start, end) as stored UTC instants: the asked dates, by default the last 90 days; a
    start_date alone stands for the 90 days from it (the specification limits a query to a
    span of 90 days, and refuses only a range of both dates that is longer); an end_date alone
    for the 90 days before it. A range of both longer than 90 days, or backwards, is refused."""
    errors: list[tuple[str, str, dict[str, Any]]] = []
    found: dict[str, dt.datetime | None] = {}
    for name in ("start_date", "end_date"):
        raw = (params.get(name) or "").strip()
        found[name] = parse_datetime(raw) if raw else None
        if raw and found[name] is None:
            errors.append((name, "open311.date", {}))
    if errors:
        raise BadParameter(errors)
    window = dt.timedelta(days=WINDOW_DAYS)
    start, end = found["start_date"], found["end_date"]
    if end is None:
        end = start + window if start is not None else dt.datetime.now(dt.UTC)
    start = start or end - window
    if start > end or end - start > window:
        raise BadParameter([("end_date", "open311.window", {"days": WINDOW_DAYS})])
    return now_iso(start.timestamp()), now_iso(end.timestamp() + 0.001)


def _in_jurisdiction(request: Request, row: sqlite3.Row) -> bool:
    """Whether the request is with the organisation a `jurisdiction_id` sent along names (or
    one below it); True when none was sent. An unknown one is the specification's 404; the
    caller answers another's request as one that does not exist."""
    slug = (request.query_params.get("jurisdiction_id") or "").strip()
    if not slug:
        return True
    named = jurisdiction(request, slug)
    return sees_appeal(runtime_of(request).directory.family(named.id), row["target_org_id"])


def _list(params: Any, name: str) -> list[str]:
    return [v.strip() for v in (params.get(name) or "").split(",") if v.strip()]


def _ids(params: Any) -> list[str]:
    """The `service_request_id` asked for (at most queries.MAX_IDS, refused beyond)."""
    if (params.get("service_request_id") or "").count(",") >= queries.MAX_IDS:
        raise BadParameter(
            [("service_request_id", "open311.ids-too-many", {"max": queries.MAX_IDS})]
        )
    return _list(params, "service_request_id")


def _named(request: Request, ids: list[str]) -> list[sqlite3.Row]:
    """Of these ids, those that exist (within the organisation a `jurisdiction_id` names, if
    one is sent: an unknown one is 404), newest first, as `requests/{id}` finds each."""
    runtime = runtime_of(request)
    slug = (request.query_params.get("jurisdiction_id") or "").strip()
    found = queries.find_by_ids(runtime.reader, ids)
    if not slug:
        return found
    family = runtime.directory.family(jurisdiction(request, slug).id)
    return [r for r in found if sees_appeal(family, r["target_org_id"])]


async def get_requests(request: Request) -> Response:
    """GET /open311/v2/requests.{fmt}: the requests a list of ids names, each as
    `requests/{id}` shows it (whole to the organisation that sees it, its public fields to
    anyone else, a caller without a key included); without ids, the organisation's requests
    (its api_key), filtered."""
    fmt = asked_format(request)
    runtime = runtime_of(request)
    params = request.query_params
    caller = _caller(request, params)
    if caller is None:  # a key's request spends the address budget in authenticate
        runtime.address_limiter.check(client_address(request))
    ids = _ids(params)
    if caller is None and not ids:
        raise Unauthorized("open311.key-needed", reason="key-missing")
    # a key's jurisdiction_id must be its own or below it (403); without a key, nobody's
    scope = _scope(request, caller, params.get("jurisdiction_id")) if caller else frozenset()
    lang = page_language(request)
    if ids:  # the specification: a list of ids overrides every other parameter
        listed = [
            request_view(runtime, r, lang, full=sees_appeal(scope, r["target_org_id"]))
            for r in _named(request, ids)
        ]
        return respond(fmt, "service_requests", listed, headers={"Content-Language": lang})
    asked_status = _list(params, "status")
    if any(s not in ("open", "closed") for s in asked_status):
        raise BadParameter([("status", "open311.status", {})])
    since, until = _period(params)
    rows = queries.find_requests(
        runtime.reader,
        scope,
        since=since,
        until=until,
        categories=_list(params, "service_code") or None,
        statuses=queries.statuses_of(asked_status) if asked_status else None,
    )
    listed = [request_view(runtime, r, lang, full=True) for r in rows]
    return respond(fmt, "service_requests", listed, headers={"Content-Language": lang})


async def get_request(request: Request) -> Response:
    """GET /open311/v2/requests/{id}.{fmt}: an array of one, as the specification says."""
    fmt = asked_format(request)
    runtime = runtime_of(request)
    params = request.query_params
    caller = _caller(request, params)
    if caller is None:
        runtime.address_limiter.check(client_address(request))
    request_id = str(request.path_params["id"])[:64]
    found = queries.find_by_ids(runtime.reader, [request_id])
    if not found or not _in_jurisdiction(request, found[0]):
        raise NotFound("open311.request-unknown", reason="request-unknown", id=request_id)
    row = found[0]
    full = caller is not None and sees_appeal(
        runtime.directory.family(caller.org.id), row["target_org_id"]
    )
    lang = page_language(request)
    return respond(
        fmt,
        "service_requests",
        [request_view(runtime, row, lang, full=full)],
        headers={"Content-Language": lang},
    )


async def get_token(request: Request) -> Response:
    """GET /open311/v2/tokens/{token}.{fmt}: the request a token stands for."""
    fmt = asked_format(request)
    runtime = runtime_of(request)
    runtime.address_limiter.check(client_address(request))
    token = str(request.path_params["token"])
    appeal_id = runtime.tokens.appeal_id(token)
    found = queries.find_by_ids(runtime.reader, [appeal_id]) if appeal_id else []
    if not found or not _in_jurisdiction(request, found[0]):
        raise NotFound("open311.token-unknown", reason="token-unknown")
    return respond(fmt, "service_requests", [{"service_request_id": appeal_id, "token": token}])
