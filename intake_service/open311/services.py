"""GeoReport v2's discovery document, an organisation's services (its categories) and a
service's definition (the category's extra questions)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from intake_service.api.requests import client_address, runtime_of
from intake_service.categories import Category
from intake_service.errors import BadParameter, NotFound
from intake_service.i18n import t
from intake_service.open311 import PREFIX, SPECIFICATION
from intake_service.open311.formats import MEDIA_TYPES, respond
from intake_service.orgs import Org
from intake_service.pages import page_language

# when this endpoint's description last changed (the discovery document's `changeset`)
CHANGESET = "2026-12-03T00:00:00Z"


def asked_format(request: Request) -> str:
    fmt = str(request.path_params.get("fmt", ""))
    if fmt not in MEDIA_TYPES:
        raise NotFound("open311.format", reason="open311-format")
    return fmt


def jurisdiction(request: Request, value: str | None) -> Org:
    """The organisation a `jurisdiction_id` names (required where no key names one)."""
    slug = (value or "").strip()
    if not slug:
        raise BadParameter([("jurisdiction_id", "open311.jurisdiction-missing", {})])
    org = runtime_of(request).directory.org_by_slug(slug)
    if org is None:
        raise NotFound("open311.jurisdiction-unknown", reason="jurisdiction-unknown", slug=slug)
    request.state.org_id = org.id
    return org


def service(request: Request, org: Org, code: str) -> Category:
    category = runtime_of(request).directory.catalogue(org.id).get(code)
    if category is None:
        raise NotFound("open311.service-unknown", reason="service-unknown", code=code[:40])
    return category


async def discovery(request: Request) -> Response:
    """GET /open311/v2/discovery.{fmt}: where the endpoint is and what it speaks."""
    fmt = asked_format(request)
    runtime = runtime_of(request)
    runtime.address_limiter.check(client_address(request))
    lang = page_language(request)
    base = runtime.base_url(request)
    document = {
        "changeset": CHANGESET,
        "contact": f"{base}/docs",
        "key_service": t("open311.key-service", lang),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": f"{base}{PREFIX}",
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return respond(fmt, "discovery", document)


def _service_view(category: Category, lang: str) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "service_name": category.title(lang),
        "description": category.title(lang),
        "metadata": bool(category.attributes),
        "type": "realtime",
        "keywords": "",
        "group": "",
    }


async def services(request: Request) -> Response:
    """GET /open311/v2/services.{fmt}?jurisdiction_id=SLUG: the organisation's categories."""
    fmt = asked_format(request)
    runtime = runtime_of(request)
    runtime.address_limiter.check(client_address(request))
    org = jurisdiction(request, request.query_params.get("jurisdiction_id"))
    lang = page_language(request)
    listed = [_service_view(c, lang) for c in runtime.directory.catalogue(org.id).values()]
    return respond(fmt, "services", listed, headers={"Content-Language": lang})


async def service_definition(request: Request) -> Response:
    """GET /open311/v2/services/{code}.{fmt}: the category's extra questions."""
    fmt = asked_format(request)
    runtime_of(request).address_limiter.check(client_address(request))
    org = jurisdiction(request, request.query_params.get("jurisdiction_id"))
    category = service(request, org, str(request.path_params["code"]))
    lang = page_language(request)
    attributes = [
        {
            "variable": True,
            "code": a.code,
            "datatype": a.datatype,
            "required": a.required,
            "datatype_description": None,
            "order": a.order,
            "description": a.description(lang),
            # only lists have values; the others give an empty list, as the example's shape
            "values": [{"key": c.key, "name": c.name(lang)} for c in a.choices],
        }
        for a in category.attributes
    ]
    definition = {"service_code": category.code, "attributes": attributes}
    return respond(fmt, "service_definition", definition, headers={"Content-Language": lang})
