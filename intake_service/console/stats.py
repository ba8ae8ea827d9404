"""Statistics (`/console/stats`): the operator's appeals over a period — per day and week, per
organisation, category, channel and status — with the share answered and the median time to the
first answer; charts are inline SVG drawn here (charts.py) and every number is also in a table.

Days are local: each organisation's appeals count on the days of its own time zone (migration
17), and the period's dates are read in that zone; the page names it, or says that each
organisation counts in its own when the counted ones differ.

Filters use the log's parameter names (`org`, `category`, `from`, `to`), so a link can carry a
selection from one page to the other. `org` takes the organisation with everything below it.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from intake_service.console.auth import Operator, operator_of
from intake_service.console.charts import bars, columns
from intake_service.console.log_filter import filter_day
from intake_service.console.page import console_page
from intake_service.console.state import console_of
from intake_service.console.stats_queries import Scope, Stats, period_stats
from intake_service.directory import OrgDirectory
from intake_service.errors import NotFound
from intake_service.i18n import MESSAGES, t
from intake_service.org_settings import zone_groups
from intake_service.pages import page_language
from intake_service.participation.store import polls_in_period

DEFAULT_DAYS = 30
MAX_DAYS = 366 * 3


def _day(raw: str | None) -> date | None:
    try:
        return filter_day(raw) if raw else None
    except ValueError:
        return None


def _period(request: Request, zone: ZoneInfo) -> tuple[date, date, bool]:
    """(first, last, valid): the asked period, or the last 30 days (to today in `zone`) when it
    is missing or wrong."""
    today = datetime.now(zone).date()
    raw_first, raw_last = request.query_params.get("from"), request.query_params.get("to")
    first, last = _day(raw_first), _day(raw_last)
    valid = (not raw_first or first is not None) and (not raw_last or last is not None)
    last = last or today
    first = first or last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last or (last - first).days > MAX_DAYS:
        return today - timedelta(days=DEFAULT_DAYS - 1), today, False
    return first, last, valid


def _scope_orgs(
    directory: OrgDirectory, operator: Operator, slug: str | None
) -> frozenset[int] | None:
    if not slug:
        return operator.org_ids
    org = directory.org_by_slug(slug)
    if org is None or not operator.sees(org.id):
        raise NotFound("detail.no-route", reason="not-visible", path="")
    return directory.family(org.id)


def _duration(seconds: float | None, lang: str) -> str:
    if seconds is None:
        return "—"
    if seconds < 3600:
        return t("stats.minutes", lang, n=max(1, round(seconds / 60)))
    if seconds < 48 * 3600:
        return t(
            "stats.hours",
            lang,
            n=f"{seconds / 3600:.1f}".replace(".", "," if lang == "ru" else "."),
        )
    return t(
        "stats.days", lang, n=f"{seconds / 86400:.1f}".replace(".", "," if lang == "ru" else ".")
    )


def _title(key: str, fallback: str, lang: str) -> str:
    return t(key, lang) if key in MESSAGES else fallback


def _statistics(
    conn: sqlite3.Connection,
    scope: Scope,
    names: dict[int, str],
    titles: dict[str, str],
    lang: str,
) -> dict:
    """The page's figures and charts, built on a reader thread: the queries and the SVG
    drawing together are the page's cost, and none of it belongs on intake's event loop."""
    view = _view(period_stats(conn, scope), scope.first, scope.last, names, titles, lang)
    since, until = scope._bounds(scope.zones[0][0])
    polls = polls_in_period(conn, scope.org_ids, str(since), str(until))
    view["polls"] = [
        {
            "id": f.poll.id,
            "title": f.poll.title,
            "kind": t(f"console.polls.kind.{f.poll.kind}", lang),
            "org": names.get(f.poll.org_id, ""),
            "participants": f.participants,
            "comments": f.comments,
            "discussion": f.poll.kind == "discussion",
        }
        for f in polls
    ]
    view["poll_participants"] = sum(f.participants for f in polls)
    return view


def _page(
    conn: sqlite3.Connection,
    figures: tuple[Scope, dict[int, str], dict[str, str], str],
    request: Request,
    operator: Operator,
    template: str,
    context: dict[str, Any],
    **kwargs: Any,
) -> Response:
    """The statistics (`figures`: `_statistics`' arguments) and the page that shows them."""
    return console_page(
        request, operator, template, {**context, "view": _statistics(conn, *figures)}, **kwargs
    )


def _view(
    stats: Stats,
    first: date,
    last: date,
    names: dict[int, str],
    titles: dict[str, str],
    lang: str,
) -> dict:
    days = [(first + timedelta(days=i)) for i in range((last - first).days + 1)]
    per_day = [(d.isoformat(), stats.per_day.get(d.isoformat(), 0)) for d in days]
    weeks: dict[date, int] = {}
    for d in days:
        monday = d - timedelta(days=d.weekday())
        weeks[monday] = weeks.get(monday, 0) + stats.per_day.get(d.isoformat(), 0)
    per_week = [(t("stats.week-of", lang, day=m.strftime("%d.%m.%Y")), n) for m, n in weeks.items()]

    def ranked(counts: dict[Any, int], name: Any) -> list[tuple[str, int]]:
        return sorted(((name(key), n) for key, n in counts.items()), key=lambda item: -item[1])

    sections = {
        "org": ranked(stats.per_org, lambda org_id: names.get(org_id, str(org_id))),
        "category": ranked(stats.per_category, lambda code: titles.get(code, code)),
        "channel": ranked(stats.per_channel, lambda ch: _title(f"stats.channel.{ch}", ch, lang)),
        "status": ranked(stats.per_status, lambda st: _title(f"status.{st}", st, lang)),
    }
    charts = {
        "day": columns(t("stats.per-day", lang), per_day, axis=[d.strftime("%d.%m") for d in days]),
        "week": columns(
            t("stats.per-week", lang), per_week, axis=[m.strftime("%d.%m") for m in weeks]
        ),
        **{name: bars(t(f"stats.per-{name}", lang), items) for name, items in sections.items()},
    }
    scanned = sum(stats.per_status.values())
    return {
        "total": stats.total,
        "answered": stats.answered,
        "answered_share": f"{round(100 * stats.answered / scanned) if scanned else 0} %",
        "median": ("≥ " if stats.median_at_least else "")
        + _duration(stats.median_answer_seconds, lang),
        "per_day": per_day,
        "per_week": per_week,
        "sections": sections,
        "charts": charts,
    }


async def stats_page(request: Request) -> Response:
    """GET /console/stats?from=&to=&org=&category=: statistics of the operator's appeals."""
    operator = operator_of(request)
    state = console_of(request)
    directory = state.runtime.directory
    lang = page_language(request)
    slug = request.query_params.get("org") or None
    category = (request.query_params.get("category") or "")[:64] or None
    org_ids = _scope_orgs(directory, operator, slug)
    zones = zone_groups(directory.orgs(), org_ids)
    first, last, valid = _period(request, zones[0][0])
    scope = Scope(org_ids, category, first, last, zones)
    zone_names = [zone.key for zone, _ in zones]
    visible = sorted((o for o in directory.orgs() if operator.sees(o.id)), key=lambda o: o.name)
    categories: dict[str, str] = {}
    for org in visible:
        for code, cat in directory.catalogue(org.id).items():
            categories.setdefault(code, cat.title(lang))
    titles = dict(categories)
    for org in directory.orgs():
        for code, cat in directory.catalogue(org.id).items():
            titles.setdefault(code, cat.title(lang))
    names = {org.id: org.name for org in directory.orgs()}
    # The figures and the page (a few hundred SVG elements and table rows for a platform) are
    # made in one trip to a reader thread: on the loop the rendering held intake up for tens of
    # milliseconds a page, and each trip waits for a niced thread's turn on a busy core.
    return await state.reads.run(
        _page,
        (scope, names, titles, lang),
        request,
        operator,
        "console/stats.html",
        {
            "first": first.isoformat(),
            "last": last.isoformat(),
            "zones": zone_names,
            "zone_label": zone_names[0] if len(zone_names) == 1 else t("stats.zones", lang),
            "invalid": not valid,
            "org_choice": slug,
            "category_choice": category,
            "orgs": visible,
            "categories": categories,
        },
        status=200 if valid else 400,
        section="/console/stats",
    )


ROUTES = [Route("/console/stats", stats_page, methods=["GET"])]
