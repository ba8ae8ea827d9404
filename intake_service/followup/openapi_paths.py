"""The follow-through's part of /openapi.json: what the citizen does with a tracking token (the
verdict, a repeat, the answer to a question), what an agency's system sends with its key (a
status, the answer), and the fields the status gained. Kept beside the code it describes;
`openapi.py` merges it in."""

from __future__ import annotations

from typing import Any

from intake_service.appeal_input import TEXT_MAX, TEXT_MIN
from intake_service.followup.tracking_routes import ACTIONS
from intake_service.followup.verdict import MAX_COMMENT
from intake_service.input_schemas import (
    IDEMPOTENCY_KEY,
    SIGNIFICANT,
    optional_text_schema,
    text_schema,
)
from intake_service.statuses import Status

STATUS_FIELDS: dict[str, Any] = {
    "register_due": {
        "type": ["string", "null"],
        "format": "date",
        "description": "Official appeals: the date by which it is registered.",
    },
    "answer_due": {
        "type": ["string", "null"],
        "format": "date",
        "description": "The date by which the answer is due (organisation's zone).",
    },
    "overdue": {"type": "boolean"},
    "extension_reason": {"type": ["string", "null"]},
    "question": {
        "type": ["object", "null"],
        "description": "An operator's open question: answer it with POST …/clarification.",
        "properties": {"text": {"type": "string"}, "due": {"type": "string", "format": "date"}},
    },
    "verdict": {
        "type": ["object", "null"],
        "properties": {
            "solved": {"type": "boolean"},
            "rating": {"type": "integer", "minimum": 1, "maximum": 5},
            "comment": {"type": ["string", "null"]},
            "at": {"type": "string", "format": "date-time"},
        },
    },
    "can_rate": {"type": "boolean", "description": "A verdict may be given now."},
    "can_repeat": {"type": "boolean", "description": "A repeat appeal may be filed now."},
    "repeat_of": {"type": ["string", "null"], "description": "The number this one repeats."},
    "repeats": {"type": "array", "items": {"type": "string"}},
}

# the tracking token in a path (also the JSON status route's: openapi/__init__.py)
TOKEN_PARAM = {
    "name": "token",
    "in": "path",
    "required": True,
    "schema": {"type": "string"},
    "description": "The tracking token: the last part of the appeal's `tracking_url`.",
}
_APPEAL = {
    "name": "appeal",
    "in": "path",
    "required": True,
    "schema": {"type": "string"},
    "description": "The appeal's id or number.",
}
_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": True,
    "schema": IDEMPOTENCY_KEY,
    "description": "Required: a retry under the same key returns the first answer and changes "
    "nothing; the same key with another body is refused (422).",
}
_SUMMARIES = {
    "verdict": "The citizen's verdict on the answer, once: solved (resolved) or not solved "
    "(files a repeat appeal)",
    "repeat": "The problem is back: a repeat appeal linked to this one (within the repeat period)",
    "clarification": "The citizen's answer to an operator's open question",
}


def _bodies(form: bool) -> dict[str, dict[str, Any]]:
    """Each action's body (tracking_routes.py's `_apply`): as JSON, or as the page's form,
    whose values are strings."""
    solved = (
        {"enum": ["yes", "no"], "description": "yes: solved; anything else: not solved."}
        if form
        else {"type": "boolean"}
    )
    closed = {"additionalProperties": False} if form else {}  # the page's form: 10 fields
    return {
        "verdict": {
            **closed,
            "type": "object",
            "required": ["rating"] if form else ["solved", "rating"],
            "properties": {
                "solved": solved,
                "rating": {"type": "integer", "minimum": 1, "maximum": 5},
                "comment": optional_text_schema(
                    MAX_COMMENT,
                    description="Not solved: the repeat appeal's text, if at least "
                    f"{TEXT_MIN} characters long.",
                ),
            },
        },
        "repeat": {
            **closed,
            "type": "object",
            "required": ["text"],
            "properties": {"text": text_schema(TEXT_MIN, TEXT_MAX)},
        },
        "clarification": {
            **closed,
            "type": "object",
            "required": ["text"],
            "properties": {"text": text_schema(1, TEXT_MAX)},
        },
    }


def paths(
    problems: Any, json_body: Any, ref: Any, lang: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """The follow-through's paths, built with openapi.py's own helpers."""
    reply = {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "number": {"type": "string"},
            "status": {"type": "string"},
        },
    }

    def citizen(action: str, body: dict[str, Any]) -> dict[str, Any]:
        return {
            "post": {
                "summary": _SUMMARIES[action],
                "parameters": [TOKEN_PARAM, lang],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": body}},
                },
                "responses": {
                    "200": json_body(
                        ref("Status"), "The status after the action (a repeat's own)."
                    ),
                    **problems(400, 404, 409, 422),
                },
            }
        }

    def page(action: str, body: dict[str, Any]) -> dict[str, Any]:
        html = {"text/html": {"schema": {"type": "string"}}}
        return {
            "post": {
                "summary": f"The tracking page's form: {_SUMMARIES[action][:1].lower()}"
                f"{_SUMMARIES[action][1:]}",
                "description": "From the service's own pages only: their `Origin`, or "
                "`Sec-Fetch-Site: same-origin` (403 otherwise).",
                "parameters": [TOKEN_PARAM, lang],
                "requestBody": {
                    "required": True,
                    "content": {"application/x-www-form-urlencoded": {"schema": body}},
                },
                "responses": {
                    "303": {"description": "Done: to the tracking page (a repeat's own)."},
                    **problems(403, 404),
                    "409": {"description": "Not now: the page, saying why.", "content": html},
                    "422": {"description": "The page, saying what to fix.", "content": html},
                },
            }
        }

    status_body = {
        "type": "object",
        "required": ["status"],
        "additionalProperties": False,
        "properties": {
            "status": {"enum": [str(s) for s in Status]},
            "reason": {"type": "string", "maxLength": 1000, "description": "Public; for rejected."},
            "note": {"type": "string", "maxLength": 4000, "description": "Internal."},
        },
        "if": {"properties": {"status": {"const": str(Status.REJECTED)}}},
        "then": {
            "required": ["reason"],
            "properties": {"reason": {"pattern": SIGNIFICANT}},
        },
    }
    answer_body = {
        "type": "object",
        "required": ["text"],
        "additionalProperties": False,
        "properties": {"text": {"type": "string", "maxLength": 10000, "pattern": SIGNIFICANT}},
    }

    def agency(summary: str, body: dict[str, Any]) -> dict[str, Any]:
        return {
            "post": {
                "summary": summary,
                "security": [{"apiKey": []}],
                "parameters": [_APPEAL, _KEY],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": body}},
                },
                "responses": {
                    "200": json_body(reply, "Applied (or replayed: `Idempotent-Replayed: true`)."),
                    **problems(400, 404, 409, 422),
                },
            }
        }

    json_bodies, form_bodies = _bodies(form=False), _bodies(form=True)
    return {
        **{f"/api/v1/status/{{token}}/{a}": citizen(a, json_bodies[a]) for a in ACTIONS},
        **{f"/s/{{token}}/{a}": page(a, form_bodies[a]) for a in ACTIONS},
        "/api/v1/appeals/{appeal}/status": agency(
            "An agency's system moves the appeal (as a console action; the citizen is told)",
            status_body,
        ),
        "/api/v1/appeals/{appeal}/answer": agency(
            "An agency's system gives the public answer (the citizen is told once)", answer_body
        ),
    }
