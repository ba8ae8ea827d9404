"""A poll's files in public: an option's picture and a discussion's documents, at
`/p/{poll_id}/files/{file_id}` — what the badge, the residents' pages and apps link to. Anyone
may read them, as anyone may read the poll; a file of another poll answers 404 like a missing
one. Served with the type its content was checked as (participation/files.py), never sniffed
by the browser; a PDF comes as an attachment with its name."""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from intake_service.api.requests import client_address, runtime_of
from intake_service.errors import NotFound
from intake_service.participation.files import file_of
from intake_service.polls.voting import poll_of


async def poll_file(request: Request) -> Response:
    """GET /p/{poll_id}/files/{file_id}."""
    runtime = runtime_of(request)
    runtime.address_limiter.check(client_address(request))
    poll = poll_of(request)
    found = file_of(runtime.reader, poll.id, request.path_params["file_id"])
    path = runtime.media_root / found.path if found is not None else None
    if found is None or path is None or not path.is_file():
        raise NotFound("detail.no-route", reason="poll-file-unknown", path=request.url.path)
    headers = {"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"}
    if found.media_type == "application/pdf":
        headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(found.name)}"
    return FileResponse(path, media_type=found.media_type, headers=headers)


ROUTES = [Route("/p/{poll_id}/files/{file_id:int}", poll_file, methods=["GET"], name="poll_file")]
