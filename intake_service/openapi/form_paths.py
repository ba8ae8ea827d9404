"""The appeal form's submission in /openapi.json: the fields form/submission.py reads, with the
checks' own rules (input_schemas.py), and what it answers to the form's script and to a
browser without one."""

from __future__ import annotations

from typing import Any

from intake_service.appeal_input import ADDRESS_MAX, KINDS, NAME_MAX, TEXT_MAX, TEXT_MIN
from intake_service.form.submission import FORM_FIELD_BYTES
from intake_service.input_schemas import (
    CATEGORY_MAX,
    EMAIL,
    IDEMPOTENCY_KEY,
    PHONE,
    line_schema,
    optional_text_schema,
    text_schema,
)
from intake_service.openapi.schemas import (
    LANG_PARAM,
    html_response,
    json_response,
    problem_responses,
    schema_ref,
)
from intake_service.photos import MAX_PHOTOS

YES = ["on", "true", "1", "yes"]


def _fields() -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["token", "category", "text", "name", "consent"],
        "properties": {
            "token": {
                "type": "string",
                "minLength": 1,
                "maxLength": FORM_FIELD_BYTES,
                "description": "The signed form token the form page carries (single use).",
            },
            "kind": {"enum": list(KINDS)},
            "category": line_schema(CATEGORY_MAX),
            "text": text_schema(TEXT_MIN, TEXT_MAX),
            "address": optional_text_schema(ADDRESS_MAX),
            "lat": {"type": "number", "minimum": -90, "maximum": 90},
            "lon": {"type": "number", "minimum": -180, "maximum": 180},
            "name": line_schema(NAME_MAX),
            "email": EMAIL,
            "phone": PHONE,
            "consent": {"enum": YES},
            "email_copies": {"enum": YES, "description": "Official appeals: copies by e-mail."},
            "identity": {
                "type": "string",
                "description": "The identity provider's signed token, where the organisation "
                "asks citizens to sign in.",
            },
            "website": {
                "type": "string",
                "maxLength": 0,
                "description": "Left empty: a field only robots fill in.",
            },
            "photos": {
                "type": "array",
                "maxItems": MAX_PHOTOS,
                "items": {"type": "string", "format": "binary"},
                "description": "JPEG, PNG or WebP.",
            },
        },
        "patternProperties": {
            r"^attr\.": {
                "type": "string",
                "description": "attr.CATEGORY.CODE: the answer to a question of the category.",
            }
        },
        "dependentRequired": {"lat": ["lon"], "lon": ["lat"]},
        "anyOf": [{"required": ["email"]}, {"required": ["phone"]}],
        "if": {"properties": {"kind": {"const": "official"}}, "required": ["kind"]},
        "then": {"required": ["email"]},
    }


def form_submission() -> dict[str, Any]:
    return {
        "post": {
            "summary": "Submit the form (from the form page's own origin only)",
            "description": "Only the service's own form page may post: its `Origin` is the "
            "service's, or `Sec-Fetch-Site: same-origin` (403 otherwise). A browser "
            "(`Accept: text/html`) gets pages; the form's script gets JSON.",
            "parameters": [
                {"name": "org", "in": "path", "required": True, "schema": {"type": "string"}},
                LANG_PARAM,
                {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "schema": IDEMPOTENCY_KEY,
                    "description": "The same key and body return the first answer again; "
                    "the same key with another body is refused (422).",
                },
            ],
            "requestBody": {
                "required": True,
                "content": {"multipart/form-data": {"schema": _fields()}},
            },
            "responses": {
                "200": html_response(
                    "Held until the citizen opens the link e-mailed to them (a browser)."
                ),
                "201": json_response(
                    schema_ref("AppealCreated"), "Stored (for the form's script)."
                ),
                "202": json_response(
                    schema_ref("AppealHeld"),
                    "Held until the citizen opens the link e-mailed to them (the form's script).",
                ),
                "303": {
                    "description": "Stored; to the tracking page (browsers without JavaScript)."
                },
                **problem_responses(400, 403, 404, 422),
            },
        }
    }


# the form page's own token, which its every request carries
FORM_TOKEN: dict[str, Any] = {
    "type": "string",
    "minLength": 1,
    "maxLength": FORM_FIELD_BYTES,
    "description": "The form's current token.",
}


def token_renewal() -> dict[str, Any]:
    """POST /w/{org}/form/token (form/renewal.py)."""
    return {
        "post": {
            "summary": "Renew the form's token while the citizen writes (form page only)",
            "description": "The form's script asks before its token runs out: the new one "
            "keeps the time the form was opened, with a new one-time nonce. Only the form page "
            "may ask, as for the submission; a token used or signed over a day ago gets none.",
            "parameters": [
                {"name": "org", "in": "path", "required": True, "schema": {"type": "string"}},
                LANG_PARAM,
            ],
            "requestBody": {
                "required": True,
                "content": {
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "required": ["token"],
                            "properties": {"token": FORM_TOKEN},
                        }
                    }
                },
            },
            "responses": {
                "200": json_response(
                    {
                        "type": "object",
                        "required": ["token", "max_age"],
                        "properties": {
                            "token": {"type": "string"},
                            "max_age": {"type": "integer"},
                        },
                    },
                    "The new token.",
                ),
                **problem_responses(400, 403, 404, 422),
            },
        }
    }


def similar_at_place() -> dict[str, Any]:
    """POST /w/{org}/similar (form/similar.py)."""
    text = {"type": "string", "maxLength": FORM_FIELD_BYTES}
    appeal = {
        "type": "object",
        "required": ["number", "topic", "status", "filed", "address", "metres"],
        "properties": {
            "number": {"type": "string"},
            "topic": {"type": "string"},
            "status": {"type": "string"},
            "filed": {"type": "string"},
            "address": {"type": ["string", "null"]},
            "metres": {"type": ["integer", "null"]},
        },
    }
    return {
        "post": {
            "summary": "Open appeals of a topic at a place, for the form (form page only)",
            "description": "Once the citizen has chosen a topic and a place, the form shows at "
            "most three open appeals of the organisation of that topic within 200 m or at the "
            "same address, filed in the last 30 days: number, topic, status, date and address "
            "only. Only the form page may ask, with its token.",
            "parameters": [
                {"name": "org", "in": "path", "required": True, "schema": {"type": "string"}},
                LANG_PARAM,
            ],
            "requestBody": {
                "required": True,
                "content": {
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "required": ["token"],
                            "properties": {
                                "token": FORM_TOKEN,
                                "category": text,
                                "address": text,
                                "lat": text,
                                "lon": text,
                            },
                        }
                    }
                },
            },
            "responses": {
                "200": json_response(
                    {
                        "type": "object",
                        "required": ["appeals"],
                        "properties": {"appeals": {"type": "array", "items": appeal}},
                    },
                    "The open appeals there, nearest first.",
                ),
                **problem_responses(400, 403, 404, 422),
            },
        }
    }


def follow_appeal() -> dict[str, Any]:
    """POST /w/{org}/follow (form/similar.py, followup/follows.py)."""
    return {
        "post": {
            "summary": "Follow an open appeal listed in the form (form page only)",
            "description": "Instead of reporting the same problem again, the citizen follows "
            "the appeal already filed: an e-mail asks to confirm, then its moves are mailed — "
            "number, organisation and status only. At most one such e-mail an hour per appeal "
            "and address.",
            "parameters": [
                {"name": "org", "in": "path", "required": True, "schema": {"type": "string"}},
                LANG_PARAM,
            ],
            "requestBody": {
                "required": True,
                "content": {
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "required": ["token", "number", "email"],
                            "properties": {
                                "token": FORM_TOKEN,
                                "number": {"type": "string", "maxLength": 64},
                                "email": {"type": "string", "maxLength": 254},
                            },
                        }
                    }
                },
            },
            "responses": {
                "202": json_response(
                    {
                        "type": "object",
                        "required": ["status", "email", "number"],
                        "properties": {
                            "status": {"type": "string", "const": "check-mail"},
                            "email": {"type": "string"},
                            "number": {"type": "string"},
                        },
                    },
                    "The e-mail to confirm is on its way (the address masked).",
                ),
                **problem_responses(400, 403, 404, 422),
            },
        }
    }


def pos_banner_paths() -> dict[str, Any]:
    """/w/pos/{pos_id}/…: what a site's old ПОС banner asks for through the loader (decision
    0115): the same page under the organisation's slug, or, for an id nobody has, a page with
    the service's contacts (the count, a problem)."""
    pos_id = {
        "name": "pos_id",
        "in": "path",
        "required": True,
        "schema": {"type": "string"},
        "description": "The number the old POS banner's Widget(url, id) call gives.",
    }
    moved = {
        "description": "The same page under the organisation's slug, with the same query.",
        "headers": {"Location": {"schema": {"type": "string"}}},
    }

    def page(summary: str, *, json: bool = False) -> dict[str, Any]:
        unknown = (
            problem_responses(404)
            if json
            else {"404": html_response("No organisation has the number: whom to ask instead.")}
        )
        return {
            "get": {
                "summary": summary,
                "parameters": [pos_id, *([] if json else [LANG_PARAM])],
                "responses": {"307": moved, **unknown},
            }
        }

    return {
        "/w/pos/{pos_id}/form": page("The appeal form of the organisation with a POS number"),
        "/w/pos/{pos_id}/polls": page("The framed polls of the organisation with a POS number"),
        "/w/pos/{pos_id}/polls.json": page(
            "The count of open polls of the organisation with a POS number", json=True
        ),
    }
