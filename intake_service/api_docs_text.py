"""What /docs says about the document's parts, in the reader's language: every summary and
description of /openapi.json translated from the catalogue (the document is written in English
where it is built; its English sentence is the catalogue's key, i18n/api_docs.py), a schema as
a short type ("string ≤ 200", "integer 1–5", a schema's name) and as a table of its fields, and
`code` in a sentence marked as code — all escaped."""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup, escape

from intake_service.i18n import MESSAGES, t

PROSE = ("summary", "description")


def say(text: str, lang: str) -> str:
    """A sentence of the document in `lang`; the English one where the catalogue lacks it (the
    page test finds those)."""
    key = "api." + text
    return t(key, lang) if key in MESSAGES else text


def localized(value: Any, lang: str) -> Any:
    """A copy of a part of the document with every summary and description in `lang` (an
    example's values are data, left as they are)."""
    if isinstance(value, dict):
        return {
            k: say(v, lang)
            if k in PROSE and isinstance(v, str)
            else v
            if k in ("examples", "example")
            else localized(v, lang)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [localized(v, lang) for v in value]
    return value


def with_code(text: str) -> Markup:
    """`text` escaped, its `backticked` parts as <code>."""
    parts = text.split("`")
    if len(parts) % 2 == 0:  # an odd backtick: no code marks at all
        return Markup(escape(text))
    return Markup("").join(
        Markup("<code>{}</code>").format(part) if i % 2 else escape(part)
        for i, part in enumerate(parts)
    )


def ref_name(schema: dict[str, Any]) -> str | None:
    ref = schema.get("$ref", "")
    return ref.rsplit("/", 1)[1] if ref.startswith("#/components/schemas/") else None


def _range(low: Any, high: Any) -> str:
    if low is not None and high is not None:
        return f"{low}–{high}"
    if low is not None:
        return f"≥ {low}"
    return f"≤ {high}" if high is not None else ""


def type_text(schema: dict[str, Any]) -> str:
    """A schema in a few characters: its name, its values, or its type with its limits."""
    if name := ref_name(schema):
        return name
    if "oneOf" in schema:  # the queue's body: an appeal's document or its erasure
        return " | ".join(type_text(one) for one in schema["oneOf"])
    if "const" in schema:
        return json.dumps(schema["const"], ensure_ascii=False)
    if "enum" in schema:
        return " | ".join(json.dumps(v, ensure_ascii=False) for v in schema["enum"])
    kind = schema.get("type", "any")
    kinds = kind if isinstance(kind, list) else [kind]
    words = []
    for one in kinds:
        if one == "array":
            words.append(f"array[{type_text(schema.get('items', {}))}]")
        elif one in ("string", "integer", "number"):
            limits = (
                _range(schema.get("minimum"), schema.get("maximum"))
                if one != "string"
                else _range(None, schema.get("maxLength"))
            )
            word = one + (f" ({schema['format']})" if "format" in schema else "")
            words.append(f"{word} {limits}".strip())
        else:
            words.append(one)
    return " | ".join(words)


def fields(schema: dict[str, Any], components: dict[str, Any]) -> list[dict[str, Any]]:
    """The top-level fields of an object schema (a `$ref` followed) as table rows."""
    if name := ref_name(schema):
        schema = components[name]
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "type": type_text(field),
            "ref": ref_name(field) or ref_name(field.get("items", {})),
            "required": name in required,
            "description": field.get("description", ""),
        }
        for name, field in schema.get("properties", {}).items()
    ]


def schema_json(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2)
