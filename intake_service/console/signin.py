"""Signing in and out of the console, and choosing one's own password.

Sign-in is throttled per client address (every attempt) and per account (failures: after
`POS_CONSOLE_SIGNIN_ACCOUNT` within 15 minutes the account is locked for the rest of them; each
attempt is counted before its password is checked, console/lockout.py), answers the same words
for an unknown e-mail and a wrong password, and checks the argon2 hash on a thread so that the
event loop keeps serving intake. The e-mail is read once, by `accounts.normal_email`, for both
the lookup and the count. Each outcome is an audit event.
"""

from __future__ import annotations

import asyncio
import math
import time
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from intake_service.api.requests import body_limited, client_address
from intake_service.console.accounts import (
    AccountError,
    find_user,
    hash_password,
    normal_email,
    password_matches,
    password_problem,
    set_password,
)
from intake_service.console.auth import audit, changing, operator_of, same_site
from intake_service.console.page import console_page
from intake_service.console.sessions import (
    COOKIE,
    end_session_op,
    new_session,
    store_session_op,
    touch_op,
)
from intake_service.console.state import LOCKOUT_SECONDS, console_of
from intake_service.errors import CsrfFailed, RateLimited, SignInRequired
from intake_service.events import EventType
from intake_service.i18n import LANGUAGES, t
from intake_service.pages import page_language

MAX_EMAIL_SHOWN = 64  # of an over-long e-mail, what the page and the audit event repeat


def _safe_next(raw: object) -> str:
    """Only a console path of this service: never another host, never `//evil` nor `/\\evil`
    (browsers read a backslash as a slash), never a path that only starts like the console's
    (`/console-old`), nothing a browser would trim or read past (spaces, control characters)."""
    if not isinstance(raw, str) or len(raw) > 2000:
        return "/console"
    if "\\" in raw or any(ch <= " " or ch == "\x7f" for ch in raw):
        return "/console"
    parts = urlsplit(raw)
    console = parts.path == "/console" or parts.path.startswith("/console/")
    if parts.scheme or parts.netloc or not console:
        return "/console"
    return raw


def _signin_page(
    request: Request, *, email: str = "", error: str | None = None, status: int = 200
) -> Response:
    next_path = _safe_next(request.query_params.get("next") or "/console")
    return console_page(
        request,
        None,
        "console/signin.html",
        {
            "email": email,
            "error": error,
            "next": next_path,
            "signed_out": request.query_params.get("out") == "1",
            "expired": request.query_params.get("expired") == "1",
        },
        status=status,
    )


async def signin_form(request: Request) -> Response:
    """GET /console/signin — the sign-in page (or straight on, for someone signed in)."""
    try:
        operator_of(request, password_change=True)
    except SignInRequired:
        return _signin_page(request)
    return RedirectResponse(_safe_next(request.query_params.get("next")), 303)


def _start_session(request: Request, response: Response, cookie: str) -> None:
    response.set_cookie(
        COOKIE,
        cookie,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/console",
    )


async def signin(request: Request) -> Response:
    """POST /console/signin (email, password, next)."""
    console = console_of(request)
    runtime = console.runtime
    lang = page_language(request)
    address = client_address(request)
    form = await body_limited(request, 8192).form(max_files=0, max_fields=5, max_part_size=4096)
    raw_email = str(form.get("email") or "")
    password = str(form.get("password") or "")[:1024]
    if form.get("lang") in LANGUAGES:  # the language the sign-in page was read in
        lang = str(form.get("lang"))
    if not same_site(request):
        raise CsrfFailed("detail.csrf", reason="csrf")
    try:  # the one normal form, which both the lockout and the account lookup go by
        email = normal_email(raw_email)
    except AccountError:
        email = None
    user = find_user(runtime.reader, email) if email else None
    org_id = user.org_id if user else None

    async def refused(reason: str, message: str, status: int) -> Response:
        shown = email if email is not None else raw_email[:MAX_EMAIL_SHOWN] + "…"
        await runtime.writer.submit(
            audit(
                EventType.SIGNIN_FAILED,
                None,
                org_id=org_id,
                request=request,
                reason=reason,
                data={"email": shown},
            )
        )
        return _signin_page(request, email=shown, error=message, status=status)

    try:
        console.signin_limiter.check(address)
    except RateLimited as limited:
        minutes = max(1, math.ceil(limited.retry_after / 60))
        response = await refused(
            "throttled", t("console.signin.throttled", lang, minutes=minutes), 429
        )
        response.headers["Retry-After"] = str(limited.retry_after)
        return response
    if email is None:
        return await refused("email-too-long", t("console.signin.email-too-long", lang), 422)
    # Counted before the password is checked, on the account whatever spelling found it: the
    # check takes tens of milliseconds on a thread, and attempts sent together must not all
    # pass a count that none of them has added to yet (console/lockout.py).
    attempt = console.lockout.reserve(user.id if user else email) if email else None
    if email and attempt is None:
        return await refused("locked", _locked(lang), 429)
    matches = await asyncio.to_thread(
        password_matches, user.password_hash if user else None, password
    )
    if user is None or not matches or user.disabled:
        # the reserved attempt stays: it is the failure
        reason = "unknown-user" if user is None else "disabled" if user.disabled else "bad-password"
        return await refused(reason, t("console.signin.failed", lang), 401)
    assert attempt is not None
    console.lockout.succeeded(attempt)
    cookie, csrf = new_session()
    remote = request.client.host if request.client else None
    store = store_session_op(cookie, csrf, user.id, remote, lang)
    record = audit(
        EventType.SIGNED_IN, None, org_id=user.org_id, request=request, data={"by": user.email}
    )
    await runtime.writer.submit(lambda conn: (store(conn), record(conn)))  # one transaction
    target = "/console/password" if user.must_change else _safe_next(form.get("next"))
    response = RedirectResponse(target, 303)
    _start_session(request, response, cookie)
    return response


async def signout(request: Request) -> Response:
    """POST /console/signout — ends this session for good."""
    operator, _ = await changing(request, password_change=True)
    runtime = console_of(request).runtime
    end = end_session_op(operator.session.id_hash)
    record = audit(EventType.SIGNED_OUT, operator, org_id=operator.user.org_id, request=request)
    await runtime.writer.submit(lambda conn: (end(conn), record(conn)))  # one transaction
    response = RedirectResponse("/console/signin?out=1", 303)
    response.delete_cookie(COOKIE, path="/console")
    return response


def _password_page(
    request: Request, operator, *, error: str | None = None, status: int = 200
) -> Response:
    return console_page(
        request,
        operator,
        "console/password.html",
        {"error": error, "one_time": operator.user.must_change},
        status=status,
    )


async def password_form(request: Request) -> Response:
    """GET /console/password."""
    return _password_page(request, operator_of(request, password_change=True))


def _locked(lang: str) -> str:
    """What a locked account is told, on the sign-in page and the password page alike."""
    return t("console.signin.throttled", lang, minutes=LOCKOUT_SECONDS // 60)


async def change_password(request: Request) -> Response:
    """POST /console/password (current, new, repeat): every other session of the account ends;
    this one is replaced by a fresh one."""
    operator, form = await changing(request, password_change=True)
    console = console_of(request)
    runtime = console.runtime
    lang = page_language(request)
    # guesses of the current password cost an argon2 hash each: the sign-in budget applies
    console.signin_limiter.check(client_address(request))
    current = str(form.get("current") or "")
    new = str(form.get("new") or "")
    user = operator.user
    # and so does the account's lock: a stolen session must not guess the password faster than
    # the sign-in page lets anyone, and its guesses lock the account as the sign-in's do
    attempt = console.lockout.reserve(user.id)
    if attempt is None:
        return _password_page(request, operator, error=_locked(lang), status=429)
    if not await asyncio.to_thread(password_matches, user.password_hash, current):
        return _password_page(
            request, operator, error=t("console.password.wrong", lang), status=422
        )
    console.lockout.succeeded(attempt)
    problem = password_problem(new, user.email)
    if problem is None and new != str(form.get("repeat") or ""):
        problem = "console.password.mismatch"
    if problem is not None:
        return _password_page(request, operator, error=t(problem, lang), status=422)
    new_hash = await asyncio.to_thread(hash_password, new)
    cookie, csrf = new_session()
    remote = request.client.host if request.client else None
    store = store_session_op(cookie, csrf, user.id, remote)
    record = audit(EventType.PASSWORD_CHANGED, operator, org_id=user.org_id, request=request)

    def op(conn) -> None:
        set_password(conn, user.id, new_hash, must_change=False)
        store(conn)
        record(conn)

    await runtime.writer.submit(op)
    response = RedirectResponse(f"/console?changed={int(time.time())}", 303)
    _start_session(request, response, cookie)
    return response


async def keep_alive(request: Request) -> Response:
    """POST /console/keepalive (CSRF): «Остаться в системе» in the warning before the session
    runs out (console.js) — the session is seen now, so its idle time starts again."""
    operator, _ = await changing(request, password_change=True)
    await console_of(request).runtime.writer.submit(touch_op(operator.session.id_hash))
    return Response(status_code=204, headers={"Cache-Control": "no-store"})


ROUTES = [
    Route("/console/signin", signin_form, methods=["GET"]),
    Route("/console/signin", signin, methods=["POST"]),
    Route("/console/signout", signout, methods=["POST"]),
    Route("/console/keepalive", keep_alive, methods=["POST"]),
    Route("/console/password", password_form, methods=["GET"]),
    Route("/console/password", change_password, methods=["POST"]),
]
