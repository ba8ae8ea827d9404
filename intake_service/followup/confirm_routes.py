"""The e-mail confirmation link: `GET /c/{token}` shows a page with one button, and its POST
accepts the held appeal (followup/held.py) — a mail scanner that fetches links never confirms.
A link used twice shows the appeal it filed; an expired or forged one says so; each refusal is
a `rejected` event."""

from __future__ import annotations

import time

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from intake_service.api.requests import client_address, runtime_of
from intake_service.errors import IntakeError, NotFound
from intake_service.followup.held import HeldRefused, appeal_of, check, confirm_hooks, find_held
from intake_service.form.submission import check_sender
from intake_service.lifecycle.changes import find_by_number
from intake_service.pages import page_language, render


class ConfirmRefused(IntakeError):
    status, slug, title_key = 409, "confirm-refused", "problem.confirm-refused"


def _held(request: Request) -> str:
    runtime = runtime_of(request)
    runtime.address_limiter.check(client_address(request))
    held_id = runtime.tokens.read_confirm(request.path_params["token"])
    row = find_held(runtime.reader, held_id) if held_id else None
    if row is None:
        raise NotFound("detail.confirm-unknown", reason="confirm-forged")
    request.state.org_id = row["org_id"]
    return str(held_id)


async def _refused(request: Request, refused: HeldRefused) -> Response:
    runtime = runtime_of(request)
    lang = page_language(request)
    await runtime.reject(
        request, ConfirmRefused(f"confirm.{refused.why}", reason=f"confirm-{refused.why}")
    )
    tracking = None
    if refused.number:
        row = find_by_number(runtime.reader, refused.number)
        tracking = f"/s/{runtime.tokens.tracking(row['id'])}" if row else None
    context = {"why": refused.why, "number": refused.number, "tracking": tracking}
    return render("confirm.html", lang, context, status=409 if refused.why == "reused" else 410)


async def confirm_page(request: Request) -> Response:
    runtime = runtime_of(request)
    held_id = _held(request)
    try:
        check(find_held(runtime.reader, held_id), time.time())
    except HeldRefused as refused:
        return await _refused(request, refused)
    return render("confirm.html", page_language(request), {"why": None})


async def confirm(request: Request) -> Response:
    runtime = runtime_of(request)
    lang = page_language(request)
    held_id = _held(request)
    check_sender(request)
    row = find_held(runtime.reader, held_id)
    try:
        check(row, time.time())
        appeal = appeal_of(row["payload"], runtime.directory)
        also, then = confirm_hooks(held_id)
        tracking_url = f"{runtime.base_url(request)}/s/{runtime.tokens.tracking(held_id)}"
        await runtime.file(appeal, tracking_url, also=also, then=then)
    except HeldRefused as refused:
        return await _refused(request, refused)
    return RedirectResponse(
        f"/s/{runtime.tokens.tracking(held_id)}?new=1&lang={lang}", status_code=303
    )


ROUTES = [
    Route("/c/{token}", confirm_page, methods=["GET"]),
    Route("/c/{token}", confirm, methods=["POST"]),
]
