"""The pieces /openapi.json is built from: the component schemas of the JSON API (problem,
created appeal, queue document, status) and the helpers that describe a response. Each
surface's paths (the spine's in this package, the follow-through's, Open311's) use them."""

from __future__ import annotations

from typing import Any

from intake_service.appeals import DOCUMENT_SCHEMA, ERASED_SCHEMA
from intake_service.followup.openapi_paths import STATUS_FIELDS
from intake_service.openapi.answers import problem_answer

PROBLEM = {
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

CREATED = {
    "type": "object",
    "required": ["id", "number", "status", "tracking_url"],
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "number": {"type": "string", "examples": ["DEMO-2026-000123"]},
        "status": {"type": "string"},
        "tracking_url": {"type": "string", "format": "uri"},
    },
}

HELD = {
    "type": "object",
    "required": ["status", "email"],
    "properties": {
        "status": {"const": "held"},
        "email": {"type": "string", "description": "The address the link went to, masked."},
    },
}

ORG_REF = {
    "type": "object",
    "properties": {"slug": {"type": "string"}, "name": {"type": "string"}},
}

ERASED = {
    "type": "object",
    "description": f"The citizen's personal data left this appeal: erase your copy. Schema `{ERASED_SCHEMA}`; its message_id is `erased:` and the appeal's id.",
    "required": ["schema", "id", "number", "org", "erased_at"],
    "properties": {
        "schema": {"const": ERASED_SCHEMA},
        "id": {"type": "string", "format": "uuid"},
        "number": {"type": "string"},
        "org": ORG_REF,
        "erased_at": {"type": "string", "format": "date-time"},
    },
}

DOCUMENT = {
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
        "media_url": {
            "type": ["string", "null"],
            "description": "A photo the citizen's app keeps (Open311 media_url), not fetched.",
        },
        "attributes": {
            "type": "object",
            "description": "Answers to the category's extra questions by code: a string, a "
            "number, or a list of keys (pos-intake org attributes SLUG names them).",
        },
        "org": {"$ref": "#/components/schemas/OrgRef"},
        "origin_org": {"$ref": "#/components/schemas/OrgRef"},
        "source": {"type": "object"},
        "created_at": {"type": "string", "format": "date-time"},
    },
}

STATUS = {
    "type": "object",
    "required": ["number", "status", "history"],
    "properties": {
        "number": {"type": "string"},
        "status": {"type": "string"},
        "status_title": {"type": "string"},
        "status_type": {"type": "string", "enum": ["open", "closed", "resolved"]},
        "status_reason": {
            "type": ["string", "null"],
            "description": "The reason the operator gave the citizen for the current status "
            "(always for rejected; null when none was given).",
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


def json_response(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def html_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"text/html": {"schema": {"type": "string"}}}}


# what an operation's own refusal means, said once for every operation that gives it
REFUSALS = {
    400: "The request cannot be taken as it is: the problem (RFC 9457) says why.",
    401: "No valid token: the problem (RFC 9457) says which one is asked for.",
    403: "Refused for where the request comes from: the problem (RFC 9457) says why.",
    404: "Nothing here, or not the caller's to see (a problem, RFC 9457).",
    409: "Not now: the present state does not allow it (a problem, RFC 9457, says why).",
    422: "Fields with errors, each in the problem's `errors` (RFC 9457).",
}


def problem_responses(*codes: int) -> dict[str, Any]:
    """An operation's own refusals; those every operation shares are added by answers.py."""
    return {str(code): problem_answer(code, REFUSALS[code]) for code in codes}


def schema_ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


LANG_PARAM = {
    "name": "lang",
    "in": "query",
    "schema": {"enum": ["ru", "en"]},
    "description": "The language of the answer's words; without it, Accept-Language's.",
}
