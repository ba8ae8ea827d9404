"""What the tracking page shows around the appeal's public view (tracking.py), for the citizen
who opens it from an e-mail on a phone: who handles it and how to reach them, the other
language, the citizen's own photos, the links along a repeat chain, and — when it first shows
— whether letters will come at all.

Everything here is reached through the tracking link and nothing else: a photo's URL is under
the page's own token (`/s/{token}/photos/{n}`), so a photo is served to whoever holds the link
to its appeal and to nobody else; a repeat's page links its first appeal, and the first appeal
its repeats, because a repeat is filed only from the first appeal's page by the holder of its
link (tracking_routes.py) — the same citizen on both ends, and the organisation, which holds
both appeals, learns nothing new.
"""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import FileResponse, Response

from intake_service import photos
from intake_service.api.requests import runtime_of
from intake_service.errors import NotFound
from intake_service.org_settings import public_contacts
from intake_service.pages import contact_links, other_language

if TYPE_CHECKING:
    from intake_service.runtime import Runtime


def chain_links(runtime: Runtime, appeal_id: str) -> dict[str, Any]:
    """The tracking pages of the appeal this one repeats, and of its repeats, by number."""
    conn = runtime.reader
    row = conn.execute(
        "SELECT r.id, r.number FROM appeals a JOIN appeals r ON r.id = a.repeat_of WHERE a.id = ?",
        (appeal_id,),
    ).fetchone()
    parent = {"number": row["number"], "url": _url(runtime, row["id"])} if row else None
    repeats = conn.execute(
        "SELECT id, number FROM appeals WHERE repeat_of = ? ORDER BY seq", (appeal_id,)
    ).fetchall()
    return {
        "parent": parent,
        "repeats": [{"number": r["number"], "url": _url(runtime, r["id"])} for r in repeats],
    }


def _url(runtime: Runtime, appeal_id: str) -> str:
    return f"/s/{runtime.tokens.tracking(appeal_id)}"


def photo_numbers(conn: sqlite3.Connection, appeal_id: str) -> list[int]:
    rows = conn.execute(
        "SELECT n FROM appeal_photos WHERE appeal_id = ? ORDER BY n", (appeal_id,)
    ).fetchall()
    return [int(r["n"]) for r in rows]


def has_email(conn: sqlite3.Connection, appeal_id: str) -> bool:
    """Whether the citizen gave an e-mail: without one (a phone alone) no letter comes, and the
    page says so when it first shows (`?new=1`). Only the yes or no leaves this function."""
    row = conn.execute("SELECT contact FROM appeals WHERE id = ?", (appeal_id,)).fetchone()
    try:
        return bool(row and json.loads(row["contact"] or "{}").get("email"))
    except (ValueError, AttributeError):
        return False


def page_context(
    request: Request, appeal_id: str, org_slug: str, token: str, lang: str
) -> dict[str, Any]:
    """The header (the organisation's name and public contacts), the language switch, the
    photos and the chain's links, for status.html."""
    runtime = runtime_of(request)
    org = runtime.directory.org_by_slug(org_slug)
    other = other_language(request, lang)
    if request.method != "GET":  # a refused action's page: the switch goes to the page itself
        other["url"] = f"/s/{token}?lang={other['lang']}"
    return {
        "other": other,
        "contacts": contact_links(public_contacts(org)) if org is not None else [],
        "photos": photo_numbers(runtime.reader, appeal_id),
        "chain": chain_links(runtime, appeal_id),
    }


async def tracking_photo(request: Request, appeal_id: str) -> Response:
    """GET /s/{token}/photos/{n}: one of the appeal's own photos, to the holder of its link
    (`appeal_id` comes from the checked token); never cached, as the console's and the API's."""
    runtime = runtime_of(request)
    n = request.path_params["n"]
    media_type = photos.media_type_for(runtime.reader, appeal_id, n, request.state.org_id)
    if media_type is None:
        raise NotFound("detail.no-route", reason="photo-unknown", path=request.url.path)
    path = photos.path_of(runtime.media_root, appeal_id, n, media_type)
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": "private, no-store"})
