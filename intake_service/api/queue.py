"""The embedded queue over HTTP: long-poll pull and acknowledgement, per organisation key."""

from __future__ import annotations

import asyncio
import contextlib
import re
import time

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from intake_service import photos
from intake_service.api.requests import authenticate, read_json, runtime_of
from intake_service.appeals import document, erased_document, load_appeals, message_id
from intake_service.errors import BadParameter, QueueOff
from intake_service.forward.embedded import ack_op, claim_op
from intake_service.forward.outbox import embedded_waiting
from intake_service.org_settings import embedded_queue_on

MAX_MESSAGES = 100
MAX_VISIBILITY = 12 * 3600.0
POLL_SECONDS = 1.0  # also wakes for messages whose visibility timeout ran out
# a query parameter: name, default, lowest, highest, whole numbers only
_Spec = tuple[str, float, float, float, bool]
_WHOLE = re.compile(r"[0-9]{1,9}")
# a number as JSON writes it (and as clients print a float: 2.5, 0.1000000000000001, 1e-05)
_DECIMAL = re.compile(r"[0-9]{1,9}(\.[0-9]{1,20})?([eE][-+]?[0-9]{1,3})?")


def _fmt(value: float) -> str:
    return f"{value:g}"


def _parameters(request: Request, specs: list[_Spec]) -> list[float]:
    """The query parameters by their specs, all checked before any is refused, so one answer
    names every parameter that is wrong and what it takes."""
    values: list[float] = []
    errors: list[tuple[str, str, dict[str, object]]] = []
    for name, default, low, high, whole in specs:
        raw = request.query_params.get(name)
        value = default
        if raw is not None:
            # numbers as JSON writes them: int() and float() alone would also take "1_0",
            # " 5", "inf" and "nan"
            form = _WHOLE if whole else _DECIMAL
            value = float(raw) if form.fullmatch(raw) else float("nan")
        if not low <= value <= high:  # NaN fails here too
            key = "parameter.whole-range" if whole else "parameter.number-range"
            errors.append((name, key, {"name": name, "low": _fmt(low), "high": _fmt(high)}))
        values.append(value)
    if errors:
        raise BadParameter(errors)
    return values


async def pull(request: Request) -> Response:
    """GET /api/v1/queue?max=N&wait=S&visibility=S — messages of the caller's organisation.

    With the organisation's embedded queue off no new messages arrive; the ones waiting when it
    was turned off are still handed out (or expire), and once none is left the pull answers
    409 `queue-off` rather than an empty list, so a consumer polling in vain is told why.
    When the service begins to stop, a waiting pull answers at once with what it has."""
    runtime = runtime_of(request)
    caller = authenticate(request)
    settings = runtime.settings
    max_messages, wait, visibility = _parameters(
        request,
        [
            ("max", 10, 1, MAX_MESSAGES, True),
            ("wait", 0.0, 0.0, settings.queue_max_wait, False),
            ("visibility", settings.queue_visibility_timeout, 1.0, MAX_VISIBILITY, False),
        ],
    )
    org_id = caller.org.id
    queued = embedded_queue_on(caller.org)
    deadline = time.monotonic() + wait
    while True:
        signal = runtime.queue_signals[org_id]
        claimed = await runtime.writer.submit(
            claim_op(
                org_id,
                runtime.directory.family(org_id),
                int(max_messages),
                visibility,
                request.state.request_id,
            )
        )
        if not claimed and not queued and not embedded_waiting(runtime.reader, org_id):
            raise QueueOff(caller.org.slug)  # nothing left, not even handed out and unacked
        remaining = deadline - time.monotonic()
        # a stopping service answers at once: the client polls again, at another node or at
        # this one once it is back (`signal` was taken before the claim, so a stop meanwhile
        # has set it or `stopping`)
        if claimed or remaining <= 0 or runtime.stopping:
            break
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(signal.wait(), timeout=min(remaining, POLL_SECONDS))

    ids = [c.appeal_id for c in claimed]
    rows = load_appeals(runtime.reader, ids)
    pictures = photos.listed_for(runtime.reader, ids, base_url=runtime.base_url(request))
    catalogue = runtime.directory.catalogue(org_id)
    messages = [
        {
            "message_id": message_id(c.appeal_id, c.message),
            "receipt": c.receipt,
            "delivery_count": c.delivery_count,
            "body": erased_document(rows[c.appeal_id])
            if c.message
            else document(rows[c.appeal_id], catalogue, pictures[c.appeal_id]),
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
        raise BadParameter([("receipts", "parameter.receipts", {"max": MAX_MESSAGES})])
    acked, unknown = await runtime.writer.submit(
        ack_op(caller.org.id, list(dict.fromkeys(receipts)), request.state.request_id)
    )
    return JSONResponse({"acked": acked, "unknown": unknown})
