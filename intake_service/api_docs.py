"""`/docs`: the OpenAPI document rendered for people, in one language a page (Russian, or
English by `?lang=en` or Accept-Language, as every page chooses): a table of contents, each
operation with its parameters, an example request as curl and its answer (openapi/examples*.py,
the same the document carries), its own answers, and the schemas folded away — by the service
itself, as a plain page (no script, nothing loaded from elsewhere; the strict CSP holds)."""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from intake_service.api.requests import runtime_of
from intake_service.api_docs_text import (
    fields,
    localized,
    ref_name,
    say,
    schema_json,
    type_text,
    with_code,
)
from intake_service.i18n import t
from intake_service.openapi import examples, openapi_document
from intake_service.openapi.answers import DESCRIPTIONS
from intake_service.openapi.examples import Example, Values
from intake_service.openapi.shown import answer_text, curl
from intake_service.pages import page_language, render

# The page's sections, in order: an operation is in the first whose path prefix it has.
GROUPS = (
    ("api", ("/api/v1/",)),
    ("open311", ("/open311/",)),
    ("pages", ("/s/", "/w/", "/embed.js")),
    ("service", ("/",)),
)


def _anchor(method: str, path: str) -> str:
    return method + "-" + re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-")


def _group(path: str) -> str:
    return next(name for name, prefixes in GROUPS if path.startswith(prefixes))


def _common(english: dict[str, Any]) -> set[str]:
    """The operation's answers that are the ones every operation shares (answers.py), word for
    word: the page explains them once."""
    return {
        code
        for code, answer in english["responses"].items()
        if answer.get("description") == DESCRIPTIONS.get(int(code))
    }


def _operation(
    example: Example, english: dict[str, Any], lang: str, base: str, components: dict[str, Any]
) -> dict[str, Any]:
    operation = localized(english, lang)
    common = _common(english)
    bodies = operation.get("requestBody", {}).get("content", {})
    answer = example.answer
    return {
        "anchor": _anchor(example.method, example.path),
        "method": example.method.upper(),
        "path": example.path,
        "summary": operation.get("summary", ""),
        "description": operation.get("description", ""),
        "secured": bool(operation.get("security")),
        "parameters": [
            {
                "name": p["name"],
                "where": t(f"docs.in.{p['in']}", lang),
                "required": bool(p.get("required")),
                "type": type_text(p.get("schema", {})),
                "description": p.get("description") or p.get("schema", {}).get("description", ""),
            }
            for p in operation.get("parameters", [])
        ],
        "bodies": [
            {
                "media_type": media,
                "fields": fields(content.get("schema", {}), components),
                "schema": schema_json(content.get("schema", {})),
            }
            for media, content in bodies.items()
        ],
        "example": {
            "curl": curl(example, base),
            "answer": answer_text(answer, t("docs.no-body", lang)),
            "status": answer.status,
            "media_type": answer.media_type or "",
            "after": t(f"docs.after.{example.after}", lang) if example.after else "",
            "after_state": example.after or "",
        },
        "answers": [
            {
                "status": code,
                "description": answer.get("description", ""),
                "media_types": ", ".join(answer.get("content", {})),
                "refs": sorted(
                    {
                        name
                        for content in answer.get("content", {}).values()
                        if (name := ref_name(content.get("schema", {})))
                    }
                ),
            }
            for code, answer in operation["responses"].items()
            if code not in common
        ],
        "common": sorted(common),
    }


def page_context(base: str, lang: str, document: dict[str, Any]) -> dict[str, Any]:
    """What the template shows: the operations by section, in the order of the examples' story
    (a reader meets an appeal filed before its status), the shared answers and the schemas."""
    components = localized(document["components"]["schemas"], lang)
    groups: dict[str, list[dict[str, Any]]] = {name: [] for name, _ in GROUPS}
    for example in examples(Values(base)):
        english = document["paths"][example.path][example.method]
        groups[_group(example.path)].append(_operation(example, english, lang, base, components))
    return {
        "info": document["info"],
        "groups": [
            {"id": name, "title": t(f"docs.group.{name}", lang), "operations": operations}
            for name, operations in groups.items()
        ],
        "common": [
            {"status": str(code), "description": say(text, lang)}
            for code, text in sorted(DESCRIPTIONS.items())
        ],
        "schemas": [
            {
                "name": name,
                "description": schema.get("description", ""),
                "fields": fields(schema, components),
                "schema": schema_json(schema),
            }
            for name, schema in components.items()
        ],
        "code": with_code,
    }


async def docs(request: Request) -> Response:
    lang = page_language(request)
    runtime = runtime_of(request)
    base = runtime.base_url(request)
    context = page_context(base, lang, openapi_document(base, runtime.settings))
    other = "en" if lang == "ru" else "ru"
    # the way to the other language, in its own words
    switch = {"other_lang": other, "other_name": t("docs.language-name", other)}
    return render("api_docs.html", lang, {**context, **switch})


ROUTES = [Route("/docs", docs, methods=["GET"])]
