"""The one way a ballot is taken, for the JSON API, the full pages and the badge's tab alike:
the address's budget for the poll, the poll's state, the answers' check, the voter at the
poll's identity level (participation/voters.py), then the writer — where the store itself
refuses a second ballot of the same voter. Every refusal is an IntakeError: a problem+json
answer or a page, and a `rejected` event with its reason.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

from intake_service.api.requests import client_address, runtime_of
from intake_service.appeal_input import _EMAIL
from intake_service.errors import (
    AlreadyVoted,
    IdentityRequired,
    NotFound,
    PollNotOpen,
    ValidationFailed,
)
from intake_service.participation import voters
from intake_service.participation.ballots import Cast, cast_op, checked_answers
from intake_service.participation.definition import Poll
from intake_service.participation.store import poll_by_id
from intake_service.polls.state import polls_of
from intake_service.store import now_iso
from intake_service.tokens import Citizen

VOTER_COOKIE = "pos_voter"  # the browser's voter id on the full pages (the `anyone` level)


@dataclass(frozen=True)
class Taken:
    cast: Cast
    browser_token: str | None  # the `anyone` level's voter id to keep (cookie or storage)
    email: str | None  # the e-mail level's address (the link went there)


def poll_of(request: Request) -> Poll:
    """The poll named in the path, or 404; the request's events are its organisation's."""
    poll = poll_by_id(runtime_of(request).reader, str(request.path_params.get("poll_id", "")))
    if poll is None:
        raise NotFound("detail.poll-unknown", reason="poll-unknown")
    request.state.org_id = poll.org_id
    return poll


def check_taking_part(request: Request, poll: Poll) -> None:
    """The address's budget for this poll, and the poll open now."""
    polls_of(request).check(poll.id, client_address(request))
    state = poll.state(now_iso())
    if state == "closed":
        raise PollNotOpen("detail.poll-closed", reason="poll-closed")
    if state == "upcoming":
        raise PollNotOpen("detail.poll-upcoming", reason="poll-not-yet-open")


def signed_in_citizen(request: Request, identity: Any) -> Citizen | None:
    """The citizen the identity provider vouched for: the signed token of a sign-in sent with
    the ballot (the poll page's sign-in cookie, an app's token). The cabinet's session cookie
    is scoped to /my and never reaches a ballot."""
    runtime = runtime_of(request)
    if isinstance(identity, str) and identity:
        citizen = runtime.tokens.read_identity(identity[:2000], runtime.settings.form_max_age)
        if citizen is None:
            raise IdentityRequired("detail.poll-identity-forged", reason="identity-forged")
        return citizen
    return None


def _voter(
    request: Request, poll: Poll, *, email: Any, identity: Any, browser: Any
) -> tuple[voters.Voter, str | None]:
    runtime = runtime_of(request)
    tokens = runtime.tokens
    if poll.identity == "identified":
        citizen = signed_in_citizen(request, identity)
        if citizen is None:
            raise IdentityRequired("detail.poll-identity-required", reason="identity-missing")
        issuer = runtime.settings.oidc_issuer or citizen.issuer
        return voters.by_citizen(tokens, Citizen(citizen.sub, "", None, issuer)), None
    if poll.identity == "email":
        address = email.strip() if isinstance(email, str) else ""
        if not address:
            raise ValidationFailed([("email", "field.poll-email-required", {})])
        if len(address) > 254 or not _EMAIL.match(address):
            raise ValidationFailed([("email", "field.email", {})])
        return voters.by_email(tokens, address), None
    kept = tokens.read_ballot("browser", browser[:200]) if isinstance(browser, str) else None
    browser_id = str(kept) if kept is not None else secrets.token_urlsafe(voters.BROWSER_ID_BYTES)
    return voters.by_browser(tokens, browser_id), tokens.ballot("browser", browser_id)


async def take_ballot(
    request: Request,
    poll: Poll,
    answers: Any,
    *,
    email: Any = None,
    identity: Any = None,
    browser: Any = None,
    lang: str = "ru",
    channel: str = "api",
) -> Taken:
    """Count (or hold for the e-mail link) one ballot, or raise what refuses it. A voter who
    has voted gets AlreadyVoted, carrying their own choice where the identity proves it is
    theirs (a browser's id, a sign-in) — never at the e-mail level, where anyone can type an
    address."""
    if poll.kind == "discussion":
        raise NotFound("detail.poll-unknown", reason="poll-no-ballots")
    check_taking_part(request, poll)
    ballot = checked_answers(poll, answers)
    voter, browser_token = _voter(request, poll, email=email, identity=identity, browser=browser)
    runtime = runtime_of(request)
    cast = await runtime.writer.submit(
        cast_op(
            poll,
            ballot,
            voter=voter.key,
            lang=lang,
            email=voter.email,
            request_id=getattr(request.state, "request_id", None),
            channel=channel,
        )
    )
    if cast.outcome == "duplicate":
        mine = None if poll.identity == "email" else cast.answers
        raise AlreadyVoted("detail.already-voted", reason="already-voted", answers=mine)
    if cast.outcome == "held" and runtime.forwarder is not None:
        runtime.forwarder.wake()
    return Taken(cast, browser_token, voter.email)
