"""The answer templates page (/console/templates): an organisation's admins list, add, edit in place
and delete the ready answers their operators pick on an appeal's page. Only organisations the admin
manages are listed or changed; anything else answers 404 like a missing template."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from intake_service.api.requests import ROW_ID
from intake_service.console.answer_templates import (
    add_template_op,
    delete_template_op,
    list_templates,
    template_org,
    update_template_op,
)
from intake_service.console.auth import Operator, changing, operator_of
from intake_service.console.page import console_page
from intake_service.console.state import console_of
from intake_service.errors import NotFound
from intake_service.i18n import t
from intake_service.pages import page_language


def _managed(request: Request, operator: Operator) -> list:
    """The organisations this admin manages; none (404) for anyone else."""
    orgs = [o for o in console_of(request).runtime.directory.orgs() if operator.manages(o.id)]
    if not orgs:
        raise NotFound("detail.no-route", reason="not-visible", path=request.url.path)
    return orgs


async def _render(
    request: Request,
    operator: Operator,
    *,
    error: str | None = None,
    status: int = 200,
    typed: dict | None = None,
) -> Response:
    console = console_of(request)
    lang = page_language(request)
    orgs = _managed(request, operator)
    templates = await console.reads.run(list_templates, [o.id for o in orgs])
    categories: dict[str, str] = {}
    for org in orgs:
        for code, category in console.runtime.directory.catalogue(org.id).items():
            categories.setdefault(code, category.title(lang))
    done = request.query_params.get("done")
    notice = t(f"templates.{done}", lang) if done in ("added", "edited", "deleted") else None
    context = {
        "orgs": orgs,
        "templates": templates,
        "categories": categories,
        "notice": notice,
        "error": error,
        "own_org": operator.user.org_id,
        "typed": typed or {},
    }
    return console_page(
        request,
        operator,
        "console/answer_templates.html",
        context,
        status=status,
        section="/console/templates",
    )


async def templates_page(request: Request) -> Response:
    """GET /console/templates."""
    return await _render(request, operator_of(request))


def _checked(request: Request, org_id: int, form: FormData) -> tuple[str | None, str, str, str]:
    """(category, title, body, error or ""): the one check of a template added or edited."""
    lang = page_language(request)
    title = str(form.get("title") or "").strip()
    body = str(form.get("body") or "").strip()
    category = str(form.get("category") or "").strip() or None
    if not title or not body:
        return category, title, body, t("templates.empty", lang)
    catalogue = console_of(request).runtime.directory.catalogue(org_id)
    if category is not None and category not in catalogue:
        return category, title, body, t("templates.bad-category", lang, category=category)
    return category, title, body, ""


async def add_template(request: Request) -> Response:
    """POST /console/templates (org, category, title, body)."""
    operator, form = await changing(request)
    orgs = {str(o.id): o for o in _managed(request, operator)}
    org = orgs.get(str(form.get("org") or ""))
    if org is None:
        raise NotFound("detail.no-route", reason="not-visible", path=request.url.path)
    category, title, body, error = _checked(request, org.id, form)
    if error:
        return await _render(request, operator, error=error, status=422)
    op = add_template_op(org.id, category, title, body, operator.user.email)
    await console_of(request).runtime.writer.submit(op)
    return RedirectResponse("/console/templates?done=added", 303)


async def edit_template(request: Request) -> Response:
    """POST /console/templates/{template_id} (category, title, body): edited in place."""
    operator, form = await changing(request)
    runtime = console_of(request).runtime
    template_id = request.path_params["template_id"]
    org_id = template_org(runtime.reader, template_id)
    if org_id is None or not operator.manages(org_id):
        raise NotFound("detail.no-route", reason="not-visible", path=request.url.path)
    category, title, body, error = _checked(request, org_id, form)
    if error:
        typed = {"id": template_id, "category": category, "title": title, "body": body}
        return await _render(request, operator, error=error, status=422, typed=typed)
    await runtime.writer.submit(
        update_template_op(template_id, category, title, body, operator.user.email)
    )
    return RedirectResponse("/console/templates?done=edited", 303)


async def delete_template(request: Request) -> Response:
    """POST /console/templates/{template_id}/delete."""
    operator, _ = await changing(request)
    runtime = console_of(request).runtime
    template_id = request.path_params["template_id"]
    org_id = template_org(runtime.reader, template_id)
    if org_id is None or not operator.manages(org_id):
        raise NotFound("detail.no-route", reason="not-visible", path=request.url.path)
    await runtime.writer.submit(delete_template_op(template_id, operator.user.email))
    return RedirectResponse("/console/templates?done=deleted", 303)


ROUTES = [
    Route("/console/templates", templates_page, methods=["GET"]),
    Route("/console/templates", add_template, methods=["POST"]),
    Route(f"/console/templates/{{template_id:{ROW_ID}}}", edit_template, methods=["POST"]),
    Route(f"/console/templates/{{template_id:{ROW_ID}}}/delete", delete_template, methods=["POST"]),
]
