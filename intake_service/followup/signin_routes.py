"""Signing in at the identity provider, and "my appeals".

The form lives in a cross-origin iframe, where browsers block third-party cookies, so the
sign-in runs in a top-level popup the form opens (`/id/start?for=form`): there the state,
nonce and PKCE verifier live in a first-party cookie scoped to `/id` for ten minutes. The
callback's page hands the form a signed identity token by postMessage — to the service's own
origin only (the form is served from it) — and closes; the form accepts it only from that
origin and from the popup it opened. For the cabinet (`/id/start?for=cabinet`) the sign-in runs
in the page itself and ends in a signed session cookie scoped to `/my`.
Cancelled sign-ins and provider errors are readable pages and `rejected` events.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from intake_service.api.requests import client_address, runtime_of
from intake_service.citizen import Held, export_zip, log_export
from intake_service.errors import Forbidden, NotFound
from intake_service.followup.cabinet import appeals_of
from intake_service.followup.oidc import OidcClient, SignInFailed
from intake_service.followup.state import followup_of
from intake_service.form.submission import check_sender
from intake_service.i18n import t
from intake_service.org_settings import DEFAULT_TIMEZONE
from intake_service.pages import human_date, local_time, other_language, page_language, render
from intake_service.store import connect
from intake_service.tokens import POLL_IDENTITY_COOKIE

STATE_COOKIE = "pos_signin"
CABINET_COOKIE = "pos_cabinet"
STATE_SECONDS = 600
CABINET_SECONDS = 4 * 3600
# A poll's page (polls/pages.py) signs its voter in here and gets the identity back in a cookie
# only /p/… reads, for a few minutes: long enough to vote, short enough to leave nothing behind.
POLL_IDENTITY_SECONDS = 15 * 60
# a poll's id as its path holds it: the redirect back can lead nowhere else
_POLL_ID = re.compile(r"[0-9A-Za-z-]{1,64}\Z")


def _client(request: Request) -> OidcClient:
    client = followup_of(request).oidc
    if not client.configured:
        raise NotFound("detail.signin-off", reason="signin-off")
    return client


def _redirect_uri(request: Request) -> str:
    return runtime_of(request).base_url(request) + "/id/callback"


def _secure(request: Request) -> bool:
    return runtime_of(request).base_url(request).startswith("https://")


async def start(request: Request) -> Response:
    """GET /id/start?for=form|cabinet|poll(&poll=<id>): off to the identity provider."""
    runtime = runtime_of(request)
    runtime.address_limiter.check(client_address(request))
    client = _client(request)
    asked = request.query_params.get("for")
    poll = request.query_params.get("poll", "")
    purpose = asked if asked in ("cabinet", "poll") else "form"
    if purpose == "poll" and not _POLL_ID.match(poll[:65]):
        raise NotFound("detail.poll-unknown", reason="signin-poll-unknown")
    lang = page_language(request)
    try:
        url, kept = await client.start(_redirect_uri(request))
    except (SignInFailed, OSError, ValueError) as exc:
        return await _failed(request, "oidc-error", str(exc), purpose)
    response = RedirectResponse(url, status_code=303)
    response.set_cookie(
        STATE_COOKIE,
        runtime.tokens.signin_state(
            {**kept, "for": purpose, "lang": lang, **({"poll": poll} if purpose == "poll" else {})}
        ),
        max_age=STATE_SECONDS,
        path="/id",
        httponly=True,
        samesite="lax",
        secure=_secure(request),
    )
    return response


async def callback(request: Request) -> Response:
    """GET /id/callback: back from the provider — the identity for the form, or the cabinet."""
    runtime = runtime_of(request)
    client = _client(request)
    kept = runtime.tokens.read_signin_state(request.cookies.get(STATE_COOKIE, ""), STATE_SECONDS)
    purpose = (kept or {}).get("for", "form")
    error = request.query_params.get("error")
    if error:  # nothing is signed in either way (some providers drop `state` from errors)
        why = "oidc-cancelled" if error == "access_denied" else "oidc-error"
        return await _failed(request, why, error[:100], purpose)
    if kept is None or request.query_params.get("state") != kept.get("state"):
        return await _failed(request, "oidc-state", "state does not match", purpose)
    try:
        citizen = await client.finish(
            request.query_params.get("code", ""), _redirect_uri(request), kept
        )
    except (SignInFailed, OSError, ValueError, KeyError) as exc:
        return await _failed(request, "oidc-error", str(exc)[:200], purpose)
    lang = kept.get("lang", page_language(request))
    if purpose == "cabinet":
        response: Response = RedirectResponse(f"/my?lang={lang}", status_code=303)
        response.set_cookie(
            CABINET_COOKIE,
            runtime.tokens.cabinet(citizen.sub, citizen.email),
            max_age=CABINET_SECONDS,
            path="/my",
            httponly=True,
            samesite="lax",
            secure=_secure(request),
        )
    elif purpose == "poll" and _POLL_ID.match(str(kept.get("poll", ""))[:65]):
        # back to the poll's own page on this service, never to a URL the request names
        response = RedirectResponse(f"/p/{kept['poll']}?lang={lang}", status_code=303)
        response.set_cookie(
            POLL_IDENTITY_COOKIE,
            runtime.tokens.identity(citizen),
            max_age=POLL_IDENTITY_SECONDS,
            path="/p",
            httponly=True,
            samesite="lax",
            secure=_secure(request),
        )
    else:
        context = {
            "token": runtime.tokens.identity(citizen),
            "name": citizen.name,
            "email": citizen.email or "",
        }
        response = render("signed_in.html", lang, context)
    response.delete_cookie(STATE_COOKIE, path="/id")
    return response


async def _failed(request: Request, why: str, detail: str, purpose: str) -> Response:
    runtime = runtime_of(request)
    await runtime.reject(request, Forbidden("signin.failed", reason=f"{why} {detail}"[:200]))
    lang = page_language(request)
    context = {"why": why, "purpose": purpose}
    return render("signin_failed.html", lang, context, status=400 if why == "oidc-state" else 200)


def _cabinet_session(request: Request) -> tuple[str, str | None] | None:
    """(subject, verified e-mail) of the signed-in citizen, or None."""
    runtime = runtime_of(request)
    return runtime.tokens.read_cabinet(request.cookies.get(CABINET_COOKIE, ""), CABINET_SECONDS)


async def my_appeals(request: Request) -> Response:
    """GET /my: the signed-in citizen's appeals, or a sign-in button."""
    runtime = runtime_of(request)
    runtime.address_limiter.check(client_address(request))
    lang = page_language(request)
    session = _cabinet_session(request)
    rows = appeals_of(runtime.reader, *session) if session else []
    for row in rows:
        row["tracking"] = f"/s/{runtime.tokens.tracking(row['id'])}"
        row["status_title"] = t(f"status.{row['status']}", lang)
        category = runtime.directory.catalogue(row["target_org_id"]).get(row["category"])
        row["category_title"] = category.title(lang) if category else row["category"]
    context = {
        "signed_in": session is not None,
        "appeals": rows,
        "configured": bool(runtime.settings.oidc_issuer),
        "other": other_language(request, lang),
        "day": lambda iso: human_date(iso, lang),
        "when": lambda iso: local_time(iso, ZoneInfo(DEFAULT_TIMEZONE), lang),
    }
    response = render("my.html", lang, context)
    response.headers["Cache-Control"] = "private, no-store"
    return response


async def my_export(request: Request) -> Response:
    """GET /my/export.zip: everything held about the signed-in citizen (152-ФЗ art. 14) — their
    cabinet's appeals, as the archive an organisation's admin or `pos-intake citizen export`
    gives (citizen.py), nothing of anyone else's. Built on a worker thread with a connection of
    its own (photos are read and zipped: not on the event loop); each appeal exported is an
    event in the intake log, by «citizen». Without a session: back to /my to sign in."""
    runtime = runtime_of(request)
    runtime.address_limiter.check(client_address(request))
    session = _cabinet_session(request)
    if session is None:
        return RedirectResponse(f"/my?lang={page_language(request)}", status_code=303)
    rows = appeals_of(runtime.reader, *session, limit=1000)
    held = [
        Held(r["id"], r["number"], "", r["created_at"], r["status"], False, "", "") for r in rows
    ]
    settings = runtime.settings

    def build() -> bytes:
        conn = connect(settings.db, synchronous=settings.synchronous, readonly=True)
        try:
            return export_zip(conn, held, runtime.media_root)
        finally:
            conn.close()

    archive = await run_in_threadpool(build)

    def logged(conn: sqlite3.Connection) -> None:
        log_export(conn, [(r["id"], r["number"], r["target_org_id"]) for r in rows], "citizen")

    if rows:
        await runtime.writer.submit(logged)
    day = datetime.now(UTC).strftime("%Y-%m-%d")
    return Response(
        archive,
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="my-appeals-{day}.zip"',
            "Cache-Control": "private, no-store",
        },
    )


def _zone():
    from zoneinfo import ZoneInfo

    from intake_service.org_settings import DEFAULT_TIMEZONE

    return ZoneInfo(DEFAULT_TIMEZONE)


async def sign_out(request: Request) -> Response:
    check_sender(request)
    response = RedirectResponse(f"/my?lang={page_language(request)}", status_code=303)
    response.delete_cookie(CABINET_COOKIE, path="/my")
    return response


ROUTES = [
    Route("/id/start", start, methods=["GET"]),
    Route("/id/callback", callback, methods=["GET"]),
    Route("/my", my_appeals, methods=["GET"]),
    Route("/my/export.zip", my_export, methods=["GET"]),
    Route("/my/signout", sign_out, methods=["POST"]),
]
