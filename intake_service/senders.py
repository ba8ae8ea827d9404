"""Who sent a page's POST: only the service's own pages may (the appeal form, the e-mailed
links' buttons, the polls' pages), so a page on another site cannot make a visitor's browser
act here. Shared by every capability that serves pages with forms, below all of them."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request

from intake_service.api.requests import runtime_of
from intake_service.errors import Forbidden
from intake_service.origins import OriginError, normalise_origin


def _service_origin(request: Request) -> str:
    base = runtime_of(request).base_url(request)
    parts = urlsplit(base)
    return normalise_origin(f"{parts.scheme}://{parts.netloc}")


def check_sender(request: Request) -> None:
    """Only our own form page (same origin) may post; a page elsewhere posting here may not.

    The form page is sent with `Referrer-Policy: same-origin`, so its POST carries our own
    `Origin` — accepted with `Sec-Fetch-Site: same-origin` or, from browsers that send no
    Sec-Fetch-* headers (Safari before 16.4), without it. `Origin: null` (sandboxed frames,
    data: URLs, or a page under no-referrer) counts only with `Sec-Fetch-Site: same-origin`,
    which no page script can set."""
    origin = request.headers.get("origin")
    fetch_site = request.headers.get("sec-fetch-site")
    if origin in (None, "null"):
        same = fetch_site == "same-origin"
    else:
        try:
            same = normalise_origin(origin) == _service_origin(request)
        except OriginError:
            same = False
        same = same and fetch_site in (None, "same-origin")
    if not same:
        raise Forbidden("detail.cross-origin-post", reason=f"cross-origin-post {origin}")
