"""`create_app(settings)`: the Starlette application with its routes, middleware and the one
error handler. The lifespan opens the database and starts the writer (lifespan.py)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from intake_service import api, api_docs, assets, form, home, ops
from intake_service.console import routes as console_routes
from intake_service.console.state import running as console_running
from intake_service.followup import confirm_routes, follows, signin_routes
from intake_service.followup.state import running as followup_running
from intake_service.lifespan import running
from intake_service.middleware import RequestContext
from intake_service.open311 import PREFIX as OPEN311_PREFIX
from intake_service.open311 import routes as open311_routes
from intake_service.open311.problems import open311_error
from intake_service.polls import api as polls_api
from intake_service.polls import files as polls_files
from intake_service.polls import links as poll_links
from intake_service.polls import pages as poll_pages
from intake_service.polls import pages_framed as poll_pages_framed
from intake_service.polls.state import running as polls_running
from intake_service.problems import EXCEPTION_HANDLERS, answer_under
from intake_service.settings import Settings
from intake_service.worker_link import Link, Role


class ServiceApp(Starlette):
    """Starlette with one layer around the router (`RequestContext`, which also answers
    errors) instead of Starlette's error middleware, ours, and its exception middleware.
    `state.refusing` is set when the server begins to shut down (cli/serve_cmd.py)."""

    def build_middleware_stack(self) -> ASGIApp:
        return RequestContext(
            self.router,
            handlers=self.exception_handlers,
            refusing=lambda: getattr(self.state, "refusing", False),
        )


def create_app(settings: Settings, role: Role = Role.INLINE, link: Link | None = None) -> Starlette:
    """The service. `role` and `link`: which of the service's processes this is, and its line
    to the other one (worker.py); the worker process runs only the lifespan, serving nothing."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with (
            running(settings, role, link) as runtime,
            followup_running(runtime) as followup_state,
            console_running(runtime) as console_state,
            polls_running(runtime) as polls_state,
        ):
            app.state.runtime = runtime
            app.state.followup = followup_state
            app.state.console = console_state
            app.state.polls = polls_state
            yield

    answer_under(OPEN311_PREFIX, open311_error)  # Open311's clients read its own error shape
    static = Mount("/w/static", StaticFiles(directory=assets.shipped("widget") / "static"))
    return ServiceApp(
        routes=[
            *polls_api.ROUTES,
            *polls_files.ROUTES,
            *poll_links.ROUTES,  # before the poll's pages: /p/c/{token} is not a poll's page
            *poll_pages.ROUTES,
            *poll_pages_framed.ROUTES,
            *api.ROUTES,
            *form.ROUTES,
            *home.ROUTES,
            *console_routes.ROUTES,
            *confirm_routes.ROUTES,
            *follows.ROUTES,
            *signin_routes.ROUTES,
            *open311_routes.ROUTES,
            static,
            *ops.ROUTES,
            *api_docs.ROUTES,
        ],
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        lifespan=lifespan,
    )
