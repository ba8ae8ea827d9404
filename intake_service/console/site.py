"""The webmaster's page (/console/site): the organisation's snippet with a copy button and a
live preview of the badge, its allowed origins, its API keys, its category catalogue and the
requests refused from its sites with their reasons.

Everyone who sees an organisation sees its snippet, preview and refusals; only its admins
(`operator.manages`) get the forms, and a change posted by anyone else is refused. Another
organisation's page or change answers 404, like a missing one. Every change goes through the
writer with the SITE_CHANGED event that records it; the organisation directory reloads itself
when the registry's version moves, so a new origin or a revoked key counts on the next request.
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from intake_service.console import site_queries as queries
from intake_service.console.auth import Operator, changing, operator_of
from intake_service.console.page import console_page
from intake_service.console.state import console_of
from intake_service.errors import Forbidden, NotFound
from intake_service.orgs import Org, OrgError, snippet
from intake_service.origins import display_origin
from intake_service.pages import page_language
from intake_service.runtime import Runtime

SECTION = "/console/site"


def visible_orgs(runtime: Runtime, operator: Operator) -> list[Org]:
    """The organisations this operator may pick, by slug."""
    orgs = runtime.directory.orgs()
    return sorted((o for o in orgs if operator.sees(o.id)), key=lambda o: o.slug)


def chosen_org(runtime: Runtime, operator: Operator, slug: str | None) -> Org | None:
    """The organisation named (404 if missing or not visible), else the operator's own (None
    for a platform admin, who picks from the list)."""
    if slug:
        org = runtime.directory.org_by_slug(slug)
        if org is None or not operator.sees(org.id):
            raise NotFound("detail.no-route", reason="not-visible", path="")
        return org
    if operator.user.org_id is None:
        return None
    return runtime.directory.org(operator.user.org_id)


def managed_org(runtime: Runtime, operator: Operator, slug: object) -> Org:
    """The organisation a change names: 404 if not visible, 403 if seen but not managed."""
    org = chosen_org(runtime, operator, str(slug or "") or "-")
    assert org is not None
    if not operator.manages(org.id):
        raise Forbidden(reason="not-admin")
    return org


def retention_key(years: int) -> str:
    """The catalogue's line for POS_RETENTION_YEARS, in the Russian count's form."""
    if years <= 0:
        return "console.site.retention.off"
    if years % 10 == 1 and years % 100 != 11:
        return "console.site.retention.one"
    if years % 10 in (2, 3, 4) and years % 100 not in (12, 13, 14):
        return "console.site.retention.few"
    return "console.site.retention.many"


async def _page(
    request: Request,
    operator: Operator,
    org: Org | None,
    *,
    error: str | None = None,
    new_key: str | None = None,
    status: int = 200,
) -> Response:
    console = console_of(request)
    runtime = console.runtime
    context: dict[str, object] = {
        "orgs": visible_orgs(runtime, operator),
        "org": org,
        "error": error,
        "new_key": new_key,
        "done": request.query_params.get("done") == "1" and error is None,
        "refusals_shown": queries.REFUSALS_SHOWN,
        "retention_key": retention_key(runtime.settings.retention_years),
        "retention_years": runtime.settings.retention_years,
    }
    if org is not None:
        manages = operator.manages(org.id)
        context.update(
            manages=manages,
            snippet=snippet(runtime.base_url(request), org.slug, fallback=True),
            form_url=f"/w/{org.slug}/form?lang={page_language(request)}",
            origins=[(o, display_origin(o)) for o in org.origins],
            refusals=await console.reads.run(queries.refusals, org.id),
            keys=await console.reads.run(queries.keys, org.slug) if manages else [],
            catalogue=await console.reads.run(queries.catalogue, org.id) if manages else [],
        )
    return console_page(
        request, operator, "console/site.html", context, status=status, section=SECTION
    )


async def site_page(request: Request) -> Response:
    """GET /console/site[?org=slug]."""
    operator = operator_of(request)
    org = chosen_org(console_of(request).runtime, operator, request.query_params.get("org"))
    return await _page(request, operator, org)


def _back(org: Org, anchor: str) -> Response:
    return RedirectResponse(f"{SECTION}?{urlencode({'org': org.slug, 'done': '1'})}#{anchor}", 303)


async def change_origins(request: Request) -> Response:
    """POST /console/site/origins (org, action add|remove, origin)."""
    operator, form = await changing(request)
    runtime = console_of(request).runtime
    org = managed_org(runtime, operator, form.get("org"))
    origin = str(form.get("origin") or "")[:300]
    request_id = getattr(request.state, "request_id", None)
    by = operator.user.email
    if form.get("action") == "remove":
        op = queries.remove_origin_op(org.id, org.slug, origin, by, request_id)
    else:
        op = queries.add_origin_op(org.id, org.slug, origin, by, request_id)
    try:
        await runtime.writer.submit(op)
    except OrgError as exc:
        return await _failed(request, operator, org, exc)
    return _back(org, "origins")


async def change_keys(request: Request) -> Response:
    """POST /console/site/keys (org, action create|revoke, label, key). A new key is shown on
    the answer to this request only (no-store): it is not kept anywhere to show again."""
    operator, form = await changing(request)
    runtime = console_of(request).runtime
    org = managed_org(runtime, operator, form.get("org"))
    request_id = getattr(request.state, "request_id", None)
    by = operator.user.email
    try:
        if form.get("action") == "revoke":
            key_id = str(form.get("key") or "")[:40]
            await runtime.writer.submit(
                queries.revoke_key_op(org.id, org.slug, key_id, by, request_id)
            )
            return _back(org, "keys")
        label = str(form.get("label") or "").strip()[:100]
        key = await runtime.writer.submit(
            queries.create_key_op(org.id, org.slug, label, by, request_id)
        )
    except OrgError as exc:
        return await _failed(request, operator, org, exc)
    return await _page(request, operator, org, new_key=key)


async def change_categories(request: Request) -> Response:
    """POST /console/site/categories (org, action on|off|add, code, title_ru, title_en)."""
    operator, form = await changing(request)
    runtime = console_of(request).runtime
    org = managed_org(runtime, operator, form.get("org"))
    action = form.get("action")
    code = str(form.get("code") or "").strip()[:40]
    request_id = getattr(request.state, "request_id", None)
    by = operator.user.email
    if action == "add":
        title_ru = str(form.get("title_ru") or "").strip()[:200]
        title_en = str(form.get("title_en") or "").strip()[:200]
        op = queries.category_op(
            org.id,
            org.slug,
            code,
            by,
            request_id,
            enabled=True,
            title_ru=title_ru or None,
            title_en=title_en or None,
        )
        if not title_ru:
            return await _failed(
                request, operator, org, OrgError(f"{code!r}: give the topic a Russian title")
            )
    else:
        op = queries.category_op(org.id, org.slug, code, by, request_id, enabled=action == "on")
    try:
        await runtime.writer.submit(op)
    except OrgError as exc:
        return await _failed(request, operator, org, exc)
    return _back(org, "categories")


async def _failed(request: Request, operator: Operator, org: Org, exc: Exception) -> Response:
    """The page again with the registry's reason in words (the same checks as the CLI's)."""
    fresh = console_of(request).runtime.directory.org(org.id)
    return await _page(request, operator, fresh, error=str(exc), status=422)


ROUTES = [
    Route(SECTION, site_page, methods=["GET"]),
    Route(SECTION + "/origins", change_origins, methods=["POST"]),
    Route(SECTION + "/keys", change_keys, methods=["POST"]),
    Route(SECTION + "/categories", change_categories, methods=["POST"]),
]
