"""Who is using the console: the signed-in operator of a request, what they may see, and the
checks every change passes (a live session, the session's CSRF token, a same-site origin).

`operator_of(request)` is how every console page and call starts: no live session is a
redirect to the sign-in page for a browser and 401 for a script. `changing(request)` is how
every state-changing one starts: it adds the CSRF and origin checks and returns the posted form.
What an operator sees is their organisation and every one below it (a region's municipalities);
a platform admin sees all. Anything outside that answers 404, the same as something missing.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from starlette.datastructures import FormData
from starlette.requests import Request

from intake_service.api.requests import body_limited, runtime_of
from intake_service.console.accounts import User
from intake_service.console.page import return_path
from intake_service.console.sessions import COOKIE, TOUCH_EVERY, Session, find_session, touch_op
from intake_service.errors import CsrfFailed, NotFound, SignInRequired
from intake_service.events import EventType, insert_event
from intake_service.visibility import sees_appeal

MAX_FORM_BYTES = 256 * 1024


class PasswordChangeRequired(SignInRequired):
    """Signed in with a one-time password: nothing but choosing one's own until that is done."""

    slug, title_key = "password-change-required", "problem.password-change-required"

    @property
    def location(self) -> str:
        return "/console/password"


@dataclass(frozen=True)
class Operator:
    """The signed-in person of one request."""

    session: Session
    org_ids: frozenset[int] | None  # None: a platform admin, who sees every organisation

    @property
    def user(self) -> User:
        return self.session.user

    @property
    def csrf(self) -> str:
        return self.session.csrf

    @property
    def is_admin(self) -> bool:
        return self.user.is_admin

    def sees(self, org_id: int | None) -> bool:
        return self.org_ids is None or (org_id is not None and org_id in self.org_ids)

    def sees_appeal(self, target_org_id: int | None) -> bool:
        """Whether this operator sees an appeal now sent to `target_org_id`: the one rule of
        `intake_service.visibility`, which every read of an appeal asks."""
        return sees_appeal(self.org_ids, target_org_id)

    def sees_contact(self, target_org_id: int) -> bool:
        """The citizen's contact is for the organisation the appeal went to: its own operators,
        and admins above it (a region's admin), never a parent's operators."""
        if not self.sees_appeal(target_org_id):
            return False
        return self.user.org_id == target_org_id or self.is_admin

    def manages(self, org_id: int) -> bool:
        """Whether this person may change the organisation's users, origins, keys, categories."""
        return self.is_admin and self.sees(org_id)

    def check_sees(self, org_id: int | None) -> None:
        """404 — not 403 — for another organisation's things: it must look like a missing one."""
        if not self.sees(org_id):
            raise NotFound("detail.no-route", reason="not-visible", path="")

    def check_sees_appeal(self, target_org_id: int | None) -> None:
        """404 for an appeal this operator does not see (now: a forwarded one is gone)."""
        if not self.sees_appeal(target_org_id):
            raise NotFound("detail.no-route", reason="not-visible", path="")


def _live_session(request: Request) -> Session | None:
    """The live session named by the request's cookie, if any (one primary-key read)."""
    runtime = runtime_of(request)
    cookie = request.cookies.get(COOKIE, "")
    return find_session(runtime.reader, cookie, runtime.settings.console_session_idle)


def operator_of(request: Request, *, password_change: bool = False) -> Operator:
    """The operator signed in on this request, or SignInRequired."""
    runtime = runtime_of(request)
    session = _live_session(request)
    if session is None:
        # a cookie that names no live session: it ran out (idle) or was ended
        raise SignInRequired(return_path(request), expired=bool(request.cookies.get(COOKIE)))
    if session.user.must_change and not password_change:
        raise PasswordChangeRequired(return_path(request))
    if time.time() - session.seen_at > TOUCH_EVERY:
        touched = runtime.writer.submit_nowait(touch_op(session.id_hash))
        touched.add_done_callback(lambda f: f.cancelled() or f.exception())
    user = session.user
    org_ids = None if user.platform else runtime.directory.family(user.org_id or 0)
    request.state.org_id = user.org_id  # refusals of this request are logged to their org
    return Operator(session, org_ids)


class SessionWatch:
    """For a response that outlives its request's check (a live stream): whether the session
    it was opened with still stands — not signed out, not idle, the account not disabled and
    its password not reset. Looked up at most once per `every` seconds (a primary-key read)."""

    def __init__(self, request: Request, every: float = 1.0) -> None:
        self._request = request
        self._every = every
        self._checked = time.monotonic()

    def ended(self) -> bool:
        if time.monotonic() - self._checked < self._every:
            return False
        self._checked = time.monotonic()
        return _live_session(self._request) is None


def same_site(request: Request) -> bool:
    """The request came from a page of this service (Origin, else Sec-Fetch-Site)."""
    origin = request.headers.get("origin")
    if origin:
        own = urlsplit(str(request.base_url))
        sent = urlsplit(origin)
        return (sent.scheme, sent.netloc) == (own.scheme, own.netloc)
    return request.headers.get("sec-fetch-site", "same-origin") in ("same-origin", "none")


async def changing(
    request: Request,
    *,
    password_change: bool = False,
    max_files: int = 0,
    max_bytes: int = MAX_FORM_BYTES,
) -> tuple[Operator, FormData]:
    """A state-changing request: a live session, its CSRF token (form field `csrf` or the
    `X-CSRF-Token` header), and an origin of this service. Returns the operator and the form
    (with at most `max_files` uploaded files: a poll's pictures and documents)."""
    operator = operator_of(request, password_change=password_change)
    form = await body_limited(request, max_bytes).form(max_files=max_files, max_fields=200)
    sent = request.headers.get("x-csrf-token") or form.get("csrf")
    if not same_site(request) or not operator.session.csrf_matches(
        sent if isinstance(sent, str) else None
    ):
        raise CsrfFailed("detail.csrf", reason="csrf")
    return operator, form


def audit(
    type: EventType,
    operator: Operator | None,
    *,
    org_id: int | None,
    appeal_id: str | None = None,
    request: Request | None = None,
    reason: str | None = None,
    data: dict[str, Any] | None = None,
) -> Callable[[sqlite3.Connection], None]:
    """A writer operation recording what an operator did (`by` = their e-mail)."""
    details = dict(data or {})
    if operator is not None:
        details.setdefault("by", operator.user.email)
    request_id = getattr(request.state, "request_id", None) if request is not None else None
    remote = request.client.host if request is not None and request.client else None

    def op(conn: sqlite3.Connection) -> None:
        insert_event(
            conn,
            type,
            org_id=org_id,
            appeal_id=appeal_id,
            request_id=request_id,
            remote_addr=remote,
            reason=reason,
            data=details,
        )

    return op
