"""The register of appeals at `/console`, the console's landing page: one row per appeal of
the operator's organisations — number, received, topic, the start of the text, status,
severity, assignee, answer date, channel — in one-click views (console/register_filter.py),
filtered and searched as the log is, paged by keyset (console/register_queries.py).

Rows can be selected and changed together (`POST /console/register/bulk`): assigned, moved
to a status, given a severity. Each appeal is changed by the very writer operation its own page
uses (console/handling.py, lifecycle/changes.py), so each change leaves its own event; ids the
form sends are never trusted — an appeal the operator does not see is refused like a missing
one, and the others go ahead.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from intake_service.console import register_queries
from intake_service.console.accounts import list_users
from intake_service.console.auth import Operator, operator_of
from intake_service.console.log import filter_choices, label
from intake_service.console.log_filter import LogFilter
from intake_service.console.page import console_page
from intake_service.console.register_bulk import BULK_ROUTES, bulk_moves
from intake_service.console.register_filter import VIEWS, RegisterAsk
from intake_service.console.state import ConsoleState, console_of
from intake_service.directory import OrgDirectory
from intake_service.errors import BadParameter
from intake_service.i18n import t
from intake_service.lifecycle.deadlines import is_overdue
from intake_service.org_settings import timezone_of
from intake_service.pages import human_date, local_time, page_language
from intake_service.statuses import Severity, open_statuses

EXCERPT = 120
OPEN = frozenset(open_statuses())


def register_row(row: dict[str, Any], directory: OrgDirectory, lang: str) -> dict[str, Any]:
    """One appeal as the register shows it (plain values; the template escapes)."""
    received = row["created_at"]
    topic = row["category"]
    overdue = False
    try:
        org = directory.org(row["target_org_id"])
    except KeyError:
        org = None
    if org is not None:
        zone = timezone_of(org)
        received = local_time(row["created_at"], zone, lang)
        due = row["answer_due"]
        overdue = bool(due and row["status"] in OPEN and is_overdue(due, zone))
        category = directory.catalogue(org.id).get(row["category"] or "")
        if category is not None:
            topic = category.title(lang)
    text = row["text"] or ""
    if len(text) > EXCERPT:
        text = text[:EXCERPT].rstrip() + "…"
    return {
        "id": row["id"],
        "number": row["number"],
        "org": row["org"],
        "received": received,
        "received_short": received.split(" (", 1)[0],
        "received_at": row["created_at"],
        "topic": topic,
        "excerpt": text,
        "status": row["status"],
        "status_label": label("status", row["status"], lang),
        "severity": row["severity"],
        "severity_label": label("severity", row["severity"], lang),
        "assignee": row["assignee"],
        "due": human_date(row["answer_due"], lang) if row["answer_due"] else None,
        "overdue": overdue,
        "channel_label": label("stats.channel", row["channel"], lang),
    }


# The views a new appeal is put straight into (register_live.js checks which of them it fits);
# the others only count what came, and a view no new appeal can be in stays quiet.
INSERTING = frozenset({"open", "mine", "unassigned", "today", "all"})
NEVER_NEW = frozenset({"overdue", "waiting", "closed"})


def live_mode(ask: RegisterAsk) -> str:
    """How the open register takes a new appeal from the live stream: `insert` a row (the first
    page, newest first — where it belongs is the top), `notice` (another order or page: «new
    appeals: N — reload»), or `quiet` (a view a just accepted appeal cannot be in)."""
    if ask.view in NEVER_NEW:
        return "quiet"
    if ask.view in INSERTING and ask.sort == "received" and ask.after is None:
        return "insert"
    return "notice"


def _colleagues(console: ConsoleState, operator: Operator) -> list[str]:
    """Whom the bulk form offers to assign to: the enabled accounts of the operator's own
    organisation (each appeal's assignment is checked against its own organisation)."""
    org_id = operator.user.org_id
    if org_id is None:
        return []
    return [u.email for u in list_users(console.runtime.reader, [org_id]) if not u.disabled]


async def register_page(request: Request) -> Response:
    """GET /console — the register of appeals."""
    operator = operator_of(request)
    console = console_of(request)
    runtime = console.runtime
    lang = page_language(request)
    errors: list[str] = []
    try:
        ask = RegisterAsk.from_query(
            request.query_params, operator, runtime.directory, runtime.reader
        )
    except BadParameter as bad:
        errors = [f"{name}: {t(key, lang, **values)}" for name, key, values in bad.errors]
        ask = RegisterAsk(f=LogFilter(org_ids=operator.org_ids), me=operator.user.id)
    rows, cursor = ([], None) if errors else await console.reads.run(register_queries.page, ask)
    asked = dict(request.query_params)
    zone = ask.f.zone.key if ask.f.zone else "UTC"
    base = ask.first_page()
    views = [
        {
            "view": view,
            "label": t(f"register.view.{view}", lang),
            "href": "/console?" + urlencode(base.query(view=None if view == "open" else view)),
            "current": view == ask.view,
        }
        for view in VIEWS
    ]
    sorts = {
        sort: "/console?" + urlencode(base.query(sort=None if sort == "received" else sort))
        for sort in ("received", "due")
    }
    done = request.query_params.get("done")
    live = {k: v for k, v in ask.f.query(before=None).items() if k != "view"}
    return console_page(
        request,
        operator,
        "console/register.html",
        {
            "rows": [register_row(r, runtime.directory, lang) for r in rows],
            "errors": errors,
            "asked": asked,
            "ask": ask,
            "zone": zone,
            "views": views,
            "sorts": sorts,
            "more_open": bool(errors)
            or any(k not in ("q", "after", "lang", "view", "sort", "done") for k in asked),
            "next": urlencode(ask.query(after=cursor.text())) if cursor else None,
            "first": urlencode(base.query()) if ask.after else None,
            "here": urlencode(ask.query()),
            "live": None if errors else "/console/live?" + urlencode(live),
            "live_mode": live_mode(ask),
            "open_statuses": " ".join(sorted(OPEN)),
            "choices": filter_choices(operator, console, lang),
            "colleagues": _colleagues(console, operator),
            "moves": bulk_moves(),
            "severities": [str(s) for s in Severity],
            "done": done == "bulk",
            "changed": request.query_params.get("changed", ""),
            "refused": request.query_params.get("refused", ""),
        },
        status=400 if errors else 200,
        section="/console",
    )


ROUTES = [
    Route("/console", register_page, methods=["GET"]),
    *BULK_ROUTES,
]
