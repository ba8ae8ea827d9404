"""HTML pages for people: Jinja2 templates from `widget/templates`, in the reader's language, each
sent with a strict CSP (no inline script or style; scripts, styles and images only from here)."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from intake_service import __version__
from intake_service.assets import shipped
from intake_service.i18n import LANGUAGES, negotiate, t

_env = Environment(
    loader=FileSystemLoader(shipped("widget") / "templates"),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def page_language(request: Request) -> str:
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked
    return negotiate(request.headers.get("accept-language"))


def csp(frame_ancestors: str = "'none'") -> str:
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
        "connect-src 'self'; form-action 'self'; base-uri 'none'; "
        f"frame-ancestors {frame_ancestors}"
    )


def render(
    template: str,
    lang: str,
    context: dict[str, Any],
    *,
    status: int = 200,
    frame_ancestors: str = "'none'",
    referrer_policy: str | None = None,
) -> HTMLResponse:
    """The page, with `no-referrer` (added by the middleware) unless `referrer_policy` says
    otherwise: pages whose URL holds a capability (tracking links) must keep it."""

    def translate(key: str, **values: object) -> str:
        return t(key, lang, **values)

    html = _env.get_template(template).render(
        lang=lang,
        t=translate,
        version=__version__,
        referrer_policy=referrer_policy or "no-referrer",  # the <meta> must say the same
        **context,
    )
    headers = {"Content-Security-Policy": csp(frame_ancestors), "Content-Language": lang}
    if referrer_policy:
        headers["Referrer-Policy"] = referrer_policy
    return HTMLResponse(html, status_code=status, headers=headers)


def wants_html(request: Request) -> bool:
    """A browser navigating (not a script asking for JSON)."""
    accept = request.headers.get("accept", "")
    return "text/html" in accept and "application/json" not in accept.split(",")[0]
