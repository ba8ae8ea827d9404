"""HTML pages for people: Jinja2 templates from `widget/templates`, in the reader's language, each
sent with a strict CSP (no inline script or style; scripts, styles and images only from here).
Also what those pages show in a reader's terms: times in the organisation's zone, contacts as
links."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit
from zoneinfo import ZoneInfo

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    select_autoescape,
)
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from intake_service import __version__
from intake_service.assets import shipped
from intake_service.i18n import LANGUAGES, negotiate, t

# The widget's pages, and each capability's own templates beside its code (console/…).
_env = Environment(
    loader=ChoiceLoader(
        [
            FileSystemLoader(shipped("widget") / "templates"),
            FileSystemLoader(Path(__file__).parent / "console" / "templates"),
            FileSystemLoader(Path(__file__).parent / "followup" / "templates"),
        ]
    ),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
    auto_reload=False,  # shipped with the package; no stat of the file on every page
    # Compiling a template is the costliest thing a page does once (the console's appeal page
    # ~0.4 s, the form ~0.15 s): compiled code is kept in the user's own cache folder (Jinja's
    # default, created 0700 and checked to be the user's), so a restart loads it instead.
    bytecode_cache=FileSystemBytecodeCache(),
)


def in_english(value: object) -> Markup:
    """`value|en` in a template: a code, command or English name inside a sentence of another
    language, marked so that a screen reader reads it in English (WCAG 3.1.2)."""
    return Markup('<span lang="en">{}</span>').format(value)


_env.filters["en"] = in_english


def warm_templates() -> None:
    """Compile (or load from the cache) every page template, in a thread before the service
    answers: else the first request for each page compiled it on the event loop, holding every
    other request for as long (the first console appeal page held the loop 0.4 s)."""
    for name in _env.list_templates(filter_func=lambda name: name.endswith(".html")):
        _env.get_template(name)


def page_language(request: Request) -> str:
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked
    return negotiate(request.headers.get("accept-language"))


def csp(frame_ancestors: str = "'none'") -> str:
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
        "connect-src 'self'; form-action 'self'; base-uri 'none'; "
        f"frame-ancestors {frame_ancestors}"
    )


def render(
    template: str,
    lang: str,
    context: dict[str, Any],
    *,
    status: int = 200,
    frame_ancestors: str = "'none'",
    referrer_policy: str | None = None,
) -> HTMLResponse:
    """The page, with `no-referrer` (added by the middleware) unless `referrer_policy` says
    otherwise: pages whose URL holds a capability (tracking links) must keep it."""

    def translate(key: str, **values: object) -> str:
        # a value marked up in the template (`|en`: a code or English name in a Russian
        # sentence) keeps its markup; the message and every other value are escaped
        if any(isinstance(value, Markup) for value in values.values()):
            return Markup(escape(t(key, lang))).format(**values)
        return t(key, lang, **values)

    html = _env.get_template(template).render(
        lang=lang,
        t=translate,
        version=__version__,
        referrer_policy=referrer_policy or "no-referrer",  # the <meta> must say the same
        **context,
    )
    headers = {"Content-Security-Policy": csp(frame_ancestors), "Content-Language": lang}
    if referrer_policy:
        headers["Referrer-Policy"] = referrer_policy
    return HTMLResponse(html, status_code=status, headers=headers)


def wants_html(request: Request) -> bool:
    """A browser navigating (not a script asking for JSON)."""
    accept = request.headers.get("accept", "")
    return "text/html" in accept and "application/json" not in accept.split(",")[0]


def other_language(request: Request, lang: str) -> dict[str, str]:
    """The link to this very page in the other language (the query kept, `lang` replaced), for
    the switch every citizen page shows (`_lang_switch.html`): its URL, code and own name."""
    other = "en" if lang == "ru" else "ru"
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    query.append(("lang", other))
    url = request.url.path + "?" + urlencode(query)
    return {"url": url, "lang": other, "name": t("home.other-language", lang)}


def local_time(iso: str, zone: ZoneInfo, lang: str, *, seconds: bool = False) -> str:
    """A stored UTC time as a person there reads it, with the zone named, because the reader may
    live elsewhere: "23.11.2026, 20:40 (UTC+3, Europe/Moscow)"; English "2026-11-23 20:40 (…)".
    `seconds` adds them, for a clock that moves (the board's "updated")."""
    moment = datetime.fromisoformat(iso).astimezone(zone)
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    utc = f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")
    shown = moment.strftime(
        ("%d.%m.%Y, %H:%M" if lang == "ru" else "%Y-%m-%d %H:%M") + (":%S" if seconds else "")
    )
    return f"{shown} ({utc}, {zone.key})"


_MONTHS_RU = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)  # fmt: skip


def human_date(iso_date: str, lang: str) -> str:
    """A due date as people write it: "24 декабря 2026 г.", "24 December 2026"."""
    day = date.fromisoformat(iso_date[:10])
    if lang == "ru":
        return f"{day.day} {_MONTHS_RU[day.month - 1]} {day.year} г."
    return f"{day.day} {day.strftime('%B')} {day.year}"


def contact_links(contacts: dict[str, str]) -> list[dict[str, str | None]]:
    """An organisation's public contacts (only those set) as `{kind, text, href}` for templates:
    a phone as a tel: link, an e-mail as mailto:, a website only as an http(s) link (a stored
    value is checked when it is set; this is the second look). Jinja escapes every value."""
    links: list[dict[str, str | None]] = []
    if phone := contacts.get("phone"):
        links.append(
            {"kind": "phone", "text": phone, "href": "tel:" + re.sub(r"[^\d+]", "", phone)}
        )
    if email := contacts.get("email"):
        links.append({"kind": "email", "text": email, "href": "mailto:" + quote(email, safe="@")})
    if website := contacts.get("website"):
        web = urlsplit(website).scheme in ("http", "https") and " " not in website
        links.append({"kind": "website", "text": website, "href": website if web else None})
    return links
