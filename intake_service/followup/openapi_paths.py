"""The follow-through's part of /openapi.json: what the citizen does with a tracking token (the
verdict, a repeat, the answer to a question), what an agency's system sends with its key (a
status, the answer), and the fields the status gained. Kept beside the code it describes;
`openapi.py` merges it in."""

from __future__ import annotations

from typing import Any

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

_TOKEN = {"name": "token", "in": "path", "required": True, "schema": {"type": "string"}}
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
    "schema": {"type": "string", "maxLength": 255},
    "description": "Required: a retry under the same key returns the first answer and changes "
    "nothing; the same key with another body is refused (422).",
}
_ACTIONS: dict[str, tuple[str, dict[str, Any]]] = {
    "verdict": (
        "The citizen's verdict on the answer, once: solved (resolved) or not solved (files a "
        "repeat appeal)",
        {
            "type": "object",
            "required": ["solved", "rating"],
            "properties": {
                "solved": {"type": "boolean"},
                "rating": {"type": "integer", "minimum": 1, "maximum": 5},
                "comment": {"type": "string", "maxLength": 2000},
            },
        },
    ),
    "repeat": (
        "The problem is back: a repeat appeal linked to this one (within the repeat period)",
        {
            "type": "object",
            "required": ["text"],
            "properties": {"text": {"type": "string", "minLength": 10, "maxLength": 4000}},
        },
    ),
    "clarification": (
        "The citizen's answer to an operator's open question",
        {
            "type": "object",
            "required": ["text"],
            "properties": {"text": {"type": "string", "maxLength": 4000}},
        },
    ),
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
    action_param = {
        "name": "action",
        "in": "path",
        "required": True,
        "schema": {"enum": list(_ACTIONS)},
        "description": "; ".join(f"{name}: {summary}" for name, (summary, _) in _ACTIONS.items()),
    }
    bodies = {"oneOf": [schema for _, schema in _ACTIONS.values()]}
    citizen = {
        "summary": "What the citizen does on the tracking page: verdict, repeat, clarification",
        "parameters": [_TOKEN, action_param, lang],
        "responses": {
            "200": json_body(ref("Status"), "The status after the action (a repeat's own)."),
            **problems(400, 404, 409, 415, 422, 429, 503),
        },
    }
    page = {
        **citizen,
        "summary": "The tracking page's forms (same-origin form posts; 303 to the page)",
        "requestBody": {
            "content": {"application/x-www-form-urlencoded": {"schema": {"type": "object"}}}
        },
        "responses": {"303": {"description": "Done: to the page."}, **problems(403, 404, 409)},
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
    }
    answer_body = {
        "type": "object",
        "required": ["text"],
        "additionalProperties": False,
        "properties": {"text": {"type": "string", "maxLength": 10000}},
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
                    **problems(400, 401, 404, 409, 413, 415, 422, 429, 503),
                },
            }
        }

    return {
        "/api/v1/status/{token}/{action}": {
            "post": {
                **citizen,
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": bodies}},
                },
            }
        },
        "/s/{token}/{action}": {"post": page},
        "/api/v1/appeals/{appeal}/status": agency(
            "An agency's system moves the appeal (as a console action; the citizen is told)",
            status_body,
        ),
        "/api/v1/appeals/{appeal}/answer": agency(
            "An agency's system gives the public answer (the citizen is told once)", answer_body
        ),
    }
