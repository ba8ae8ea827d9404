"""What a poll is: a poll (questions of single or multiple choice, a 1–5 scale or a short free
answer), a vote (one question whose options are the things voted for, each with a description
and a picture) or a public discussion (a project described, with documents, on which residents
comment). Each names who may take part (`identity`), when it is open, whether results show
while it runs, and whose badges show it.

`checked(document)` is the one check of a definition, for the API's JSON and the console's form
alike: every error is reported with its field, nothing is stored until all pass. The limits
bound what one poll can make the service hold and draw.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from intake_service.errors import ValidationFailed
from intake_service.store import now_iso

KINDS = ("poll", "vote", "discussion")
IDENTITIES = ("anyone", "email", "identified")
RESULTS = ("live", "at_close")
REACHES = ("own", "children")
QUESTION_TYPES = ("single", "multiple", "scale", "text")
SCALE = tuple(str(value) for value in range(1, 6))  # a scale's answers, 1–5

TITLE_MAX = 200
DESCRIPTION_MAX = 20_000
QUESTIONS_MAX = 20
OPTIONS_MAX = 30
OPTION_TITLE_MAX = 200
OPTION_DESCRIPTION_MAX = 2_000
QUESTION_TEXT_MAX = 500
TEXT_ANSWER_MAX = 1_000
_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}\Z")  # run on at most 33 characters


@dataclass(frozen=True)
class Option:
    id: str
    title: str
    description: str = ""
    picture: int | None = None  # a poll_files row (role "picture")


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    text: str
    options: tuple[Option, ...] = ()
    max_choices: int | None = None  # multiple choice: at most this many (None: all)

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)

    def answers(self) -> tuple[str, ...]:
        """What can be counted for this question: its options' ids, or a scale's values."""
        if self.type == "scale":
            return SCALE
        return tuple(option.id for option in self.options)


@dataclass(frozen=True)
class Poll:
    id: str
    org_id: int
    kind: str
    title: str
    description: str
    identity: str
    opens_at: str  # UTC, ISO 8601
    closes_at: str
    results: str
    reach: str
    questions: tuple[Question, ...]
    created_at: str = ""
    created_by: str = ""
    closed_at: str | None = None  # closed early
    published_at: str | None = None  # results published before or at closing

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def state(self, now: str) -> str:
        """ "upcoming", "open" or "closed" at `now` (UTC ISO)."""
        if self.closed_at is not None or now >= self.closes_at:
            return "closed"
        return "open" if now >= self.opens_at else "upcoming"

    def results_shown(self, now: str) -> bool:
        """Whether anyone may see the results now: live polls always, the others once closed
        (published at closing) or once the operator published them."""
        return (
            self.results == "live" or self.published_at is not None or self.state(now) == "closed"
        )

    @property
    def ends_at(self) -> str:
        """When it stopped (or stops) taking part."""
        return min(self.closes_at, self.closed_at) if self.closed_at else self.closes_at


def _text(
    document: dict[str, Any], key: str, limit: int, errors: list, field: str, required: bool = True
) -> str:
    value = document.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors.append((field, "field.required", {}))
        return ""
    if not isinstance(value, str):
        errors.append((field, "field.not-string", {}))
        return ""
    value = value.strip()
    if len(value) > limit:
        errors.append((field, "field.too-long", {"max": limit}))
        return ""
    if "\x00" in value:
        errors.append((field, "field.bad-characters", {}))
        return ""
    return value


def _choice(document: dict[str, Any], key: str, allowed: tuple[str, ...], errors: list) -> str:
    value = document.get(key, allowed[0] if key in ("results", "reach") else None)
    if value not in allowed:
        errors.append((key, "field.poll-choice", {"allowed": ", ".join(allowed)}))
        return allowed[0]
    return str(value)


def _moment(document: dict[str, Any], key: str, errors: list) -> str:
    """An ISO 8601 time with its offset, as UTC ISO; a time without one is refused (whose
    midnight would it be?)."""
    value = document.get(key)
    if not isinstance(value, str) or not value.strip():
        errors.append((key, "field.required", {}))
        return ""
    try:
        moment = datetime.fromisoformat(value.strip()[:40])
    except ValueError:
        errors.append((key, "field.poll-time", {}))
        return ""
    if moment.tzinfo is None:
        errors.append((key, "field.poll-time", {}))
        return ""
    return now_iso(moment.timestamp())  # the one format of stored times, compared as text


def _ident(value: Any, field: str, errors: list) -> str:
    if not isinstance(value, str) or not _ID.match(value[:33]):
        errors.append((field, "field.poll-id", {}))
        return ""
    return value


def _options(raw: Any, field: str, errors: list) -> tuple[Option, ...]:
    if not isinstance(raw, list) or not raw:
        errors.append((field, "field.required", {}))
        return ()
    if len(raw) > OPTIONS_MAX:
        errors.append((field, "field.poll-too-many", {"max": OPTIONS_MAX}))
        return ()
    options: list[Option] = []
    for n, item in enumerate(raw):
        where = f"{field}.{n}"
        if not isinstance(item, dict):
            errors.append((where, "field.not-object", {}))
            continue
        option_id = _ident(item.get("id"), f"{where}.id", errors)
        title = _text(item, "title", OPTION_TITLE_MAX, errors, f"{where}.title")
        description = _text(
            item, "description", OPTION_DESCRIPTION_MAX, errors, f"{where}.description", False
        )
        picture = item.get("picture")
        if picture is not None and (not isinstance(picture, int) or isinstance(picture, bool)):
            errors.append((f"{where}.picture", "field.not-number", {}))
            picture = None
        if option_id and any(o.id == option_id for o in options):
            errors.append((f"{where}.id", "field.poll-duplicate", {}))
        options.append(Option(option_id, title, description, picture))
    return tuple(options)


def _questions(raw: Any, kind: str, errors: list) -> tuple[Question, ...]:
    if kind == "discussion":
        if raw not in (None, []):
            errors.append(("questions", "field.poll-discussion", {}))
        return ()
    if not isinstance(raw, list) or not raw:
        errors.append(("questions", "field.required", {}))
        return ()
    if len(raw) > QUESTIONS_MAX:
        errors.append(("questions", "field.poll-too-many", {"max": QUESTIONS_MAX}))
        return ()
    if kind == "vote" and len(raw) != 1:
        errors.append(("questions", "field.poll-vote-one", {}))
    questions: list[Question] = []
    for n, item in enumerate(raw):
        where = f"questions.{n}"
        if not isinstance(item, dict):
            errors.append((where, "field.not-object", {}))
            continue
        question_id = _ident(item.get("id"), f"{where}.id", errors)
        kinds = ("single", "multiple") if kind == "vote" else QUESTION_TYPES
        qtype = item.get("type")
        if qtype not in kinds:
            errors.append((f"{where}.type", "field.poll-choice", {"allowed": ", ".join(kinds)}))
            continue
        text = _text(item, "text", QUESTION_TEXT_MAX, errors, f"{where}.text")
        options = (
            _options(item.get("options"), f"{where}.options", errors)
            if qtype in ("single", "multiple")
            else ()
        )
        max_choices = item.get("max_choices")
        if qtype == "multiple" and max_choices is not None:
            if (
                not isinstance(max_choices, int)
                or isinstance(max_choices, bool)
                or not 1 <= max_choices <= max(len(options), 1)
            ):
                errors.append((f"{where}.max_choices", "field.poll-max-choices", {}))
                max_choices = None
        elif max_choices is not None and qtype != "multiple":
            errors.append((f"{where}.max_choices", "field.unknown", {}))
            max_choices = None
        if question_id and any(q.id == question_id for q in questions):
            errors.append((f"{where}.id", "field.poll-duplicate", {}))
        questions.append(Question(question_id, str(qtype), text, options, max_choices))
    return tuple(questions)


ALLOWED_KEYS = frozenset(
    {
        "kind",
        "title",
        "description",
        "identity",
        "opens_at",
        "closes_at",
        "results",
        "reach",
        "questions",
    }
)


def checked(
    document: Any,
    *,
    poll_id: str,
    org_id: int,
    created_by: str,
    now: str,
    sign_in: bool = True,
) -> Poll:
    """The poll a definition describes, or ValidationFailed naming every error. `sign_in`:
    whether the deployment has an identity provider — without one, nobody could take part in
    an `identified` poll, so it is refused when made, not found empty at closing."""
    if not isinstance(document, dict):
        raise ValidationFailed([("body", "field.not-object", {})])
    errors: list[tuple[str, str, dict[str, Any]]] = list(
        itertools.islice(
            ((str(key)[:40], "field.unknown", {}) for key in document if key not in ALLOWED_KEYS),
            10,
        )
    )
    kind = _choice(document, "kind", KINDS, errors)
    title = _text(document, "title", TITLE_MAX, errors, "title")
    description = _text(document, "description", DESCRIPTION_MAX, errors, "description", False)
    identity = _choice(document, "identity", IDENTITIES, errors)
    if identity == "identified" and not sign_in:
        errors.append(("identity", "field.poll-identity-off", {}))
    results = _choice(document, "results", RESULTS, errors)
    reach = _choice(document, "reach", REACHES, errors)
    opens_at = _moment(document, "opens_at", errors)
    closes_at = _moment(document, "closes_at", errors)
    if opens_at and closes_at and closes_at <= opens_at:
        errors.append(("closes_at", "field.poll-closes-before", {}))
    elif closes_at and closes_at <= now:
        errors.append(("closes_at", "field.poll-closes-past", {}))
    if kind == "discussion" and not description:
        errors.append(("description", "field.required", {}))
    questions = _questions(document.get("questions"), kind, errors)
    if errors:
        raise ValidationFailed(errors)
    return Poll(
        id=poll_id,
        org_id=org_id,
        kind=kind,
        title=title,
        description=description,
        identity=identity,
        opens_at=opens_at,
        closes_at=closes_at,
        results=results,
        reach=reach,
        questions=questions,
        created_at=now,
        created_by=created_by,
    )


def questions_json(questions: tuple[Question, ...]) -> str:
    return json.dumps(
        [
            {
                "id": q.id,
                "type": q.type,
                "text": q.text,
                "options": [
                    {
                        "id": o.id,
                        "title": o.title,
                        "description": o.description,
                        "picture": o.picture,
                    }
                    for o in q.options
                ],
                "max_choices": q.max_choices,
            }
            for q in questions
        ],
        ensure_ascii=False,
    )


def poll_of_row(row: Any) -> Poll:
    """The Poll a `polls` row holds (its questions were checked when it was stored)."""
    questions = tuple(
        Question(
            q["id"],
            q["type"],
            q["text"],
            tuple(
                Option(o["id"], o["title"], o.get("description") or "", o.get("picture"))
                for o in q.get("options") or ()
            ),
            q.get("max_choices"),
        )
        for q in json.loads(row["questions"])
    )
    return Poll(
        id=row["id"],
        org_id=row["org_id"],
        kind=row["kind"],
        title=row["title"],
        description=row["description"],
        identity=row["identity"],
        opens_at=row["opens_at"],
        closes_at=row["closes_at"],
        results=row["results"],
        reach=row["reach"],
        questions=questions,
        created_at=row["created_at"],
        created_by=row["created_by"],
        closed_at=row["closed_at"],
        published_at=row["published_at"],
    )
