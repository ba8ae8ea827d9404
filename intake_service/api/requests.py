"""What every API request goes through before its own handler: the address limit, the key, the
key's limit, and a JSON body read with a size limit. Each step raises the IntakeError that names
its refusal, so the handlers stay about their own work."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request

from intake_service.directory import Caller
from intake_service.errors import BadJSON, PayloadTooLarge, UnsupportedMediaType
from intake_service.runtime import Runtime


def runtime_of(request: Request) -> Runtime:
    return request.app.state.runtime


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def authenticate(request: Request) -> Caller:
    """Limit by address, then resolve the Bearer key, then limit by key."""
    runtime = runtime_of(request)
    runtime.address_limiter.check(client_address(request))
    caller = runtime.directory.authenticate(request.headers.get("authorization"))
    request.state.org_id = caller.org.id
    runtime.key_limiter.check(caller.key_id)
    return caller


async def read_json(request: Request) -> Any:
    runtime = runtime_of(request)
    limit = runtime.settings.max_body_bytes
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json" and not (
        media_type.startswith("application/") and media_type.endswith("+json")
    ):
        raise UnsupportedMediaType("detail.media-type", got=media_type or "(none)")
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge("detail.too-large", limit=limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge("detail.too-large", limit=limit)
        chunks.append(chunk)
    raw = b"".join(chunks)
    try:
        return json.loads(raw)
    except UnicodeDecodeError:
        raise BadJSON("detail.bad-json", error="not UTF-8") from None
    except json.JSONDecodeError as exc:
        raise BadJSON(
            "detail.bad-json", error=f"{exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
