"""The one error handler: every refusal becomes an RFC 9457 problem+json answer in the caller's
language (the `?lang=` asked for, else Accept-Language), and every refusal of an `IntakeError` is
written to the intake log as `rejected`.

A capability whose protocol has an error shape of its own (Open311: open311/problems.py) has
its refusals answered in it under its path prefix: `create_app` registers the shape here
(`answer_under`), so that the one handler does not import the capabilities it answers for
(pyproject.toml, [tool.importlinter])."""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from intake_service.errors import (
    BadForm,
    IntakeError,
    MethodNotAllowed,
    NotFound,
    SignInRequired,
    Unavailable,
)
from intake_service.middleware import loggable_path
from intake_service.pages import page_language, render, wants_html

log = logging.getLogger("pos_intake")
PROBLEM_JSON = "application/problem+json"
# a refusal in a protocol's own shape: (the error, the request, the language) → the answer
ErrorShape = Callable[[IntakeError, Request, str], Response]
_shapes: dict[str, ErrorShape] = {}  # path prefix, with its closing "/" → shape


def answer_under(prefix: str, shape: ErrorShape) -> None:
    """Refusals of requests under `prefix` are answered in `shape` instead of problem+json."""
    _shapes[prefix.rstrip("/") + "/"] = shape


def _own_shape(request: Request) -> ErrorShape | None:
    path = request.url.path
    return next((shape for prefix, shape in _shapes.items() if path.startswith(prefix)), None)


def problem_response(error: IntakeError, request: Request) -> Response:
    # An explicit `?lang=` (the form posts to its own language) wins over Accept-Language, so
    # that one form speaks one language in its page and in its errors.
    lang = page_language(request)
    body = error.body(lang)
    body["instance"] = request.url.path
    request_id = getattr(request.state, "request_id", None)
    if request_id:
        body["request_id"] = request_id
    return Response(
        json.dumps(body, ensure_ascii=False),
        status_code=error.status,
        media_type=PROBLEM_JSON,
        headers={**error.headers(), "Content-Language": lang},
    )


def error_page(error: IntakeError, request: Request) -> Response:
    """The same problem as a page, for a person whose browser asked for HTML."""
    lang = page_language(request)
    body = error.body(lang)
    response = render(
        "error.html",
        lang,
        {"title": body["title"], "detail": body.get("detail", "")},
        status=error.status,
    )
    response.headers.update(error.headers())
    return response


def respond(error: IntakeError, request: Request) -> Response:
    if (shape := _own_shape(request)) is not None:
        return shape(error, request, page_language(request))
    # a form a browser sent after its session ran out lands on the sign-in page too (303: the
    # sign-in page is read with GET), which sends it back to the form's page afterwards
    browsing = wants_html(request) and (
        request.method in ("GET", "HEAD") or isinstance(error, SignInRequired)
    )
    if isinstance(error, SignInRequired) and browsing:
        return RedirectResponse(error.location, 303)
    if wants_html(request):
        return error_page(error, request)
    return problem_response(error, request)


async def handle_intake_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, IntakeError)
    response = respond(exc, request)
    if exc.logged:
        await request.app.state.runtime.reject(request, exc, status=response.status_code)
    return response


async def handle_http_exception(request: Request, exc: Exception) -> Response:
    """Routing misses (404, 405): answered as problems, not logged — scanners are not appeals."""
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405:
        error: IntakeError = MethodNotAllowed()
        response = (
            respond(error, request) if _own_shape(request) else problem_response(error, request)
        )
        if exc.headers and "Allow" in exc.headers:
            response.headers["Allow"] = exc.headers["Allow"]
        return response
    if exc.status_code == 404:
        return respond(NotFound("detail.no-route", path=request.url.path), request)
    if exc.status_code == 400:
        # Starlette's form parser refusing a body (a part past max_part_size, too many fields,
        # broken framing): the client's error, logged as rejected like every other refusal
        return await handle_intake_error(request, BadForm(reason="bad-form"))
    error = IntakeError()
    error.status = exc.status_code
    return respond(error, request) if _own_shape(request) else problem_response(error, request)


async def handle_unexpected(request: Request, exc: Exception) -> Response:
    log.exception(
        "unexpected error on %s %s", request.method, loggable_path(request.url.path), exc_info=exc
    )
    if _own_shape(request):
        return respond(IntakeError(), request)
    return problem_response(IntakeError(), request)


async def handle_storage_error(request: Request, exc: Exception) -> Response:
    """The database could not be read or written (PostgreSQL unreachable, a lock held too
    long): 503 with Retry-After, as when the writer itself fails — the client sends again."""
    log.warning(
        "storage unavailable on %s %s: %s", request.method, loggable_path(request.url.path), exc
    )
    return await handle_intake_error(request, Unavailable("storage"))


EXCEPTION_HANDLERS = {
    IntakeError: handle_intake_error,
    sqlite3.OperationalError: handle_storage_error,
    HTTPException: handle_http_exception,
    Exception: handle_unexpected,
}
