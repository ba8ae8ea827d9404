"""The OpenAPI 3.1 description of the HTTP surface: the spine's paths here, the
follow-through's from followup/openapi_paths.py, the component schemas from schemas.py.
Request bodies reuse the schemas the checks are documented by (appeal_input.py); a test checks
the document is valid and names every route."""

from __future__ import annotations

from typing import Any

from intake_service import __version__
from intake_service.api.queue import MAX_MESSAGES, MAX_VISIBILITY
from intake_service.followup.openapi_paths import TOKEN_PARAM
from intake_service.followup.openapi_paths import paths as followup_paths
from intake_service.input_schemas import IDEMPOTENCY_KEY, appeal_schema
from intake_service.open311 import openapi_paths as open311
from intake_service.openapi import examples_api, examples_open311, examples_pages, examples_polls
from intake_service.openapi.answers import complete
from intake_service.openapi.examples import Example, Values, add_examples
from intake_service.openapi.form_paths import (
    follow_appeal,
    form_submission,
    pos_banner_paths,
    similar_at_place,
    token_renewal,
)
from intake_service.openapi.schemas import (
    CREATED,
    DOCUMENT,
    ERASED,
    HELD,
    LANG_PARAM,
    ORG_REF,
    PROBLEM,
    STATUS,
    html_response,
    json_response,
    problem_responses,
    schema_ref,
)
from intake_service.polls.openapi_paths import paths as polls_paths
from intake_service.settings import Settings


def examples(values: Values) -> list[Example]:
    """An example request and answer for every operation (examples.py), with `values`."""
    return [
        *examples_api.examples(values),
        *examples_open311.examples(values),
        *examples_pages.examples(values),
        *examples_polls.examples(values),
    ]


def _photo(
    summary: str,
    whose: dict[str, Any],
    *,
    security: list[dict[str, list[str]]] | None = None,
    description: str = "",
) -> dict[str, Any]:
    """GET of an appeal's n-th photo, by whose it is (`whose`: the path's first parameter)."""
    operation: dict[str, Any] = {
        "summary": summary,
        "parameters": [
            whose,
            {
                "name": "n",
                "in": "path",
                "required": True,
                "schema": {"type": "integer", "minimum": 1},
            },
        ],
        "responses": {
            "200": {
                "description": "The photo as uploaded.",
                "content": {"image/jpeg": {}, "image/png": {}, "image/webp": {}},
            },
            **problem_responses(404),
        },
    }
    if security is not None:
        operation["security"] = security
    if description:
        operation["description"] = description
    return {"get": operation}


def openapi_document(base_url: str, settings: Settings) -> dict[str, Any]:
    """The document; `settings` give the limits that are configurable (the longest wait of a
    queue pull). The answers every operation shares are added by answers.complete, and each
    operation's example by examples.add_examples."""
    secured = [{"apiKey": []}]
    status_op = {
        "summary": "Status and history of an appeal by its tracking token",
        "parameters": [TOKEN_PARAM, LANG_PARAM],
        "responses": {
            "200": json_response(schema_ref("Status"), "The appeal's status."),
            **problem_responses(404),
        },
    }
    page_op = {
        **status_op,
        "summary": "The tracking page (a browser, `Accept: text/html`) or the status as JSON",
        "responses": {
            "200": {
                "description": "The page, or the appeal's status as JSON.",
                "content": {
                    "text/html": {"schema": {"type": "string"}},
                    "application/json": {"schema": schema_ref("Status")},
                },
            },
            **problem_responses(404),
        },
    }
    document = {
        "openapi": "3.1.0",
        "info": {"title": "pos-intake", "version": __version__},
        "servers": [{"url": base_url}],
        "components": {
            "securitySchemes": {
                "apiKey": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An organisation API key from `pos-intake org key SLUG`.",
                }
            },
            "schemas": {
                "Problem": PROBLEM,
                "AppealRequest": appeal_schema(),
                "AppealCreated": CREATED,
                "AppealHeld": HELD,
                "AppealDocument": DOCUMENT,
                "ErasedDocument": ERASED,
                "OrgRef": ORG_REF,
                "Status": STATUS,
                **open311.SCHEMAS,
            },
        },
        "paths": {
            "/api/v1/appeals": {
                "post": {
                    "summary": "File an appeal to the key's organisation",
                    "security": secured,
                    "parameters": [
                        {
                            "name": "Idempotency-Key",
                            "in": "header",
                            "schema": IDEMPOTENCY_KEY,
                            "description": "The same key and body return the first answer again; "
                            "the same key with another body is refused (422).",
                        }
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": schema_ref("AppealRequest")}},
                    },
                    "responses": {
                        "201": json_response(
                            schema_ref("AppealCreated"), "Stored; sent after the commit."
                        ),
                        **problem_responses(400, 422),
                    },
                }
            },
            "/api/v1/categories": {
                "get": {
                    "summary": "The organisation's category catalogue",
                    "security": secured,
                    "parameters": [LANG_PARAM],
                    "responses": {
                        "200": json_response(
                            {
                                "type": "object",
                                "properties": {
                                    "categories": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "properties": {
                                                "code": {"type": "string"},
                                                "title": {"type": "string"},
                                            },
                                        },
                                    }
                                },
                            },
                            "The catalogue.",
                        ),
                    },
                }
            },
            **followup_paths(problem_responses, json_response, schema_ref, LANG_PARAM),
            **open311.paths(),
            **polls_paths(problem_responses, json_response),
            "/s/{token}": {"get": {**page_op, "operationId": "tracking"}},
            "/api/v1/status/{token}": {"get": {**status_op, "operationId": "status"}},
            "/api/v1/queue": {
                "get": {
                    "summary": "Pull the organisation's appeals from the embedded queue",
                    "security": secured,
                    "parameters": [
                        {
                            "name": "max",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_MESSAGES},
                        },
                        {
                            "name": "wait",
                            "in": "query",
                            "schema": {
                                "type": "number",
                                "minimum": 0,
                                "maximum": settings.queue_max_wait,
                            },
                            "description": "Seconds to wait for a message (POS_QUEUE_MAX_WAIT).",
                        },
                        {
                            "name": "visibility",
                            "in": "query",
                            "schema": {"type": "number", "minimum": 1, "maximum": MAX_VISIBILITY},
                            "description": "Seconds a pulled message stays hidden from others.",
                        },
                    ],
                    "responses": {
                        "200": json_response(
                            {
                                "type": "object",
                                "properties": {
                                    "messages": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "properties": {
                                                "message_id": {"type": "string"},
                                                "receipt": {"type": "string"},
                                                "delivery_count": {"type": "integer"},
                                                "body": {
                                                    "oneOf": [
                                                        schema_ref("AppealDocument"),
                                                        schema_ref("ErasedDocument"),
                                                    ]
                                                },
                                            },
                                        },
                                    }
                                },
                            },
                            "Messages, invisible to others until acknowledged or timed out.",
                        ),
                        **problem_responses(400, 409),
                    },
                }
            },
            "/api/v1/queue/ack": {
                "post": {
                    "summary": "Acknowledge pulled messages by receipt",
                    "security": secured,
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["receipts"],
                                    "properties": {
                                        "receipts": {
                                            "type": "array",
                                            "items": {
                                                "type": "string",
                                                "minLength": 1,
                                                "maxLength": 64,
                                            },
                                            "minItems": 1,
                                            "maxItems": MAX_MESSAGES,
                                        }
                                    },
                                }
                            }
                        },
                    },
                    "responses": {
                        "200": json_response(
                            {
                                "type": "object",
                                "properties": {
                                    "acked": {"type": "array", "items": {"type": "string"}},
                                    "unknown": {"type": "array", "items": {"type": "string"}},
                                },
                            },
                            "Which receipts were acknowledged; unknown ones had expired.",
                        ),
                        **problem_responses(400),
                    },
                }
            },
            "/api/v1/appeals/{id}/photos/{n}": _photo(
                "A photo of an appeal, for the organisation it went to",
                {
                    "name": "id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "format": "uuid"},
                },
                security=secured,
            ),
            "/s/{token}/photos/{n}": _photo(
                "A photo of an appeal, for the holder of its tracking link",
                {"name": "token", "in": "path", "required": True, "schema": {"type": "string"}},
                description="The citizen's own photos on the tracking page: only with the "
                "appeal's tracking token; never cached by shared caches.",
            ),
            "/embed.js": {
                "get": {
                    "summary": "The loader host pages include (ETag, gzip, cached 5 minutes)",
                    "responses": {
                        "200": {
                            "description": "JavaScript.",
                            "content": {"text/javascript": {"schema": {"type": "string"}}},
                        },
                        "304": {"description": "Not modified."},
                    },
                }
            },
            "/w/{org}/form": {
                "get": {
                    "summary": "The appeal form page, framed by an allowed origin or as a full page",
                    "parameters": [
                        {
                            "name": "org",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                        {
                            "name": "origin",
                            "in": "query",
                            "schema": {"type": "string"},
                            "description": "The embedding page's origin; must be allowed.",
                        },
                        {"name": "page", "in": "query", "schema": {"type": "string"}},
                        {
                            "name": "v",
                            "in": "query",
                            "schema": {"type": "string"},
                            "description": "Loader version.",
                        },
                        LANG_PARAM,
                    ],
                    "responses": {
                        "200": html_response("The form."),
                        "403": html_response(
                            "The origin is not allowed: the page says what to do."
                        ),
                        **problem_responses(404),
                    },
                }
            },
            "/w/{org}/form/token": token_renewal(),
            "/w/{org}/similar": similar_at_place(),
            "/w/{org}/follow": follow_appeal(),
            "/w/{org}/appeals": form_submission(),
            **pos_banner_paths(),
            "/healthz": {
                "get": {
                    "summary": "Liveness",
                    "responses": {"200": json_response({"type": "object"}, "The process answers.")},
                }
            },
            "/readyz": {
                "get": {
                    "summary": "Readiness: the writer runs and the database takes writes",
                    "responses": {
                        "200": json_response({"type": "object"}, "Ready."),
                        "503": json_response(
                            {"type": "object"}, "Not ready, with the failing check."
                        ),
                    },
                }
            },
            "/metrics": {
                "get": {
                    "summary": "Prometheus metrics",
                    "description": "With POS_METRICS_TOKEN set, send it as a Bearer token; "
                    "without one, only clients on the service's own host are answered.",
                    "responses": {
                        "200": {
                            "description": "Prometheus text format.",
                            "content": {"text/plain": {"schema": {"type": "string"}}},
                        },
                        **problem_responses(401, 403),
                    },
                }
            },
            "/openapi.json": {
                "get": {
                    "summary": "This document",
                    "responses": {"200": json_response({"type": "object"}, "OpenAPI 3.1.")},
                }
            },
            "/docs": {
                "get": {
                    "summary": "This document as a page for people (ru/en)",
                    "parameters": [LANG_PARAM],
                    "responses": {
                        "200": {
                            "description": "Every operation and schema.",
                            "content": {"text/html": {"schema": {"type": "string"}}},
                        }
                    },
                }
            },
        },
    }
    complete(document["paths"])
    add_examples(document, examples(Values(base_url)))
    return document
