"""Every route of the console, gathered for `create_app`."""

from __future__ import annotations

from pathlib import Path

from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from intake_service.console import (
    appeal,
    board,
    citizen_requests,
    log,
    map,
    orgs,
    polls,
    register,
    settings,
    signin,
    site,
    stats,
    taken,
    templates_admin,
    users,
)

STATIC = Path(__file__).parent / "static"

ROUTES: list[BaseRoute] = [
    *signin.ROUTES,
    *register.ROUTES,
    *log.ROUTES,
    *site.ROUTES,
    *orgs.ROUTES,
    *settings.ROUTES,
    *users.ROUTES,
    *citizen_requests.ROUTES,
    *taken.ROUTES,  # before the appeal's own: `new` is no appeal id
    *appeal.ROUTES,
    *templates_admin.ROUTES,
    *board.ROUTES,
    *map.ROUTES,
    *stats.ROUTES,
    *polls.ROUTES,
    Mount("/console/static", StaticFiles(directory=STATIC), name="console-static"),
]
