"""Filing an appeal, reading its status by tracking token, and the organisation's categories."""

from __future__ import annotations

import logging
import re

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response

from intake_service import photos
from intake_service.api.requests import authenticate, client_address, read_json, runtime_of
from intake_service.appeal_input import AppealInput, validate_appeal
from intake_service.appeals import (
    Idempotency,
    NewAppeal,
    body_hash,
    copies_by_default,
    find_idempotent,
)
from intake_service.errors import NotFound, ValidationFailed
from intake_service.orgs import Org
from intake_service.pages import page_language

log = logging.getLogger("pos_intake")
_IDEMPOTENCY_KEY = re.compile(r'^"?([\x21\x23-\x7e]{1,255})"?$')


def idempotency(request: Request, parsed: object) -> Idempotency | None:
    """The request's `Idempotency-Key` with the hash of what it asks (`parsed`), or None without
    the header: the API's clients and the form's script (one key per draft) send it."""
    header = request.headers.get("idempotency-key")
    if header is None:
        return None
    match = _IDEMPOTENCY_KEY.match(header.strip())
    if not match:
        raise ValidationFailed([("Idempotency-Key", "field.too-long", {"max": 255})])
    ttl = runtime_of(request).settings.idempotency_ttl
    return Idempotency(match.group(1), body_hash(parsed), ttl)


async def create_appeal(request: Request) -> Response:
    """POST /api/v1/appeals: 201 with number and tracking link, sent only after the commit."""
    runtime = runtime_of(request)
    caller = authenticate(request)
    org = caller.org
    parsed = await read_json(request)
    idem = idempotency(request, parsed)
    if idem is not None:
        first = find_idempotent(runtime.reader, org.id, idem)
        if first is not None:
            return _created(first, replayed=True)

    appeal_input = validate_appeal(parsed, runtime.directory.catalogue(org.id))
    appeal, tracking_url = api_appeal(request, org, appeal_input, "api")
    accepted = await runtime.file(appeal, tracking_url, idem=idem)
    return _created(accepted.response, replayed=accepted.replayed)


def api_appeal(
    request: Request, org: Org, appeal_input: AppealInput, channel: str
) -> tuple[NewAppeal, str]:
    """An appeal a client filed with the organisation's key (the JSON API, Open311): to that
    organisation, in the caller's language, and its tracking link."""
    appeal_id, tracking_url = runtime_of(request).new_appeal_id(request)
    appeal = NewAppeal(
        id=appeal_id,
        origin_org=org,
        target_org=org,
        input=appeal_input,
        channel=channel,
        request_id=request.state.request_id,
        remote_addr=client_address(request),
        lang=page_language(request),
        notify_email=copies_by_default(appeal_input),
    )
    return appeal, tracking_url


def _created(body: dict[str, object], *, replayed: bool) -> Response:
    headers = {"Location": str(body["tracking_url"])}
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    return JSONResponse(body, status_code=201, headers=headers)


async def list_categories(request: Request) -> Response:
    """GET /api/v1/categories: the organisation's catalogue in the asked language."""
    runtime = runtime_of(request)
    caller = authenticate(request)
    lang = page_language(request)
    categories = [
        {"code": c.code, "title": c.title(lang)}
        for c in runtime.directory.catalogue(caller.org.id).values()
    ]
    return JSONResponse({"categories": categories}, headers={"Content-Language": lang})


async def appeal_photo(request: Request) -> Response:
    """GET /api/v1/appeals/{id}/photos/{n}: a photo, to the organisation the appeal went to."""
    runtime = runtime_of(request)
    caller = authenticate(request)
    appeal_id = str(request.path_params["id"])
    n = request.path_params["n"]
    media_type = photos.media_type_for(runtime.reader, appeal_id, n, caller.org.id)
    if media_type is None:  # another organisation's appeal looks exactly like a missing one
        raise NotFound("detail.no-route", reason="photo-unknown", path=request.url.path)
    path = photos.path_of(runtime.media_root, appeal_id, n, media_type)
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": "private, no-store"})
