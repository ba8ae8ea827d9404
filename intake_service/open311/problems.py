"""Refusals under `/open311/`, in the specification's shape instead of problem+json:
`[{"code": 400, "description": "…"}]`, or `<errors><error><code>…` in XML — the format of the
resource asked for (JSON when it cannot be told). The one error handler (problems.py) answers
in this shape under Open311's prefix (`create_app` registers it there), so a refusal is logged
as `rejected` exactly as elsewhere.

Status codes are the specification's where it names them: a missing or wrong `api_key` is 403
(not 401: Open311 has no authentication scheme to challenge with), a request that fails the
checks is 400 (not 422). Rate limits stay 429 with `Retry-After`.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from intake_service.errors import BadParameter, IntakeError, ValidationFailed
from intake_service.i18n import t
from intake_service.open311.formats import format_of, respond

# the appeal's fields by the names an Open311 client sent them under
PARAMETER_OF = {
    "category": "service_code",
    "text": "description",
    "address": "address_string",
    "lat": "lat",
    "lon": "long",
    "contact": "first_name",
    "contact.name": "first_name",
    "contact.email": "email",
    "contact.phone": "phone",
    "media_url": "media_url",
}
STATUS_OF = {401: 403, 415: 400, 422: 400}


def parameter_of(field: str) -> str:
    if field.startswith("attributes."):
        return f"attribute[{field.removeprefix('attributes.')}]"
    return PARAMETER_OF.get(field, field)


def open311_error(error: IntakeError, request: Request, lang: str) -> Response:
    status = STATUS_OF.get(error.status, error.status)
    if isinstance(error, ValidationFailed | BadParameter):
        errors = [
            {"code": status, "description": f"{parameter_of(name)}: {t(key, lang, **values)}"}
            for name, key, values in error.errors
        ]
    else:
        body = error.body(lang)
        errors = [{"code": status, "description": body.get("detail") or body["title"]}]
    return respond(
        format_of(request.url.path) or "json",
        "errors",
        errors,
        status=status,
        headers={**error.headers(), "Content-Language": lang},
    )
