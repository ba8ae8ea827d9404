"""The pages the polls' e-mails link to.

- `GET /v/{token}`: a held ballot's confirmation — a page with ONE button, because mail
  scanners fetch every link in a letter and a GET must count nothing; `POST /v/{token}` counts
  it (`participation.ballots.confirm_op`) and shows the voter's own choice, or says the link
  has run out. As the appeal's confirmation (followup/confirm_routes.py) and following
  (followup/follows.py) do.
- `GET /p/c/{token}`: a comment's author's own page — their comment in any state, the
  moderator's reason when it was rejected, the organisation's reply.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from intake_service.api.requests import client_address, runtime_of
from intake_service.errors import IntakeError, NotFound
from intake_service.pages import other_language, page_language, render
from intake_service.participation import comments as poll_comments
from intake_service.participation.ballots import CONFIRM_HOURS, confirm_op, poll_of_ballot
from intake_service.participation.definition import Poll
from intake_service.participation.store import poll_by_id
from intake_service.polls.views import choice_shown
from intake_service.senders import check_sender


class LinkExpired(IntakeError):
    """A confirmation link whose ballot is gone or ran out: nothing counted."""

    status, slug, title_key = 410, "link-expired", "problem.poll-link-expired"


def _held(request: Request) -> tuple[Poll, int]:
    """The poll and ballot a confirmation link names, or 404 (forged, or past its time)."""
    runtime = runtime_of(request)
    runtime.address_limiter.check(client_address(request))
    token = request.path_params["token"][:500]
    ballot_id = runtime.tokens.read_ballot("confirm", token, CONFIRM_HOURS * 3600)
    poll_id = poll_of_ballot(runtime.reader, ballot_id) if isinstance(ballot_id, int) else None
    poll = poll_by_id(runtime.reader, poll_id) if poll_id is not None else None
    if poll is None or not isinstance(ballot_id, int):
        raise LinkExpired("detail.poll-link-expired", reason="vote-link-unknown")
    request.state.org_id = poll.org_id
    return poll, ballot_id


def _page(request: Request, poll: Poll | None, status: int = 200, **context: Any) -> Response:
    lang = page_language(request)
    response = render(
        "poll_confirm.html",
        lang,
        {
            "poll": poll,
            "poll_url": f"/p/{poll.id}?lang={lang}" if poll else None,
            "other": other_language(request, lang),
            "done": None,
            "choice": [],
            "problem": None,
            **context,
        },
        status=status,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


async def confirm_page(request: Request) -> Response:
    """GET /v/{token}: one button; a scanner's fetch counts nothing."""
    try:
        poll, _ballot = _held(request)
    except LinkExpired as error:
        await runtime_of(request).reject(request, error)
        return _page(request, None, error.status, problem=error.body(page_language(request)))
    return _page(request, poll)


async def confirm(request: Request) -> Response:
    """POST /v/{token}: the held ballot counted, with the voter's choice shown back."""
    runtime = runtime_of(request)
    lang = page_language(request)
    poll: Poll | None = None
    try:
        poll, ballot_id = _held(request)
        check_sender(request)
        cast = await runtime.writer.submit(
            confirm_op(poll, ballot_id, request_id=getattr(request.state, "request_id", None))
        )
        if cast is None:
            raise LinkExpired("detail.poll-link-expired", reason="vote-link-expired")
    except IntakeError as error:
        await runtime.reject(request, error)
        return _page(request, poll, error.status, problem=error.body(lang))
    done = "counted" if cast.outcome == "counted" else "already"
    return _page(request, poll, done=done, choice=choice_shown(poll, cast.answers, lang))


async def comment_page(request: Request) -> Response:
    """GET /p/c/{token}: the author's comment, in whatever state moderation left it."""
    runtime = runtime_of(request)
    runtime.address_limiter.check(client_address(request))
    lang = page_language(request)
    comment_id = runtime.tokens.read_ballot("comment", request.path_params["token"][:500])
    comment = (
        poll_comments.comment_by_id(runtime.reader, comment_id)
        if isinstance(comment_id, int)
        else None
    )
    poll = poll_by_id(runtime.reader, comment.poll_id) if comment is not None else None
    if comment is None or poll is None:
        raise NotFound("detail.poll-comment-unknown", reason="comment-link-unknown")
    request.state.org_id = poll.org_id
    response = render(
        "poll_comment.html",
        lang,
        {
            "poll": poll,
            "comment": comment,
            "poll_url": f"/p/{poll.id}?lang={lang}",
            "other": other_language(request, lang),
        },
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


ROUTES = [
    Route("/v/{token}", confirm_page, methods=["GET"]),
    Route("/v/{token}", confirm, methods=["POST"]),
    Route("/p/c/{token}", comment_page, methods=["GET"]),
]
