"""Already reported? While a citizen fills the form, once a topic and a place (an address, or
the point the browser gave) are chosen, the form shows at most SHOWN open appeals of the same
organisation and topic at that place (nearby.py: within 200 m or at the same address) filed in
the last WINDOW — the neighbours' reports of the same broken lamp — so that a citizen who sees
it reported and being worked on need not file it again. Filing anyway stays one click.

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
from intake_service.appeal_input import ADDRESS_MAX
from intake_service.errors import FormExpired, FormInvalid, ValidationFailed
from intake_service.form.page import org_of
from intake_service.form.submission import check_sender
from intake_service.i18n import t
from intake_service.nearby import at_place
from intake_service.org_settings import timezone_of
from intake_service.pages import human_date, page_language
from intake_service.statuses import open_statuses
from intake_service.store import now_iso
from intake_service.tokens import FormTokenError

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
    runtime.address_limiter.check(client_address(request))
    check_sender(request)
    try:
        form = await body_limited(request, _BODY_BYTES).form(max_files=0, max_fields=8)
    except HTTPException:
        raise ValidationFailed([("body", "field.not-object", {})]) from None
    token = form.get("token")
    if not isinstance(token, str) or not token:
        raise FormInvalid("detail.form-invalid", reason="token-missing")
    try:
        grant = runtime.tokens.read_form(token, runtime.settings.form_max_age)
    except FormTokenError as exc:
        if exc.why == "expired":
            raise FormExpired("detail.form-expired", reason="token-expired") from None
        raise FormInvalid("detail.form-invalid", reason="token-forged") from None
    if grant.org != org.slug:
        raise FormInvalid("detail.form-invalid", reason="token-other-org")
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
    still_open = set(open_statuses())
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


def _answer(appeals: list[dict[str, Any]]) -> Response:
    return JSONResponse({"appeals": appeals}, headers={"Cache-Control": "no-store"})
