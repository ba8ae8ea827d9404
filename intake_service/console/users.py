"""The admin's users page (/console/users): the accounts of the organisations an admin manages —
add one (a one-time password, shown once), disable or enable, reset the password (a new one-time
password), change the role.

Only admins reach it; an account of an organisation outside the admin's family answers 404, like
a missing one. An admin makes operators and admins of their organisations, never platform
admins, and cannot change their own account here (disabling oneself would lock the door behind
one). Passwords are hashed on a thread before the writer's operation, which runs on the event
loop; each change is a USER_CHANGED event naming who made it.
"""

from __future__ import annotations

import asyncio
import sqlite3

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from intake_service.api.requests import ROW_ID
from intake_service.console.accounts import (
    ROLES,
    AccountError,
    User,
    add_user,
    generate_password,
    hash_password,
    list_users,
    set_disabled,
    set_password,
    set_role,
    user_by_id,
)
from intake_service.console.auth import Operator, changing, operator_of
from intake_service.console.page import console_page
from intake_service.console.site import visible_orgs
from intake_service.console.state import console_of
from intake_service.errors import NotFound
from intake_service.events import EventType, insert_event
from intake_service.i18n import t
from intake_service.pages import page_language

SECTION = "/console/users"


def _admin(request: Request) -> Operator:
    operator = operator_of(request)
    if not operator.is_admin:
        raise NotFound("detail.no-route", reason="not-admin", path="")
    return operator


def _managed_orgs(request: Request, operator: Operator):
    return [
        o for o in visible_orgs(console_of(request).runtime, operator) if operator.manages(o.id)
    ]


def _logged(
    conn: sqlite3.Connection, user: User, change: str, by: str, request_id: str | None
) -> None:
    insert_event(
        conn,
        EventType.USER_CHANGED,
        org_id=user.org_id,
        request_id=request_id,
        data={"email": user.email, "change": change, "by": by},
    )


async def _page(
    request: Request,
    operator: Operator,
    *,
    error: str | None = None,
    one_time: tuple[str, str] | None = None,
    status: int = 200,
) -> Response:
    console = console_of(request)
    org_ids = None if operator.org_ids is None else sorted(operator.org_ids)
    users = await console.reads.run(list_users, org_ids)
    return console_page(
        request,
        operator,
        "console/users.html",
        {
            "users": users,
            "orgs": _managed_orgs(request, operator),
            "roles": ROLES,
            "error": error,
            "one_time": one_time,
            "done": request.query_params.get("done") == "1" and error is None,
        },
        status=status,
        section=SECTION,
    )


async def users_page(request: Request) -> Response:
    """GET /console/users."""
    return await _page(request, _admin(request))


async def add(request: Request) -> Response:
    """POST /console/users (email, name, role, org): the answer shows the one-time password."""
    operator, form = await changing(request)
    if not operator.is_admin:
        raise NotFound("detail.no-route", reason="not-admin", path="")
    runtime = console_of(request).runtime
    org = runtime.directory.org_by_slug(str(form.get("org") or ""))
    if org is None or not operator.manages(org.id):
        raise NotFound("detail.no-route", reason="not-visible", path="")
    email = str(form.get("email") or "")  # add_user normalises it, or refuses it as too long
    name = str(form.get("name") or "").strip()[:200]
    role = str(form.get("role") or "")
    password = generate_password()
    password_hash = await asyncio.to_thread(hash_password, password)
    by = operator.user.email
    request_id = getattr(request.state, "request_id", None)

    def op(conn: sqlite3.Connection) -> User:
        user = add_user(
            conn,
            email,
            org_id=org.id,
            role=role,
            password=password,
            password_hash=password_hash,
            name=name,
            must_change=True,
        )
        _logged(conn, user, "added", by, request_id)
        return user

    try:
        user = await runtime.writer.submit(op)
    except AccountError as exc:
        return await _page(request, operator, error=str(exc), status=422)
    return await _page(request, operator, one_time=(user.email, password))


async def change(request: Request) -> Response:
    """POST /console/users/{id} (action disable|enable|reset|role, role)."""
    operator, form = await changing(request)
    if not operator.is_admin:
        raise NotFound("detail.no-route", reason="not-admin", path="")
    runtime = console_of(request).runtime
    user = _user_managed(operator, runtime.reader, request.path_params["user_id"])
    lang = page_language(request)
    if user.id == operator.user.id:
        return await _page(request, operator, error=t("console.users.self", lang), status=422)
    action = str(form.get("action") or "")
    by = operator.user.email
    request_id = getattr(request.state, "request_id", None)
    password = None
    if action == "reset":
        password = generate_password()
        password_hash = await asyncio.to_thread(hash_password, password)
    role = str(form.get("role") or "")

    def op(conn: sqlite3.Connection) -> None:
        if action in ("disable", "enable"):
            set_disabled(conn, user.id, action == "disable")
            _logged(conn, user, action + "d", by, request_id)
        elif action == "reset":
            set_password(conn, user.id, password_hash, must_change=True)
            _logged(conn, user, "reset", by, request_id)
        elif action == "role":
            if user.platform:
                raise AccountError("a platform admin's role is set with the CLI")
            set_role(conn, user.id, role)
            _logged(conn, user, "role " + role, by, request_id)
        else:
            raise AccountError(f"unknown action {action!r}")

    try:
        await runtime.writer.submit(op)
    except AccountError as exc:
        return await _page(request, operator, error=str(exc), status=422)
    if password is not None:
        return await _page(request, operator, one_time=(user.email, password))
    return RedirectResponse(SECTION + "?done=1", 303)


def _user_managed(operator: Operator, conn: sqlite3.Connection, raw_id: object) -> User:
    """The account named, if this admin manages it: otherwise 404, like a missing one. A
    platform admin's account is managed by platform admins only."""
    try:
        user = user_by_id(conn, int(str(raw_id)))
    except ValueError:
        user = None
    if user is None:
        raise NotFound("detail.no-route", reason="not-found", path="")
    if user.platform or user.org_id is None:
        if not operator.user.platform:
            raise NotFound("detail.no-route", reason="not-visible", path="")
    elif not operator.manages(user.org_id):
        raise NotFound("detail.no-route", reason="not-visible", path="")
    return user


ROUTES = [
    Route(SECTION, users_page, methods=["GET"]),
    Route(SECTION, add, methods=["POST"]),
    Route(f"{SECTION}/{{user_id:{ROW_ID}}}", change, methods=["POST"]),
]
