"""The intake log at `/console/log`: every event of the operator's organisations, newest first,
filtered and searched (console/log_filter.py), paged by keyset, with its live tail
(`/console/live`, Server-Sent Events), the same page as JSON (`/console/log.json`) and the
appeals of the filtered log as CSV (`/console/export.csv`).

Every read runs on the console's reader pool. A log row is one dict — `row_view` — the same in
the page, the JSON, the live stream (the board may listen to it too) and the tests, so that
nothing is rendered two ways.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import OrderedDict
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from intake_service.api.requests import client_address
from intake_service.console import log_queries
from intake_service.console.auth import Operator, SessionWatch, operator_of
from intake_service.console.export import ExportStream
from intake_service.console.log_filter import (
    AUDIT_TYPES,
    EVENT_TYPES,
    PAGE_SIZE,
    LogFilter,
    event_id,
)
from intake_service.console.log_reasons import reason_words
from intake_service.console.page import console_page
from intake_service.console.search import text_matches
from intake_service.console.state import ConsoleState, console_of
from intake_service.console.streams import SlotStream
from intake_service.directory import OrgDirectory
from intake_service.errors import BadParameter
from intake_service.events import EventType
from intake_service.i18n import MESSAGES, t
from intake_service.lifecycle.deadlines import is_overdue
from intake_service.org_settings import timezone_of
from intake_service.pages import human_date, local_time, page_language
from intake_service.statuses import Severity, Status, open_statuses

HEARTBEAT_SECONDS = 15.0
RETRY_MS = 3000
CATCH_UP = 500  # most missed events a reconnecting stream is sent
EXCERPT = 160


def label(prefix: str, value: str | None, lang: str) -> str | None:
    if value is None:
        return None
    key = f"{prefix}.{value}"
    return t(key, lang) if key in MESSAGES else value


OPEN = frozenset(open_statuses())


def row_view(row: dict[str, Any], directory: OrgDirectory, lang: str) -> dict[str, Any]:
    """One log row as every surface shows it (plain values; templates escape, JS sets text)."""
    org_id = row["org_id"]
    at_local = row["at"]
    category_title = row["category"]
    overdue = False
    if org_id is not None:
        try:
            org = directory.org(org_id)
        except KeyError:
            org = None
        if org is not None:
            at_local = local_time(row["at"], timezone_of(org), lang)
            due = row.get("answer_due")
            overdue = bool(due and row["status"] in OPEN and is_overdue(due, timezone_of(org)))
            category = directory.catalogue(org_id).get(row["category"] or "")
            if category is not None:
                category_title = category.title(lang)
    data = row["data"]
    text = row["text"] if row["type"] == EventType.ACCEPTED else None
    if text is not None and len(text) > EXCERPT:
        text = text[:EXCERPT].rstrip() + "…"
    return {
        "id": row["id"],
        "at": row["at"],
        "at_local": at_local,
        "at_short": at_local.split(" (", 1)[0],  # the zone named in the title
        "type": row["type"],
        "type_label": label("log.type", row["type"], lang),
        "org": row["org"],
        "org_id": org_id,
        "appeal_id": row["appeal_id"],
        "number": row["number"] or data.get("number"),
        "category": row["category"] or data.get("category"),
        "category_title": category_title,
        "kind": row["kind"],
        "status": row["status"],
        "status_label": label("status", row["status"], lang),
        "overdue": overdue,
        "overdue_label": t("console.appeal.overdue", lang) if overdue else None,
        "severity": row["severity"],
        "severity_label": label("severity", row["severity"], lang),
        "assignee": row["assignee"],
        # the register's live rows (static/register_live.js) show the answer date and channel
        "due": human_date(row["answer_due"], lang) if row.get("answer_due") else None,
        "channel_label": label("stats.channel", row.get("channel"), lang),
        "excerpt": text,
        "reason": row["reason"],
        "reason_text": reason_words(row["reason"], lang),
        "by": data.get("by"),
        # an appeal an operator took by phone, letter or visit (console/taken.py) says how
        "via": t(
            "console.event.channel", lang, channel=label("stats.channel", data["channel"], lang)
        )
        if row["type"] == EventType.ACCEPTED and data.get("by") and data.get("channel")
        else None,
        "path": data.get("path") if row["type"] == EventType.REJECTED else None,
    }


def _filter(request: Request, operator: Operator, console: ConsoleState) -> LogFilter:
    runtime = console.runtime
    return LogFilter.from_query(request.query_params, operator, runtime.directory, runtime.reader)


async def _page(console: ConsoleState, f: LogFilter, lang: str) -> tuple[list[dict], int | None]:
    found = await console.reads.run(log_queries.page, f)
    views = [row_view(row, console.runtime.directory, lang) for row in found]
    older = found[-1]["id"] if len(found) == PAGE_SIZE else None
    return views, older


def filter_choices(
    operator: Operator, console: ConsoleState, lang: str, audit: bool = False
) -> dict[str, Any]:
    directory = console.runtime.directory
    orgs = [o for o in directory.orgs() if operator.sees(o.id)]
    categories: dict[str, str] = {}
    for org in orgs[:200]:
        for code, category in directory.catalogue(org.id).items():
            categories.setdefault(code, category.title(lang))
    return {
        "orgs": [(o.slug, o.name) for o in orgs],
        "categories": sorted(categories.items(), key=lambda item: item[1]),
        "kinds": [(k, t(f"log.kind.{k}", lang)) for k in ("message", "official")],
        "statuses": [(str(s), t(f"status.{s}", lang)) for s in Status],
        "severities": [(str(s), t(f"severity.{s}", lang)) for s in Severity],
        "types": [
            (ty, label("log.type", ty, lang)) for ty in EVENT_TYPES if (ty in AUDIT_TYPES) == audit
        ],
    }


async def log_page(request: Request) -> Response:
    """GET /console/log — the intake log (`view=audit`: its sign-ins and administration)."""
    operator = operator_of(request)
    console = console_of(request)
    lang = page_language(request)
    errors: list[str] = []
    try:
        f = _filter(request, operator, console)
    except BadParameter as bad:
        errors = [f"{name}: {t(key, lang, **values)}" for name, key, values in bad.errors]
        f = LogFilter(org_ids=operator.org_ids)
    views, older = ([], None) if errors else await _page(console, f, lang)
    asked = dict(request.query_params)
    zone = f.zone.key if f.zone else "UTC"
    return console_page(
        request,
        operator,
        "console/log.html",
        {
            "rows": views,
            "errors": errors,
            "asked": asked,
            "more_open": bool(errors)
            or any(k not in ("q", "before", "lang", "view") for k in asked),
            "zone": zone,
            "audit": f.audit,
            "can_audit": operator.is_admin,
            "filter": f,
            "older": urlencode(f.query(before=older)) if older else None,
            "newest": urlencode(f.query(before=None)) if f.before else None,
            "export": urlencode(f.query(before=None)),
            "live": urlencode(f.query(before=None)),
            "choices": filter_choices(operator, console, lang, f.audit),
        },
        status=400 if errors else 200,
        section="/console/log",
    )


async def log_json(request: Request) -> Response:
    """GET /console/log.json — the same page for scripts: rows, and the `before` of the next."""
    operator = operator_of(request)
    console = console_of(request)
    f = _filter(request, operator, console)
    views, older = await _page(console, f, page_language(request))
    response = JSONResponse({"rows": views, "before": older})
    response.headers["Cache-Control"] = "no-store"
    return response


def _sse(data: dict[str, Any]) -> str:
    return f"id: {data['id']}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


# The rows of the newest events, shared by every open stream without a filter (the board's
# screens, the unfiltered log): one read per event, not one per screen.
_RECENT: OrderedDict[int, dict[str, Any]] = OrderedDict()
RECENT_ROWS = 2000


async def _passing(
    console: ConsoleState, f: LogFilter, event_id: int, *, fresh: bool = False
) -> dict[str, Any] | None:
    """The event's log row if it passes the filter (a search: the appeal's own words, since the
    indexer may not have reached it yet) and the viewer sees it: the subscription chose by the
    event's organisation, the row is checked against its appeal's current target as well (an
    appeal routed or forwarded away is no longer the old organisation's). `fresh`: not from the
    shared rows of new events (a reconnection's catch-up reads rows an older forward changed)."""
    if not f.active:
        row = None if fresh else _RECENT.get(event_id)
        if row is None:
            found = await console.reads.run(log_queries.rows, [event_id])
            if not found:
                return None
            row = _RECENT[event_id] = found[0]
            while len(_RECENT) > RECENT_ROWS:
                _RECENT.popitem(last=False)
        return row if log_queries.visible_row(f, row) else None
    row = await console.reads.run(log_queries.matching_row, f, event_id)
    if row is None or f.q is None:
        return row
    found = row["appeal_id"] and await console.reads.run(log_queries.appeal_text, row["appeal_id"])
    return row if found and text_matches(f.q, found[0], found[1]) else None


def _last_event_id(request: Request) -> int | None:
    return event_id(request.headers.get("last-event-id", ""))


async def _live_rows(request: Request, console: ConsoleState, f: LogFilter) -> AsyncIterator[str]:
    lang = page_language(request)
    directory = console.runtime.directory
    yield f"retry: {RETRY_MS}\n: live\n\n"
    async with console.live.subscribe(f.org_ids) as sub:
        sent = 0
        if (last := _last_event_id(request)) is not None:
            # a reconnection: first what was missed meanwhile (the subscription already holds
            # what comes next; the ids keep the two from repeating a row)
            for event_id in await console.reads.run(log_queries.ids_after, f, last, CATCH_UP):
                row = await _passing(console, f, event_id, fresh=True)
                if row is not None:
                    yield _sse(row_view(row, directory, lang))
                sent = event_id
        last_sent = time.monotonic()
        session = SessionWatch(request)
        while not console.stopping and not session.ended():
            if sub.overflowed:
                yield "event: reload\ndata: {}\n\n"
                return
            try:
                event = await asyncio.wait_for(sub.queue.get(), timeout=1.0)
            except TimeoutError:
                if await request.is_disconnected():
                    return
                if time.monotonic() - last_sent >= HEARTBEAT_SECONDS:
                    last_sent = time.monotonic()
                    yield ": heartbeat\n\n"
                continue
            if event.id <= sent:
                continue
            row = await _passing(console, f, event.id)
            if row is not None:
                last_sent = time.monotonic()
                yield _sse(row_view(row, directory, lang))


async def live(request: Request) -> Response:
    """GET /console/live[?filters] — new log rows as Server-Sent Events: `data:` one row as the
    log renders it (row_view), only rows of the operator's organisations that pass the filters
    (checked on the server with the page's own query); a comment every 15 s keeps proxies from
    closing the stream. A browser reconnecting sends Last-Event-ID and first gets what it
    missed. It ends when the client goes or the service stops. Past the streams' cap of the
    session or the address it is refused with 429 (console/streams.py)."""
    operator = operator_of(request)
    console = console_of(request)
    f = _filter(request, operator, console)
    slot = console.streams.take(operator.session.id_hash, client_address(request))
    return SlotStream(
        slot,
        _live_rows(request, console, f),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


async def export_csv(request: Request) -> Response:
    """GET /console/export.csv[?filters] — the appeals of the filtered log."""
    operator = operator_of(request)
    console = console_of(request)
    return ExportStream(request, console, operator, _filter(request, operator, console))


ROUTES = [
    Route("/console/log", log_page, methods=["GET"]),
    Route("/console/log.json", log_json, methods=["GET"]),
    Route("/console/live", live, methods=["GET"]),
    Route("/console/export.csv", export_csv, methods=["GET"]),
]
