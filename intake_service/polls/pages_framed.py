"""The badge's participation pages, framed on an organisation's own sites (embed.js opens them in
its dialog's «Опросы и обсуждения» tab, or as the inline block of `data-mode="participation"`):

- `GET /w/{org}/polls?origin=&lang=[&mode=inline]`: what is open on that organisation's badge
  (`participation.store.shown_on_badge`), each linking to its framed page; `mode=inline` is the
  compact block for a site's own page;
- `GET|POST /w/{org}/p/{poll_id}?origin=&lang=`: the poll's page (pages.py) inside the frame —
  only a poll that badge shows, else 404;
- `GET /w/{org}/polls.json`: `{"open": N}` for the badge's count (public, cached a minute,
  readable by the organisation's own origins only).

Framing is decided as for the appeal form (form/page.py): `origin` must be one of the
organisation's allowed origins, and is then the only `frame-ancestors` the page admits; another
site gets the same notice with the organisation's contacts, framable anywhere, and a
`rejected` event. In the frame a third party's cookies may be blocked: the `anyone` level's voter
id is kept by poll-frame.js in the frame's storage and sent back as the field `voter` (where the
browser blocks a third party's storage too, each ballot is a new browser's and the address's
budget per poll is what limits them). The script also tells the host page the frame's height,
`{ns: "pos", v: 1, type: "participation-height", payload: {height}}`, posted to `origin` only,
for the inline block's iframe.
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from intake_service.api.requests import client_address, runtime_of
from intake_service.errors import Forbidden, IntakeError, NotFound
from intake_service.org_settings import public_contacts, timezone_of
from intake_service.orgs import Org
from intake_service.origins import embedding_origin
from intake_service.pages import contact_links, local_time, other_language, page_language, render
from intake_service.participation.definition import Poll
from intake_service.participation.store import shown_on_badge
from intake_service.polls.pages import answer, show
from intake_service.polls.views import Framing
from intake_service.polls.voting import poll_of


class Refused(Exception):
    """A framed page that may not be shown: the answer to give instead."""

    def __init__(self, response: Response) -> None:
        self.response = response


def _org(request: Request) -> Org:
    slug = request.path_params["org"]
    org = runtime_of(request).directory.org_by_slug(slug)
    if org is None:
        raise NotFound("detail.org-unknown", reason="org-unknown", org=slug[:40])
    request.state.org_id = org.id
    return org


async def _framing(request: Request) -> Framing:
    """The organisation and the embedding origin the loader reported, which must be allowed."""
    runtime = runtime_of(request)
    runtime.address_limiter.check(client_address(request))
    org = _org(request)
    origin, allowed = embedding_origin(request.query_params.get("origin", ""), org.origins)
    if not allowed:
        error = Forbidden(
            "detail.origin-not-allowed",
            reason=f"origin-not-allowed {origin}",
            origin=origin,
            org=org.name,
        )
        await runtime.reject(request, error)
        # no poll and no form here: any site may frame the notice (form/page.py does so)
        raise Refused(
            render(
                "unavailable.html",
                page_language(request),
                {"org": org, "contacts": contact_links(public_contacts(org)), "text": None},
                status=403,
                frame_ancestors="*",
            )
        )
    return Framing(org, origin, request.query_params.get("mode") == "inline")


async def _framed_error(request: Request, error: IntakeError, framing: Framing) -> Response:
    """A refusal inside the frame, framable by the same origin (an unframable page would show
    only the browser's broken icon)."""
    await runtime_of(request).reject(request, error)
    lang = page_language(request)
    body = error.body(lang)
    return render(
        "error.html",
        lang,
        {"title": body["title"], "detail": body.get("detail", "")},
        status=error.status,
        frame_ancestors=framing.origin or "'none'",
    )


async def polls_list(request: Request) -> Response:
    """GET /w/{org}/polls: what is open on the organisation's badge."""
    try:
        framing = await _framing(request)
    except Refused as refused:
        return refused.response
    runtime = runtime_of(request)
    lang = page_language(request)
    zone = timezone_of(framing.org)
    query = framing.query(lang)
    items = [
        {
            "poll": poll,
            "url": f"/w/{framing.org.slug}/p/{poll.id}?{query}",
            "full_url": f"/p/{poll.id}?{urlencode({'lang': lang})}",
            "closes": local_time(poll.ends_at, zone, lang),
        }
        for poll in shown_on_badge(runtime.reader, runtime.directory, framing.org.id)
    ]
    response = render(
        "polls_list.html",
        lang,
        {
            "org": framing.org,
            "items": items,
            "framing": framing,
            "other": other_language(request, lang),
        },
        frame_ancestors=framing.origin or "'none'",
        referrer_policy="same-origin",
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _on_badge(request: Request, framing: Framing) -> Poll:
    runtime = runtime_of(request)
    poll = poll_of(request)
    request.state.org_id = framing.org.id
    shown = shown_on_badge(runtime.reader, runtime.directory, framing.org.id)
    if all(p.id != poll.id for p in shown):
        raise NotFound("detail.poll-unknown", reason="poll-not-on-badge")
    request.state.org_id = poll.org_id
    return poll


async def framed_poll(request: Request) -> Response:
    """GET /w/{org}/p/{poll_id}: the poll's page in the badge's frame."""
    try:
        framing = await _framing(request)
    except Refused as refused:
        return refused.response
    try:
        poll = _on_badge(request, framing)
    except IntakeError as error:
        return await _framed_error(request, error, framing)
    return show(request, poll, page_language(request), framing=framing)


async def framed_take_part(request: Request) -> Response:
    """POST /w/{org}/p/{poll_id}: a ballot or comment from the frame, and its page again."""
    try:
        framing = await _framing(request)
    except Refused as refused:
        return refused.response
    try:
        poll = _on_badge(request, framing)
    except IntakeError as error:
        return await _framed_error(request, error, framing)
    return await answer(request, poll, framing)


async def open_count(request: Request) -> Response:
    """GET /w/{org}/polls.json: how many items the badge lists, for its small count."""
    runtime = runtime_of(request)
    runtime.address_limiter.check(client_address(request))
    org = _org(request)
    count = len(shown_on_badge(runtime.reader, runtime.directory, org.id))
    headers = {"Cache-Control": "public, max-age=60", "Vary": "Origin"}
    asking, allowed = embedding_origin(request.headers.get("origin", ""), org.origins)
    if asking and allowed:
        headers["Access-Control-Allow-Origin"] = asking
    return JSONResponse({"open": count}, headers=headers)


ROUTES = [
    Route("/w/{org}/polls", polls_list, methods=["GET"]),
    Route("/w/{org}/polls.json", open_count, methods=["GET"]),
    Route("/w/{org}/p/{poll_id}", framed_poll, methods=["GET"]),
    Route("/w/{org}/p/{poll_id}", framed_take_part, methods=["POST"]),
]
