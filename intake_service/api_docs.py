"""`/docs`: the OpenAPI document rendered for people — every path and method with its summary,
parameters, request body and answers, and the schemas it names — by the service itself, as a
plain page (no script, nothing loaded from elsewhere; the strict CSP holds)."""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from intake_service.api.requests import runtime_of
from intake_service.openapi import openapi_document
from intake_service.pages import page_language, render

METHODS = ("get", "post", "put", "patch", "delete")


def _anchor(method: str, path: str) -> str:
    return method + "-" + re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-")


def _schema_text(schema: dict[str, Any] | None) -> str:
    """A schema as indented JSON (its `$ref`s link to the schemas section by name)."""
    return json.dumps(schema or {}, ensure_ascii=False, indent=2)


def _operations(document: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for path, item in document["paths"].items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            body = operation.get("requestBody", {}).get("content", {})
            found.append(
                {
                    "anchor": _anchor(method, path),
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "secured": bool(operation.get("security")),
                    "parameters": [
                        {
                            "name": p["name"],
                            "where": p["in"],
                            "required": bool(p.get("required")),
                            "schema": _schema_text(p.get("schema")),
                            "description": p.get("description", ""),
                        }
                        for p in operation.get("parameters", [])
                    ],
                    "bodies": [
                        {"media_type": media, "schema": _schema_text(content.get("schema"))}
                        for media, content in body.items()
                    ],
                    "responses": [
                        {
                            "status": status,
                            "description": answer.get("description", ""),
                            "media_types": ", ".join(answer.get("content", {})),
                        }
                        for status, answer in operation.get("responses", {}).items()
                    ],
                }
            )
    return found


async def docs(request: Request) -> Response:
    lang = page_language(request)
    runtime = runtime_of(request)
    document = openapi_document(runtime.base_url(request), runtime.settings)
    schemas = [
        {"name": name, "schema": _schema_text(schema)}
        for name, schema in document["components"]["schemas"].items()
    ]
    other = "en" if lang == "ru" else "ru"
    return render(
        "api_docs.html",
        lang,
        {
            "info": document["info"],
            "operations": _operations(document),
            "schemas": schemas,
            "other_lang": other,
        },
    )


ROUTES = [Route("/docs", docs, methods=["GET"])]
