"""Plain ASGI middleware (not BaseHTTPMiddleware, whose limits Starlette's own docs list).

`RequestContext` writes the access log (uvicorn's own is off: it would print tracking tokens;
lines are written in batches, access_log.py), gives every request an id — the caller's
`X-Request-ID` if it is sane, else a new one — echoes it in the response, and adds the headers
every answer carries: no sniffing, no referrer, and a CSP that forbids everything, which API and
JSON answers never need. Once the server is shutting down (`refusing`), every new request is
answered 503 with `Connection: close`, so a client on a kept-alive connection learns to go
elsewhere instead of meeting the connection closed under its request.
"""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from intake_service.access_log import access_log
from intake_service.errors import HeadersTooLarge, Unavailable
from intake_service.ids import request_id as new_request_id

# The most header bytes a request may carry (nginx's default buffers hold 32 KiB). The HTTP parser
# (httptools) sets no limit of its own, and what reads a header later — cookies, languages,
# proxies' addresses — would otherwise work through megabytes of it on the loop.
MAX_HEADER_BYTES = 64 * 1024
STOPPING_RETRY_AFTER = 5  # seconds: a restart, or another node behind the balancer
_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# Tracking tokens are capabilities: whoever has one reads the appeal. Keep them out of logs.
# (The e-mail confirmation link and Open311's tokens/{token} are capabilities too.)
_TOKEN_PATH = re.compile(r"^(/s/|/api/v1/status/|/c/|/open311/v2/tokens/)[^/]+")


def loggable_path(path: str) -> str:
    """The path as every log may show it — the access log, the intake log's events, error
    lines: a tracking link's token replaced by "…"."""
    return _TOKEN_PATH.sub(r"\1…", path)


SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
    (b"cache-control", b"no-store"),
)


class RequestContext:
    """The one layer around the router: request id, security headers, access log — and, given
    the exception handlers, the errors too. Starlette's own stack would add two layers, each
    wrapping `send` once more (ServerErrorMiddleware, ExceptionMiddleware), for every request;
    here one `send` wrapper does all (see `ServiceApp`)."""

    def __init__(
        self,
        app: ASGIApp,
        handlers: Mapping[Any, Callable[..., Awaitable[Any]]] | None = None,
        refusing: Callable[[], bool] = lambda: False,
    ) -> None:
        self.app = app
        self.refusing = refusing
        self.handlers = {k: v for k, v in (handlers or {}).items() if k not in (500, Exception)}
        self.fallback = (handlers or {}).get(Exception)
        # what Starlette's route wrappers look up to answer an endpoint's exception in place
        self._scoped = (self.handlers, {})

    def _handler(self, exc: Exception) -> Callable[..., Awaitable[Any]] | None:
        for cls in type(exc).__mro__:
            if cls in self.handlers:
                return self.handlers[cls]
        return self.fallback

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = ""
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                incoming = value.decode("latin-1")
                break
        request_id = incoming if _SANE_ID.match(incoming) else new_request_id()
        scope.setdefault("state", {})["request_id"] = request_id
        scope["starlette.exception_handlers"] = self._scoped
        started = time.perf_counter()
        response_started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
                if access_log.enabled:
                    client = scope["client"][0] if scope.get("client") else "-"
                    access_log.add(
                        f'{client} "{scope["method"]} {loggable_path(scope["path"])}" '
                        f"{message['status']} {(time.perf_counter() - started) * 1000:.1f}ms "
                        f"request={request_id}"
                    )
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.append((b"x-request-id", request_id.encode()))
                headers.extend(h for h in SECURITY_HEADERS if h[0] not in present)
                if self.refusing():
                    headers.append((b"connection", b"close"))
                message["headers"] = headers
            await send(message)

        try:
            if self.refusing():
                raise Unavailable("stopping", retry_after=STOPPING_RETRY_AFTER)
            if sum(len(name) + len(value) for name, value in scope["headers"]) > MAX_HEADER_BYTES:
                raise HeadersTooLarge(limit=MAX_HEADER_BYTES)
            await self.app(scope, receive, send_with_headers)
        except Exception as exc:
            # what no endpoint answered: a route that does not exist or a method it does not
            # take (the router's HTTPException), or an error nobody expected (the fallback)
            handler = self._handler(exc)
            if handler is None or response_started:
                raise
            response = await handler(Request(scope, receive), exc)
            await response(scope, receive, send_with_headers)
