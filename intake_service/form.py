"""The appeal form: the page that opens in the badge's dialog (or as a full page without
JavaScript), and its submission.

The organisation and the embedding origin are decided here, from the path and the origin the
loader reported — which must be one of the organisation's allowed origins and is then the only
ancestor the page's `frame-ancestors` admits, so a page on another site cannot show it. Both go
into a signed form token with the page URL, the loader version, a one-time nonce and the issue
time; the submission is tagged from that token alone.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import sqlite3
import time
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from intake_service import photos
from intake_service.api.requests import body_limited, client_address, runtime_of
from intake_service.appeal_input import TEXT_MAX, TEXT_MIN, validate_appeal
from intake_service.appeals import NewAppeal, form_nonce_used, spend_form_nonce
from intake_service.assets import embed_js
from intake_service.errors import (
    Forbidden,
    FormExpired,
    FormInvalid,
    IntakeError,
    NotFound,
    Spam,
    ValidationFailed,
)
from intake_service.org_settings import public_contacts
from intake_service.orgs import Org
from intake_service.origins import OriginError, normalise_origin, origin_allowed
from intake_service.pages import contact_links, page_language, render, wants_html
from intake_service.tokens import FormGrant, FormTokenError

_VERSION = re.compile(r"^[0-9A-Za-z.+-]{1,20}$")
FORM_FIELD_BYTES = 64 * 1024
FORM_MAX_BYTES = photos.MAX_PHOTOS * photos.MAX_PHOTO_BYTES + 256 * 1024
# The form's own POST then carries its real Origin (under no-referrer browsers send
# `Origin: null`), which is what tells us it came from our page in browsers without Sec-Fetch-*
# headers; other sites still get no referrer from the form, and its URL holds no secret.
FORM_REFERRER_POLICY = "same-origin"


def _org(request: Request) -> Org:
    runtime = runtime_of(request)
    slug = request.path_params["org"]
    org = runtime.directory.org_by_slug(slug)
    if org is None:
        raise NotFound("detail.org-unknown", reason="org-unknown", org=slug[:40])
    request.state.org_id = org.id
    return org


def _page_url(raw: str | None, origin: str) -> str | None:
    """The host page's origin and path, kept only if it is a web URL on the embedding origin.

    The query and the fragment are dropped whatever the loader sent: on a personal account page
    they hold personal data (`/lk/profile?snils=…&email=…`), and the page URL goes into the
    intake log and every agency's copy of the appeal. The current loader sends none; older
    copies of it cached on host pages do."""
    if not raw or not origin or len(raw) > 2000:
        return None
    try:
        parts = urlsplit(raw)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    try:
        same = normalise_origin(f"{parts.scheme}://{parts.netloc}") == normalise_origin(origin)
    except OriginError:
        return None
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", "", "")) if same else None


def _form_context(
    request: Request, org: Org, lang: str, token: str, embed_origin: str
) -> dict[str, Any]:
    runtime = runtime_of(request)
    return {
        "org": org,
        "categories": [
            {"code": c.code, "title": c.title(lang)}
            for c in runtime.directory.catalogue(org.id).values()
        ],
        "token": token,
        "embed_origin": embed_origin,
        "text_min": TEXT_MIN,
        "text_max": TEXT_MAX,
        "max_photos": photos.MAX_PHOTOS,
        "action": f"/w/{org.slug}/appeals?lang={lang}",
        "values": {"kind": "message"},
        "errors": {},
        "summary": None,
        "contacts": contact_links(public_contacts(org)),
    }


async def form_page(request: Request) -> Response:
    """GET /w/{org}/form?origin=&page=&lang=&v= — the form, for that origin only."""
    runtime = runtime_of(request)
    lang = page_language(request)
    runtime.address_limiter.check(client_address(request))
    org: Org | None = None
    try:
        org = _org(request)
        origin = request.query_params.get("origin", "")
        if origin:
            try:
                origin = normalise_origin(origin)
            except OriginError:
                origin = origin[:100]
            if not origin_allowed(origin, org.origins):
                raise Forbidden(
                    "detail.origin-not-allowed",
                    reason=f"origin-not-allowed {origin}",
                    origin=origin,
                    org=org.name,
                )
    except IntakeError as error:
        await runtime.reject(request, error)
        if org is not None and _origin_refused(error):
            # The webmaster reads the reason in the intake log; the citizen, in the badge's
            # dialog, a page that says what to do instead. It carries no form and no token, so
            # any site may frame it: a refused frame would show only the browser's broken icon.
            return _unavailable_page(org, lang, frame_ancestors="*")
        return _error_page(error, lang)

    version = request.query_params.get("v")
    grant = FormGrant(
        org=org.slug,
        origin=origin,
        page_url=_page_url(request.query_params.get("page"), origin),
        loader_version=version if version and _VERSION.match(version) else None,
        nonce=secrets.token_urlsafe(12),
        issued_at=time.time(),
    )
    token = runtime.tokens.form(grant)
    return render(
        "form.html",
        lang,
        _form_context(request, org, lang, token, origin),
        frame_ancestors=origin or "'none'",
        referrer_policy=FORM_REFERRER_POLICY,
    )


def _error_page(error: IntakeError, lang: str) -> Response:
    return render(
        "error.html",
        lang,
        {"title": error.body(lang)["title"], "detail": error.body(lang).get("detail", "")},
        status=error.status,
    )


def _origin_refused(error: IntakeError) -> bool:
    return isinstance(error, Forbidden) and error.detail_key == "detail.origin-not-allowed"


def _unavailable_page(
    org: Org, lang: str, *, text: str | None = None, frame_ancestors: str = "'none'"
) -> Response:
    """For the citizen on a site that may not (or no longer) show the organisation's form: what
    happened in their words, the organisation's public contacts and, after a refused
    submission, their own text to copy. The webmaster's wording stays in the problem detail."""
    return render(
        "unavailable.html",
        lang,
        {"org": org, "contacts": contact_links(public_contacts(org)), "text": text},
        status=403,
        frame_ancestors=frame_ancestors,
    )


def _service_origin(request: Request) -> str:
    base = runtime_of(request).base_url(request)
    parts = urlsplit(base)
    return normalise_origin(f"{parts.scheme}://{parts.netloc}")


def _check_sender(request: Request) -> None:
    """Only our own form page (same origin) may post; a page elsewhere posting here may not.

    The form page is sent with `Referrer-Policy: same-origin`, so its POST carries our own
    `Origin` — accepted with `Sec-Fetch-Site: same-origin` or, from browsers that send no
    Sec-Fetch-* headers (Safari before 16.4), without it. `Origin: null` (sandboxed frames,
    data: URLs, or a page under no-referrer) counts only with `Sec-Fetch-Site: same-origin`,
    which no page script can set."""
    origin = request.headers.get("origin")
    fetch_site = request.headers.get("sec-fetch-site")
    if origin in (None, "null"):
        same = fetch_site == "same-origin"
    else:
        try:
            same = normalise_origin(origin) == _service_origin(request)
        except OriginError:
            same = False
        same = same and fetch_site in (None, "same-origin")
    if not same:
        raise Forbidden("detail.cross-origin-post", reason=f"cross-origin-post {origin}")


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


def _grant(request: Request, form: FormData, org: Org) -> FormGrant:
    runtime = runtime_of(request)
    token = form.get("token")
    if not isinstance(token, str) or not token:
        raise FormInvalid("detail.form-invalid", reason="token-missing")
    try:
        grant = runtime.tokens.read_form(token, runtime.settings.form_max_age)
    except FormTokenError as exc:
        if exc.why == "expired":
            raise FormExpired("detail.form-expired", reason="token-expired") from None
        if exc.why == "other-node":  # its nonce could be spent again here: one form, one appeal
            raise FormInvalid("detail.form-other-node", reason="token-other-node") from None
        raise FormInvalid("detail.form-invalid", reason="token-forged") from None
    if grant.org != org.slug:
        raise FormInvalid("detail.form-invalid", reason="token-other-org")
    if form_nonce_used(runtime.reader, grant.nonce):  # checked again inside the transaction
        raise FormInvalid("detail.form-invalid", reason="token-replayed")
    if grant.origin and not origin_allowed(grant.origin, org.origins):
        raise Forbidden(
            "detail.origin-not-allowed",
            reason=f"origin-not-allowed {grant.origin}",
            origin=grant.origin,
            org=org.name,
        )
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


def _appeal_fields(form: FormData) -> dict[str, Any]:
    data: dict[str, Any] = {
        "category": _field(form, "category"),
        "text": form.get("text") if isinstance(form.get("text"), str) else None,
        "kind": _field(form, "kind") or "message",
        "address": _field(form, "address"),
        "lat": _coordinate(form, "lat"),
        "lon": _coordinate(form, "lon"),
        "contact": {
            "name": _field(form, "name"),
            "email": _field(form, "email"),
            "phone": _field(form, "phone"),
        },
        "consent": form.get("consent") in ("on", "true", "1", "yes"),
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


async def submit(request: Request) -> Response:
    """POST /w/{org}/appeals from the form: JSON for the form's script, pages without it."""
    runtime = runtime_of(request)
    lang = page_language(request)
    as_page = wants_html(request)
    form: FormData | None = None
    try:
        org = _org(request)
        runtime.address_limiter.check(client_address(request))
        _check_sender(request)
        form = await _read_form(request)
        grant = _grant(request, form, org)
        attached, photo_errors = await _photos(form)
        try:
            appeal_input = validate_appeal(
                _appeal_fields(form), runtime.directory.catalogue(org.id)
            )
        except ValidationFailed as failed:
            raise ValidationFailed(failed.errors + photo_errors) from None
        if photo_errors:
            raise ValidationFailed(photo_errors)
        _check_timing(request, grant)
        # Only a submission that passed every check spends the organisation's budget: refusals
        # cost their sender's address alone, so strangers cannot lock citizens out of the form.
        runtime.org_limiter.check(org.slug)
        response = await _accept(request, org, grant, appeal_input, attached)
    except IntakeError as error:
        if not as_page:
            raise
        await runtime.reject(request, error)
        return _form_again(request, error, lang, form)
    finally:
        if form is not None:
            await form.close()
    if as_page:
        return RedirectResponse(response["tracking_url"] + f"?new=1&lang={lang}", status_code=303)
    return JSONResponse(response, status_code=201)


async def _accept(
    request: Request,
    org: Org,
    grant: FormGrant,
    appeal_input: Any,
    attached: list[photos.Photo],
) -> dict[str, Any]:
    runtime = runtime_of(request)
    appeal_id, tracking_url = runtime.new_appeal_id(request)
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
    )

    def also(conn: sqlite3.Connection) -> None:
        if not spend_form_nonce(conn, grant.nonce):
            raise FormInvalid("detail.form-invalid", reason="token-replayed")
        photos.record(conn, appeal_id, attached)

    # fsync of up to 15 MB: off the event loop
    folder = await asyncio.to_thread(photos.save, runtime.media_root, appeal_id, attached)
    # The folder goes only when the appeal is known not to commit (the writer says so), not
    # when this request is cancelled while its queued appeal still commits with the photos.
    accepted = await runtime.file(
        appeal, tracking_url, also=also, on_failure=lambda: photos.discard(folder)
    )
    return accepted.response


def _form_again(request: Request, error: IntakeError, lang: str, form: FormData | None) -> Response:
    """The form once more, with what the citizen typed and what to fix, for browsers without
    JavaScript (a full page)."""
    runtime = runtime_of(request)
    org_id = getattr(request.state, "org_id", None)
    if org_id is not None and _origin_refused(error):
        text = form.get("text") if form is not None else None
        return _unavailable_page(
            runtime.directory.org(org_id), lang, text=text if isinstance(text, str) else None
        )
    if org_id is None or isinstance(error, Forbidden):
        return _error_page(error, lang)
    org = runtime.directory.org(org_id)
    grant = FormGrant(org.slug, "", None, None, secrets.token_urlsafe(12), time.time())
    context = _form_context(request, org, lang, runtime.tokens.form(grant), "")
    body = error.body(lang)
    context["summary"] = body.get("detail") or body["title"]
    context["errors"] = {e["field"]: e["detail"] for e in body.get("errors", [])}
    if form is not None:
        context["values"] = {
            k: v
            for k, v in form.multi_items()
            if isinstance(v, str) and k not in ("token", "website")
        }
    return render(
        "form.html", lang, context, status=error.status, referrer_policy=FORM_REFERRER_POLICY
    )


ROUTES = [
    Route("/embed.js", embed_js, methods=["GET"]),
    Route("/w/{org}/form", form_page, methods=["GET"]),
    Route("/w/{org}/appeals", submit, methods=["POST"]),
]
