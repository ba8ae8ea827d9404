"""An example (examples.py) as a person reads it on /docs: the request as a curl command to paste
into a shell, the answer as HTTP (status line, the headers that matter, the body), and JSON
laid out compactly — a short object or list on one line, a long one spread out — so that an
answer fits on a screen."""

from __future__ import annotations

import json
import shlex
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

from intake_service.openapi.examples import JSON, MORE, Answer, Example

WIDTH = 80  # columns a line of JSON may take before it is spread out
KEY = "$KEY"  # the key as the shell reads it, never written out


def _inline(value: Any) -> str:
    if value is MORE:
        return "…"
    if isinstance(value, dict):
        inner = ", ".join(f"{_key(k)}: {_inline(v)}" for k, v in value.items())
        return "{" + inner + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_inline(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def _key(name: str) -> str:
    return json.dumps(name, ensure_ascii=False)


def json_text(value: Any, indent: int = 0, column: int = 0) -> str:
    """`value` as JSON, a container spread over lines (`indent` deep) only where it would not
    fit on its line from `column`; `MORE` as "…" (an object it stands for as "{…}")."""
    if value is MORE and column:
        return "{…}"
    one = _inline(value)
    if column + len(one) <= WIDTH or not isinstance(value, dict | list) or not value:
        return one
    pad = " " * (indent + 2)
    if isinstance(value, dict):
        items = []
        for name, item in value.items():
            head = f"{pad}{_key(name)}: "
            items.append(head + json_text(item, indent + 2, len(head)))
        return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"
    items = [pad + ("…" if i is MORE else json_text(i, indent + 2, len(pad))) for i in value]
    return "[\n" + ",\n".join(items) + "\n" + " " * indent + "]"


def _sh(text: str) -> str:
    """One shell word: in single quotes, or in double quotes where it holds the key's
    variable (the only expansion an example asks of the shell)."""
    if KEY not in text:
        return shlex.quote(text)
    escaped = "".join("\\" + c if c in '\\"$`' else c for c in text)
    return '"' + escaped.replace("\\" + KEY, KEY) + '"'


def _field(name: str, value: Any) -> str:
    return f"{name}={value if isinstance(value, str) else json.dumps(value)}"


def curl(example: Example, base: str) -> str:
    """The request as a curl command, one option a line."""
    url = base + example.url_path
    if example.query:
        url += "?" + "&".join(
            f"{quote(k)}={quote(str(v), safe='$')}" for k, v in example.query.items()
        )
    words = [_sh(url)]
    if example.body is None and example.method != "get":
        words.append(f"-X {example.method.upper()}")
    if example.key:
        words.append("-H " + _sh(f"Authorization: Bearer {KEY}"))
    words += ["-H " + _sh(f"{name}: {value}") for name, value in example.headers.items()]
    if example.json is not None:
        words.append("-H " + _sh(f"Content-Type: {JSON}"))
        words.append("-d " + _sh(json_text(example.json, 2, 2)))
    for name, value in (example.form or {}).items():
        field = _field(name, value)
        plain = field.isascii() and not any(c in field[len(name) + 1 :] for c in " &=%+")
        words.append(("-d " if plain else "--data-urlencode ") + _sh(field))
    words += ["-F " + _sh(_field(name, value)) for name, value in (example.multipart or {}).items()]
    return "curl " + " \\\n  ".join(words)


def answer_text(answer: Answer, no_body: str) -> str:
    """The answer as HTTP shows it; `no_body` is said in place of a body the page does not
    show (a photo's bytes)."""
    lines = [f"HTTP/1.1 {answer.status} {HTTPStatus(answer.status).phrase}"]
    if answer.media_type:
        lines.append(f"Content-Type: {answer.media_type}")
    lines += [f"{name}: {value}" for name, value in answer.headers.items()]
    if answer.body is not None:
        lines += ["", json_text(answer.body)]
    elif answer.excerpt:
        lines += ["", answer.excerpt, "…"]
    elif answer.media_type:
        lines += ["", no_body]
    return "\n".join(lines)
