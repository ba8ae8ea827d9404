"""The heat board (`/console/board`): the operator's organisations × categories, each cell
coloured by its acuteness (heat.py), with the weekly social-tension index beside it; its data
as JSON for the page's live refresh; a tiny SSE stream saying "changed"; and the wall mode for
the monitors of a management centre.

Rows follow the organisation tree: an operator of an organisation with children sees a row for
the organisation's own appeals and one per direct child (its whole subtree added up); a platform
admin starts from the top-level organisations. `?org=<slug>` drills into one of them.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote_plus, urlencode
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from intake_service.api.requests import client_address
from intake_service.console.auth import Operator, SessionWatch, operator_of
from intake_service.console.board_queries import TARGET_DAYS, CellCounts, board_counts
from intake_service.console.heat import Tension, heat, tension
from intake_service.console.live import Subscription
from intake_service.console.page import console_page
from intake_service.console.state import ConsoleState, console_of
from intake_service.console.streams import SlotStream
from intake_service.directory import OrgDirectory
from intake_service.errors import NotFound
from intake_service.i18n import t
from intake_service.org_settings import DEFAULT_TIMEZONE, ZoneGroups, timezone_of, zone_groups
from intake_service.orgs import Org
from intake_service.pages import local_time, page_language

TICK = 1.0  # how often a stream looks whether the service is stopping
DEBOUNCE = 1.0  # at most one "changed" per second, however busy intake is
HEARTBEAT = 15.0  # a comment now and then keeps proxies from closing a quiet stream
PAGE_SECONDS = 10  # the wall shows each page of rows this long (`?every=` changes it)
PAGE_SECONDS_RANGE = (1, 600)


@dataclass(frozen=True)
class Row:
    org: Org
    members: frozenset[int]  # whose appeals the row adds up
    own_only: bool  # the organisation's own appeals, without its children's
    drill: bool  # has children: the row's name opens the board one level down


def _children(directory: OrgDirectory, org: Org) -> list[Org]:
    return sorted((o for o in directory.orgs() if o.parent == org.slug), key=lambda o: o.name)


def board_rows(directory: OrgDirectory, operator: Operator, focus: str | None) -> list[Row]:
    """The rows for `operator`, one level below `focus` (an org slug; None: where they stand)."""
    if focus:
        org = directory.org_by_slug(focus)
        if org is None or not operator.sees(org.id):
            raise NotFound("detail.no-route", reason="not-visible", path="")
    elif operator.org_ids is None:
        tops = sorted((o for o in directory.orgs() if o.parent is None), key=lambda o: o.name)
        return [Row(o, directory.family(o.id), False, bool(_children(directory, o))) for o in tops]
    else:
        org = directory.org(operator.user.org_id or 0)
    children = _children(directory, org)
    rows = [Row(org, frozenset({org.id}), bool(children), False)]
    rows += [Row(c, directory.family(c.id), False, bool(_children(directory, c))) for c in children]
    return rows


def _categories(
    directory: OrgDirectory, rows: list[Row], counts: dict[tuple[int, str], CellCounts], lang: str
) -> list[dict[str, str]]:
    """The columns: every category in the rows' catalogues, defaults first, then any code
    that still has appeals (a category turned off later)."""
    titles: dict[str, str] = {}
    for row in rows:
        for org_id in sorted(row.members):
            for code, category in directory.catalogue(org_id).items():
                titles.setdefault(code, category.title(lang))
    members = set().union(*(row.members for row in rows)) if rows else set()
    for org_id, code in sorted(counts):
        if org_id in members:
            titles.setdefault(code, code)
    # Columns are headed by their number (a legend names them): twelve topic names do not fit
    # a wall's width, or a phone's, in type that can be read.
    return [
        {"code": code, "title": title, "short": str(number)}
        for number, (code, title) in enumerate(titles.items(), start=1)
    ]


def board_zone(directory: OrgDirectory, operator: Operator, focus: Org | None) -> ZoneInfo:
    """Whose clock the board's "updated" is read on: the organisation drilled into, else the
    operator's own; a platform admin's board (many organisations) uses the default zone."""
    org = focus
    if org is None and operator.user.org_id is not None:
        try:
            org = directory.org(operator.user.org_id)
        except KeyError:
            org = None
    return timezone_of(org) if org is not None else ZoneInfo(DEFAULT_TIMEZONE)


ARROWS = {"up": "↑", "down": "↓", "flat": "→", "new": "↑"}


def _tension_view(index: Tension, lang: str) -> dict[str, Any]:
    """The index with its figures already written out, so the page and its script show the
    same words (the script only copies text)."""
    if index.change is None:
        change = t("tension.new", lang) if index.week else "—"
    else:
        change = f"{'+' if index.change > 0 else ''}{round(index.change * 100)} %"
    return {
        "week": index.week,
        "prev_week": index.prev_week,
        "high_share": round(index.high_share, 3),
        "high_text": f"{round(index.high_share * 100)} %",
        "change": None if index.change is None else round(index.change, 3),
        "change_text": change,
        "direction": index.direction,
        "arrow": ARROWS[index.direction],
        "direction_text": t("tension." + index.direction, lang),
    }


async def _board(
    request: Request, operator: Operator, finish: Callable[[dict[str, Any]], Response]
) -> Response:
    """The board's data made into a response by `finish` (a page, JSON) in one trip to a reader
    thread: each trip waits for a niced thread's turn on a busy core."""
    state = console_of(request)
    directory = state.runtime.directory
    focus = request.query_params.get("org") or None
    rows = board_rows(directory, operator, focus)
    now = datetime.now(UTC)
    zones = zone_groups(directory.orgs(), operator.org_ids)
    lang = page_language(request)
    return await state.reads.run(
        lambda conn: finish(_assemble(conn, directory, operator, rows, focus, now, zones, lang))
    )


def _assemble(
    conn: sqlite3.Connection,
    directory: OrgDirectory,
    operator: Operator,
    rows: list[Row],
    focus: str | None,
    now: datetime,
    zones: ZoneGroups,
    lang: str,
) -> dict[str, Any]:
    """The board's counts and cells, on a reader thread: a platform's board is 500 cells, each
    with its heat and label, a few milliseconds that held intake's event loop up (issue 30)."""
    counts = board_counts(conn, operator.org_ids, now, zones)
    categories = _categories(directory, rows, counts, lang)
    out_rows = []
    # each cell links to the log filtered by its row and column: the query's parts quoted once
    # per column and row, not once per cell (a platform's board is 500 cells)
    quoted = {category["code"]: quote_plus(category["code"]) for category in categories}
    for row in rows:
        name = t("board.own", lang, org=row.org.name) if row.own_only else row.org.name
        log_of_row = "/console?org=" + quote_plus(row.org.slug) + "&category="
        total = CellCounts()
        cells = {}
        for category in categories:
            cell = CellCounts()
            for org_id in row.members:
                found = counts.get((org_id, category["code"]))
                if found is not None:
                    cell.add(found)
            total.add(cell)
            h = heat(cell)
            cells[category["code"]] = {
                "count": cell.recent,
                "label": t(
                    "board.cell",
                    lang,
                    org=name,
                    category=category["title"],
                    count=cell.recent,
                    score=h.score,
                ),
                "week": cell.week,
                "heat": h.level,
                "score": h.score,
                "parts": h.parts,
                "log": log_of_row + quoted[category["code"]],
            }
        index = tension(total)
        out_rows.append(
            {
                "org": row.org.slug,
                "name": name,
                "own_only": row.own_only,
                "drill": "/console/board?" + urlencode({"org": row.org.slug})
                if row.drill
                else None,
                "cells": cells,
                "tension": _tension_view(index, lang),
            }
        )
    focus_org = directory.org_by_slug(focus) if focus else None
    generated = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    zone = board_zone(directory, operator, focus_org)
    return {
        "generated_at": generated,
        "generated_text": local_time(generated, zone, lang, seconds=True),
        "focus": focus_org.slug if focus_org else None,
        "focus_name": focus_org.name if focus_org else None,
        "categories": categories,
        "rows": out_rows,
    }


async def board_page(request: Request) -> Response:
    """GET /console/board (and /console/board/wall): the board; `?wall=1` for a wall monitor."""
    operator = operator_of(request)
    wall = request.url.path.endswith("/wall") or request.query_params.get("wall") == "1"
    every = request.query_params.get("every", "")
    low, high = PAGE_SECONDS_RANGE
    seconds = min(high, max(low, int(every))) if every.isdigit() else PAGE_SECONDS

    def page(data: dict[str, Any]) -> Response:
        # rendered on the reader thread too, as the statistics are: a platform's 500 cells
        query = {"org": data["focus"]} if data["focus"] else {}
        return console_page(
            request,
            operator,
            "console/board.html",
            {
                "board": data,
                "wall": wall,
                "page_ms": seconds * 1000,
                "targets": TARGET_DAYS,
                "json_url": "/console/board.json" + ("?" + urlencode(query) if query else ""),
                "wall_url": "/console/board/wall" + ("?" + urlencode(query) if query else ""),
            },
            section="/console/board",
        )

    return await _board(request, operator, page)


async def board_json(request: Request) -> Response:
    """GET /console/board.json: the board's data, for the page's refresh (and scripts),
    encoded on the reader thread."""
    return await _board(
        request,
        operator_of(request),
        lambda data: JSONResponse(data, headers={"Cache-Control": "no-store"}),
    )


async def _changes(
    state: ConsoleState, subscription: Subscription, session: SessionWatch
) -> AsyncIterator[str]:
    """`changed` whenever an appeal of the subscriber's organisations moved, at most once a
    second; ends when the client goes (Starlette cancels it), the session ends (signed out,
    disabled, password reset) or the service stops."""
    yield "retry: 3000\n\n"
    quiet = 0.0
    while not state.stopping and not session.ended():
        try:
            event = await asyncio.wait_for(subscription.queue.get(), timeout=TICK)
        except TimeoutError:
            quiet += TICK
            if quiet >= HEARTBEAT:
                quiet = 0.0
                yield ": still here\n\n"
            continue
        moved = event.appeal_id is not None or subscription.overflowed
        while not subscription.queue.empty():  # take every waiting event, whatever `moved` is
            waiting = subscription.queue.get_nowait()
            moved = moved or waiting.appeal_id is not None
        subscription.overflowed = False
        if moved:
            quiet = 0.0
            yield "event: changed\ndata: {}\n\n"
            await asyncio.sleep(DEBOUNCE)


async def board_live(request: Request) -> Response:
    """GET /console/board/live: an SSE stream of `changed` events for the operator's orgs
    (429 past the streams' cap, console/streams.py)."""
    operator = operator_of(request)
    state = console_of(request)
    slot = state.streams.take(operator.session.id_hash, client_address(request))

    async def stream() -> AsyncIterator[str]:
        async with state.live.subscribe(operator.org_ids) as subscription:
            async for chunk in _changes(state, subscription, SessionWatch(request)):
                yield chunk

    return SlotStream(
        slot,
        stream(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


ROUTES = [
    Route("/console/board", board_page, methods=["GET"]),
    Route("/console/board/wall", board_page, methods=["GET"]),
    Route("/console/board.json", board_json, methods=["GET"]),
    Route("/console/board/live", board_live, methods=["GET"]),
]
