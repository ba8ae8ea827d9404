"""A category's extra questions: what an organisation asks about every appeal of a category
beyond the text and the place ("the lamp post's number", "which kind of waste"). Open311 calls
them a service's attributes, and its `services/{code}` lists them; the JSON API and Open311's
`attribute[CODE]` carry the answers, which are checked here, stored with the appeal and shown to
operators and consumers.

The data types are Open311's: string, number, datetime, text, singlevaluelist and
multivaluelist (the two lists with their allowed values). Set with
`pos-intake org attribute SLUG CATEGORY CODE …`.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")
LISTS = ("singlevaluelist", "multivaluelist")
CODE = re.compile(r"^[A-Za-z0-9_\-]{1,40}$")
STRING_MAX, TEXT_MAX = 200, 2000
MAX_PER_CATEGORY = 20
# A list question's values: a citizen picks from them on a phone, so a list stays short enough
# to read through, and each name fits one line of the form's select.
MAX_CHOICES, CHOICE_NAME_MAX = 30, 100

FieldError = tuple[str, str, dict[str, Any]]


class QuestionError(ValueError):
    """A question that cannot be set as asked; the message says what to change."""


@dataclass(frozen=True)
class Choice:
    key: str
    name_ru: str
    name_en: str = ""

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" and self.name_en else self.name_ru


@dataclass(frozen=True)
class Attribute:
    code: str
    datatype: str
    required: bool
    description_ru: str
    description_en: str = ""
    order: int = 1
    choices: tuple[Choice, ...] = ()

    def description(self, lang: str) -> str:
        return self.description_en if lang == "en" and self.description_en else self.description_ru

    def choice(self, key: str) -> Choice | None:
        return next((c for c in self.choices if c.key == key), None)


def load_attributes(conn: sqlite3.Connection, org_id: int) -> dict[str, tuple[Attribute, ...]]:
    """The organisation's questions by category code, in their order."""
    found: dict[str, list[Attribute]] = {}
    rows = conn.execute(
        "SELECT category, code, datatype, required, description_ru, description_en, ord, "
        "choices FROM category_attributes WHERE org_id = ? ORDER BY category, ord, code",
        (org_id,),
    )
    for row in rows:
        choices = tuple(
            Choice(str(c["key"]), str(c["name_ru"]), str(c.get("name_en") or ""))
            for c in json.loads(row["choices"] or "[]")
        )
        found.setdefault(row["category"], []).append(
            Attribute(
                row["code"],
                row["datatype"],
                bool(row["required"]),
                row["description_ru"],
                row["description_en"],
                row["ord"],
                choices,
            )
        )
    return {category: tuple(attributes) for category, attributes in found.items()}


def parse_choice(text: str) -> Choice:
    """`KEY=Название` or `KEY=Название|Name` from the command line."""
    key, sep, names = text.partition("=")
    name_ru, _, name_en = names.partition("|")
    if not sep or not CODE.match(key.strip()) or not name_ru.strip():
        raise QuestionError(
            f"value {text!r}: write KEY=Название or KEY=Название|Name (KEY: Latin letters, "
            "digits, _ or -)"
        )
    return Choice(key.strip(), name_ru.strip(), name_en.strip())


def set_attribute(
    conn: sqlite3.Connection,
    org_id: int,
    category: str,
    catalogue: set[str],
    attribute: Attribute,
) -> None:
    """Add or replace one question; refused with a message a person can act on."""
    if category not in catalogue:
        raise QuestionError(f"no category {category!r} here (see pos-intake org show)")
    if not CODE.match(attribute.code):
        raise QuestionError("the code takes 1-40 Latin letters, digits, _ or -")
    if attribute.datatype not in DATATYPES:
        raise QuestionError(f"the type is one of {', '.join(DATATYPES)}")
    if not attribute.description_ru.strip():
        raise QuestionError("the question needs a description in Russian (--description)")
    if attribute.datatype in LISTS and not attribute.choices:
        raise QuestionError(f"a {attribute.datatype} needs its values (--value KEY=Название)")
    if attribute.datatype not in LISTS and attribute.choices:
        raise QuestionError(f"only {' and '.join(LISTS)} take values")
    if len({c.key for c in attribute.choices}) != len(attribute.choices):
        raise QuestionError("two values have the same key")
    if len(attribute.choices) > MAX_CHOICES:
        raise QuestionError(f"a list takes at most {MAX_CHOICES} values")
    if any(max(len(c.name_ru), len(c.name_en)) > CHOICE_NAME_MAX for c in attribute.choices):
        raise QuestionError(f"a value's name takes at most {CHOICE_NAME_MAX} characters")
    (count,) = conn.execute(
        "SELECT count(*) FROM category_attributes WHERE org_id = ? AND category = ? AND code != ?",
        (org_id, category, attribute.code),
    ).fetchone()
    if count >= MAX_PER_CATEGORY:
        raise QuestionError(f"a category asks at most {MAX_PER_CATEGORY} questions")
    choices = [
        {"key": c.key, "name_ru": c.name_ru, "name_en": c.name_en} for c in attribute.choices
    ]
    conn.execute(
        "INSERT INTO category_attributes (org_id, category, code, datatype, required, "
        "description_ru, description_en, ord, choices) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (org_id, category, code) DO UPDATE SET datatype = excluded.datatype, "
        "required = excluded.required, description_ru = excluded.description_ru, "
        "description_en = excluded.description_en, ord = excluded.ord, "
        "choices = excluded.choices",
        (
            org_id,
            category,
            attribute.code,
            attribute.datatype,
            int(attribute.required),
            attribute.description_ru.strip(),
            attribute.description_en.strip(),
            attribute.order,
            json.dumps(choices, ensure_ascii=False),
        ),
    )


def remove_question(
    conn: sqlite3.Connection, org_id: int, slug: str, category: str, code: str
) -> None:
    """Remove a question; refused when there is none (the CLI and the console's settings page)."""
    if not remove_attribute(conn, org_id, category, code):
        raise QuestionError(f"{slug} asks no question {code!r} in {category}")


def remove_attribute(conn: sqlite3.Connection, org_id: int, category: str, code: str) -> bool:
    cursor = conn.execute(
        "DELETE FROM category_attributes WHERE org_id = ? AND category = ? AND code = ?",
        (org_id, category, code),
    )
    return cursor.rowcount > 0


def check_answers(
    asked: tuple[Attribute, ...], given: Any, errors: list[FieldError], *, prefix: str
) -> dict[str, Any]:
    """The answers as stored (`{code: value}`; a list for multivaluelist), adding an error per
    problem to `errors`, each named `prefix + code`. A value is a string (numbers may also
    be JSON numbers); a multivaluelist takes a list of keys."""
    if given is None:
        given = {}
    if not isinstance(given, Mapping):
        errors.append((prefix.rstrip(".[") or "attributes", "field.not-object", {}))
        return {}
    by_code = {a.code: a for a in asked}
    errors.extend(
        (f"{prefix}{code}", "field.attribute-unknown", {}) for code in given if code not in by_code
    )
    answers: dict[str, Any] = {}
    for attribute in asked:
        field = prefix + attribute.code
        value = given.get(attribute.code)
        if value is None or value == "" or value == []:
            if attribute.required:
                errors.append((field, "field.required", {}))
            continue
        checked = _check_one(attribute, value)
        if isinstance(checked, _Bad):
            errors.append((field, checked.key, checked.values))
        else:
            answers[attribute.code] = checked
    return answers


@dataclass(frozen=True)
class _Bad:
    key: str
    values: dict[str, Any]


def _check_one(attribute: Attribute, value: Any) -> Any:
    kind = attribute.datatype
    if kind == "multivaluelist":
        values = value if isinstance(value, list) else [value]
        if not all(isinstance(v, str) for v in values):
            return _Bad("field.attribute-choice", {})
        if any(attribute.choice(v) is None for v in values):
            return _Bad("field.attribute-choice", {})
        return list(dict.fromkeys(values))
    if isinstance(value, list):
        return _Bad("field.not-string", {})
    if kind == "number":
        if isinstance(value, bool):
            return _Bad("field.not-number", {})
        try:
            number = float(value)
        except (TypeError, ValueError):
            return _Bad("field.not-number", {})
        return number if math.isfinite(number) else _Bad("field.not-number", {})
    if not isinstance(value, str):
        return _Bad("field.not-string", {})
    value = value.strip()
    if kind == "singlevaluelist":
        return value if attribute.choice(value) is not None else _Bad("field.attribute-choice", {})
    if kind == "datetime":
        try:
            dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return _Bad("field.attribute-datetime", {})
        return value
    limit = TEXT_MAX if kind == "text" else STRING_MAX
    if len(value) > limit:
        return _Bad("field.too-long", {"max": limit})
    if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", value):
        return _Bad("field.bad-characters", {})
    return value


def answers_shown(
    asked: tuple[Attribute, ...], answers: Mapping[str, Any], lang: str
) -> list[dict[str, str]]:
    """The answers as a person reads them: the question and the answer's words (a list's
    names, not its keys). Answers to questions removed since are shown by their code."""
    by_code = {a.code: a for a in asked}
    shown = []
    for code, value in answers.items():
        attribute = by_code.get(code)
        values = value if isinstance(value, list) else [value]
        if attribute is not None and attribute.datatype in LISTS:
            words = [
                (choice.name(lang) if (choice := attribute.choice(str(v))) else str(v))
                for v in values
            ]
        else:
            words = [f"{v:g}" if isinstance(v, float) else str(v) for v in values]
        question = attribute.description(lang) if attribute is not None else code
        shown.append({"code": code, "question": question, "answer": ", ".join(words)})
    return shown
