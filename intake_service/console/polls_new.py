"""A new poll, vote or public discussion, made in the console (`/console/polls/new`).

The form works without JavaScript: a fixed number of question blocks (empty ones are ignored),
each with its type, text, options one per line (`title` or `title — description`, ids a, b, c…
given here) and the most choices of a multiple choice. Times are `datetime-local` inputs read in
the chosen organisation's zone, which the page names. The form becomes the very document the
API takes, and `participation.definition.checked` — the one check of a definition — says what
is wrong; its errors come back next to their fields, with everything typed kept.

A vote's options may carry pictures and a discussion documents (participation/files.py): they
are checked by content before anything is stored, written before the poll's transaction, and
their rows commit with the poll's.
"""

from __future__ import annotations

import dataclasses
import sqlite3
import string
from datetime import datetime, timedelta
from typing import Any

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from intake_service.console.auth import Operator, changing, operator_of
from intake_service.console.page import console_page
from intake_service.console.state import console_of
from intake_service.errors import ValidationFailed
from intake_service.i18n import t
from intake_service.ids import uuid7
from intake_service.org_settings import timezone_of
from intake_service.orgs import Org
from intake_service.pages import page_language
from intake_service.participation import files as poll_files
from intake_service.participation.definition import (
    IDENTITIES,
    KINDS,
    QUESTION_TYPES,
    REACHES,
    RESULTS,
    Poll,
    checked,
)
from intake_service.participation.store import create_op
from intake_service.store import now_iso

BLOCKS = 5  # question blocks on the form
PICTURES = 6  # picture inputs for a vote's options
MAX_UPLOAD_BYTES = 40 * 1024 * 1024
FIELDS = ("org", "kind", "title", "description", "identity", "opens_at", "closes_at", "results",
          "reach")  # fmt: skip
LOCAL = "%Y-%m-%dT%H:%M"  # a datetime-local input's value


def option_id(n: int) -> str:
    """a, b, … z, then o27, o28 …"""
    return string.ascii_lowercase[n] if n < 26 else f"o{n + 1}"


def _orgs(request: Request, operator: Operator) -> list[Org]:
    directory = console_of(request).runtime.directory
    return sorted((o for o in directory.orgs() if operator.sees(o.id)), key=lambda o: o.name)


def _blank(org: Org | None) -> dict[str, str]:
    zone = timezone_of(org) if org is not None else None
    start = datetime.now(zone).replace(second=0, microsecond=0)  # open from now on
    sent = {name: "" for name in FIELDS}
    sent.update(kind="poll", identity="anyone", results="live", reach="own",
                opens_at=start.strftime(LOCAL), closes_at=(start + timedelta(days=7)).strftime(LOCAL))  # fmt: skip
    for n in range(1, BLOCKS + 1):
        sent.update(
            {f"q{n}_type": "single", f"q{n}_text": "", f"q{n}_options": "", f"q{n}_max": ""}
        )
    if org is not None:
        sent["org"] = org.slug
    return sent


def _page(
    request: Request,
    operator: Operator,
    sent: dict[str, str],
    errors: dict[str, list[str]] | None = None,
    *,
    status: int = 200,
) -> Response:
    lang = page_language(request)
    orgs = _orgs(request, operator)
    chosen = next((o for o in orgs if o.slug == sent.get("org")), None)
    return console_page(
        request,
        operator,
        "console/polls_new.html",
        {
            "orgs": [{"slug": o.slug, "name": o.name, "zone": timezone_of(o).key} for o in orgs],
            "zone": timezone_of(chosen).key if chosen is not None else "",
            "kinds": [(k, t(f"console.polls.kind.{k}", lang)) for k in KINDS],
            "identities": [(k, t(f"console.polls.identity.{k}", lang)) for k in IDENTITIES],
            "results_choices": [(k, t(f"console.polls.results.{k}", lang)) for k in RESULTS],
            "reaches": [(k, t(f"console.polls.reach.{k}", lang)) for k in REACHES],
            "types": [(k, t(f"console.polls.type.{k}", lang)) for k in QUESTION_TYPES],
            "blocks": range(1, BLOCKS + 1),
            "pictures": range(1, PICTURES + 1),
            "sent": sent,
            "errors": errors or {},
            "error_list": _error_list(errors or {}, lang),
        },
        status=status,
        section="/console/polls",
    )


def _label(name: str, lang: str) -> str:
    """The words naming a field in the summary of errors above the form."""
    head, _, part = name.partition("_")
    if head.startswith("q") and head[1:].isdigit() and part:
        question = t("console.polls.question-n", lang, n=head[1:])
        return f"{question}, {t(f'console.polls.field.{part}', lang).lower()}"
    if head == "picture" and part.isdigit():
        return t("console.polls.picture-n", lang, n=part)
    return t(f"console.polls.field.{name}", lang)


def _error_list(errors: dict[str, list[str]], lang: str) -> list[dict[str, str]]:
    return [
        {"field": name, "label": _label(name, lang), "message": message}
        for name, messages in errors.items()
        for message in messages
    ]


async def new_page(request: Request) -> Response:
    """GET /console/polls/new — an empty form on the operator's own organisation."""
    operator = operator_of(request)
    orgs = _orgs(request, operator)
    own = next((o for o in orgs if o.id == operator.user.org_id), orgs[0] if orgs else None)
    return _page(request, operator, _blank(own))


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _moment(value: str, org: Org | None) -> str | None:
    """A datetime-local value in the organisation's zone as ISO 8601 with its offset; None when
    empty (the check says it is required); "" when it is no time at all."""
    if not value.strip():
        return None
    try:
        local = datetime.strptime(value.strip()[:16], LOCAL)
    except ValueError:
        return ""
    return local.replace(tzinfo=timezone_of(org) if org is not None else None).isoformat()


def _options(lines: str) -> list[dict[str, str]]:
    options = []
    for line in (raw.strip() for raw in lines.splitlines()):
        if not line:
            continue
        title, _, description = (part.strip() for part in line.partition(" — "))
        option = {"id": option_id(len(options)), "title": title}
        if description:
            option["description"] = description
        options.append(option)
    return options


def _document(sent: dict[str, str], org: Org | None) -> tuple[dict[str, Any], list[int]]:
    """The API's document the form describes, and the block number of each question in it."""
    document: dict[str, Any] = {name: sent[name] for name in FIELDS[1:] if name not in
                                ("opens_at", "closes_at")}  # fmt: skip
    document["opens_at"] = _moment(sent["opens_at"], org)
    document["closes_at"] = _moment(sent["closes_at"], org)
    questions: list[dict[str, Any]] = []
    blocks: list[int] = []
    if sent["kind"] != "discussion":
        for n in range(1, BLOCKS + 1):
            text, lines = sent[f"q{n}_text"], sent[f"q{n}_options"]
            if not text.strip() and not lines.strip():
                continue  # an empty block is no question
            qtype = sent[f"q{n}_type"]
            question: dict[str, Any] = {"id": f"q{len(questions) + 1}", "type": qtype,
                                        "text": text}  # fmt: skip
            if qtype in ("single", "multiple"):
                question["options"] = _options(lines)
            if qtype == "multiple" and sent[f"q{n}_max"].strip():
                raw = sent[f"q{n}_max"].strip()
                question["max_choices"] = int(raw) if raw.isdigit() and len(raw) < 4 else raw
            questions.append(question)
            blocks.append(n)
    document["questions"] = questions
    return document, blocks


def _field(name: str, blocks: list[int]) -> str:
    """The form's field a definition error is about (`questions.0.options.2.title` → `q1_options`)."""
    parts = name.split(".")
    if parts[0] != "questions" or len(parts) < 2 or not parts[1].isdigit():
        return parts[0] if parts[0] in FIELDS else "questions"
    block = blocks[int(parts[1])] if int(parts[1]) < len(blocks) else 1
    sub = parts[2] if len(parts) > 2 else "text"
    return f"q{block}_" + {"max_choices": "max", "id": "options"}.get(sub, sub)


async def _uploads(
    form: FormData, sent: dict[str, str], refuse: Any
) -> tuple[list[poll_files.NewFile], dict[int, int]]:
    """The pictures (a vote's, by option number) and documents (a discussion's) sent, checked."""
    taken: list[poll_files.NewFile] = []
    pictures: dict[int, int] = {}  # option index → position in `taken`

    async def read(upload: Any, role: str, field: str) -> poll_files.NewFile | None:
        if not isinstance(upload, UploadFile) or not upload.filename:
            return None
        data = await upload.read(poll_files.MAX_FILE_BYTES + 1)
        if not data:
            return None
        made = poll_files.checked_file(role, upload.filename, data)
        if isinstance(made, str):
            refuse(field, made)
            return None
        return made

    if sent["kind"] == "vote":
        for n in range(1, PICTURES + 1):
            made = await read(form.get(f"picture_{n}"), "picture", f"picture_{n}")
            if made is not None:
                pictures[n - 1] = len(taken)
                taken.append(made)
    if sent["kind"] == "discussion":
        uploads = form.getlist("documents")
        if len(uploads) > poll_files.MAX_DOCUMENTS:
            refuse("documents", "console.polls.too-many-documents")
        for upload in uploads[: poll_files.MAX_DOCUMENTS]:
            made = await read(upload, "document", "documents")
            if made is not None:
                taken.append(made)
    return taken, pictures


def _with_pictures(poll: Poll, ids: list[int], pictures: dict[int, int]) -> Poll:
    if not pictures or not poll.questions:
        return poll
    first = poll.questions[0]
    options = tuple(
        dataclasses.replace(o, picture=ids[pictures[n]]) if n in pictures else o
        for n, o in enumerate(first.options)
    )
    return dataclasses.replace(poll, questions=(dataclasses.replace(first, options=options),
                                                *poll.questions[1:]))  # fmt: skip


def _create_with_files(
    poll: Poll, files: list[poll_files.NewFile], paths: list[str], pictures: dict[int, int]
) -> Any:
    """One transaction: the files' rows, then the poll naming its pictures by their ids."""

    def op(conn: sqlite3.Connection) -> str:
        ids = poll_files.record(conn, poll.id, files, paths)
        return create_op(_with_pictures(poll, ids, pictures))(conn)

    return op


async def create(request: Request) -> Response:
    """POST /console/polls/new — the poll's page once made; or the form again with why."""
    operator, form = await changing(
        request, max_files=PICTURES + poll_files.MAX_DOCUMENTS, max_bytes=MAX_UPLOAD_BYTES
    )
    runtime = console_of(request).runtime
    lang = page_language(request)
    sent = {name: _text(form, name) for name in FIELDS}
    for n in range(1, BLOCKS + 1):
        for part in ("type", "text", "options", "max"):
            sent[f"q{n}_{part}"] = _text(form, f"q{n}_{part}")
    errors: dict[str, list[str]] = {}

    def refuse(name: str, key: str, **values: Any) -> None:
        errors.setdefault(name, []).append(t(key, lang, **values))

    org = runtime.directory.org_by_slug(sent["org"])
    if org is None or not operator.sees(org.id):  # another organisation's: like a made-up one
        org = None
        refuse("org", "console.polls.org-unknown")
    document, blocks = _document(sent, org)
    for name in ("opens_at", "closes_at"):
        if document[name] == "":
            refuse(name, "console.polls.time-bad")
            document[name] = None
    poll: Poll | None = None
    try:
        poll = checked(document, poll_id=uuid7(), org_id=org.id if org else 0,
                       created_by=operator.user.email, now=now_iso(),
                       sign_in=bool(runtime.settings.oidc_issuer))  # fmt: skip
    except ValidationFailed as failed:
        for name, key, values in failed.errors:
            if name in ("opens_at", "closes_at") and name in errors:
                continue  # said already: not a time
            field = _field(name, blocks)
            if key == "field.required" and field == "questions":
                key = "console.polls.questions-required"
            elif key == "field.poll-choice" and field.endswith("_type"):
                key = "console.polls.vote-type"  # a vote's question: a choice, in words
            refuse(field, key, **values)
    uploads, pictures = await _uploads(form, sent, refuse)
    options = len(poll.questions[0].options) if poll is not None and poll.questions else 0
    for n in pictures:
        if n >= options:  # a picture of an option the question does not have
            refuse(f"picture_{n + 1}", "console.polls.picture-no-option", n=n + 1)
    if errors or poll is None or org is None:
        return _page(request, operator, sent, errors, status=422)
    root = runtime.media_root
    paths = poll_files.save(root, poll.id, uploads)
    try:
        await runtime.writer.submit(_create_with_files(poll, uploads, paths, pictures))
    except BaseException:
        poll_files.discard(root, poll.id)
        raise
    return RedirectResponse(f"/console/polls/{poll.id}?done=created", 303)


ROUTES = [
    Route("/console/polls/new", new_page, methods=["GET"]),
    Route("/console/polls/new", create, methods=["POST"]),
]
