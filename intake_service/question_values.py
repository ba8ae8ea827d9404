"""The values of a list question (singlevaluelist, multivaluelist) as an organisation's admin
types them on the console's settings page: one value a line, `Название`, `Название | Name`, or
the CLI's own `key=Название|Name` (category_attributes.parse_choice).

A value's key is what the JSON API, Open311 and the stored answers carry; the citizen and the
operator read its names. An admin who writes only names gets keys made from the Russian name
(transliterated: «Светодиодный» is `svetodiodnyy`), so that a key does not change when the
list is reordered or a value added — a key by position would make stored answers read as
another value. Each refusal names the line and what to change, in the reader's language:
`ValuesError.key` is a message of the catalogue (i18n/console_settings.py), and its English
text is the exception's own, for the log and the CLI.
"""

from __future__ import annotations

import re
from typing import Any

from intake_service.category_attributes import (
    CHOICE_NAME_MAX,
    MAX_CHOICES,
    Choice,
    QuestionError,
)
from intake_service.i18n import t

# Of what was typed, what is read at all: MAX_CHOICES lines of a key and two full names with
# room to spare. Longer input is refused before any line is split or matched.
TYPED_MAX = MAX_CHOICES * (2 * CHOICE_NAME_MAX + 60)
KEY_PART = re.compile(r"^\s*([A-Za-z0-9_\-]{1,40})\s*=(.*)$", re.DOTALL)

_LATIN = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch - y - e yu ya".split(),  # noqa: SIM905
        strict=True,
    )
)
_LATIN.update({"ъ": "", "ь": ""})


class ValuesError(QuestionError):
    """A list of values refused as typed; `key` and `values` make its message in a language."""

    def __init__(self, key: str, **values: Any) -> None:
        super().__init__(t(key, "en", **values))
        self.key = key
        self.values = values

    def message(self, lang: str) -> str:
        return t(self.key, lang, **self.values)


def key_of(name: str) -> str:
    """A value's key made from its Russian name: Latin letters, digits and _ (may be empty)."""
    latin = "".join(_LATIN.get(ch, ch) for ch in name.lower())
    return re.sub(r"[^a-z0-9]+", "_", latin).strip("_")[:40].rstrip("_")


def parse_values(typed: str) -> tuple[Choice, ...]:
    """The values of the lines typed, in their order; ValuesError says what is wrong."""
    if len(typed) > TYPED_MAX:
        raise ValuesError("console.settings.values-too-long", max=TYPED_MAX)
    lines = [(n, line) for n, line in enumerate(typed.splitlines(), 1) if line.strip()]
    if not lines:
        raise ValuesError("console.settings.values-empty")
    if len(lines) > MAX_CHOICES:
        raise ValuesError("console.settings.values-too-many", max=MAX_CHOICES, count=len(lines))
    found: list[Choice] = []
    key_line: dict[str, int] = {}
    name_line: dict[str, int] = {}
    for n, line in lines:
        given = KEY_PART.match(line)
        rest = given.group(2) if given else line
        name_ru, _, name_en = (part.strip() for part in rest.partition("|"))
        if not name_ru:
            raise ValuesError("console.settings.values-no-name", line=n)
        if max(len(name_ru), len(name_en)) > CHOICE_NAME_MAX:
            raise ValuesError("console.settings.values-name-long", line=n, max=CHOICE_NAME_MAX)
        key = given.group(1) if given else key_of(name_ru)
        if not key:
            raise ValuesError("console.settings.values-no-key", line=n)
        if name_ru.casefold() in name_line:
            raise ValuesError(
                "console.settings.values-same-name", line=n, other=name_line[name_ru.casefold()]
            )
        if key in key_line:
            raise ValuesError("console.settings.values-same-key", line=n, other=key_line[key])
        key_line[key] = name_line[name_ru.casefold()] = n
        found.append(Choice(key, name_ru, name_en))
    return tuple(found)
