"""The appeal form's page: what opens in the badge's dialog (or as a full page without
JavaScript), and what a citizen sees instead when the form cannot be shown or sent.

The organisation and the embedding origin are decided here, from the path and the origin the
loader reported — which must be one of the organisation's allowed origins and is then the only
ancestor the page's `frame-ancestors` admits, so a page on another site cannot show it. Both go
into a signed form token with the page URL (origin and path only), the loader version, a one-time
nonce, the issuing node and the issue time; the submission (submission.py) is tagged from that
token alone. A site that is not allowed gets a page without form or token, framable anywhere,
that tells the citizen how to reach the organisation.
"""

from __future__ import annotations

import re
import secrets
import time
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from intake_service import photos
from intake_service.api.requests import client_address, runtime_of
from intake_service.appeal_input import TEXT_MAX, TEXT_MIN
from intake_service.errors import (
    Forbidden,
    IntakeError,
    NotFound,
)
from intake_service.followup.held import hours_text
from intake_service.org_settings import identity_mode, public_contacts
from intake_service.orgs import Org
from intake_service.origins import OriginError, embedding_origin, normalise_origin
from intake_service.pages import contact_links, other_language, page_language, render
from intake_service.problems import error_page
from intake_service.tokens import FormGrant

_VERSION = re.compile(r"^[0-9A-Za-z.+-]{1,20}$")
# The form's own POST then carries its real Origin (under no-referrer browsers send
# `Origin: null`), which is what tells us it came from our page in browsers without Sec-Fetch-*
# headers; other sites still get no referrer from the form, and its URL holds no secret.
FORM_REFERRER_POLICY = "same-origin"


def org_of(request: Request) -> Org:
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


def form_context(
    request: Request, org: Org, lang: str, token: str, embed_origin: str
) -> dict[str, Any]:
    runtime = runtime_of(request)
    return {
        "org": org,
        "categories": [
            {"code": c.code, "title": c.title(lang)}
            for c in runtime.directory.catalogue(org.id).values()
        ],
        # each category's extra questions, a group shown while that category is chosen
        "questions": [
            {
                "category": c.code,
                "title": c.title(lang),
                "asked": [
                    {
                        "code": a.code,
                        "name": f"attr.{c.code}.{a.code}",
                        "id": f"q-{c.code}-{a.code}",
                        "datatype": a.datatype,
                        "required": a.required,
                        "description": a.description(lang),
                        "choices": [{"key": v.key, "name": v.name(lang)} for v in a.choices],
                    }
                    for a in c.attributes
                ],
            }
            for c in runtime.directory.catalogue(org.id).values()
            if c.attributes
        ],
        "chosen": set(),
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
        "identity": {
            kind: identity_mode(org, kind, bool(runtime.settings.oidc_issuer))
            for kind in ("message", "official")
        },
        "confirm_hours": hours_text(runtime.settings.email_confirm_hours),
        "other": other_language(request, lang),
        # form.js asks for a fresh token before this one runs out (renewal.py)
        "renew_url": f"/w/{org.slug}/form/token?lang={lang}",
        "similar_url": f"/w/{org.slug}/similar?lang={lang}",
        "follow_url": f"/w/{org.slug}/follow?lang={lang}",
        "max_age": runtime.settings.form_max_age,
        # a form the citizen has not sent yet: form.js may restore their draft into it
        "fresh": True,
    }


async def form_page(request: Request) -> Response:
    """GET /w/{org}/form?origin=&page=&lang=&v= — the form, for that origin only."""
    runtime = runtime_of(request)
    lang = page_language(request)
    runtime.address_limiter.check(client_address(request))
    org: Org | None = None
    try:
        org = org_of(request)
        origin, allowed = embedding_origin(request.query_params.get("origin", ""), org.origins)
        if not allowed:
            raise origin_not_allowed(origin, org)
    except IntakeError as error:
        await runtime.reject(request, error)
        if org is not None and origin_refused(error):
            # The webmaster reads the reason in the intake log; the citizen, in the badge's
            # dialog, a page that says what to do instead. It carries no form and no token, so
            # any site may frame it: a refused frame would show only the browser's broken icon.
            return unavailable_page(org, lang, frame_ancestors="*")
        return error_page(error, request)

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
        form_context(request, org, lang, token, origin),
        frame_ancestors=origin or "'none'",
        referrer_policy=FORM_REFERRER_POLICY,
    )


def origin_not_allowed(origin: str, org: Org) -> Forbidden:
    """The refusal of a site that is not (or no longer) among the organisation's origins: its
    detail speaks to the webmaster, and `origin_refused` tells it apart for the citizen's page."""
    return Forbidden(
        "detail.origin-not-allowed",
        reason=f"origin-not-allowed {origin}",
        origin=origin,
        org=org.name,
    )


def origin_refused(error: IntakeError) -> bool:
    return isinstance(error, Forbidden) and error.detail_key == "detail.origin-not-allowed"


def unavailable_page(
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


def form_again(request: Request, error: IntakeError, lang: str, form: FormData | None) -> Response:
    """The form once more, with what the citizen typed and what to fix, for browsers without
    JavaScript (a full page)."""
    runtime = runtime_of(request)
    org_id = getattr(request.state, "org_id", None)
    if org_id is not None and origin_refused(error):
        text = form.get("text") if form is not None else None
        return unavailable_page(
            runtime.directory.org(org_id), lang, text=text if isinstance(text, str) else None
        )
    if org_id is None or isinstance(error, Forbidden):
        return error_page(error, request)
    org = runtime.directory.org(org_id)
    grant = FormGrant(org.slug, "", None, None, secrets.token_urlsafe(12), time.time())
    context = form_context(request, org, lang, runtime.tokens.form(grant), "")
    body = error.body(lang)
    context["summary"] = body.get("detail") or body["title"]
    context["fresh"] = False
    # the switch opens the form itself (this page answered a POST), the draft keeps the text
    context["other"]["url"] = f"/w/{org.slug}/form?lang={context['other']['lang']}"
    context["errors"] = {e["field"]: e["detail"] for e in body.get("errors", [])}
    if form is not None:
        context["values"] = {
            k: v
            for k, v in form.multi_items()
            if isinstance(v, str) and k not in ("token", "website")
        }
        # the boxes ticked in a list that takes several values
        context["chosen"] = {
            (k, v) for k, v in form.multi_items() if isinstance(v, str) and k.startswith("attr.")
        }
    return render(
        "form.html", lang, context, status=error.status, referrer_policy=FORM_REFERRER_POLICY
    )
