"""What the residents' poll pages show, read once per request and handed to the templates
(pages.py renders them; the renderer reads nothing itself): the poll with its times in the
organisation's zone, who may take part in words, the questions with what the resident chose,
the results as bars once they may be shown, a discussion's documents and approved comments.

The same context serves the full page (/p/{poll_id}) and the badge's framed one
(/w/{org}/p/{poll_id}); `Framing` says which, and what every link and form on the page keeps
(the embedding origin, the language) so that a framed page stays framed after a POST.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.requests import Request

from intake_service.api.requests import runtime_of
from intake_service.i18n import t
from intake_service.org_settings import public_contacts, timezone_of
from intake_service.orgs import Org
from intake_service.pages import contact_links, local_time, other_language
from intake_service.participation import comments as poll_comments
from intake_service.participation.ballots import CONFIRM_HOURS
from intake_service.participation.definition import TEXT_ANSWER_MAX, Poll
from intake_service.participation.files import documents as poll_documents
from intake_service.participation.store import Results, results
from intake_service.store import now_iso
from intake_service.tokens import POLL_IDENTITY_COOKIE

# Set by the sign-in (followup/signin_routes.py, which polls/ may not import): the identity
# token of a resident who signed in to vote, read only under /p.
IDENTITY_COOKIE = POLL_IDENTITY_COOKIE  # set by the sign-in (followup/signin_routes.py)


@dataclass(frozen=True)
class Framing:
    """A page inside the badge's dialog (or the inline block) on `origin`, an allowed origin
    of `org`; None for the full pages."""

    org: Org
    origin: str
    inline: bool = False

    def query(self, lang: str) -> str:
        params = {"lang": lang, **({"origin": self.origin} if self.origin else {})}
        if self.inline:
            params["mode"] = "inline"
        return urlencode(params)


def poll_path(poll: Poll, framing: Framing | None) -> str:
    return f"/w/{framing.org.slug}/p/{poll.id}" if framing else f"/p/{poll.id}"


def _question_fields(poll: Poll, lang: str) -> list[dict[str, Any]]:
    return [
        {
            "id": q.id,
            "type": q.type,
            "text": q.text,
            "name": f"q.{q.id}",
            "field": f"answers.{q.id}",
            "max_choices": q.max_choices if q.type == "multiple" else None,
            "options": [
                {
                    "id": o.id,
                    "title": o.title,
                    "description": o.description,
                    "picture": f"/p/{poll.id}/files/{o.picture}" if o.picture is not None else None,
                }
                for o in q.options
            ],
        }
        for q in poll.questions
    ]


def answers_of(poll: Poll, form: FormData) -> dict[str, Any]:
    """The ballot a page's form holds, as `checked_answers` reads it: each question's field
    `q.<id>` — one value, several (multiple choice) or the free text. Unanswered ones are left
    out, so the one check names them."""
    raw: dict[str, Any] = {}
    for q in poll.questions:
        name = f"q.{q.id}"
        if q.type == "multiple":
            chosen = [v for v in form.getlist(name) if isinstance(v, str)]
            if chosen:
                raw[q.id] = chosen
        else:
            value = form.get(name)
            if isinstance(value, str) and value.strip():
                raw[q.id] = value
    return raw


def choice_shown(poll: Poll, answers: dict[str, Any] | None, lang: str) -> list[dict[str, str]]:
    """A voter's own answers in words: each question with the titles of what they chose."""
    if not answers:
        return []
    shown: list[dict[str, str]] = []
    for q in poll.questions:
        value = answers.get(q.id)
        if value is None or value == "" or value == []:
            continue
        if q.type in ("single", "multiple"):
            ids = value if isinstance(value, list) else [value]
            titles = [o.title for i in ids if (o := q.option(str(i))) is not None]
            text = "; ".join(titles)
        elif q.type == "scale":
            text = t("pp.scale-mark", lang, mark=value)
        else:
            text = str(value)
        shown.append({"question": q.text, "answer": text})
    return shown


def result_rows(poll: Poll, counted: Results, lang: str) -> list[dict[str, Any]]:
    """Per question, each option (a scale's value) with its count and share of participants,
    as bars: the numbers are `participation.store.results`, the API's and the console's."""
    rows: list[dict[str, Any]] = []
    for q in poll.questions:
        if q.type == "text":
            continue
        answers = counted.questions.get(q.id, {})
        labels = (
            {o.id: o.title for o in q.options}
            if q.type != "scale"
            else {v: t("pp.scale-mark", lang, mark=v) for v in answers}
        )
        rows.append(
            {
                "id": q.id,
                "text": q.text,
                "type": q.type,
                "options": [
                    {
                        "id": option,
                        "label": labels.get(option, option),
                        "n": n,
                        "percent": round(100 * counted.share(q.id, option)),
                    }
                    for option, n in answers.items()
                ],
            }
        )
    return rows


def documents(conn: sqlite3.Connection, poll_id: str) -> list[dict[str, Any]]:
    """A discussion's documents (participation/files.py), served at /p/{id}/files/{n}."""
    return [
        {
            "url": f"/p/{poll_id}/files/{doc.id}",
            "name": doc.name,
            "kind": "PDF" if doc.media_type == "application/pdf" else doc.media_type,
            "size": _size(doc.size),
        }
        for doc in poll_documents(conn, poll_id)
    ]


def _size(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB" if size >= 1_048_576 else f"{max(1, size // 1024)} KB"


def masked(email: str | None) -> str:
    """An address shown back, so its owner knows where to look and a passer-by learns little:
    "i***@example.ru"."""
    if not email or "@" not in email:
        return ""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def poll_context(
    request: Request,
    poll: Poll,
    lang: str,
    *,
    framing: Framing | None = None,
    outcome: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    summary: str | None = None,
    form: FormData | None = None,
) -> dict[str, Any]:
    """Everything poll.html shows, for the poll's page in either form."""
    runtime = runtime_of(request)
    org = runtime.directory.org(poll.org_id)
    zone = timezone_of(org)
    now = now_iso()
    state = poll.state(now)
    path = poll_path(poll, framing)
    query = framing.query(lang) if framing else urlencode({"lang": lang})
    other = other_language(request, lang)
    if request.method != "GET":  # the switch opens the page itself, not the POST's answer
        other_query = (
            framing.query(other["lang"]) if framing else urlencode({"lang": other["lang"]})
        )
        other["url"] = f"{path}?{other_query}"
    identity = runtime.tokens.read_identity(
        request.cookies.get(IDENTITY_COOKIE, "")[:2000], runtime.settings.form_max_age
    )
    values: dict[str, list[str]] = {}
    if form is not None:
        for key, value in form.multi_items():
            if isinstance(value, str):
                values.setdefault(key, []).append(value)
    voting = poll.kind != "discussion"  # a discussion has comments, not results
    counted = results(runtime.reader, poll) if voting and poll.results_shown(now) else None
    return {
        "poll": poll,
        "org": org,
        "contacts": contact_links(public_contacts(org)),
        "state": state,
        "opens": local_time(poll.opens_at, zone, lang),
        "closes": local_time(poll.ends_at, zone, lang),
        "questions": _question_fields(poll, lang),
        "text_max": TEXT_ANSWER_MAX,
        "confirm_hours": CONFIRM_HOURS,
        "comment_max": poll_comments.COMMENT_MAX,
        "author_max": poll_comments.AUTHOR_MAX,
        "action": f"{path}?{query}",
        "results_url": f"/p/{poll.id}/results?{urlencode({'lang': lang})}",
        "results": result_rows(poll, counted, lang) if counted else None,
        "participants": counted.participants if counted else None,
        "documents": documents(runtime.reader, poll.id) if poll.kind == "discussion" else [],
        "comments": poll_comments.approved(runtime.reader, poll.id)
        if poll.kind == "discussion"
        else [],
        "when": lambda iso: local_time(iso, zone, lang),
        "outcome": outcome,
        "errors": errors or {},
        "summary": summary,
        "values": values,
        "framing": framing,
        "full_url": f"/p/{poll.id}?{urlencode({'lang': lang})}",
        "other": other,
        "signin": {
            "configured": bool(runtime.settings.oidc_issuer),
            "url": "/id/start?" + urlencode({"for": "poll", "poll": poll.id, "lang": lang}),
            "name": identity.name if identity else None,
        },
    }
