"""The operators' console: sign-in, the live intake log, one appeal's handling, the heat board,
statistics and the webmaster's site page — each organisation seeing only its own.

Routes, store-side queries and templates of the console live side by side in this package;
it shares the store, the writer, the organisation directory and the error tree with intake.
"""

from __future__ import annotations

from pathlib import Path

from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from intake_service.console import appeal, board, log, signin, site, stats, templates_admin, users
from intake_service.console.state import ConsoleState, running

STATIC = Path(__file__).parent / "static"

ROUTES: list[BaseRoute] = [
    *signin.ROUTES,
    *log.ROUTES,
    *site.ROUTES,
    *users.ROUTES,
    *appeal.ROUTES,
    *templates_admin.ROUTES,
    *board.ROUTES,
    *stats.ROUTES,
    Mount("/console/static", StaticFiles(directory=STATIC), name="console-static"),
]

__all__ = ["ROUTES", "ConsoleState", "running"]
