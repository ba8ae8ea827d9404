"""The OpenAPI 3.1 description of the HTTP surface. Request bodies reuse the schemas the checks
are documented by (appeal_input.py); a test checks the document is valid and names every route."""

from __future__ import annotations

from typing import Any

from intake_service import __version__
from intake_service.appeal_input import appeal_schema
from intake_service.appeals import DOCUMENT_SCHEMA
from intake_service.followup.openapi_paths import STATUS_FIELDS
from intake_service.followup.openapi_paths import paths as followup_paths

_PROBLEM = {
    "type": "object",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "request_id": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string"},
                    "pointer": {"type": "string"},
                    "parameter": {
                        "type": "string",
                        "description": "The query or request parameter (bad-parameter).",
                    },
                    "code": {"type": "string"},
                    "detail": {"type": "string"},
                },
            },
        },
    },
}

_CREATED = {
    "type": "object",
    "required": ["id", "number", "status", "tracking_url"],
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "number": {"type": "string", "examples": ["DEMO-2026-000123"]},
        "status": {"type": "string"},
        "tracking_url": {"type": "string", "format": "uri"},
    },
}

_ORG_REF = {
    "type": "object",
    "properties": {"slug": {"type": "string"}, "name": {"type": "string"}},
}

_DOCUMENT = {
    "type": "object",
    "description": f"The versioned appeal document, schema `{DOCUMENT_SCHEMA}`.",
    "required": ["schema", "id", "number", "kind", "category", "text", "org", "created_at"],
    "properties": {
        "schema": {"const": DOCUMENT_SCHEMA},
        "id": {"type": "string", "format": "uuid"},
        "number": {"type": "string"},
        "kind": {"enum": ["message", "official"]},
        "status": {"type": "string"},
        "category": {
            "type": "object",
            "properties": {"code": {"type": "string"}, "title": {"type": "string"}},
        },
        "text": {"type": "string"},
        "address": {"type": ["string", "null"]},
        "location": {
            "type": ["object", "null"],
            "properties": {"lat": {"type": "number"}, "lon": {"type": "number"}},
        },
        "contact": {"type": "object"},
        "photos": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "n": {"type": "integer"},
                    "media_type": {"type": "string"},
                    "bytes": {"type": "integer"},
                    "url": {
                        "type": "string",
                        "description": "Relative to the service; Bearer key.",
                    },
                },
            },
        },
        "org": {"$ref": "#/components/schemas/OrgRef"},
        "origin_org": {"$ref": "#/components/schemas/OrgRef"},
        "source": {"type": "object"},
        "created_at": {"type": "string", "format": "date-time"},
    },
}

_STATUS = {
    "type": "object",
    "required": ["number", "status", "history"],
    "properties": {
        "number": {"type": "string"},
        "status": {"type": "string"},
        "status_title": {"type": "string"},
        "status_type": {"type": "string", "enum": ["open", "closed", "resolved"]},
        "status_reason": {
            "type": ["string", "null"],
            "description": "Why the appeal was rejected (only for status rejected).",
        },
        "answer": {
            "type": ["object", "null"],
            "description": "The organisation's public answer, once given.",
            "properties": {
                "text": {"type": "string"},
                "at": {"type": "string", "format": "date-time"},
            },
        },
        "original": {
            "type": ["object", "null"],
            "description": "For a duplicate: the appeal it follows, with its status and answer.",
            "properties": {
                "number": {"type": "string"},
                "status": {"type": "string"},
                "status_title": {"type": "string"},
                "status_reason": {"type": ["string", "null"]},
                "answer": {"type": ["object", "null"]},
            },
        },
        "kind": {"type": "string"},
        "category": {"type": "object"},
        "text": {"type": "string"},
        "address": {"type": ["string", "null"]},
        "org": {"$ref": "#/components/schemas/OrgRef"},
        "created_at": {"type": "string", "format": "date-time"},
        **STATUS_FIELDS,
        "history": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "at": {"type": "string", "format": "date-time"},
                    "status": {
                        "type": "string",
                        "description": "The status the appeal reached at this step.",
                    },
                    "title": {"type": "string"},
                },
            },
        },
    },
}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _problems(*codes: int) -> dict[str, Any]:
    problem = {"$ref": "#/components/schemas/Problem"}
    return {
        str(code): {
            "description": "A problem (RFC 9457).",
            "content": {"application/problem+json": {"schema": problem}},
        }
        for code in codes
    }


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


_TOKEN = {"name": "token", "in": "path", "required": True, "schema": {"type": "string"}}
_LANG = {"name": "lang", "in": "query", "schema": {"enum": ["ru", "en"]}}


def openapi_document(base_url: str) -> dict[str, Any]:
    secured = [{"apiKey": []}]
    status_op = {
        "summary": "Status and history of an appeal by its tracking token",
        "parameters": [_TOKEN, _LANG],
        "responses": {"200": _json(_ref("Status"), "The appeal's status."), **_problems(404, 429)},
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
                "Problem": _PROBLEM,
                "AppealRequest": appeal_schema(),
                "AppealCreated": _CREATED,
                "AppealDocument": _DOCUMENT,
                "OrgRef": _ORG_REF,
                "Status": _STATUS,
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
                        "content": {"application/json": {"schema": _ref("AppealRequest")}},
                    },
                    "responses": {
                        "201": _json(_ref("AppealCreated"), "Stored; sent after the commit."),
                        **_problems(400, 401, 413, 415, 422, 429, 503),
                    },
                }
            },
            "/api/v1/categories": {
                "get": {
                    "summary": "The organisation's category catalogue",
                    "security": secured,
                    "parameters": [_LANG],
                    "responses": {
                        "200": _json(
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
                        **_problems(401, 429),
                    },
                }
            },
            **followup_paths(_problems, _json, _ref, _LANG),
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
                        "200": _json(
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
                                                "body": _ref("AppealDocument"),
                                            },
                                        },
                                    }
                                },
                            },
                            "Messages, invisible to others until acknowledged or timed out.",
                        ),
                        **_problems(400, 401, 409, 429),
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
                        "200": _json(
                            {
                                "type": "object",
                                "properties": {
                                    "acked": {"type": "array", "items": {"type": "string"}},
                                    "unknown": {"type": "array", "items": {"type": "string"}},
                                },
                            },
                            "Which receipts were acknowledged; unknown ones had expired.",
                        ),
                        **_problems(400, 401, 413, 415, 429),
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
                        **_problems(401, 404, 429),
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
                        _LANG,
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
                        _LANG,
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
                        "201": _json(_ref("AppealCreated"), "Stored (for the form's script)."),
                        "303": {
                            "description": "Stored; to the tracking page (browsers without JavaScript)."
                        },
                        **_problems(400, 403, 404, 413, 422, 429, 503),
                    },
                }
            },
            "/healthz": {
                "get": {
                    "summary": "Liveness",
                    "responses": {"200": _json({"type": "object"}, "The process answers.")},
                }
            },
            "/readyz": {
                "get": {
                    "summary": "Readiness: the writer runs and the database takes writes",
                    "responses": {
                        "200": _json({"type": "object"}, "Ready."),
                        "503": _json({"type": "object"}, "Not ready, with the failing check."),
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
                        **_problems(401, 403),
                    },
                }
            },
            "/openapi.json": {
                "get": {
                    "summary": "This document",
                    "responses": {"200": _json({"type": "object"}, "OpenAPI 3.1.")},
                }
            },
        },
    }
