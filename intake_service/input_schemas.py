"""JSON Schema of what the checks take (appeal_input.py): the appeal's body and the fields other
bodies share (a citizen's text, a name, an e-mail, a phone, a link), for /openapi.json.

Written from the checks' own limits and expressions, so that what the schema allows the checks
accept: the checks strip surrounding white space (Python's `str.strip`, which knows more white
space than ASCII), refuse control characters, count a text's length after that, and test e-mail,
phone and link with their regular expressions. The patterns are read alike by ECMA-262 (what
JSON Schema names) and Python's `re` (what schemathesis and jsonschema use), so they spell each
character class out instead of using `\\s`, whose members differ between the two. Where the
exact rule cannot be said in a pattern, the schema says a little less than the checks take
(a text's line breaks as `\\n`, not `\\r\\n`), never more."""

from __future__ import annotations

from typing import Any

from intake_service.appeal_input import (
    _EMAIL,
    ADDRESS_MAX,
    KINDS,
    NAME_MAX,
    POSTAL_MAX,
    TEXT_MAX,
    TEXT_MIN,
    URL_MAX,
)

# what str.strip() removes beyond ASCII's space, tab and line breaks
_UNICODE_SPACE = r"\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# a character that is neither white space nor a control character: a text's first and last
SIGNIFICANT = rf"[^\x00-\x20\x7f{_UNICODE_SPACE}]"
# anything but a control character (tab and \n are text, \r only as part of a stripped end)
_TEXT_CHAR = r"[^\x00-\x08\x0b-\x1f\x7f]"
_LINE_CHAR = r"[^\x00-\x1f\x7f]"
_ENDS = r"[\t\n ]*"
EMAIL_MAX, PHONE_MAX, CATEGORY_MAX = 254, 32, 40
_PHONE_NOISE = r"[ ()\-.]*"
_URL = rf"^[Hh][Tt][Tt][Pp][Ss]?://[^\x00-\x20\x7f{_UNICODE_SPACE}/?#]+[^\x00-\x20\x7f{_UNICODE_SPACE}]*$"


def text_schema(
    min_len: int = 1, max_len: int = TEXT_MAX, *, description: str = ""
) -> dict[str, Any]:
    """A citizen's text: at least `min_len` characters once stripped, at most `max_len`."""
    middle = f"{_TEXT_CHAR}{{{max(0, min_len - 2)},}}"
    core = f"{SIGNIFICANT}(?:{middle}{SIGNIFICANT})?" if min_len <= 1 else (
        f"{SIGNIFICANT}{middle}{SIGNIFICANT}"
    )  # fmt: skip
    schema: dict[str, Any] = {
        "type": "string",
        "minLength": max(1, min_len),
        "maxLength": max_len,
        "pattern": f"^{_ENDS}{core}{_ENDS}$",
    }
    if description:
        schema["description"] = description
    return schema


def line_schema(max_len: int, *, description: str = "") -> dict[str, Any]:
    """One line that is not blank (a name, a code)."""
    schema: dict[str, Any] = {
        "type": "string",
        "minLength": 1,
        "maxLength": max_len,
        "pattern": f"^{_LINE_CHAR}*{SIGNIFICANT}{_LINE_CHAR}*$",
    }
    if description:
        schema["description"] = description
    return schema


def optional_text_schema(max_len: int, *, description: str = "") -> dict[str, Any]:
    """A text that may be empty or blank (it is then left out), without control characters."""
    schema: dict[str, Any] = {
        "type": "string",
        "maxLength": max_len,
        "pattern": f"^{_TEXT_CHAR}*$",
    }
    if description:
        schema["description"] = description
    return schema


# what both idempotent operations take (api/appeals.py; followup/replies.py also takes `"`)
IDEMPOTENCY_KEY: dict[str, Any] = {
    "type": "string",
    "minLength": 1,
    "maxLength": 255,
    "pattern": "^[!#-~]+$",
}
EMAIL: dict[str, Any] = {"type": "string", "maxLength": EMAIL_MAX, "pattern": _EMAIL.pattern}
PHONE: dict[str, Any] = {
    "type": "string",
    "maxLength": PHONE_MAX,
    "pattern": f"^{_PHONE_NOISE}\\+?{_PHONE_NOISE}(?:[0-9]{_PHONE_NOISE}){{7,15}}$",
    "description": "7 to 15 digits, an optional leading +; spaces, brackets, dashes and dots "
    "between them are ignored.",
}


def url_schema(description: str = "") -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", "maxLength": URL_MAX, "pattern": _URL}
    if description:
        schema["description"] = description
    return schema


CONTACT_DESCRIPTION = (
    "The name, whole or in parts (an official appeal gives the parts, 59-FZ art. 7 p. 1; "
    "`name` is then the parts joined), and a way to answer: an e-mail or a phone; for an "
    "official appeal an e-mail or a postal address."
)


def appeal_schema(category_codes: list[str] | None = None) -> dict[str, Any]:
    """JSON Schema of the request body (the same rules as validate_appeal)."""
    category = line_schema(CATEGORY_MAX, description="A code from GET /api/v1/categories.")
    if category_codes:
        category["enum"] = category_codes
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["category", "text", "contact", "consent"],
        "properties": {
            "category": category,
            "text": text_schema(TEXT_MIN, TEXT_MAX),
            "kind": {"type": "string", "enum": list(KINDS), "default": "message"},
            "address": optional_text_schema(ADDRESS_MAX),
            "lat": {"type": "number", "minimum": -90, "maximum": 90},
            "lon": {"type": "number", "minimum": -180, "maximum": 180},
            "contact": {
                "type": "object",
                "additionalProperties": False,
                "anyOf": [{"required": ["name"]}, {"required": ["surname", "first_name"]}],
                # the parts come together: a patronymic or a surname alone names nobody
                "dependentRequired": {
                    "surname": ["first_name"],
                    "first_name": ["surname"],
                    "patronymic": ["surname", "first_name"],
                },
                "description": CONTACT_DESCRIPTION,
                "properties": {
                    "name": line_schema(NAME_MAX),
                    "surname": line_schema(NAME_MAX),
                    "first_name": line_schema(NAME_MAX),
                    "patronymic": line_schema(NAME_MAX),
                    "email": EMAIL,
                    "phone": PHONE,
                    "postal": text_schema(1, POSTAL_MAX),
                },
            },
            "consent": {"type": "boolean", "const": True},
            "page_url": url_schema(),
            "attributes": {
                "type": "object",
                "description": "Answers to the category's extra questions (Open311: "
                "GET /open311/v2/services/{code}.json): a string, or a number for a number, "
                "or a list of keys for a multivaluelist.",
                "additionalProperties": {
                    "anyOf": [
                        {"type": "string"},
                        {"type": "number"},
                        {"type": "array", "items": {"type": "string"}},
                    ]
                },
            },
            "media_url": url_schema(
                "A photo the citizen's app keeps; shown to operators as a link."
            ),
        },
        "dependentRequired": {"lat": ["lon"], "lon": ["lat"]},
        "if": {"properties": {"kind": {"const": "official"}}, "required": ["kind"]},
        "then": {
            "properties": {
                "contact": {"anyOf": [{"required": ["email"]}, {"required": ["postal"]}]}
            }
        },
        "else": {
            "properties": {
                "contact": {
                    "anyOf": [{"required": ["email"]}, {"required": ["phone"]}],
                    "not": {"required": ["postal"]},
                }
            }
        },
    }
