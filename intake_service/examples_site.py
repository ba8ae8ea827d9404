"""The example host pages, served by `pos-intake demo` from a second port so that embedding is
really cross-origin, as on an agency's own site.

Every page has `{{SERVICE}}` and `{{ORG}}` in place of the service URL and the organisation;
they are filled in as the page is sent (`?org=SLUG` picks another organisation). The ПОС banner's
page has `{{POS_ID}}`, the demo organisation's ПОС id (`?pos=N` gives another number).
"""

from __future__ import annotations

import re

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from intake_service.assets import shipped

_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
}
_NAME = re.compile(r"^[a-z0-9-]+\.(html|css|js)$")
_SLUG = re.compile(r"^[a-z0-9-]{1,40}$")


def create_examples_app(
    service_url: str, default_org: str = "demo", default_pos_id: int = 0
) -> Starlette:
    folder = shipped("examples")

    async def page(request: Request) -> Response:
        name = request.path_params.get("name") or "index.html"
        path = folder / name
        if not _NAME.match(name) or not path.is_file():
            return Response("not found\n", status_code=404, media_type="text/plain")
        org = request.query_params.get("org", default_org)
        if not _SLUG.match(org):
            org = default_org
        pos_id = request.query_params.get("pos", "")
        if not pos_id.isascii() or not pos_id.isdigit() or len(pos_id) > 12:
            pos_id = str(default_pos_id)
        text = path.read_text(encoding="utf-8")
        text = text.replace("{{SERVICE}}", service_url.rstrip("/")).replace("{{ORG}}", org)
        text = text.replace("{{POS_ID}}", pos_id)
        suffix = path.suffix
        return Response(text, media_type=_TYPES[suffix], headers={"Cache-Control": "no-store"})

    return Starlette(routes=[Route("/", page), Route("/{name}", page)])
