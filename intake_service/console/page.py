"""Console pages: the shared layout (`console/_base.html`: navigation, the operator, sign-out),
rendered through the service's one page renderer — same strict CSP (no inline script or style),
same escaping, same message catalogue — plus what every console page's template needs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse

from intake_service.pages import page_language, render

if TYPE_CHECKING:  # a renderer loads nothing of the store (pyproject.toml, [tool.importlinter])
    from intake_service.console.auth import Operator

# (path, message key, who sees it: "" everyone, "admin" admins, "platform" platform admins)
NAVIGATION: tuple[tuple[str, str, str], ...] = (
    ("/console", "console.nav.register", ""),
    ("/console/log", "console.nav.log", ""),
    ("/console/board", "console.nav.board", ""),
    ("/console/map", "console.nav.map", ""),
    ("/console/stats", "console.nav.stats", ""),
    ("/console/polls", "console.nav.polls", ""),
    ("/console/site", "console.nav.site", ""),
    ("/console/orgs", "console.nav.orgs", "platform"),
    ("/console/users", "console.nav.users", "admin"),
    ("/console/citizen", "console.nav.citizen", "admin"),
    ("/console/templates", "console.nav.templates", "admin"),
    ("/console/settings", "console.nav.settings", "admin"),
)


def return_path(request: Request) -> str:
    """Where the sign-in page sends the operator back: the page asked for; for a form sent
    after the session ran out, the page the form was on (its Referer, when it is this
    service's: the form's own address may answer only POST), else the console's start."""
    if request.method in ("GET", "HEAD"):
        path = request.url.path
        return path + ("?" + request.url.query if request.url.query else "")
    referer = urlsplit(request.headers.get("referer", ""))
    own = urlsplit(str(request.base_url))
    if (referer.scheme, referer.netloc) == (own.scheme, own.netloc) and referer.path:
        return referer.path + ("?" + referer.query if referer.query else "")
    return "/console"


def console_page(
    request: Request,
    operator: Operator | None,
    template: str,
    context: dict[str, Any],
    *,
    status: int = 200,
    section: str = "",
) -> HTMLResponse:
    """Render `template` (under `console/`) for `operator` (None: the sign-in pages)."""
    lang = page_language(request)
    nav = []
    if operator is not None and not operator.user.must_change:
        nav = [
            {"href": href, "key": key, "current": href == section}
            for href, key, who in NAVIGATION
            if who == ""
            or (who == "admin" and operator.is_admin)
            or (who == "platform" and operator.user.platform)
        ]
    other = "en" if lang == "ru" else "ru"
    query = dict(request.query_params)
    query["lang"] = other
    response = render(
        template,
        lang,
        {
            "operator": operator,
            "csrf": operator.csrf if operator is not None else "",
            "nav": nav,
            "other_lang": other,
            "other_lang_query": query,
            # seconds a session lasts without a request: console.js warns before they are up
            "idle_seconds": request.app.state.runtime.settings.console_session_idle
            if operator is not None
            else 0,
            # where «Войти снова» goes once the session has run out: back to this page after
            "signin_again": "/console/signin?next=" + quote(return_path(request), safe="/"),
            **context,
        },
        status=status,
        # Not the service's usual no-referrer: under it a browser posts a form with
        # `Origin: null`, and the same-origin check refuses every change. Same-origin keeps the
        # Origin (and Referer) for this service's own pages and sends nothing elsewhere.
        referrer_policy="same-origin",
    )
    response.headers["Cache-Control"] = "no-store"
    return response
