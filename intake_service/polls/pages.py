"""The residents' pages of a poll, a vote or a public discussion, which work without
JavaScript: plain forms, POST, full pages.

- `GET /p/{poll_id}`: the poll (its questions, or a discussion's documents and comments), its
  times in the organisation's zone, who may take part, and its results once they may be shown;
- `POST /p/{poll_id}`: a ballot, taken by `voting.take_ballot` — the one check every channel
  shares — or a discussion's comment; the same page answers with the outcome: counted (with
  the voter's own choice), held for the e-mailed link, or refused, in words beside the fields;
- `GET /p/{poll_id}/results`: the public results an agency can link to.

The badge's framed pages (pages_framed.py) are these same pages inside its dialog: `answer`
serves both. Every refusal is an IntakeError: a readable page and a `rejected` event.
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from intake_service.api.requests import body_limited, client_address, runtime_of
from intake_service.errors import (
    AlreadyVoted,
    IntakeError,
    NotFound,
    ResultsHidden,
    ValidationFailed,
)
from intake_service.i18n import t
from intake_service.org_settings import public_contacts, timezone_of
from intake_service.pages import contact_links, local_time, other_language, page_language, render
from intake_service.participation import comments as poll_comments
from intake_service.participation.definition import Poll
from intake_service.participation.store import results
from intake_service.polls.views import (
    IDENTITY_COOKIE,
    Framing,
    answers_of,
    choice_shown,
    masked,
    poll_context,
    result_rows,
)
from intake_service.polls.voting import (
    VOTER_COOKIE,
    check_taking_part,
    poll_of,
    take_ballot,
)
from intake_service.senders import check_sender
from intake_service.store import now_iso

FORM_MAX_BYTES = 64 * 1024  # a ballot of 20 questions with free answers, or a comment
VOTER_COOKIE_SECONDS = 365 * 24 * 3600  # the browser's voter id: the `anyone` level's one vote
# The page's own POST carries our Origin (check_sender); other sites get no referrer from it.
REFERRER_POLICY = "same-origin"


def show(
    request: Request,
    poll: Poll,
    lang: str,
    *,
    framing: Framing | None = None,
    status: int = 200,
    **context: Any,
) -> Response:
    """The poll's page: framable only by the embedding origin when framed, by none else."""
    response = render(
        "poll.html",
        lang,
        poll_context(request, poll, lang, framing=framing, **context),
        status=status,
        frame_ancestors=framing.origin if framing and framing.origin else "'none'",
        referrer_policy=REFERRER_POLICY,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


async def poll_page(request: Request) -> Response:
    """GET /p/{poll_id}."""
    runtime_of(request).address_limiter.check(client_address(request))
    poll = poll_of(request)
    return show(request, poll, page_language(request))


async def read_form(request: Request) -> FormData:
    try:
        return await body_limited(request, FORM_MAX_BYTES).form(max_files=0, max_fields=200)
    except HTTPException:  # Starlette's own limits: too many fields, a file where none is
        raise ValidationFailed([("body", "field.not-object", {})]) from None


def _secure(request: Request) -> bool:
    return runtime_of(request).base_url(request).startswith("https://")


async def _ballot(
    request: Request, poll: Poll, lang: str, form: FormData, framing: Framing | None
) -> Response:
    """Take the form's ballot and show what became of it."""
    kept = form.get("voter") if framing else None
    browser = kept if isinstance(kept, str) and kept else request.cookies.get(VOTER_COOKIE)
    taken = await take_ballot(
        request,
        poll,
        answers_of(poll, form),
        email=form.get("email"),
        identity=request.cookies.get(IDENTITY_COOKIE) if framing is None else None,
        browser=browser,
        lang=lang,
        channel="badge" if framing else "page",
    )
    outcome = {
        "kind": taken.cast.outcome,
        "choice": choice_shown(poll, taken.cast.answers, lang),
        "email": masked(taken.email),
        "voter": taken.browser_token,  # the framed page's script keeps it (poll-frame.js)
    }
    response = show(request, poll, lang, framing=framing, outcome=outcome)
    if taken.browser_token is not None:
        secure = _secure(request)
        response.set_cookie(
            VOTER_COOKIE,
            taken.browser_token,
            max_age=VOTER_COOKIE_SECONDS,
            path=f"/w/{framing.org.slug}/p" if framing else "/p",
            httponly=True,
            # in the badge's frame a Lax cookie is a third party's and never sent back
            samesite="none" if framing and secure else "lax",
            secure=secure,
        )
    return response


async def _comment(
    request: Request, poll: Poll, lang: str, form: FormData, framing: Framing | None
) -> Response:
    """Post the form's comment for moderation; the author gets the link to its own page."""
    runtime = runtime_of(request)
    check_taking_part(request, poll)
    author, email, text = poll_comments.checked_comment(
        form.get("author"), form.get("email"), form.get("text")
    )
    comment_id = await runtime.writer.submit(
        poll_comments.post_op(
            poll, author=author, email=email, text=text, lang=lang,
            request_id=getattr(request.state, "request_id", None),
        )
    )  # fmt: skip
    link = f"/p/c/{runtime.tokens.ballot('comment', comment_id)}?lang={lang}"
    outcome = {"kind": "comment-sent", "link": link}
    return show(request, poll, lang, framing=framing, outcome=outcome)


def refused(
    request: Request,
    poll: Poll,
    lang: str,
    error: IntakeError,
    form: FormData | None,
    framing: Framing | None,
) -> Response:
    """The page once more, saying why: beside the fields for what to fix, above them for the
    rest (voted already — with their own choice where it is theirs to see —, closed, not yet
    open, too many tries)."""
    body = error.body(lang)
    errors = {e["field"]: e["detail"] for e in body.get("errors", [])}
    outcome = None
    if isinstance(error, AlreadyVoted):
        outcome = {
            "kind": "already",
            "choice": choice_shown(poll, error.values.get("answers"), lang),
        }
    summary = body.get("detail") or body["title"]
    if isinstance(error, ValidationFailed):  # the shared title speaks of an appeal
        summary = t("pp.fix-fields", lang)
    response = show(
        request, poll, lang, framing=framing, status=error.status, outcome=outcome,
        errors=errors, summary=summary, form=form if not isinstance(error, AlreadyVoted) else None,
    )  # fmt: skip
    response.headers.update(error.headers())
    return response


async def answer(request: Request, poll: Poll, framing: Framing | None = None) -> Response:
    """A POST to a poll's page, full or framed: a ballot or a comment, and the page again."""
    runtime = runtime_of(request)
    lang = page_language(request)
    form: FormData | None = None
    try:
        check_sender(request)
        form = await read_form(request)
        if poll.kind == "discussion":
            return await _comment(request, poll, lang, form, framing)
        return await _ballot(request, poll, lang, form, framing)
    except IntakeError as error:
        await runtime.reject(request, error)
        return refused(request, poll, lang, error, form, framing)


async def take_part(request: Request) -> Response:
    """POST /p/{poll_id}."""
    runtime_of(request).address_limiter.check(client_address(request))
    return await answer(request, poll_of(request))


async def results_page(request: Request) -> Response:
    """GET /p/{poll_id}/results: the counts the API and the console show, as bars; before they
    may be shown, a page that says when they will be (403)."""
    runtime = runtime_of(request)
    runtime.address_limiter.check(client_address(request))
    poll = poll_of(request)
    if poll.kind == "discussion":  # comments, not counts
        raise NotFound("detail.poll-unknown", reason="poll-no-results")
    lang = page_language(request)
    org = runtime.directory.org(poll.org_id)
    zone = timezone_of(org)
    context: dict[str, Any] = {
        "poll": poll,
        "org": org,
        "closes": local_time(poll.ends_at, zone, lang),
        "other": other_language(request, lang),
        "framing": None,
        "contacts": contact_links(public_contacts(org)),
        "poll_url": f"/p/{poll.id}?lang={lang}",
        "hidden": None,
        "results": None,
    }
    status = 200
    if not poll.results_shown(now_iso()):
        error = ResultsHidden("detail.results-hidden", reason="results-hidden")
        await runtime.reject(request, error)
        context["hidden"] = error.body(lang)
        status = error.status
    else:
        counted = results(runtime.reader, poll)
        context["results"] = result_rows(poll, counted, lang)
        context["participants"] = counted.participants
        context["state"] = poll.state(now_iso())
    response = render("poll_results.html", lang, context, status=status)
    response.headers["Cache-Control"] = "no-store"
    return response


ROUTES = [
    Route("/p/{poll_id}", poll_page, methods=["GET"]),
    Route("/p/{poll_id}", take_part, methods=["POST"]),
    Route("/p/{poll_id}/results", results_page, methods=["GET"]),
]
