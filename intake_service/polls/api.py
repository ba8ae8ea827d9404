"""The polls' JSON API under /api/v1/polls, for apps (such as «Госуслуги. Решаем вместе») and
agencies' own systems; documented in /openapi.json.

Creating, closing and publishing take the organisation's key, as filing an appeal does: a key
acts on its organisation's polls and those of the organisations below it, and a poll outside
answers 404 like a missing one. Reading what is open, a poll's questions and (once they may be
shown) its results are public — they are what the badge shows anyone. Ballots and comments are
public too, at the poll's identity level (voting.py).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from intake_service.api.requests import authenticate, client_address, read_json, runtime_of
from intake_service.errors import NotFound, ResultsHidden
from intake_service.ids import uuid7
from intake_service.pages import page_language
from intake_service.participation import comments as poll_comments
from intake_service.participation.definition import Poll, checked
from intake_service.participation.store import (
    close_op,
    create_op,
    publish_op,
    results,
    shown_on_badge,
)
from intake_service.polls.voting import check_taking_part, poll_of, take_ballot
from intake_service.store import now_iso

_NO_STORE = {"Cache-Control": "no-store"}


def poll_view(poll: Poll, base_url: str, now: str) -> dict[str, Any]:
    """A poll as the API and the badge show it: what anyone may read."""
    return {
        "id": poll.id,
        "kind": poll.kind,
        "title": poll.title,
        "description": poll.description,
        "identity": poll.identity,
        "opens_at": poll.opens_at,
        "closes_at": poll.ends_at,
        "state": poll.state(now),
        "results": poll.results,
        "results_shown": poll.results_shown(now),
        "url": f"{base_url}/p/{poll.id}",
        "questions": [
            {
                "id": q.id,
                "type": q.type,
                "text": q.text,
                **({"max_choices": q.max_choices} if q.type == "multiple" else {}),
                "options": [
                    {
                        "id": o.id,
                        "title": o.title,
                        "description": o.description,
                        **({"picture": f"{base_url}/p/{poll.id}/files/{o.picture}"}
                           if o.picture is not None else {}),
                    }
                    for o in q.options
                ],
            }
            for q in poll.questions
        ],
    }  # fmt: skip


def _own_poll(request: Request) -> Poll:
    """The path's poll, if the key's organisation is its own or above it; else 404."""
    caller = authenticate(request)
    poll = poll_of(request)
    if poll.org_id not in runtime_of(request).directory.family(caller.org.id):
        request.state.org_id = caller.org.id
        raise NotFound("detail.poll-unknown", reason="poll-of-another-organisation")
    return poll


async def create_poll(request: Request) -> Response:
    """POST /api/v1/polls (the organisation's key): 201 with the poll's id and page."""
    runtime = runtime_of(request)
    caller = authenticate(request)
    document = await read_json(request)
    poll = checked(
        document, poll_id=uuid7(), org_id=caller.org.id, created_by=f"key:{caller.key_id}",
        now=now_iso(), sign_in=bool(runtime.settings.oidc_issuer),
    )  # fmt: skip
    await runtime.writer.submit(create_op(poll))
    base = runtime.base_url(request)
    return JSONResponse(
        {"id": poll.id, "url": f"{base}/p/{poll.id}"},
        status_code=201,
        headers={"Location": f"/api/v1/polls/{poll.id}"},
    )


async def close_poll(request: Request) -> Response:
    """POST /api/v1/polls/{poll_id}/close: closed now (results publish themselves)."""
    poll = _own_poll(request)
    runtime = runtime_of(request)
    closed = await runtime.writer.submit(close_op(poll, f"key:{request.state.org_id}"))
    state = "closed" if closed or poll.state(now_iso()) == "closed" else poll.state(now_iso())
    return JSONResponse({"id": poll.id, "state": state}, headers=_NO_STORE)


async def publish_poll(request: Request) -> Response:
    """POST /api/v1/polls/{poll_id}/publish: its results shown now, before closing."""
    poll = _own_poll(request)
    await runtime_of(request).writer.submit(publish_op(poll, f"key:{request.state.org_id}"))
    return JSONResponse({"id": poll.id, "results_shown": True}, headers=_NO_STORE)


async def list_polls(request: Request) -> Response:
    """GET /api/v1/polls?org=SLUG: what that organisation's badge shows open now."""
    runtime = runtime_of(request)
    runtime.address_limiter.check(client_address(request))
    slug = request.query_params.get("org", "")[:64]
    org = runtime.directory.org_by_slug(slug) if slug else None
    if org is None:
        raise NotFound("detail.org-unknown", reason="org-unknown", org=slug[:40])
    now = now_iso()
    base = runtime.base_url(request)
    polls = [
        poll_view(p, base, now) for p in shown_on_badge(runtime.reader, runtime.directory, org.id)
    ]
    return JSONResponse({"org": org.slug, "polls": polls}, headers=_NO_STORE)


async def get_poll(request: Request) -> Response:
    """GET /api/v1/polls/{poll_id}: its questions and options, its state."""
    runtime = runtime_of(request)
    runtime.address_limiter.check(client_address(request))
    poll = poll_of(request)
    return JSONResponse(poll_view(poll, runtime.base_url(request), now_iso()), headers=_NO_STORE)


def results_view(request: Request, poll: Poll) -> dict[str, Any]:
    """The results anyone may read once shown, as the public page and the CSV count them."""
    if not poll.results_shown(now_iso()):
        raise ResultsHidden("detail.results-hidden", reason="results-hidden")
    counted = results(runtime_of(request).reader, poll)
    return {"id": poll.id, "participants": counted.participants, "questions": counted.questions}


async def get_results(request: Request) -> Response:
    """GET /api/v1/polls/{poll_id}/results: counts per option, and participants."""
    runtime_of(request).address_limiter.check(client_address(request))
    return JSONResponse(results_view(request, poll_of(request)), headers=_NO_STORE)


async def vote(request: Request) -> Response:
    """POST /api/v1/polls/{poll_id}/votes: 201 counted, 202 held for the e-mailed link, 409 a
    second vote of the same person (nothing counted)."""
    runtime = runtime_of(request)
    runtime.address_limiter.check(client_address(request))
    poll = poll_of(request)
    body = await read_json(request)
    if not isinstance(body, dict):
        body = {"answers": body}
    taken = await take_ballot(
        request,
        poll,
        body.get("answers"),
        email=body.get("email"),
        identity=body.get("identity"),
        browser=body.get("voter"),
        lang=page_language(request),
        channel="api",
    )
    answer: dict[str, Any] = {"poll": poll.id, "status": taken.cast.outcome}
    if taken.browser_token is not None:
        answer["voter"] = taken.browser_token  # send it with the next ballot: one per browser
    return JSONResponse(answer, status_code=201 if taken.cast.outcome == "counted" else 202,
                        headers=_NO_STORE)  # fmt: skip


async def list_comments(request: Request) -> Response:
    """GET /api/v1/polls/{poll_id}/comments: a discussion's approved comments and replies."""
    runtime = runtime_of(request)
    runtime.address_limiter.check(client_address(request))
    poll = poll_of(request)
    shown = poll_comments.approved(runtime.reader, poll.id)
    return JSONResponse(
        {
            "poll": poll.id,
            "comments": [
                {"id": c.id, "author": c.author, "text": c.text, "at": c.created_at,
                 "reply": c.reply}
                for c in shown
            ],
        },
        headers=_NO_STORE,
    )  # fmt: skip


async def post_comment(request: Request) -> Response:
    """POST /api/v1/polls/{poll_id}/comments: 202, waiting for moderation."""
    runtime = runtime_of(request)
    runtime.address_limiter.check(client_address(request))
    poll = poll_of(request)
    if poll.kind != "discussion":
        raise NotFound("detail.poll-unknown", reason="poll-no-comments")
    body = await read_json(request)
    body = body if isinstance(body, dict) else {}
    check_taking_part(request, poll)
    author, email, text = poll_comments.checked_comment(
        body.get("author"), body.get("email"), body.get("text")
    )
    comment_id = await runtime.writer.submit(
        poll_comments.post_op(
            poll, author=author, email=email, text=text, lang=page_language(request),
            request_id=getattr(request.state, "request_id", None),
        )
    )  # fmt: skip
    return JSONResponse(
        {"poll": poll.id, "comment": comment_id, "status": "pending"},
        status_code=202,
        headers=_NO_STORE,
    )


ROUTES = [
    Route("/api/v1/polls", create_poll, methods=["POST"], name="create_poll"),
    Route("/api/v1/polls", list_polls, methods=["GET"], name="list_polls"),
    Route("/api/v1/polls/{poll_id}", get_poll, methods=["GET"], name="get_poll"),
    Route("/api/v1/polls/{poll_id}/close", close_poll, methods=["POST"], name="close_poll"),
    Route("/api/v1/polls/{poll_id}/publish", publish_poll, methods=["POST"], name="publish_poll"),
    Route("/api/v1/polls/{poll_id}/results", get_results, methods=["GET"], name="poll_results"),
    Route("/api/v1/polls/{poll_id}/votes", vote, methods=["POST"], name="poll_vote"),
    Route("/api/v1/polls/{poll_id}/comments", list_comments, methods=["GET"], name="poll_comments"),
    Route("/api/v1/polls/{poll_id}/comments", post_comment, methods=["POST"], name="poll_comment"),
]
