"""The one moderation queue of discussions' comments (`/console/polls/moderation`): every
pending comment of the polls an operator sees, oldest first, shown as text. Approve it, or
reject it with a reason — required, since the author is told it by e-mail (`decide_op` records
that notice in the decision's own transaction) and on the comment's own page."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from intake_service.console.auth import Operator, changing, operator_of
from intake_service.console.page import console_page
from intake_service.console.state import console_of
from intake_service.errors import NotFound
from intake_service.i18n import t
from intake_service.org_settings import timezone_of
from intake_service.pages import page_language
from intake_service.participation import comments as poll_comments
from intake_service.participation.comments import REASON_MAX
from intake_service.participation.definition import Poll
from intake_service.participation.store import poll_by_id


def _page(
    request: Request,
    operator: Operator,
    errors: dict[int, str] | None = None,
    reasons: dict[int, str] | None = None,
    *,
    status: int = 200,
) -> Response:
    runtime = console_of(request).runtime
    queue = poll_comments.pending_in_scope(runtime.reader, operator.org_ids)
    done = request.query_params.get("done", "")
    polls: dict[str, Poll | None] = {}
    rows = []
    for comment, title in queue:
        if comment.poll_id not in polls:  # one read per poll, not per comment
            polls[comment.poll_id] = poll_by_id(runtime.reader, comment.poll_id)
        poll = polls[comment.poll_id]
        zone = timezone_of(runtime.directory.org(poll.org_id)) if poll is not None else None
        rows.append(
            {
                "comment": comment,
                "poll_title": title,
                "at": _local(comment.created_at, zone),
                # the author's address is a contact: for the poll's own organisation and the
                # admins above it, never a parent's operators (Operator.sees_contact)
                "email": comment.email
                if poll is not None and operator.sees_contact(poll.org_id)
                else "",
            }
        )
    return console_page(
        request,
        operator,
        "console/polls_moderation.html",
        {
            "queue": rows,
            "errors": errors or {},
            "reasons": reasons or {},
            "reason_max": REASON_MAX,
            "done": done if done in ("approved", "rejected", "decided") else "",
        },
        status=status,
        section="/console/polls",
    )


def _local(iso: str, zone: ZoneInfo | None) -> str:
    """A stored UTC time in the poll's organisation's zone, the zone named."""
    zone = zone or ZoneInfo("UTC")
    moment = datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(zone)
    return f"{moment:%d.%m.%Y %H:%M} ({zone.key})"


async def queue_page(request: Request) -> Response:
    """GET /console/polls/moderation."""
    return _page(request, operator_of(request))


async def decide(request: Request) -> Response:
    """POST /console/polls/moderation/{comment_id} (action approve|reject, reason)."""
    operator, form = await changing(request)
    runtime = console_of(request).runtime
    comment = poll_comments.comment_by_id(runtime.reader, request.path_params["comment_id"])
    poll = poll_by_id(runtime.reader, comment.poll_id) if comment is not None else None
    if comment is None or poll is None or not operator.sees(poll.org_id):
        raise NotFound("detail.poll-unknown", reason="comment-unknown")
    action = form.get("action")
    reason = form.get("reason")
    reason = reason.strip() if isinstance(reason, str) else ""
    lang = page_language(request)
    if action == "reject" and not reason:
        return _page(request, operator, {comment.id: t("console.polls.reason-required", lang)},
                     status=422)  # fmt: skip
    if action == "reject" and (len(reason) > REASON_MAX or "\x00" in reason):
        return _page(request, operator,
                     {comment.id: t("field.too-long", lang, max=REASON_MAX)},
                     {comment.id: reason[:REASON_MAX]}, status=422)  # fmt: skip
    if action not in ("approve", "reject"):
        return RedirectResponse("/console/polls/moderation", 303)
    decided = await runtime.writer.submit(
        poll_comments.decide_op(poll, comment.id, approve=action == "approve", reason=reason,
                                by=operator.user.email)
    )  # fmt: skip
    if decided and runtime.forwarder is not None:
        runtime.forwarder.wake()  # the author's notice goes out now
    done = ("approved" if action == "approve" else "rejected") if decided else "decided"
    return RedirectResponse(f"/console/polls/moderation?done={done}", 303)


ROUTES = [
    Route("/console/polls/moderation", queue_page, methods=["GET"]),
    Route("/console/polls/moderation/{comment_id:int}", decide, methods=["POST"]),
]
