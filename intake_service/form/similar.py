"""Already reported? While a citizen fills the form, once a topic and a place (an address, or
the point the browser gave) are chosen, the form shows at most SHOWN open appeals of the same
organisation and topic at that place (nearby.py: within 200 m or at the same address) filed in
the last WINDOW — the neighbours' reports of the same broken lamp — so that a citizen who sees
it reported and being worked on need not file it again — they may follow it instead
(`follow`: its news by e-mail once they confirm, followup/follows.py). Filing anyway stays one
click.

What is shown of them is public: the number, the topic, the status, the date of filing and the
address. Never another citizen's text, name or contact, nor a link that would open their
tracking page (that link is the citizen's own secret).

The form asks through its own token, same-origin only (as its sending does), and under the
address limit, so the endpoint is no open index of an organisation's appeals; the walk is the
newest SCAN appeals of the topic at most, on the event loop.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from intake_service.api.requests import body_limited, client_address, runtime_of
from intake_service.appeal_input import _EMAIL, ADDRESS_MAX
from intake_service.errors import NotFound, ValidationFailed
from intake_service.followup.follows import follow_op
from intake_service.form.page import org_of
from intake_service.form.submission import check_sender, masked_email, signed_grant
from intake_service.i18n import t
from intake_service.lifecycle.changes import find_by_number
from intake_service.nearby import at_place
from intake_service.org_settings import timezone_of
from intake_service.pages import human_date, page_language
from intake_service.statuses import open_statuses
from intake_service.store import now_iso

SHOWN = 3
WINDOW = timedelta(days=30)
SCAN = 300  # the newest appeals of the topic read at most: the public path stays cheap
_BODY_BYTES = 16 * 1024  # a token, a topic, a point and an address


def _coordinate(value: object, bound: float) -> float | None:
    try:
        number = float(value) if isinstance(value, str) and value.strip() else None
    except ValueError:
        return None
    return number if number is not None and math.isfinite(number) and abs(number) <= bound else None


async def similar(request: Request) -> Response:
    """POST /w/{org}/similar (the form's `token`, `category`, `address`, `lat`, `lon`) — the
    open appeals of that topic at that place, as JSON: `{"appeals": [...]}`, at most three."""
    runtime = runtime_of(request)
    org = org_of(request)
    form = await _form_of(request)
    signed_grant(request, form, org.slug)
    lang = page_language(request)
    catalogue = runtime.directory.catalogue(org.id)
    category = catalogue.get(str(form.get("category") or ""))
    address = form.get("address")
    address = address.strip()[:ADDRESS_MAX] if isinstance(address, str) else ""
    lat, lon = _coordinate(form.get("lat"), 90), _coordinate(form.get("lon"), 180)
    if lat is None or lon is None:
        lat = lon = None
    if category is None or (lat is None and not address):
        return _answer([])
    now = datetime.now(UTC)
    rows = at_place(
        runtime.reader,
        org_id=org.id,
        category=category.code,
        lat=lat,
        lon=lon,
        address=address or None,
        since=now_iso((now - WINDOW).timestamp()),
        until=now_iso(now.timestamp()),
        scan=SCAN,
    )
    still_open = open_statuses()
    zone = timezone_of(org)
    shown = []
    for row in rows:
        if row["status"] not in still_open or row["duplicate_of"] is not None:
            continue
        filed = datetime.fromisoformat(row["created_at"]).astimezone(zone)
        shown.append(
            {
                "number": row["number"],
                "topic": category.title(lang),
                "status": t("status." + row["status"], lang),
                "filed": human_date(filed.date().isoformat(), lang),
                "address": row["address"],
                "metres": row["metres"],
            }
        )
        if len(shown) == SHOWN:
            break
    return _answer(shown)


async def _form_of(request: Request) -> Any:
    runtime = runtime_of(request)
    runtime.address_limiter.check(client_address(request))
    check_sender(request)
    try:
        return await body_limited(request, _BODY_BYTES).form(max_files=0, max_fields=8)
    except HTTPException:
        raise ValidationFailed([("body", "field.not-object", {})]) from None


async def follow(request: Request) -> Response:
    """POST /w/{org}/follow (the form's `token`, an appeal's `number` from the list above, the
    citizen's `email`) — the e-mail asking to confirm following it (followup/follows.py); 202
    with the address masked. The appeal must be the organisation's and open."""
    runtime = runtime_of(request)
    org = org_of(request)
    form = await _form_of(request)
    signed_grant(request, form, org.slug)
    email = form.get("email")
    email = email.strip() if isinstance(email, str) else ""
    if len(email) > 254 or not _EMAIL.match(email):
        raise ValidationFailed([("email", "field.email", {})])
    number = form.get("number")
    number = number.strip().upper()[:64] if isinstance(number, str) else ""
    row = find_by_number(runtime.reader, number) if number else None
    if row is None or row["target_org_id"] != org.id or row["status"] not in open_statuses():
        raise NotFound("detail.follow-closed", reason="follow-unknown-appeal")
    await runtime.writer.submit(
        follow_op(
            appeal_id=row["id"],
            org_id=org.id,
            org_name=org.name,
            number=number,
            email=email,
            lang=page_language(request),
        )
    )
    if runtime.forwarder is not None:
        runtime.forwarder.wake()
    return JSONResponse(
        {"status": "check-mail", "email": masked_email(email), "number": number},
        status_code=202,
        headers={"Cache-Control": "no-store"},
    )


def _answer(appeals: list[dict[str, Any]]) -> Response:
    return JSONResponse({"appeals": appeals}, headers={"Cache-Control": "no-store"})
