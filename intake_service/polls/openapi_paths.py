"""The polls' part of /openapi.json (polls/api.py's operations): kept beside the code it
describes, as the follow-through's is; `openapi/__init__.py` merges it in. The schemas say what
`participation/definition.py` and `participation/ballots.py` check, so a schema-driven client
builds bodies the checks take (what no schema can say — a closing time still ahead — is in the
descriptions)."""

from __future__ import annotations

from typing import Any

from intake_service.participation.comments import AUTHOR_MAX, COMMENT_MAX
from intake_service.participation.definition import (
    DESCRIPTION_MAX,
    IDENTITIES,
    KINDS,
    OPTION_DESCRIPTION_MAX,
    OPTION_TITLE_MAX,
    OPTIONS_MAX,
    QUESTION_TEXT_MAX,
    QUESTION_TYPES,
    QUESTIONS_MAX,
    REACHES,
    RESULTS,
    TEXT_ANSWER_MAX,
    TITLE_MAX,
)

POLL_PARAM = {
    "name": "poll_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "maxLength": 64},
    "description": "The poll's id, as its creation answered it.",
}
_ID = {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]{0,31}$"}
_TEXT = {"type": "string", "pattern": "\\S"}


def _text(limit: int) -> dict[str, Any]:
    return {**_TEXT, "maxLength": limit}


OPTION = {
    "type": "object",
    "required": ["id", "title"],
    "additionalProperties": False,
    "properties": {
        "id": _ID,
        "title": _text(OPTION_TITLE_MAX),
        "description": {"type": "string", "maxLength": OPTION_DESCRIPTION_MAX},
        "picture": {"type": ["integer", "null"], "description": "A picture the console uploaded."},
    },
}
QUESTION = {
    "type": "object",
    "required": ["id", "type", "text"],
    "additionalProperties": False,
    "properties": {
        "id": _ID,
        "type": {"enum": list(QUESTION_TYPES)},
        "text": _text(QUESTION_TEXT_MAX),
        "options": {
            "type": "array",
            "minItems": 1,
            "maxItems": OPTIONS_MAX,
            "items": OPTION,
            "description": "Single and multiple choice: the options (ids unique).",
        },
        "max_choices": {
            "type": ["integer", "null"],
            "minimum": 1,
            "description": "Multiple choice: at most this many options (at most their number).",
        },
    },
}
POLL_BODY = {
    "type": "object",
    "required": ["kind", "title", "identity", "opens_at", "closes_at"],
    "additionalProperties": False,
    "properties": {
        "kind": {"enum": list(KINDS)},
        "title": _text(TITLE_MAX),
        "description": {
            "type": "string",
            "maxLength": DESCRIPTION_MAX,
            "description": "Required for a discussion: the project residents comment on.",
        },
        "identity": {
            "enum": list(IDENTITIES),
            "description": "Who may take part: anyone (one per browser or app install), email "
            "(one per confirmed address), identified (one per subject of the identity provider).",
        },
        "opens_at": {"type": "string", "format": "date-time"},
        "closes_at": {
            "type": "string",
            "format": "date-time",
            "description": "With its offset; after opens_at and not yet past.",
        },
        "results": {
            "enum": list(RESULTS),
            "description": "live: shown while it runs; at_close: published at closing.",
        },
        "reach": {
            "enum": list(REACHES),
            "description": "Whose badges show it: its organisation's, or also those below it.",
        },
        "questions": {
            "type": ["array", "null"],
            "maxItems": QUESTIONS_MAX,
            "items": QUESTION,
            "description": "A poll's questions; a vote has exactly one, a discussion none.",
        },
    },
}
POLL_VIEW = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "kind": {"enum": list(KINDS)},
        "title": {"type": "string"},
        "description": {"type": "string"},
        "identity": {"enum": list(IDENTITIES)},
        "opens_at": {"type": "string"},
        "closes_at": {"type": "string"},
        "state": {"enum": ["upcoming", "open", "closed"]},
        "results": {"enum": list(RESULTS)},
        "results_shown": {"type": "boolean"},
        "url": {"type": "string"},
        "questions": {"type": "array", "items": {"type": "object"}},
    },
}
RESULTS_VIEW = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "participants": {"type": "integer", "minimum": 0},
        "questions": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "additionalProperties": {"type": "integer", "minimum": 0},
            },
        },
    },
}
BALLOT_BODY = {
    "type": "object",
    "required": ["answers"],
    "additionalProperties": False,
    "properties": {
        "answers": {
            "type": "object",
            "description": "Per question id: an option id (single), a list of option ids "
            "(multiple), a mark 1–5 (scale) or text (a free answer, optional).",
            "additionalProperties": {
                "oneOf": [
                    {"type": "string", "maxLength": TEXT_ANSWER_MAX},
                    {"type": "integer", "minimum": 1, "maximum": 5},
                    {"type": "array", "items": {"type": "string"}, "maxItems": OPTIONS_MAX},
                ]
            },
        },
        "email": {
            "type": "string",
            "format": "email",
            "maxLength": 254,
            "description": "E-mail level: where the link that counts the vote goes.",
        },
        "identity": {
            "type": "string",
            "maxLength": 2000,
            "description": "Identified level: the token the sign-in at the identity provider "
            "gave (the sign-in popup hands it over).",
        },
        "voter": {
            "type": "string",
            "maxLength": 200,
            "description": "Anyone level: the voter id the first vote answered, sent again.",
        },
    },
}
COMMENT_BODY = {
    "type": "object",
    "required": ["author", "email", "text"],
    "additionalProperties": False,
    "properties": {
        "author": {**_text(AUTHOR_MAX), "description": "The name shown with the comment."},
        "email": {
            "type": "string",
            "format": "email",
            "maxLength": 254,
            "description": "Where the moderator's decision goes; never shown.",
        },
        "text": {**_text(COMMENT_MAX), "description": "Plain text: markup is shown as text."},
    },
}


def paths(problems: Any, json_body: Any) -> dict[str, dict[str, Any]]:
    """The polls' paths, built with openapi/'s own helpers."""
    secured = [{"apiKey": []}]
    poll = json_body(POLL_VIEW, "The poll, its questions and its state.")
    json_request = {"required": True, "content": {"application/json": {"schema": POLL_BODY}}}
    created = {
        "type": "object",
        "properties": {"id": {"type": "string"}, "url": {"type": "string"}},
    }
    done = {"type": "object", "properties": {"id": {"type": "string"}}}
    vote_answer = {
        "type": "object",
        "properties": {
            "poll": {"type": "string"},
            "status": {"enum": ["counted", "held"]},
            "voter": {"type": "string"},
        },
    }
    comments = {
        "type": "object",
        "properties": {
            "poll": {"type": "string"},
            "comments": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "author": {"type": "string"},
                        "text": {"type": "string"},
                        "at": {"type": "string"},
                        "reply": {"type": ["string", "null"]},
                    },
                },
            },
        },
    }
    return {
        "/w/{org}/polls.json": {
            "get": {
                "summary": "How many polls the organisation's badge shows open, for its count",
                "description": "No cookie is read or set; cached for a minute; CORS for the "
                "organisation's allowed sites only.",
                "parameters": [
                    {"name": "org", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": json_body(
                        {
                            "type": "object",
                            "required": ["open"],
                            "properties": {"open": {"type": "integer", "minimum": 0}},
                        },
                        "The number of open polls, votes and discussions.",
                    ),
                    **problems(404),
                },
            }
        },
        "/api/v1/polls": {
            "post": {
                "summary": "Create a poll, a vote or a public discussion",
                "description": "With the organisation's key; the poll is its organisation's.",
                "security": secured,
                "requestBody": json_request,
                "responses": {
                    "201": json_body(created, "Created: its id and its page."),
                    **problems(400, 422),
                },
            },
            "get": {
                "summary": "What an organisation's badge shows open now",
                "parameters": [
                    {
                        "name": "org",
                        "in": "query",
                        "required": True,
                        "schema": {"type": "string", "maxLength": 64},
                        "description": "The organisation's slug.",
                    }
                ],
                "responses": {
                    "200": json_body(
                        {
                            "type": "object",
                            "properties": {
                                "org": {"type": "string"},
                                "polls": {"type": "array", "items": POLL_VIEW},
                            },
                        },
                        "The open polls, soonest closing first.",
                    ),
                    **problems(404),
                },
            },
        },
        "/api/v1/polls/{poll_id}": {
            "get": {
                "summary": "A poll: its questions, options and state",
                "parameters": [POLL_PARAM],
                "responses": {"200": poll, **problems(404)},
            }
        },
        "/api/v1/polls/{poll_id}/close": {
            "post": {
                "summary": "Close a poll now",
                "description": "With the key of its organisation or one above it.",
                "security": secured,
                "parameters": [POLL_PARAM],
                "responses": {
                    "200": json_body(done, "Closed (or closed already)."),
                    **problems(404),
                },
            }
        },
        "/api/v1/polls/{poll_id}/publish": {
            "post": {
                "summary": "Publish a poll's results before it closes",
                "description": "With the key of its organisation or one above it.",
                "security": secured,
                "parameters": [POLL_PARAM],
                "responses": {
                    "200": json_body(done, "The results are shown from now on."),
                    **problems(404),
                },
            }
        },
        "/api/v1/polls/{poll_id}/results": {
            "get": {
                "summary": "A poll's results: counts per option and participants",
                "parameters": [POLL_PARAM],
                "responses": {
                    "200": json_body(
                        RESULTS_VIEW,
                        "Per question, per option (a scale's marks 1–5): how many chose it.",
                    ),
                    **problems(403, 404),
                },
            }
        },
        "/api/v1/polls/{poll_id}/votes": {
            "post": {
                "summary": "Vote: one ballot per person at the poll's identity level",
                "description": "A second ballot of the same person changes nothing (409).",
                "parameters": [POLL_PARAM],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": BALLOT_BODY}},
                },
                "responses": {
                    "201": json_body(vote_answer, "Counted."),
                    "202": json_body(
                        vote_answer, "Held: counted once the e-mailed link is opened."
                    ),
                    **problems(400, 403, 404, 409, 422),
                },
            }
        },
        "/api/v1/polls/{poll_id}/comments": {
            "get": {
                "summary": "A discussion's published comments and the organisation's replies",
                "parameters": [POLL_PARAM],
                "responses": {
                    "200": json_body(comments, "Approved comments, oldest first."),
                    **problems(404),
                },
            },
            "post": {
                "summary": "Comment on a discussion (published once a moderator approves it)",
                "parameters": [POLL_PARAM],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": COMMENT_BODY}},
                },
                "responses": {
                    "202": json_body(
                        {
                            "type": "object",
                            "properties": {
                                "poll": {"type": "string"},
                                "comment": {"type": "integer"},
                                "status": {"const": "pending"},
                            },
                        },
                        "Waiting for moderation.",
                    ),
                    **problems(400, 404, 409, 422),
                },
            },
        },
    }
