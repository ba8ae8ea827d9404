"""A citizen's request about their data (152-ФЗ arts. 14 and 21), answered by an organisation's
admin at /console/citizen: find every appeal held about the person by e-mail, phone, appeal
number or identity provider's subject, download them as one archive, or erase their personal
data with a reason. The same rules as `pos-intake citizen` (citizen.py, erasure.py): a phone
alone that matches several people is refused until narrowed; the erasure keeps what statistics
need and tells the sinks.

Only admins (anyone else: 404, like a missing page), and only the appeals of organisations the
admin manages: another organisation's appeal is not found, whatever was typed. What is typed is
personal data, so every step is a POST (it stays out of addresses, histories and access logs).
Each export and erasure is an event in the intake log by the admin's address; the erasure goes
through the writer, the photos' files are removed after it commits.
"""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from intake_service import photos
from intake_service.citizen import (
    CitizenError,
    Criteria,
    Held,
    export_zip,
    find,
    log_export,
    one_person,
)
from intake_service.console.auth import Operator, changing, operator_of
from intake_service.console.page import console_page
from intake_service.console.state import console_of
from intake_service.erasure import Erased, Forgotten, Why, erase_op, forget_address, remove_files
from intake_service.errors import NotFound
from intake_service.i18n import t
from intake_service.org_settings import timezone_of
from intake_service.pages import human_date, page_language

SECTION = "/console/citizen"
FIELDS = ("email", "phone", "number", "subject")
TYPED_MAX = 200
REASON_MAX = 500


def _admin(operator: Operator) -> Operator:
    if not operator.is_admin:
        raise NotFound("detail.no-route", reason="not-admin", path="")
    return operator


def _criteria(form: FormData) -> tuple[Criteria, dict[str, str]]:
    typed = {k: str(form.get(k) or "").strip()[:TYPED_MAX] for k in FIELDS}
    return Criteria(**{k: v or None for k, v in typed.items()}), typed


def _theirs(request: Request, operator: Operator, found: list[Held]) -> list[Held]:
    """Of what was found, the appeals of organisations this admin manages."""
    directory = console_of(request).runtime.directory
    mine = []
    for held in found:
        org = directory.org_by_slug(held.org)
        if org is not None and operator.manages(org.id):
            mine.append(held)
    return mine


async def _held(request: Request, operator: Operator, criteria: Criteria) -> list[Held]:
    """The person's appeals this admin may answer for; CitizenError if none or several people."""
    found = await console_of(request).reads.run(find, criteria)
    return one_person(_theirs(request, operator, found), criteria)


def _day(request: Request, held: Held) -> str:
    """The day the appeal was filed, on its organisation's clock, in words."""
    org = console_of(request).runtime.directory.org_by_slug(held.org)
    moment = datetime.fromisoformat(held.created_at.replace("Z", "+00:00"))
    local = moment.astimezone(timezone_of(org)) if org is not None else moment
    return human_date(local.date().isoformat(), page_language(request))


def _page(
    request: Request, operator: Operator, context: dict[str, Any], *, status: int = 200
) -> Response:
    base = {
        "typed": {}, "held": [], "error": None, "erased": None, "reason": "",
        "day": lambda held: _day(request, held),
    }  # fmt: skip
    return console_page(
        request, operator, "console/citizen.html", {**base, **context}, status=status,
        section=SECTION,
    )  # fmt: skip


async def citizen_page(request: Request) -> Response:
    """GET /console/citizen: the search form."""
    operator = _admin(operator_of(request))
    return _page(request, operator, {})


async def citizen_action(request: Request) -> Response:
    """POST /console/citizen: action find, export or erase, with what identifies the person."""
    operator, form = await changing(request)
    _admin(operator)
    criteria, typed = _criteria(form)
    action = form.get("action")
    lang = page_language(request)
    try:
        if not criteria.given():
            raise CitizenError(t("console.citizen.give", lang))
        held = await _held(request, operator, criteria)
    except CitizenError as error:
        message = str(error)
        if message.startswith("no appeal matches"):
            message = t("console.citizen.none", lang)
        elif "different people" in message:
            message = t("console.citizen.several", lang)
        return _page(request, operator, {"typed": typed, "error": message}, status=422)
    if action == "export":
        return await _export(request, operator, held)
    if action == "erase":
        return await _erase(request, operator, form, typed, held)
    return _page(request, operator, {"typed": typed, "held": held})


async def _export(request: Request, operator: Operator, held: list[Held]) -> Response:
    runtime = console_of(request).runtime
    archive = await console_of(request).reads.run(export_zip, held, runtime.media_root)
    by = operator.user.email

    exported = [(h.id, h.number, runtime.directory.org_by_slug(h.org).id) for h in held]

    def logged(conn: sqlite3.Connection) -> None:
        log_export(conn, exported, by)

    await runtime.writer.submit(logged)
    day = datetime.now(UTC).strftime("%Y-%m-%d")
    return Response(
        archive,
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="citizen-{day}.zip"',
            "Cache-Control": "private, no-store",
        },
    )


async def _erase(
    request: Request, operator: Operator, form: FormData, typed: dict[str, str], held: list[Held]
) -> Response:
    lang = page_language(request)
    reason = str(form.get("reason") or "").strip()[:REASON_MAX]
    context = {"typed": typed, "held": held, "reason": reason}
    if not reason or form.get("confirm") != "yes":
        key = "console.citizen.reason-needed" if not reason else "console.citizen.confirm-needed"
        return _page(request, operator, {**context, "error": t(key, lang)}, status=422)
    runtime = console_of(request).runtime
    appeals = erase_op([h.id for h in held], why=Why.REQUEST, by=operator.user.email, reason=reason)
    email = typed.get("email")

    def op(conn: sqlite3.Connection) -> tuple[list[Erased], Forgotten | None]:
        # with the e-mail, the address beyond the person's own appeals too, as the CLI does
        return appeals(conn), forget_address(conn, email) if email else None

    erased, forgotten = await runtime.writer.submit(op)
    await asyncio.to_thread(remove_files, runtime.media_root, erased)
    for held_id in forgotten.held if forgotten else ():
        await asyncio.to_thread(photos.discard, runtime.media_root / held_id)
    return _page(request, operator, {**context, "held": [], "erased": erased})


ROUTES = [
    Route(SECTION, citizen_page, methods=["GET"]),
    Route(SECTION, citizen_action, methods=["POST"]),
]
