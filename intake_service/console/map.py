"""The leaders' map (`/console/map`, and `/console/map/wall` for a monitor): the districts an
operator may see — each organisation with an area (`pos-intake org area`) — coloured by the
board's acuteness (heat.py, the same score, levels and legend), and the period's appeals with
coordinates as points coloured by severity, a click opening the appeal.

A district adds up its organisation's whole subtree, like a row of the board; with a topic
chosen, only that topic's cells. An appeal is placed in the district whose area holds its
point (shapely, shapes parsed once per stored boundary: areas.py); one without coordinates
counts for its own organisation's district. Everything is filtered by the one visibility rule
(`Operator.sees`, `visibility.sees_appeal`): the query reads only the operator's organisations.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

import numpy as np
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from intake_service.areas import area_of, first_containing
from intake_service.console.auth import Operator, operator_of
from intake_service.console.board import board_zone
from intake_service.console.board_queries import CellCounts, board_counts
from intake_service.console.heat import heat
from intake_service.console.map_queries import MAX_POINTS, map_appeals
from intake_service.console.page import console_page
from intake_service.console.state import console_of
from intake_service.i18n import t
from intake_service.org_settings import zone_groups
from intake_service.pages import local_time, page_language
from intake_service.statuses import Severity

PERIODS = (1, 7, 30, 90)  # days the map's points may cover
DEFAULT_PERIOD = 7


def _filters(request: Request) -> tuple[str | None, int]:
    category = (request.query_params.get("category") or "").strip()[:64] or None
    try:
        days = int(request.query_params.get("days") or DEFAULT_PERIOD)
    except ValueError:
        days = DEFAULT_PERIOD
    return category, days if days in PERIODS else DEFAULT_PERIOD


def _point_labels(lang: str) -> dict[str, str]:
    """Each severity's point label with `{number}` left to fill: the catalogue is asked once
    per read, not once per point."""
    labels = {}
    for severity in (*(str(s) for s in Severity), "none"):
        word = t("severity." + severity if severity != "none" else "map.severity-none", lang)
        labels[severity] = t("map.point", lang, number="{number}", severity=word)
    return labels


async def _map(request: Request, operator: Operator) -> dict[str, Any]:
    state = console_of(request)
    directory = state.runtime.directory
    lang = page_language(request)
    category, days = _filters(request)
    now = datetime.now(UTC)
    since = (now - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%S")
    zones = zone_groups(directory.orgs(), operator.org_ids)
    counts = await state.reads.run(board_counts, operator.org_ids, now, zones)
    appeals = await state.reads.run(map_appeals, operator.org_ids, since, category)

    districts = []
    for org in sorted(directory.orgs(), key=lambda o: o.name):
        if not operator.sees(org.id):
            continue
        area = area_of(org)
        if area is None:
            continue
        members = directory.family(org.id)
        if operator.org_ids is not None:
            members = members & operator.org_ids
        total = CellCounts()
        for (org_id, code), cell in counts.items():
            if org_id in members and (category is None or code == category):
                total.add(cell)
        h = heat(total)
        districts.append(
            {
                "org": org.slug,
                "name": org.name,
                "members": members,
                "shape": area[1],
                "geometry": area[0],
                "heat": h.level,
                "score": h.score,
                "parts": h.parts,
                "recent": total.recent,
                "week": total.week,
                "appeals": 0,
            }
        )
    # the smallest subtree first: a point in a municipality inside a region is the municipality's
    by_size = sorted(districts, key=lambda d: len(d["members"]))
    nan = float("nan")
    homes = first_containing(
        [d["shape"] for d in by_size],
        np.fromiter((nan if a.lon is None else a.lon for a in appeals), float, len(appeals)),
        np.fromiter((nan if a.lat is None else a.lat for a in appeals), float, len(appeals)),
    ).tolist()
    # an appeal outside every district (or without a point) counts for its organisation's
    by_member: dict[int, dict[str, Any]] = {}
    for d in reversed(by_size):
        for org_id in d["members"]:
            by_member[org_id] = d
    points = []
    for appeal, found in zip(appeals, homes, strict=True):
        home = by_size[found] if found >= 0 else by_member.get(appeal.target_org_id)
        if home is not None:
            home["appeals"] += 1
        if appeal.lat is None or appeal.lon is None:
            continue
        severity = appeal.severity or "none"
        points.append(
            {
                "lat": round(appeal.lat, 6),
                "lon": round(appeal.lon, 6),
                "number": appeal.number,
                "severity": severity,
                "district": home["org"] if home else None,
                "id": appeal.id,
            }
        )
    out = []
    for d in districts:
        d.pop("members")
        d.pop("shape")
        d["label"] = t("map.district", lang, org=d["name"], score=d["score"], count=d["appeals"])
        out.append(d)
    generated = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "generated_at": generated,
        "generated_text": local_time(
            generated, board_zone(directory, operator, None), lang, seconds=True
        ),
        "category": category,
        "days": days,
        "districts": out,
        "points": points,
        # what a point says and where it leads, once for all (a region's 2,500 points each
        # carrying its sentence and link were 600 KB of JSON)
        "point_labels": _point_labels(lang),
        "appeal_url": "/console/appeals/{id}",
        "capped": len(appeals) >= MAX_POINTS,
    }


def _topics(request: Request, operator: Operator) -> list[dict[str, str]]:
    directory = console_of(request).runtime.directory
    lang = page_language(request)
    titles: dict[str, str] = {}
    for org in directory.orgs():
        if operator.sees(org.id):
            for code, cat in directory.catalogue(org.id).items():
                titles.setdefault(code, cat.title(lang))
    return [{"code": c, "title": titles[c]} for c in sorted(titles, key=titles.__getitem__)]


async def map_page(request: Request) -> Response:
    """GET /console/map (and /console/map/wall, or `?wall=1`): the map."""
    operator = operator_of(request)
    category, days = _filters(request)
    wall = request.url.path.endswith("/wall") or request.query_params.get("wall") == "1"
    query = {k: v for k, v in (("category", category), ("days", str(days))) if v}
    tiles = console_of(request).runtime.settings.map_tiles
    response = console_page(
        request,
        operator,
        "console/map.html",
        {
            "wall": wall,
            "tiles": tiles,
            "category": category or "",
            "days": days,
            "periods": PERIODS,
            "topics": _topics(request, operator),
            "json_url": "/console/map.json?" + urlencode(query),
            "wall_url": "/console/map/wall?" + urlencode(query),
            "page_url": "/console/map?" + urlencode(query),
        },
        section="/console/map",
    )
    if tiles:  # the tile server is the one other origin the map page may load images from
        parts = urlsplit(tiles)
        policy = response.headers["Content-Security-Policy"]
        response.headers["Content-Security-Policy"] = policy.replace(
            "img-src 'self'", f"img-src 'self' {parts.scheme}://{parts.netloc}", 1
        )
    return response


async def map_json(request: Request) -> Response:
    """GET /console/map.json: districts and points, for the page (and scripts)."""
    operator = operator_of(request)
    return JSONResponse(await _map(request, operator), headers={"Cache-Control": "no-store"})


ROUTES = [
    Route("/console/map", map_page, methods=["GET"]),
    Route("/console/map/wall", map_page, methods=["GET"]),
    Route("/console/map.json", map_json, methods=["GET"]),
]
