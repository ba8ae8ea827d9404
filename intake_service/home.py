"""The service's front page (`/`): what this service is, where its API is described, and a way
in for a citizen who holds a tracking link.

The lookup takes the whole tracking link, never a number: the number alone is no capability
(it is printed on letters, said on the phone), the signed token in the link is. The link is
posted, not put in a query string, so the token stays out of access logs and browser history;
the answer is a redirect to the tracking page itself. What the page links to is one list, so the
operators' console joins it when it exists.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from intake_service import assets
from intake_service.api.requests import body_limited, client_address, runtime_of
from intake_service.errors import NotFound
from intake_service.i18n import t
from intake_service.pages import page_language, render

_TOKEN = r"[A-Za-z0-9_-]{16,200}\.[A-Za-z0-9_-]{8,200}"
# A pasted link (any host: a node behind another name, a link copied from a letter) or the bare
# token. Only the token is used: the redirect always goes to this service's own /s/ path.
_LINK = re.compile(rf"(?:/s/|/api/v1/status/|^)({_TOKEN})(?:[/?#].*)?$")
_MAX_BODY = 8192


def _links() -> list[dict[str, str]]:
    """Where the page sends people next: the organisations' console, the API description."""
    return [
        {"href": "/console", "title": "home.console"},
        {"href": "/docs", "title": "home.api-docs"},
        {"href": "/openapi.json", "title": "home.api"},
    ]


def _context(lang: str, *, link: str = "", error: str | None = None) -> dict[str, Any]:
    return {
        "other_lang": "en" if lang == "ru" else "ru",
        "links": _links(),
        "link": link,
        "error": error,
    }


async def home(request: Request) -> Response:
    """GET / — the front page, in the reader's language (?lang=, else Accept-Language)."""
    lang = page_language(request)
    return render("home.html", lang, _context(lang))


async def track(request: Request) -> Response:
    """POST /track (link=…) — to the tracking page the link names, or the front page again
    saying what is wrong with the link."""
    runtime = runtime_of(request)
    runtime.address_limiter.check(client_address(request))
    lang = page_language(request)
    form = await body_limited(request, _MAX_BODY).form(
        max_files=0, max_fields=4, max_part_size=_MAX_BODY
    )
    raw = form.get("link")
    link = raw.strip()[:1000] if isinstance(raw, str) else ""
    match = _LINK.search(link)
    token = match.group(1) if match else None
    if token is None or runtime.tokens.appeal_id(token) is None:
        error = NotFound("detail.tracking-unknown", reason="tracking-unknown")
        await runtime.reject(request, error)
        context = _context(lang, link=link, error=t("home.track.invalid", lang))
        return render("home.html", lang, context, status=error.status)
    return RedirectResponse(f"/s/{token}" + ("?lang=en" if lang == "en" else ""), status_code=303)


async def favicon(request: Request) -> Response:
    """GET /favicon.ico: browsers ask for it on every page; the shipped SVG icon answers (every
    browser that asks reads an SVG favicon), instead of a 404 in each page's console."""
    return Response(
        _icon(), media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"}
    )


@cache
def _icon() -> bytes:
    return (assets.shipped("widget") / "static" / "icon.svg").read_bytes()


ROUTES = [
    Route("/", home, methods=["GET"]),
    Route("/favicon.ico", favicon, methods=["GET", "HEAD"]),
    Route("/track", track, methods=["POST"]),
]
