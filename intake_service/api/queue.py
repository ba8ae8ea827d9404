"""The embedded queue over HTTP: long-poll pull and acknowledgement, per organisation key."""

from __future__ import annotations

import asyncio
import contextlib
import time

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from intake_service import photos
from intake_service.api.requests import authenticate, read_json, runtime_of
from intake_service.appeals import document, load_appeals
from intake_service.errors import ValidationFailed
from intake_service.forward.embedded import ack_op, claim_op

MAX_MESSAGES = 100
MAX_VISIBILITY = 12 * 3600.0
POLL_SECONDS = 1.0  # also wakes for messages whose visibility timeout ran out


def _number(request: Request, name: str, default: float, low: float, high: float) -> float:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not low <= value <= high:
        raise ValidationFailed([(name, "field.not-number", {})])
    return value


async def pull(request: Request) -> Response:
    """GET /api/v1/queue?max=N&wait=S&visibility=S — messages of the caller's organisation."""
    runtime = runtime_of(request)
    caller = authenticate(request)
    settings = runtime.settings
    max_messages = int(_number(request, "max", 10, 1, MAX_MESSAGES))
    wait = _number(request, "wait", 0, 0, settings.queue_max_wait)
    visibility = _number(
        request, "visibility", settings.queue_visibility_timeout, 1, MAX_VISIBILITY
    )
    org_id = caller.org.id
    deadline = time.monotonic() + wait
    while True:
        signal = runtime.queue_signals[org_id]
        claimed = await runtime.writer.submit(
            claim_op(org_id, max_messages, visibility, request.state.request_id)
        )
        remaining = deadline - time.monotonic()
        if claimed or remaining <= 0:
            break
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(signal.wait(), timeout=min(remaining, POLL_SECONDS))

    ids = [c.appeal_id for c in claimed]
    rows = load_appeals(runtime.reader, ids)
    pictures = photos.listed_for(runtime.reader, ids, base_url=runtime.base_url(request))
    catalogue = runtime.directory.catalogue(org_id)
    messages = [
        {
            "message_id": c.appeal_id,
            "receipt": c.receipt,
            "delivery_count": c.delivery_count,
            "body": document(rows[c.appeal_id], catalogue, pictures[c.appeal_id]),
        }
        for c in claimed
    ]
    return JSONResponse({"messages": messages})


async def ack(request: Request) -> Response:
    """POST /api/v1/queue/ack {"receipts": [...]}: mark messages done."""
    runtime = runtime_of(request)
    caller = authenticate(request)
    body = await read_json(request)
    receipts = body.get("receipts") if isinstance(body, dict) else None
    if (
        not isinstance(receipts, list)
        or not receipts
        or len(receipts) > MAX_MESSAGES
        or not all(isinstance(r, str) and 0 < len(r) <= 64 for r in receipts)
    ):
        raise ValidationFailed([("receipts", "field.required", {})])
    acked, unknown = await runtime.writer.submit(
        ack_op(caller.org.id, list(dict.fromkeys(receipts)), request.state.request_id)
    )
    return JSONResponse({"acked": acked, "unknown": unknown})
