"""POST /api/v1/appeals/{appeal}/status and /answer: an agency's own system moves an appeal or
answers it with the organisation's API key (followup/replies.py does the work)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from intake_service.api.requests import authenticate, client_address, read_json, runtime_of
from intake_service.followup.replies import check_reply, reply_op
from intake_service.lifecycle.changes import Actor


def idempotency_key(request: Request) -> str | None:
    raw = request.headers.get("idempotency-key")
    return raw.strip().strip('"') if raw is not None else None


async def _reply(request: Request, kind: str) -> Response:
    runtime = runtime_of(request)
    caller = authenticate(request)
    parsed = await read_json(request)
    reply = check_reply(kind, request.path_params["appeal"], parsed, idempotency_key(request))
    actor = Actor(
        email=f"api:{caller.key_id}",
        request_id=request.state.request_id,
        remote_addr=client_address(request),
    )
    org_ids = runtime.directory.family(caller.org.id)
    response, replayed = await runtime.writer.submit(
        reply_op(reply, org_ids, caller.org.id, actor, runtime.deadlines.forward_due)
    )
    if not replayed and runtime.forwarder is not None:
        runtime.forwarder.wake()  # the citizen's e-mail waits in the outbox
    headers = {"Idempotent-Replayed": "true"} if replayed else {}
    return JSONResponse(response, headers=headers)


async def status(request: Request) -> Response:
    return await _reply(request, "status")


async def answer(request: Request) -> Response:
    return await _reply(request, "answer")
