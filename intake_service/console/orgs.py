"""The platform's organisations page (/console/orgs): every organisation as a tree (parent →
children, with the count of children), a search by name, slug, ОКТМО or ПОС id that keeps each
match's ancestors in view, what each has received — and «Обращений не было» for those that
never got an appeal, most likely a site whose snippet is not pasted yet, with a filter to list
only those; and a form that adds an organisation or edits one, as `org add`, `org set` and
`org origins` do on the command line.

Only a platform admin sees the page: for anyone else the page and every change answer 404, like
a missing page (a region's admin has the site and settings pages for their own). Everything
works without JavaScript: the search is a GET form, the changes are posted forms whose refusals
come back beside their fields with what was typed. Each change is one writer operation with its
SITE_CHANGED event (orgs_queries.py); the directory reloads when the registry's version moves,
so a new organisation's badge works on the next request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from intake_service.console import orgs_queries as queries
from intake_service.console.auth import Operator, changing, operator_of
from intake_service.console.page import console_page
from intake_service.console.settings import ZONES
from intake_service.console.state import console_of
from intake_service.directory import OrgDirectory
from intake_service.errors import NotFound
from intake_service.i18n import t
from intake_service.org_settings import timezone_of
from intake_service.orgs import Org, OrgError
from intake_service.origins import display_origin
from intake_service.pages import page_language

SECTION = "/console/orgs"
QUERY_MAX = 100
TYPED_MAX = 4000  # a posted field longer than this is cut before any check reads it
DEPTH_MAX = 50  # levels of the tree shown; a region has four or five


def platform_admin(request: Request) -> Operator:
    """The signed-in operator if a platform admin; anyone else: 404, as for a missing page."""
    operator = operator_of(request)
    _only_platform(operator)
    return operator


def _only_platform(operator: Operator) -> None:
    if not operator.user.platform:
        raise NotFound("detail.no-route", reason="not-visible", path="")


@dataclass
class Node:
    """One organisation in the tree as the page shows it."""

    org: Org
    received: queries.Received
    last_day: str  # the last appeal's day on the organisation's clock, "" if none
    zone: str
    origins: list[str]
    child_count: int
    matched: bool  # False: shown only as an ancestor of a match
    children: list[Node] = field(default_factory=list)


def _matches(org: Org, q: str) -> bool:
    needle = q.casefold()
    return any(
        needle in str(value).casefold()
        for value in (org.name, org.slug, org.settings.get("oktmo") or "", org.pos_id or "")
        if value
    )


def _local_day(org: Org, at: str | None) -> str:
    if not at:
        return ""
    moment = datetime.fromisoformat(at.replace("Z", "+00:00"))
    return moment.astimezone(timezone_of(org)).strftime("%d.%m.%Y")


def tree(
    orgs: list[Org], received: dict[int, queries.Received], q: str, never: bool
) -> tuple[list[Node], int]:
    """The roots of the tree to show and the number of organisations that match: with a search
    or the «never received» filter, the matching organisations and their ancestors only."""
    by_slug = {o.slug: o for o in orgs}
    children: dict[str | None, list[Org]] = {}
    for org in orgs:
        parent = org.parent if org.parent in by_slug else None
        children.setdefault(parent, []).append(org)
    filtering = bool(q) or never
    matched = {
        o.slug for o in orgs if (not q or _matches(o, q)) and (not never or o.id not in received)
    }
    shown = set(matched)
    if filtering:
        for slug in matched:
            up = by_slug[slug].parent
            while up in by_slug and up not in shown:
                shown.add(up)
                up = by_slug[up].parent

    def build(parent: str | None, seen: frozenset[str]) -> list[Node]:
        nodes = []
        for org in sorted(children.get(parent, ()), key=lambda o: (o.name.casefold(), o.slug)):
            # a chain deeper than any region's (as the parent choices stop) ends here rather
            # than at Python's recursion limit
            if org.slug not in shown or org.slug in seen or len(seen) > DEPTH_MAX:
                continue
            got = received.get(org.id, queries.Received())
            nodes.append(
                Node(
                    org=org,
                    received=got,
                    last_day=_local_day(org, got.last_at),
                    zone=timezone_of(org).key,
                    origins=[display_origin(o) for o in org.origins],
                    child_count=len(children.get(org.slug, ())),
                    matched=org.slug in matched,
                    children=build(org.slug, seen | {org.slug}),
                )
            )
        return nodes

    return build(None, frozenset()), len(matched)


async def orgs_page(request: Request) -> Response:
    """GET /console/orgs[?q=…][&never=1]."""
    operator = platform_admin(request)
    console = console_of(request)
    q = request.query_params.get("q", "").strip()[:QUERY_MAX]
    never = request.query_params.get("never") == "1"
    orgs = console.runtime.directory.orgs()
    received = await console.reads.run(queries.received)
    roots, found = tree(orgs, received, q, never)
    context: dict[str, Any] = {
        "roots": roots,
        "q": q,
        "never": never,
        "found": found,
        "total": len(orgs),
        "never_count": sum(1 for o in orgs if o.id not in received),
        "done": request.query_params.get("done", "")[:40],
    }
    return console_page(request, operator, "console/orgs.html", context, section=SECTION)


def _parent_choices(directory: OrgDirectory, editing: Org | None) -> list[tuple[Org, int]]:
    """Every organisation an organisation may go under, in tree order with its depth: all but
    the edited one and those below it (the server refuses a circle all the same)."""
    orgs = directory.orgs()
    below = directory.family(editing.id) if editing is not None else frozenset()
    by_slug = {o.slug: o for o in orgs}
    children: dict[str | None, list[Org]] = {}
    for org in orgs:
        children.setdefault(org.parent if org.parent in by_slug else None, []).append(org)
    result: list[tuple[Org, int]] = []

    def walk(parent: str | None, depth: int) -> None:
        for org in sorted(children.get(parent, ()), key=lambda o: (o.name.casefold(), o.slug)):
            if org.id in below or depth > DEPTH_MAX:
                continue
            result.append((org, depth))
            walk(org.slug, depth + 1)

    walk(None, 0)
    return result


def _typed_of(org: Org) -> dict[str, str]:
    """The form's fields as the stored organisation fills them."""
    return {
        "slug": org.slug,
        "name": org.name,
        "parent": org.parent or "",
        "origins": "\n".join(display_origin(o) for o in org.origins),
        **{k: str(org.settings.get(k) or "") for k in queries.SETTING_FIELDS},
        "pos_id": str(org.pos_id or ""),
    }


def _form_page(
    request: Request,
    operator: Operator,
    editing: Org | None,
    typed: dict[str, str],
    errors: dict[str, queries.Refusal] | None = None,
    *,
    status: int = 200,
) -> Response:
    directory = console_of(request).runtime.directory
    lang = page_language(request)
    context = {
        "editing": editing,
        "typed": typed,
        "errors": {k: t(key, lang, **values) for k, (key, values) in (errors or {}).items()},
        "parents": _parent_choices(directory, editing),
        "zones": sorted({*ZONES, typed.get("timezone") or ""} - {""}),
        "action": SECTION + ("/new" if editing is None else f"/{quote(editing.slug)}/edit"),
    }
    return console_page(request, operator, "console/org_form.html", context, status=status,
                        section=SECTION)  # fmt: skip


def _edited(request: Request) -> Org:
    org = console_of(request).runtime.directory.org_by_slug(request.path_params["slug"])
    if org is None:
        raise NotFound("detail.no-route", reason="no-org", path="")
    return org


async def new_form(request: Request) -> Response:
    """GET /console/orgs/new[?parent=slug]."""
    operator = platform_admin(request)
    typed = {"parent": request.query_params.get("parent", "")[:40]}
    return _form_page(request, operator, None, typed)


async def edit_form(request: Request) -> Response:
    """GET /console/orgs/{slug}/edit."""
    operator = platform_admin(request)
    org = _edited(request)
    return _form_page(request, operator, org, _typed_of(org))


async def save(request: Request) -> Response:
    """POST /console/orgs/new and /console/orgs/{slug}/edit: the form's fields."""
    operator, form = await changing(request)
    _only_platform(operator)
    editing = _edited(request) if "slug" in request.path_params else None
    typed = {k: str(v)[:TYPED_MAX] for k, v in form.items() if k != "csrf"}
    if editing is not None:
        typed["slug"] = editing.slug  # fixed: the badge's snippets name it
    posted = queries.read_form(typed, editing.slug if editing is not None else None)
    errors = dict(posted.errors)
    if not errors:
        runtime = console_of(request).runtime
        request_id = getattr(request.state, "request_id", None)
        by = operator.user.email
        op = (
            queries.create_op(posted, by, request_id)
            if editing is None
            else queries.edit_op(posted, by, request_id)
        )
        try:
            await runtime.writer.submit(op)
        except queries.FieldRefused as exc:
            errors = exc.errors
        except OrgError:  # e.g. the organisation or its parent removed by the CLI meanwhile
            errors = {"form": ("console.orgs.bad.form", {})}
    if errors:
        return _form_page(request, operator, editing, typed, errors, status=422)
    done = "added" if editing is None else "saved"
    query = f"q={quote(posted.slug)}&done={done}"
    return RedirectResponse(f"{SECTION}?{query}#org-{posted.slug}", 303)


ROUTES = [
    Route(SECTION, orgs_page, methods=["GET"]),
    Route(SECTION + "/new", new_form, methods=["GET"]),
    Route(SECTION + "/new", save, methods=["POST"]),
    Route(SECTION + "/{slug}/edit", edit_form, methods=["GET"]),
    Route(SECTION + "/{slug}/edit", save, methods=["POST"]),
]
