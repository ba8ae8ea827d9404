"""Polls, votes and discussions in the console: the list (`/console/polls`), one poll with its
results (`/console/polls/{id}`, refreshed by polls.js from `results.json`), its CSV, closing it
early, publishing its results, and replying under a discussion's approved comments.

An operator sees the polls of their organisation and of those below it — the one rule of
`visibility.py` (`Operator.sees`); another organisation's poll answers 404 on every address
here, like a missing one. The form that makes a poll is `polls_new.py`, the moderation queue
`polls_moderation.py`.
"""

from __future__ import annotations

from datetime import datetime

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from intake_service.console import polls_moderation, polls_new
from intake_service.console.auth import Operator, audit, changing, operator_of
from intake_service.console.page import console_page
from intake_service.console.polls_results import cells, csv_text, view
from intake_service.console.state import console_of
from intake_service.errors import NotFound
from intake_service.events import EventType
from intake_service.i18n import t
from intake_service.org_settings import timezone_of
from intake_service.pages import page_language
from intake_service.participation import comments as poll_comments
from intake_service.participation import files as poll_files
from intake_service.participation.comments import REPLY_MAX, pending_count
from intake_service.participation.definition import Poll
from intake_service.participation.store import (
    close_op,
    participants_of,
    poll_by_id,
    polls_in_scope,
    publish_op,
    results,
    text_answers,
)
from intake_service.store import now_iso


def local_time(request: Request, iso: str, org_id: int) -> str:
    """A stored UTC time in the organisation's zone, the zone named: «07.12.2026 18:00 (Europe/Moscow)»."""
    zone = timezone_of(console_of(request).runtime.directory.org(org_id))
    moment = datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(zone)
    return f"{moment:%d.%m.%Y %H:%M} ({zone.key})"


def _done(request: Request, known: tuple[str, ...]) -> str:
    """The notice a change's redirect asked for: one of `known`, else none."""
    done = request.query_params.get("done", "")
    return done if done in known else ""


def visible_poll(request: Request, operator: Operator) -> Poll:
    """The path's poll, if this operator sees it; else 404, as for one that does not exist."""
    poll = poll_by_id(console_of(request).runtime.reader, str(request.path_params["poll_id"]))
    if poll is None or not operator.sees(poll.org_id):
        raise NotFound("detail.poll-unknown", reason="poll-unknown")
    return poll


def _participants(request: Request, polls: list[Poll]) -> dict[str, int]:
    """Each poll's participants: one read of their kept counts."""
    return participants_of(console_of(request).runtime.reader, [p.id for p in polls])


def _pending(request: Request, poll_id: str) -> int:
    return pending_count(console_of(request).runtime.reader, poll_id)


async def list_page(request: Request) -> Response:
    """GET /console/polls."""
    operator = operator_of(request)
    runtime = console_of(request).runtime
    lang = page_language(request)
    now = now_iso()
    polls = polls_in_scope(runtime.reader, operator.org_ids)
    counts = _participants(request, polls)
    pending = len(poll_comments.pending_in_scope(runtime.reader, operator.org_ids))
    rows = [
        {
            "id": p.id,
            "title": p.title,
            "kind": t(f"console.polls.kind.{p.kind}", lang),
            "state": t(f"console.polls.state.{p.state(now)}", lang),
            "state_key": p.state(now),
            "participants": counts.get(p.id, 0),
            "closes": local_time(request, p.ends_at, p.org_id),
            "org": runtime.directory.org(p.org_id).name,
        }
        for p in polls
    ]
    return console_page(
        request,
        operator,
        "console/polls.html",
        {"polls": rows, "pending": pending, "pending_more": pending >= poll_comments.PAGE},
        section="/console/polls",
    )


async def poll_page(request: Request) -> Response:
    """GET /console/polls/{poll_id}: the poll, its results, its comments."""
    operator = operator_of(request)
    poll = visible_poll(request, operator)
    runtime = console_of(request).runtime
    lang = page_language(request)
    now = now_iso()
    counted = results(runtime.reader, poll)
    texts = text_answers(runtime.reader, poll) if any(q.type == "text" for q in
                                                      poll.questions) else {}  # fmt: skip
    discussion = poll.kind == "discussion"
    pictures = {o.id: o.picture for q in poll.questions for o in q.options if o.picture}
    return console_page(
        request,
        operator,
        "console/poll.html",
        {
            "poll": poll,
            "kind": t(f"console.polls.kind.{poll.kind}", lang),
            "state": t(f"console.polls.state.{poll.state(now)}", lang),
            "open": poll.state(now) != "closed",
            "published": poll.results_shown(now),
            "identity": t(f"console.polls.identity.{poll.identity}", lang),
            "results_mode": t(f"console.polls.results.{poll.results}", lang),
            "opens": local_time(request, poll.opens_at, poll.org_id),
            "closes": local_time(request, poll.ends_at, poll.org_id),
            "org": runtime.directory.org(poll.org_id).name,
            "participants": counted.participants,
            "questions": view(poll, counted, texts, lang),
            "pictures": pictures,
            "documents": poll_files.documents(runtime.reader, poll.id) if discussion else [],
            "comments": poll_comments.approved(runtime.reader, poll.id) if discussion else [],
            "pending": _pending(request, poll.id) if discussion else 0,
            "reply_max": REPLY_MAX,
            "done": _done(request, ("created", "closed", "published", "replied", "reply-empty")),
            "public_url": f"{runtime.base_url(request)}/p/{poll.id}",
        },
        section="/console/polls",
    )


async def results_json(request: Request) -> Response:
    """GET /console/polls/{poll_id}/results.json: what the page's script refreshes."""
    operator = operator_of(request)
    poll = visible_poll(request, operator)
    counted = results(console_of(request).runtime.reader, poll)
    return JSONResponse(
        cells(poll, counted, page_language(request)), headers={"Cache-Control": "no-store"}
    )


async def results_csv(request: Request) -> Response:
    """GET /console/polls/{poll_id}/results.csv, recorded as an `exported` audit event."""
    operator = operator_of(request)
    poll = visible_poll(request, operator)
    runtime = console_of(request).runtime
    text, rows = csv_text(poll, results(runtime.reader, poll))
    await runtime.writer.submit(
        audit(EventType.EXPORTED, operator, org_id=poll.org_id, request=request,
              data={"poll": poll.id, "rows": rows, "complete": True})
    )  # fmt: skip
    return Response(
        text.encode(),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="poll-{poll.id}.csv"',
            "Cache-Control": "no-store",
        },
    )


async def close(request: Request) -> Response:
    """POST /console/polls/{poll_id}/close: no more ballots from now on."""
    operator, _ = await changing(request)
    poll = visible_poll(request, operator)
    await console_of(request).runtime.writer.submit(close_op(poll, operator.user.email))
    return RedirectResponse(f"/console/polls/{poll.id}?done=closed", 303)


async def publish(request: Request) -> Response:
    """POST /console/polls/{poll_id}/publish: results public now, before closing."""
    operator, _ = await changing(request)
    poll = visible_poll(request, operator)
    await console_of(request).runtime.writer.submit(publish_op(poll, operator.user.email))
    return RedirectResponse(f"/console/polls/{poll.id}?done=published", 303)


async def reply(request: Request) -> Response:
    """POST /console/polls/{poll_id}/comments/{comment_id}/reply: the organisation's answer."""
    operator, form = await changing(request)
    poll = visible_poll(request, operator)
    text = form.get("reply")
    text = text.strip() if isinstance(text, str) else ""
    done = "reply-empty"
    if text and len(text) <= REPLY_MAX and "\x00" not in text:
        saved = await console_of(request).runtime.writer.submit(
            poll_comments.reply_op(poll, request.path_params["comment_id"], reply=text,
                                   by=operator.user.email)
        )  # fmt: skip
        if not saved:
            raise NotFound("detail.poll-unknown", reason="comment-unknown")
        done = "replied"
    return RedirectResponse(f"/console/polls/{poll.id}?done={done}#comments", 303)


ROUTES = [
    Route("/console/polls", list_page, methods=["GET"]),
    *polls_new.ROUTES,
    *polls_moderation.ROUTES,
    Route("/console/polls/{poll_id}", poll_page, methods=["GET"]),
    Route("/console/polls/{poll_id}/results.json", results_json, methods=["GET"]),
    Route("/console/polls/{poll_id}/results.csv", results_csv, methods=["GET"]),
    Route("/console/polls/{poll_id}/close", close, methods=["POST"]),
    Route("/console/polls/{poll_id}/publish", publish, methods=["POST"]),
    Route("/console/polls/{poll_id}/comments/{comment_id:int}/reply", reply, methods=["POST"]),
]
