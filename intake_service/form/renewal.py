"""The form's token renewed while the citizen is still writing (WCAG 2.2.1, timing adjustable):
a form token is good for `form_max_age` seconds after it was signed, and a citizen who writes
for longer — or leaves the tab open over lunch — would otherwise be told to reload.

The form's script asks for a new token before the old one runs out, and once more when a
sending is refused as expired (form.js). The new token is what opening the form again would
give — the same organisation and embedding origin, still allowed, a fresh one-time nonce —
except that it keeps the time the form was first opened, so that the robot check (a form sent
sooner than a person can fill it) still counts from then. A token is renewed within
`RENEW_WITHIN` of its signing: a day-old tab reloads, as WCAG's twenty-hour exception allows.
"""

from __future__ import annotations

import dataclasses
import secrets

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from intake_service.api.requests import body_limited, client_address, runtime_of
from intake_service.appeals import form_nonce_used
from intake_service.errors import FormInvalid, ValidationFailed
from intake_service.form.page import org_of, origin_not_allowed
from intake_service.form.submission import check_sender, signed_grant
from intake_service.origins import origin_allowed

RENEW_WITHIN = 24 * 3600
_BODY_BYTES = 16 * 1024  # a token, and nothing else


async def renew_token(request: Request) -> Response:
    """POST /w/{org}/form/token (`token`: the form's current one) — a fresh one, as JSON."""
    runtime = runtime_of(request)
    org = org_of(request)
    runtime.address_limiter.check(client_address(request))
    check_sender(request)
    try:
        form = await body_limited(request, _BODY_BYTES).form(max_files=0, max_fields=4)
    except HTTPException:  # Starlette's own limits: files, or too many fields
        raise ValidationFailed([("body", "field.not-object", {})]) from None
    grant = signed_grant(request, form, org.slug, RENEW_WITHIN)
    if form_nonce_used(runtime.reader, grant.nonce):  # this form has filed its appeal
        raise FormInvalid("detail.form-invalid", reason="token-replayed")
    if grant.origin and not origin_allowed(grant.origin, org.origins):
        raise origin_not_allowed(grant.origin, org)
    renewed = dataclasses.replace(grant, nonce=secrets.token_urlsafe(12))
    return JSONResponse(
        {"token": runtime.tokens.form(renewed), "max_age": runtime.settings.form_max_age},
        headers={"Cache-Control": "no-store"},
    )
