"""What a filed appeal must look like: the checks, and the JSON Schema that documents them.

The checks are written out by hand rather than run through a schema library: they produce every
field error at once in the product's own words (ru/en from the catalogue), and they cost a few
microseconds, which matters because intake speed is measured against a bare handler doing the
same checks. input_schemas.py describes the same rules for `/openapi.json`; tests keep the two in
step by running examples and bodies generated from the schema through both.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from intake_service.categories import Category
from intake_service.category_attributes import check_answers
from intake_service.errors import ValidationFailed

TEXT_MIN, TEXT_MAX = 10, 4000
ADDRESS_MAX = 500
NAME_MAX = 200
URL_MAX = 2000
KINDS = ("message", "official")
FIELDS = (
    "category",
    "text",
    "kind",
    "address",
    "lat",
    "lon",
    "contact",
    "consent",
    "page_url",
    "attributes",
    "media_url",
)
CONTACT_FIELDS = ("name", "email", "phone")
# A postal address to answer to: an official appeal's (59-ФЗ art. 7 p. 1: postal or e-mail),
# and any appeal an operator takes by letter (console/taken.py).
POSTAL_MAX = 500
# The name in parts, as a written official appeal must give it (59-ФЗ art. 7 p. 1)
NAME_PARTS = ("surname", "first_name", "patronymic")

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@"
    r"(?:[A-Za-z0-9\u0400-\u04ff](?:[A-Za-z0-9\u0400-\u04ff-]{0,61}[A-Za-z0-9\u0400-\u04ff])?\.)+"
    r"[A-Za-z\u0400-\u04ff]{2,63}$"
)
_PHONE_NOISE = re.compile(r"[\s()\-.]")
_PHONE = re.compile(r"^\+?\d{7,15}$")
# Linear: one character class after a fixed prefix, each character read once (the former
# `[^\s/?#]+[^\s]*$` let two overlapping runs split the text every way, quadratic in its length).
_URL = re.compile(r"https?://[^\s/?#][^\s]*", re.IGNORECASE)

FieldError = tuple[str, str, dict[str, Any]]


@dataclass(frozen=True)
class AppealInput:
    kind: str
    category: str
    text: str
    address: str | None
    lat: float | None
    lon: float | None
    contact: dict[str, str]
    page_url: str | None
    attributes: dict[str, Any] = field(default_factory=dict)  # answers to the category's questions
    media_url: str | None = None  # a photo the citizen's app holds (Open311 `media_url`)


def _string(
    data: dict[str, Any],
    name: str,
    errors: list[FieldError],
    *,
    prefix: str = "",
    required: bool = False,
    min_len: int = 0,
    max_len: int,
) -> str | None:
    field = prefix + name
    value = data.get(name)
    if value is None or (isinstance(value, str) and not value.strip() and not required):
        if required:
            errors.append((field, "field.required", {}))
        return None
    if not isinstance(value, str):
        errors.append((field, "field.not-string", {}))
        return None
    # The length first, and a value past it goes no further: every later check (control
    # characters, the patterns of e-mail, phone and URL) then reads text of a bounded size.
    value = value.replace("\r\n", "\n").strip()
    if len(value) > max_len:
        errors.append((field, "field.too-long", {"max": max_len}))
        return None
    if _CONTROL.search(value):
        errors.append((field, "field.bad-characters", {}))
        return None
    if required and not value:
        errors.append((field, "field.required", {}))
    elif len(value) < min_len:
        errors.append((field, "field.too-short", {"min": min_len}))
    return value


def _number(data: dict[str, Any], name: str, errors: list[FieldError]) -> float | None:
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        errors.append((name, "field.not-number", {}))
        return None
    return float(value)


def _name(raw: dict[str, Any], official: bool, errors: list[FieldError]) -> dict[str, str]:
    """The citizen's name as stored: the surname, first name and patronymic each in its own
    field when given — which a written official appeal must (59-ФЗ art. 7 p. 1: surname, first
    name, the patronymic if there is one) — and `name`, the parts joined, still filled for the
    consumers that read it. `name` alone is accepted too (a message; an official appeal from an
    API client written before the parts existed)."""
    given = {
        part: _string(raw, part, errors, prefix="contact.", max_len=NAME_MAX) for part in NAME_PARTS
    }
    if any(given.values()):
        for part in ("surname", "first_name") if official else ():
            if not given[part]:
                errors.append((f"contact.{part}", "field.required", {}))
        whole = " ".join(v for v in given.values() if v)
        if len(whole) > NAME_MAX:
            errors.append(("contact.name", "field.too-long", {"max": NAME_MAX}))
        return {"name": whole, **{k: v for k, v in given.items() if v}}
    if official and raw.get("name") is None:
        # the form asks for the parts; say which are missing rather than "name"
        errors.extend(
            (f"contact.{part}", "field.required", {}) for part in ("surname", "first_name")
        )
        return {}
    name = _string(raw, "name", errors, prefix="contact.", required=True, max_len=NAME_MAX)
    return {"name": name} if name else {}


def _contact(
    raw: dict[str, Any], kind: Any, postal: bool, errors: list[FieldError]
) -> dict[str, str]:
    """The contact as stored: the name (and its parts) and the ways to reach the citizen. An
    official appeal needs an address for the answer, an e-mail or a postal address (59-ФЗ
    art. 7 p. 1); a message needs an e-mail or a phone — on the operator's path (`postal`, a
    letter taken in the console) a postal address serves a message too."""
    official = kind == "official"
    allowed = (*CONTACT_FIELDS, *NAME_PARTS, *(("postal",) if postal or official else ()))
    errors.extend((f"contact.{name}", "field.unknown", {}) for name in raw if name not in allowed)
    named = _name(raw, official, errors)
    email = _string(raw, "email", errors, prefix="contact.", max_len=254)
    phone = _string(raw, "phone", errors, prefix="contact.", max_len=32)
    if email and not _EMAIL.match(email):
        errors.append(("contact.email", "field.email", {}))
    if phone:
        digits = _PHONE_NOISE.sub("", phone)
        if not _PHONE.match(digits):
            errors.append(("contact.phone", "field.phone", {}))
    address_to = (
        _string(raw, "postal", errors, prefix="contact.", max_len=POSTAL_MAX)
        if postal or official
        else None
    )
    reported = "contact.email" in {e[0] for e in errors}
    if official and not (email or address_to):
        if not reported:
            errors.append(("contact.postal", "field.official-address", {}))
    elif not (email or phone or address_to) and not reported:
        errors.append(
            ("contact.email", "field.contact-postal" if postal else "field.contact-channel", {})
        )
    given = (("email", email), ("phone", phone), ("postal", address_to))
    return {**named, **{k: v for k, v in given if v}}


def validate_appeal(
    data: Any, catalogue: dict[str, Category], *, postal: bool = False
) -> AppealInput:
    """The appeal as the service will store it, or ValidationFailed listing every problem.
    `postal`: the operator's path (console/taken.py: an appeal taken by phone, from a letter or
    at a visit), where a postal address (`contact.postal`) is a way to reach the citizen for
    any appeal; on the public paths only an official appeal may give one."""
    if not isinstance(data, dict):
        raise ValidationFailed([("body", "field.not-object", {})])
    errors: list[FieldError] = []
    errors.extend((name, "field.unknown", {}) for name in data if name not in FIELDS)

    category = _string(data, "category", errors, required=True, max_len=40)
    if category and category not in catalogue:
        errors.append(("category", "field.category-unknown", {}))
    text = _string(data, "text", errors, required=True, min_len=TEXT_MIN, max_len=TEXT_MAX)

    kind = data.get("kind", "message")
    if kind not in KINDS:
        errors.append(("kind", "field.kind", {}))

    address = _string(data, "address", errors, max_len=ADDRESS_MAX)
    lat = _number(data, "lat", errors)
    lon = _number(data, "lon", errors)
    if lat is not None and not -90 <= lat <= 90:
        errors.append(("lat", "field.lat-range", {}))
    if lon is not None and not -180 <= lon <= 180:
        errors.append(("lon", "field.lon-range", {}))
    has_lat, has_lon = data.get("lat") is not None, data.get("lon") is not None
    if has_lat != has_lon:
        errors.append(("lon" if has_lat else "lat", "field.lat-lon-pair", {}))

    contact: dict[str, str] = {}
    raw_contact = data.get("contact")
    if raw_contact is None:
        errors.append(("contact", "field.required", {}))
    elif not isinstance(raw_contact, dict):
        errors.append(("contact", "field.not-object", {}))
    else:
        contact = _contact(raw_contact, kind, postal, errors)

    if data.get("consent") is not True:
        errors.append(("consent", "field.consent", {}))

    page_url = _string(data, "page_url", errors, max_len=URL_MAX)
    if page_url and not _URL.fullmatch(page_url):
        errors.append(("page_url", "field.url", {}))
    media_url = _string(data, "media_url", errors, max_len=URL_MAX)
    if media_url and not _URL.fullmatch(media_url):
        errors.append(("media_url", "field.url", {}))

    asked = catalogue[category].attributes if category in catalogue else ()
    attributes = check_answers(asked, data.get("attributes"), errors, prefix="attributes.")

    if errors:
        raise ValidationFailed(errors)
    return AppealInput(
        kind=kind,
        category=category or "",
        text=text or "",
        address=address,
        lat=lat,
        lon=lon,
        contact=contact,
        page_url=page_url,
        attributes=attributes,
        media_url=media_url,
    )


def checked_text(
    value: Any,
    name: str = "text",
    *,
    required: bool = True,
    min_len: int = TEXT_MIN,
    max_len: int = TEXT_MAX,
) -> str:
    """One free text by the same rules as an appeal's fields (`_string`), for the paths that
    make or change an appeal from a single text outside `validate_appeal`: a repeat appeal, the
    verdict's comment that becomes one, the answer to a question. The text cleaned, or
    ValidationFailed naming `name`; defaults are the appeal text's limits."""
    errors: list[FieldError] = []
    text = _string({name: value}, name, errors, required=required, min_len=min_len, max_len=max_len)
    if errors:
        raise ValidationFailed(errors)
    return text or ""
