"""An example request and its answer for every operation of /openapi.json, as data: /docs shows
each as a curl command and an answer, the document carries them as OpenAPI `examples` (so a
JSON or Open311 client's tooling shows them too), and a test sends every one to a running
service and holds the answer to the example's status and shape — an example that stops being
true fails the build.

The examples tell one story: the appeal `POST /api/v1/appeals` files is the one the status,
the agency's answer and the citizen's verdict act on. Their values (`Values`) are arguments,
so that the page shows the service's own address and the test its real key and tokens."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

# Shown for a list's further items, or for an object the example does not spell out. The page
# writes it as "…"; the document's example leaves it out; the test takes anything there.
MORE = ...

JSON = "application/json"
PROBLEM_JSON = "application/problem+json"
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"


@dataclass(frozen=True)
class Values:
    """What an example names that exists only in a running service: its address, a key, the
    appeal the story files (id, number, tracking token), a queue receipt, a form token."""

    base: str
    key: str = "$KEY"  # the page's curl reads it from the shell
    org: str = "demo"
    id: str = "01a24e0f-1c3a-708a-97e2-7ce22a5cabba"
    number: str = "DEMO-2026-000002"
    token: str = "01a24e0f1c3a708a97e27ce22a5cabba.AfDoqgoJQtoJLCVpB3jtNsnVJZk"
    receipt: str = "KfoKUCbs81TatjdXNsLQYU7U"
    form_token: str = "WyJkZW1vIiwiaHR0cHM6Ly9kZW1vLmV4YW1wbGUucnUiXQ.axYILw.HtX6KNn4EV"
    origin: str = "http://127.0.0.1:8001"  # a site the form is allowed on (the demo's pages)
    poll: str = "019af2c4-7d1e-7c3a-9b61-2f0c3d8e4a17"


@dataclass(frozen=True)
class Answer:
    """What the service answers: a JSON value as `body`, or for text a few lines the body
    holds (`excerpt`), and the headers that matter."""

    status: int
    body: Any = None
    media_type: str | None = JSON
    excerpt: str = ""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Example:
    """One request to the operation `method path` (the document's path, `params` filling it)
    and its answer. `after` names what must be done first — the story's appeal `filed`,
    `answered` or `asked` a question, the queue `queued` or `pulled`, a `form` opened, a
    `photo` sent, a `question` added to a topic — which the page says (i18n `docs.after.*`)
    and the test does."""

    method: str
    path: str
    answer: Answer
    params: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    key: bool = False  # sends `Authorization: Bearer KEY`
    json: Any = None
    form: dict[str, Any] | None = None  # the body's fields, as the schema types them
    multipart: dict[str, Any] | None = None
    after: str | None = None

    @property
    def operation(self) -> str:
        return f"{self.method.upper()} {self.path}"

    @property
    def url_path(self) -> str:
        return re.sub(r"{(\w+)}", lambda m: quote(self.params[m.group(1)], safe=""), self.path)

    @property
    def body_type(self) -> str | None:
        if self.json is not None:
            return JSON
        if self.form is not None:
            return FORM
        if self.multipart is not None:
            return MULTIPART
        return None

    @property
    def body(self) -> Any:
        return next((b for b in (self.json, self.form, self.multipart) if b is not None), None)


def without_more(value: Any) -> Any:
    """The value as JSON can hold it: `MORE` left out of lists, and an object `MORE` stands
    for empty."""
    if value is MORE:
        return {}
    if isinstance(value, dict):
        return {k: without_more(v) for k, v in value.items()}
    if isinstance(value, list):
        return [without_more(v) for v in value if v is not MORE]
    return value


def _with_example(content: dict[str, Any], media_type: str, value: Any) -> dict[str, Any]:
    """`content` with `value` as the media type's example (a copy: the document's parts may be
    shared between operations)."""
    shown = {**content[media_type], "examples": {"example": {"value": without_more(value)}}}
    return {**content, media_type: shown}


def add_examples(document: dict[str, Any], examples: list[Example]) -> None:
    """Each example into the document: its parameters' values as their `example`, its body
    and its answer as their media type's `examples`."""
    for example in examples:
        operation = document["paths"][example.path][example.method.lower()]
        given = {"path": example.params, "query": example.query, "header": example.headers}
        if "parameters" in operation:
            operation["parameters"] = [
                {**p, "example": given[p["in"]][p["name"]]}
                if p["name"] in given.get(p["in"], {})
                else p
                for p in operation["parameters"]
            ]
        if example.body_type is not None:
            body = operation["requestBody"]
            content = _with_example(body["content"], example.body_type, example.body)
            operation["requestBody"] = {**body, "content": content}
        answer = example.answer
        response = dict(operation["responses"][str(answer.status)])
        value = answer.body if answer.body is not None else answer.excerpt or None
        if value is not None and answer.media_type in response.get("content", {}):
            response["content"] = _with_example(response["content"], answer.media_type, value)
        if answer.headers:
            response["headers"] = {
                **response.get("headers", {}),
                **{
                    name: {"schema": {"type": "string"}, "example": value}
                    for name, value in answer.headers.items()
                },
            }
        operation["responses"][str(answer.status)] = response
