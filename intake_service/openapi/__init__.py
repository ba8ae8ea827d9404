"""The OpenAPI 3.1 description of the HTTP surface: the spine's paths here, the
follow-through's from followup/openapi_paths.py, the component schemas from schemas.py.
Request bodies reuse the schemas the checks are documented by (appeal_input.py); a test checks
the document is valid and names every route."""

from __future__ import annotations

from typing import Any

from intake_service import __version__
from intake_service.appeal_input import appeal_schema
from intake_service.followup.openapi_paths import paths as followup_paths
from intake_service.open311 import openapi_paths as open311
from intake_service.openapi.schemas import (
    CREATED,
    DOCUMENT,
    LANG_PARAM,
    ORG_REF,
    PROBLEM,
    STATUS,
    TOKEN_PARAM,
    json_response,
    problem_responses,
    schema_ref,
)


def openapi_document(base_url: str) -> dict[str, Any]:
    secured = [{"apiKey": []}]
    status_op = {
        "summary": "Status and history of an appeal by its tracking token",
        "parameters": [TOKEN_PARAM, LANG_PARAM],
        "responses": {
            "200": json_response(schema_ref("Status"), "The appeal's status."),
            **problem_responses(404, 429),
        },
    }
    return {
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
                "AppealDocument": DOCUMENT,
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
                            "schema": {"type": "string", "maxLength": 255},
                            "description": "The same key and body return the first answer again.",
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
                        **problem_responses(400, 401, 413, 415, 422, 429, 503),
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
                        **problem_responses(401, 429),
                    },
                }
            },
            **followup_paths(problem_responses, json_response, schema_ref, LANG_PARAM),
            **open311.paths(),
            "/s/{token}": {"get": {**status_op, "operationId": "tracking"}},
            "/api/v1/status/{token}": {"get": {**status_op, "operationId": "status"}},
            "/api/v1/queue": {
                "get": {
                    "summary": "Pull the organisation's appeals from the embedded queue",
                    "security": secured,
                    "parameters": [
                        {
                            "name": "max",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 1, "maximum": 100},
                        },
                        {"name": "wait", "in": "query", "schema": {"type": "number", "minimum": 0}},
                        {
                            "name": "visibility",
                            "in": "query",
                            "schema": {"type": "number", "minimum": 1},
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
                                                "body": schema_ref("AppealDocument"),
                                            },
                                        },
                                    }
                                },
                            },
                            "Messages, invisible to others until acknowledged or timed out.",
                        ),
                        **problem_responses(400, 401, 409, 429),
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
                                            "items": {"type": "string"},
                                            "maxItems": 100,
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
                        **problem_responses(400, 401, 413, 415, 429),
                    },
                }
            },
            "/api/v1/appeals/{id}/photos/{n}": {
                "get": {
                    "summary": "A photo of an appeal, for the organisation it went to",
                    "security": secured,
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "format": "uuid"},
                        },
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
                            "content": {
                                "image/jpeg": {},
                                "image/png": {},
                                "image/webp": {},
                            },
                        },
                        **problem_responses(401, 404, 429),
                    },
                }
            },
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
                        "200": {"description": "The form (HTML).", "content": {"text/html": {}}},
                        "403": {
                            "description": "Origin not allowed (HTML).",
                            "content": {"text/html": {}},
                        },
                        "404": {
                            "description": "Unknown organisation (HTML).",
                            "content": {"text/html": {}},
                        },
                    },
                }
            },
            "/w/{org}/appeals": {
                "post": {
                    "summary": "Submit the form (from the form page's own origin only)",
                    "parameters": [
                        {
                            "name": "org",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                        LANG_PARAM,
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "multipart/form-data": {
                                "schema": {
                                    "type": "object",
                                    "required": ["token", "category", "text", "name", "consent"],
                                    "properties": {
                                        "token": {
                                            "type": "string",
                                            "description": "The signed form token.",
                                        },
                                        "kind": {"enum": ["message", "official"]},
                                        "category": {"type": "string"},
                                        "text": {"type": "string"},
                                        "address": {"type": "string"},
                                        "lat": {"type": "number"},
                                        "lon": {"type": "number"},
                                        "name": {"type": "string"},
                                        "email": {"type": "string"},
                                        "phone": {"type": "string"},
                                        "consent": {"type": "string", "enum": ["on"]},
                                        "photos": {
                                            "type": "array",
                                            "maxItems": 3,
                                            "items": {"type": "string", "format": "binary"},
                                        },
                                    },
                                }
                            }
                        },
                    },
                    "responses": {
                        "201": json_response(
                            schema_ref("AppealCreated"), "Stored (for the form's script)."
                        ),
                        "303": {
                            "description": "Stored; to the tracking page (browsers without JavaScript)."
                        },
                        **problem_responses(400, 403, 404, 413, 422, 429, 503),
                    },
                }
            },
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
