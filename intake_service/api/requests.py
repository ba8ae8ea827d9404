"""What every API request goes through before its own handler: the address limit, the key, the
key's limit, and a JSON body read with a size limit. Each step raises the IntakeError that names
its refusal, so the handlers stay about their own work. Also the path type every router's row
numbers use (`ROW_ID`), here rather than in ids.py so that the store, which takes ids from
there, loads nothing of HTTP (pyproject.toml, [tool.importlinter])."""

from __future__ import annotations

import json
from typing import Any

from starlette.convertors import Convertor, register_url_convertor
from starlette.requests import Request
from starlette.types import Message

from intake_service.directory import Caller
from intake_service.errors import BadJSON, PayloadTooLarge, UnsupportedMediaType
from intake_service.ids import WHOLE_NUMBER, whole_number
from intake_service.runtime import Runtime


class RowId(Convertor[int]):
    """A row's number in a path (`{user_id:row_id}`), as `whole_number` reads one: Starlette's
    `int` takes any number of digits."""

    regex = WHOLE_NUMBER

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(value)


ROW_ID = "row_id"  # the convertor's name, for the routes' paths
register_url_convertor(ROW_ID, RowId())


def runtime_of(request: Request) -> Runtime:
    return request.app.state.runtime


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def authenticate(request: Request, api_key: str | None = None) -> Caller:
    """Limit by address, then resolve the Bearer key (or `api_key`, as Open311 sends it in
    its parameters), then limit by key."""
    runtime = runtime_of(request)
    runtime.address_limiter.check(client_address(request))
    authorization = f"Bearer {api_key}" if api_key else request.headers.get("authorization")
    caller = runtime.directory.authenticate(authorization)
    request.state.org_id = caller.org.id
    runtime.key_limiter.check(caller.key_id)
    return caller


def declared_length(request: Request) -> int | None:
    """The Content-Length the client declared, if it is one: ASCII digits only (`str.isdigit`
    also takes '²' and other Unicode digits, on which `int()` fails)."""
    declared = request.headers.get("content-length", "").strip()
    return whole_number(declared)


def body_limited(request: Request, limit: int) -> Request:
    """The request with a body that may not grow past `limit` bytes, however it is framed.

    A declared Content-Length over the limit is refused at once; otherwise the bytes are counted
    as they arrive, and the read that passes the limit raises PayloadTooLarge — so a chunked body
    is never read (or spooled to disk by the multipart parser) further than the limit."""
    declared = declared_length(request)
    if declared is not None and declared > limit:
        raise PayloadTooLarge("detail.too-large", limit=limit)
    receive = request.receive
    received = 0

    async def counting() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise PayloadTooLarge("detail.too-large", limit=limit)
        return message

    return Request(request.scope, counting)


def _not_json(constant: str) -> Any:
    """Python's parser takes Infinity, -Infinity and NaN, which JSON's grammar has not (RFC
    8259): refused as the client's error, not handed to a check that does arithmetic on them."""
    raise ValueError(f"{constant} is not a JSON value")


async def read_json(request: Request) -> Any:
    runtime = runtime_of(request)
    limit = runtime.settings.max_body_bytes
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json" and not (
        media_type.startswith("application/") and media_type.endswith("+json")
    ):
        raise UnsupportedMediaType("detail.media-type", got=media_type or "(none)")
    raw = await body_limited(request, limit).body()
    try:
        parsed = json.loads(raw, parse_constant=_not_json)
        # JSON may escape half of a surrogate pair ("\ud800"), which no UTF-8 text can hold:
        # refused here, not at the first place that encodes it (the database, an answer)
        json.dumps(parsed, ensure_ascii=False).encode()
    except UnicodeError:
        raise BadJSON("detail.bad-json", error="not UTF-8") from None
    except json.JSONDecodeError as exc:
        raise BadJSON(
            "detail.bad-json", error=f"{exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    except RecursionError:
        # a body of nested arrays or objects deeper than the parser's stack: the client's error
        raise BadJSON("detail.bad-json", error="nested too deeply") from None
    except ValueError as exc:
        # what the parser refuses beyond its grammar: an integer past Python's 4,300 digits,
        # Infinity and NaN
        raise BadJSON("detail.bad-json", error=str(exc)[:200]) from None
    if _depth_exceeds(parsed, MAX_DEPTH):
        raise BadJSON("detail.bad-json", error=f"nested deeper than {MAX_DEPTH} levels")
    return parsed


# No document this service takes nests deeper than a few levels (an appeal's contact, a
# question's list of answers); a deeper one is refused before any handler walks it recursively.
MAX_DEPTH = 32


def _depth_exceeds(value: Any, limit: int) -> bool:
    """Whether `value` nests containers deeper than `limit`, found without recursion."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False
