"""The old ПОС banner's organisation ids: `/w/pos/{id}/…` (decision 0115).

Sites that carry the ПОС banner call `Widget(url, 224510)`. The loader, in the old script's
place, sends that number as it is, in the path, and the service maps it to the organisation
that has it (`pos-intake org set SLUG --pos-id 224510`): the form, the framed list of polls and
their count answer as they do at `/w/{slug}/…`, through a redirect that keeps the query, so
every check of the form — the organisation's allowed origins above all — applies unchanged.
An id no organisation has gets a page for the citizen with the service's own contacts
(`POS_SUPPORT_*`), framable anywhere like the refused-origin page (it has no form and no token),
and the refusal goes to the intake log with the id.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from intake_service.api.requests import client_address, runtime_of
from intake_service.contacts import CONTACTS
from intake_service.errors import NotFound
from intake_service.orgs import POS_ID_MAX_DIGITS
from intake_service.pages import contact_links, page_language, render
from intake_service.problems import problem_response

# What a banner's id leads to: the loader asks for nothing else under /w/pos/{id}/.
_PAGES = ("form", "polls", "polls.json")


async def by_pos_id(request: Request) -> Response:
    """GET /w/pos/{pos_id}/{form|polls|polls.json} — the same under the organisation's slug."""
    runtime = runtime_of(request)
    runtime.address_limiter.check(client_address(request))
    raw: str = request.path_params["pos_id"]
    page = request.url.path.rsplit("/", 1)[1]
    # ASCII digits, as many as an id has, before anything reads them as a number: Starlette's
    # int convertor takes any length, and int() of 5,000 digits raises
    pos_id = raw[:20]
    org = None
    if raw.isascii() and raw.isdigit() and len(raw) <= POS_ID_MAX_DIGITS:
        org = runtime.directory.by_pos_id(int(raw))
    if org is None:
        error = NotFound("detail.pos-id-unknown", reason=f"pos-id-unknown {pos_id}", pos_id=pos_id)
        await runtime.reject(request, error)
        if page == "polls.json":
            return problem_response(error, request)
        settings = runtime.settings
        contacts = {k: getattr(settings, f"support_{k}").strip() for k in CONTACTS}
        return render(
            "pos_unknown.html",
            page_language(request),
            {"pos_id": pos_id, "contacts": contact_links({k: v for k, v in contacts.items() if v})},
            status=404,
            frame_ancestors="*",
        )
    query = request.url.query
    target = f"/w/{org.slug}/{page}" + (f"?{query}" if query else "")
    # The badge's count is a cross-origin fetch, which follows a redirect only if the redirect
    # itself may be read; a mapping can change, so nothing keeps it.
    headers = {"Access-Control-Allow-Origin": "*", "Cache-Control": "no-store"}
    return RedirectResponse(target, status_code=307, headers=headers)


ROUTES = [Route(f"/w/pos/{{pos_id}}/{page}", by_pos_id, methods=["GET"]) for page in _PAGES]
