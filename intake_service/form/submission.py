"""The appeal form's submission: the checks in the order a citizen needs them — the sender,
the form token, the fields and photos, the robot check, and only then the organisation's budget —
and the one transaction that files the appeal with its photos and spends the form's nonce.
"""

from __future__ import annotations

import asyncio
import dataclasses
import sqlite3
import time
from typing import Any

from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from intake_service import photos
from intake_service.api.appeals import idempotency
from intake_service.api.requests import body_limited, client_address, runtime_of
from intake_service.appeal_input import NAME_PARTS, validate_appeal
from intake_service.appeals import (
    Idempotency,
    NewAppeal,
    copies_by_default,
    find_idempotent,
    form_nonce_used,
    remember_idempotent,
    spend_form_nonce,
)
from intake_service.categories import Category
from intake_service.errors import (
    FormExpired,
    FormInvalid,
    IntakeError,
    Spam,
    ValidationFailed,
)
from intake_service.followup.held import hold_op, hours_text
from intake_service.form.page import form_again, org_of, origin_not_allowed
from intake_service.org_settings import identity_mode
from intake_service.orgs import Org
from intake_service.origins import origin_allowed
from intake_service.pages import page_language, render, wants_html
from intake_service.ratelimit import address_key
from intake_service.senders import check_sender  # here too: the form's other routes import it
from intake_service.tokens import Citizen, FormGrant, FormTokenError

FORM_FIELD_BYTES = 64 * 1024
FORM_MAX_BYTES = photos.MAX_PHOTOS * photos.MAX_PHOTO_BYTES + 256 * 1024


async def _read_form(request: Request) -> FormData:
    """The form's fields and files, read no further than FORM_MAX_BYTES whatever the framing
    (a chunked body has no Content-Length to refuse up front)."""
    try:
        return await body_limited(request, FORM_MAX_BYTES).form(
            max_files=photos.MAX_PHOTOS, max_fields=40, max_part_size=FORM_FIELD_BYTES
        )
    except HTTPException as exc:  # Starlette's own limits: too many files or fields
        if "files" in str(exc.detail).lower():
            raise ValidationFailed(
                [("photos", "field.photos-count", {"max": photos.MAX_PHOTOS})]
            ) from None
        raise ValidationFailed([("body", "field.not-object", {})]) from None


def signed_grant(
    request: Request, form: Any, org_slug: str, max_age: float | None = None
) -> FormGrant:
    """The form's own token (`token`), signed by this service for this organisation and not
    older than `max_age` (the form's life, POS_FORM_MAX_AGE, unless said): what every request
    of the form page shows it came from that page."""
    runtime = runtime_of(request)
    token = form.get("token")
    if not isinstance(token, str) or not token:
        raise FormInvalid("detail.form-invalid", reason="token-missing")
    try:
        grant = runtime.tokens.read_form(token, max_age or runtime.settings.form_max_age)
    except FormTokenError as exc:
        if exc.why == "expired":
            raise FormExpired("detail.form-expired", reason="token-expired") from None
        if exc.why == "other-node":  # its nonce could be spent again here: one form, one appeal
            raise FormInvalid("detail.form-other-node", reason="token-other-node") from None
        raise FormInvalid("detail.form-invalid", reason="token-forged") from None
    if grant.org != org_slug:
        raise FormInvalid("detail.form-invalid", reason="token-other-org")
    return grant


def _grant(request: Request, form: FormData, org: Org) -> FormGrant:
    runtime = runtime_of(request)
    grant = signed_grant(request, form, org.slug)
    if form_nonce_used(runtime.reader, grant.nonce):  # checked again inside the transaction
        raise FormInvalid("detail.form-invalid", reason="token-replayed")
    if grant.origin and not origin_allowed(grant.origin, org.origins):
        raise origin_not_allowed(grant.origin, org)
    if form.get("website"):
        raise Spam("detail.honeypot", reason="honeypot")
    return grant


def _check_timing(request: Request, grant: FormGrant) -> None:
    """A form sent sooner after it opened than a person can fill it is a robot's. Checked after
    the fields, so that a person who sent an empty form at once learns what to fill in."""
    if time.time() - grant.issued_at < runtime_of(request).settings.form_min_seconds:
        raise Spam("detail.too-fast", reason="too-fast")


def _field(form: FormData, name: str) -> str | None:
    value = form.get(name)
    return value if isinstance(value, str) and value.strip() else None


def _coordinate(form: FormData, name: str) -> float | str | None:
    raw = _field(form, name)
    if raw is None:
        return None
    try:
        return float(raw)
    except ValueError:
        return raw  # reported as not a number by the checks


def _answers(form: FormData, category: Category | None) -> dict[str, Any] | None:
    """The chosen category's questions as the form sent them (`attr.CATEGORY.CODE`): answers to
    other categories' questions, shown while those were chosen, are left out."""
    if category is None or not category.attributes:
        return None
    answers: dict[str, Any] = {}
    for attribute in category.attributes:
        values = [v for v in form.getlist(f"attr.{category.code}.{attribute.code}") if v != ""]
        if attribute.datatype == "multivaluelist":
            answers[attribute.code] = [str(v) for v in values]
        elif values:
            answers[attribute.code] = str(values[0])
    return answers


def _contact_fields(form: FormData, official: bool) -> dict[str, str | None]:
    """The form's contact: a message's one name field; an official appeal's surname, first
    name and patronymic and its postal address (59-ФЗ art. 7 p. 1) — not the one name, so that
    an official appeal from the form names the citizen in full, unless the identity provider
    signed the citizen in (`identity`): its verified name then stands for them (_accept)."""
    ways = {"email": _field(form, "email"), "phone": _field(form, "phone")}
    if not official:
        return {"name": _field(form, "name"), **ways}
    parts = {name: _field(form, name) for name in (*NAME_PARTS, "postal")}
    named = {k: v for k, v in parts.items() if v is not None}
    if _field(form, "identity") and not any(parts[name] for name in NAME_PARTS):
        named["name"] = _field(form, "name")  # the provider's replaces it (_accept)
    return {**named, **ways}


def _appeal_fields(form: FormData, catalogue: dict[str, Category]) -> dict[str, Any]:
    category = catalogue.get(_field(form, "category") or "")
    data: dict[str, Any] = {
        "category": _field(form, "category"),
        "text": form.get("text") if isinstance(form.get("text"), str) else None,
        "kind": _field(form, "kind") or "message",
        "address": _field(form, "address"),
        "lat": _coordinate(form, "lat"),
        "lon": _coordinate(form, "lon"),
        "contact": _contact_fields(form, _field(form, "kind") == "official"),
        "consent": form.get("consent") in ("on", "true", "1", "yes"),
        "attributes": _answers(form, category),
    }
    return {k: v for k, v in data.items() if v is not None}


async def _photos(form: FormData) -> tuple[list[photos.Photo], list[tuple[str, str, dict]]]:
    files = [f for f in form.getlist("photos") if isinstance(f, UploadFile) and f.filename]
    errors: list[tuple[str, str, dict]] = []
    if len(files) > photos.MAX_PHOTOS:
        errors.append(("photos", "field.photos-count", {"max": photos.MAX_PHOTOS}))
        return [], errors
    accepted = []
    for upload in files:
        data = await upload.read(photos.MAX_PHOTO_BYTES + 1)
        name = (upload.filename or "")[:80]
        if len(data) > photos.MAX_PHOTO_BYTES:
            errors.append(("photos", "field.photo-size", {"name": name}))
            continue
        media_type = photos.sniff(data)
        if media_type is None:
            errors.append(("photos", "field.photo-type", {"name": name}))
            continue
        accepted.append(photos.Photo(media_type, data))
    return accepted, errors


def _form_idempotency(request: Request, form: FormData) -> Idempotency | None:
    """The form's script sends one `Idempotency-Key` per draft and sends it again after a lost
    connection (form.js): the second sending gets the first one's answer, not a refusal of its
    spent token nor a second appeal. What is sent is hashed without the token, which the form
    renews, and photos by name and size."""
    fields = sorted(
        (k, v)
        for k, v in form.multi_items()
        if isinstance(v, str) and k not in ("token", "identity", "website")
    )
    files = sorted(
        (f.filename or "", f.size or 0)
        for f in form.getlist("photos")
        if isinstance(f, UploadFile) and f.filename
    )
    return idempotency(request, {"fields": fields, "photos": files})


def _answer(response: dict[str, Any], *, replayed: bool = False) -> JSONResponse:
    """201 with the number and tracking link, or 202 for an appeal that waits for its e-mail."""
    headers = {"Idempotent-Replayed": "true"} if replayed else None
    status = 202 if response.get("status") == "held" else 201
    return JSONResponse(response, status_code=status, headers=headers)


async def submit(request: Request) -> Response:
    """POST /w/{org}/appeals from the form: JSON for the form's script, pages without it."""
    runtime = runtime_of(request)
    lang = page_language(request)
    as_page = wants_html(request)
    form: FormData | None = None
    try:
        org = org_of(request)
        runtime.address_limiter.check(client_address(request))
        check_sender(request)
        form = await _read_form(request)
        idem = None if as_page else _form_idempotency(request, form)
        if idem is not None and (first := find_idempotent(runtime.reader, org.id, idem)):
            return _answer(first, replayed=True)
        grant = _grant(request, form, org)
        attached, photo_errors = await _photos(form)
        try:
            catalogue = runtime.directory.catalogue(org.id)
            appeal_input = validate_appeal(_appeal_fields(form, catalogue), catalogue)
        except ValidationFailed as failed:
            raise ValidationFailed(failed.errors + photo_errors) from None
        if photo_errors:
            raise ValidationFailed(photo_errors)
        _check_timing(request, grant)
        # Only a submission that passed every check spends the organisation's budget: refusals
        # cost their sender's address alone. And one address (a /64) may spend only a small
        # share of it, so that a few addresses filing real-looking appeals cannot lock the
        # organisation's citizens out either — it takes many addresses, which the operator sees.
        runtime.sender_limiter.check(f"{address_key(client_address(request))} {org.slug}")
        runtime.org_limiter.check(org.slug)
        response = await _accept(request, org, grant, appeal_input, attached, form, idem)
    except IntakeError as error:
        if not as_page:
            raise
        await runtime.reject(request, error)
        return form_again(request, error, lang, form)
    finally:
        if form is not None:
            await form.close()
    if response.get("status") == "held":  # waits for its e-mail link (followup/held.py)
        if as_page:
            hours = hours_text(runtime.settings.email_confirm_hours)
            return render("held.html", lang, {"email": response["email"], "hours": hours})
        return _answer(response)
    if as_page:
        return RedirectResponse(response["tracking_url"] + f"?new=1&lang={lang}", status_code=303)
    return _answer(response)


def _signed_in(request: Request, form: FormData) -> Citizen:
    """The citizen the identity provider vouched for (the popup's signed token, which the form
    carries), or a field error asking to sign in."""
    runtime = runtime_of(request)
    token = form.get("identity")
    if not isinstance(token, str) or not token:
        raise ValidationFailed([("identity", "field.identity-missing", {})])
    citizen = runtime.tokens.read_identity(token, runtime.settings.form_max_age)
    if citizen is None:
        raise ValidationFailed([("identity", "field.identity-forged", {})])
    return citizen


def _asked_copies(form: FormData, appeal_input: Any) -> bool | None:
    """An official appeal's citizen asks for e-mail copies with a checkbox; a message gets
    them by default."""
    if appeal_input.kind != "official":
        return None
    return form.get("email_copies") in ("on", "true", "1", "yes")


async def _hold(
    request: Request, appeal: NewAppeal, also: Any, folder: Any, idem: Idempotency | None
) -> dict[str, Any]:
    """Hold the appeal until its citizen opens the e-mailed link (followup/held.py); a retry
    under the same key gets the same answer (`remember_idempotent`)."""
    runtime = runtime_of(request)
    email = appeal.input.contact["email"]
    expires_at = time.time() + runtime.settings.email_confirm_hours * 3600
    answer = {"status": "held", "email": masked_email(email)}

    def held_also(conn: sqlite3.Connection) -> None:
        also(conn)
        if idem is not None:
            remember_idempotent(conn, appeal.origin_org.id, idem, answer, time.time())

    try:
        await runtime.writer.submit(hold_op(appeal, email, expires_at, held_also))
    except BaseException:
        photos.discard(folder)
        raise
    if runtime.forwarder is not None:
        runtime.forwarder.wake()
    return answer


def masked_email(email: str) -> str:
    """Enough of the address for the citizen to recognise it, not to read it off a screen."""
    user, _, domain = email.partition("@")
    return f"{user[:2]}{'*' * max(1, len(user) - 2)}@{domain}"


async def _accept(
    request: Request,
    org: Org,
    grant: FormGrant,
    appeal_input: Any,
    attached: list[photos.Photo],
    form: FormData,
    idem: Idempotency | None,
) -> dict[str, Any]:
    runtime = runtime_of(request)
    appeal_id, tracking_url = runtime.new_appeal_id(request)
    mode = identity_mode(org, appeal_input.kind, bool(runtime.settings.oidc_issuer))
    citizen = None
    if mode == "oidc":
        citizen = _signed_in(request, form)
        contact = {**appeal_input.contact, "name": citizen.name}
        if citizen.email:
            contact["email"] = citizen.email
        appeal_input = dataclasses.replace(appeal_input, contact=contact)
    elif mode == "email" and not appeal_input.contact.get("email"):
        raise ValidationFailed([("contact.email", "field.confirm-email", {})])
    appeal = NewAppeal(
        id=appeal_id,
        origin_org=org,
        target_org=org,
        input=appeal_input,
        channel="form" if grant.origin else "page",
        request_id=request.state.request_id,
        remote_addr=client_address(request),
        embed_origin=grant.origin or None,
        page_url=grant.page_url,
        loader_version=grant.loader_version,
        photo_count=len(attached),
        lang=page_language(request),
        notify_email=copies_by_default(appeal_input, _asked_copies(form, appeal_input)),
        identity="oidc" if citizen else "none",
        citizen_sub=citizen.sub if citizen else None,
    )

    def also(conn: sqlite3.Connection) -> None:
        if not spend_form_nonce(conn, grant.nonce):
            raise FormInvalid("detail.form-invalid", reason="token-replayed")
        photos.record(conn, appeal_id, attached)

    # fsync of up to 15 MB: off the event loop
    folder = await asyncio.to_thread(photos.save, runtime.media_root, appeal_id, attached)
    if mode == "email":
        return await _hold(request, appeal, also, folder, idem)
    # The folder goes only when the appeal is known not to commit (the writer says so), not
    # when this request is cancelled while its queued appeal still commits with the photos.
    accepted = await runtime.file(
        appeal, tracking_url, idem=idem, also=also, on_failure=lambda: photos.discard(folder)
    )
    return accepted.response
