"""Open311's part of /openapi.json: the seven GeoReport v2 resources, each in `.json` and
`.xml`, with the specification's field names and its error shape. Kept beside the code it
describes; openapi/__init__.py merges it in."""

from __future__ import annotations

from typing import Any

from intake_service.appeal_input import ADDRESS_MAX, TEXT_MAX, TEXT_MIN
from intake_service.category_attributes import DATATYPES
from intake_service.input_schemas import (
    CATEGORY_MAX,
    EMAIL,
    PHONE,
    SIGNIFICANT,
    line_schema,
    optional_text_schema,
    text_schema,
    url_schema,
)
from intake_service.open311 import PREFIX
from intake_service.open311.queries import MAX_IDS
from intake_service.openapi.answers import open311_answer

_NULLABLE_STRING = {"type": ["string", "null"]}
_DATETIME = {"type": ["string", "null"], "format": "date-time"}

SCHEMAS: dict[str, Any] = {
    "Open311Errors": {
        "type": "array",
        "description": "GeoReport v2 errors (XML: <errors><error><code/><description/></error>).",
        "items": {
            "type": "object",
            "required": ["code", "description"],
            "properties": {"code": {"type": "integer"}, "description": {"type": "string"}},
        },
    },
    "Open311Discovery": {
        "type": "object",
        "required": ["changeset", "endpoints"],
        "properties": {
            "changeset": {"type": "string", "format": "date-time"},
            "contact": {"type": "string"},
            "key_service": {"type": "string"},
            "endpoints": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "specification": {"type": "string"},
                        "url": {"type": "string"},
                        "changeset": {"type": "string"},
                        "type": {"type": "string"},
                        "formats": {"type": "array", "items": {"type": "string"}},
                    },
                },
            },
        },
    },
    "Open311Service": {
        "type": "object",
        "required": ["service_code", "service_name", "metadata", "type"],
        "properties": {
            "service_code": {"type": "string"},
            "service_name": {"type": "string"},
            "description": {"type": "string"},
            "metadata": {"type": "boolean"},
            "type": {"enum": ["realtime", "batch", "blackbox"]},
            "keywords": {"type": "string"},
            "group": {"type": "string"},
        },
    },
    "Open311ServiceDefinition": {
        "type": "object",
        "required": ["service_code", "attributes"],
        "properties": {
            "service_code": {"type": "string"},
            "attributes": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["variable", "code", "datatype", "required", "order"],
                    "properties": {
                        "variable": {"type": "boolean"},
                        "code": {"type": "string"},
                        "datatype": {"enum": list(DATATYPES)},
                        "required": {"type": "boolean"},
                        "datatype_description": _NULLABLE_STRING,
                        "order": {"type": "integer"},
                        "description": {"type": "string"},
                        "values": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "key": {"type": "string"},
                                    "name": {"type": "string"},
                                },
                            },
                        },
                    },
                },
            },
        },
    },
    "Open311Created": {
        "type": "array",
        "minItems": 1,
        "maxItems": 1,
        "items": {
            "type": "object",
            "required": ["service_request_id"],
            "properties": {
                "service_request_id": {"type": "string"},
                "token": {"type": "string", "description": "Also opens the tracking page /s/…"},
                "service_notice": {"type": "string"},
                "account_id": _NULLABLE_STRING,
            },
        },
    },
    "Open311Requests": {
        "type": "array",
        "items": {
            "type": "object",
            "required": ["service_request_id", "status", "service_code", "requested_datetime"],
            "properties": {
                "service_request_id": {"type": "string"},
                "status": {"enum": ["open", "closed"]},
                "status_notes": _NULLABLE_STRING,
                "service_name": _NULLABLE_STRING,
                "service_code": {"type": "string"},
                "description": {
                    **_NULLABLE_STRING,
                    "description": "Only with the organisation's api_key.",
                },
                "agency_responsible": _NULLABLE_STRING,
                "service_notice": {**_NULLABLE_STRING, "description": "The appeal's number."},
                "requested_datetime": _DATETIME,
                "updated_datetime": _DATETIME,
                "expected_datetime": _DATETIME,
                "address": _NULLABLE_STRING,
                "address_id": _NULLABLE_STRING,
                "zipcode": _NULLABLE_STRING,
                "lat": {"type": ["number", "null"]},
                "long": {"type": ["number", "null"]},
                "media_url": _NULLABLE_STRING,
            },
        },
    },
    "Open311Tokens": {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {"service_request_id": {"type": "string"}, "token": {"type": "string"}},
        },
    },
}

_FMT = {
    "name": "fmt",
    "in": "path",
    "required": True,
    "schema": {"enum": ["json", "xml"]},
    "description": "The format: JSON or XML with the specification's element names.",
}
_JURISDICTION = {
    "name": "jurisdiction_id",
    "in": "query",
    "required": True,
    "schema": line_schema(100),
    "description": "The organisation's slug.",
}
_JURISDICTION_CHECKED = {
    **_JURISDICTION,
    "required": False,
    "description": "Optional: the organisation's slug; the request must be with it (404).",
}
_API_KEY = {
    "name": "api_key",
    "in": "query",
    "schema": {"type": "string"},
    "description": "The organisation's API key (pos-intake org key SLUG).",
}


def _ok(schema: str, description: str, *, many: bool = False) -> dict[str, Any]:
    ref: dict[str, Any] = {"$ref": f"#/components/schemas/{schema}"}
    return {
        "200": {
            "description": description,
            "content": {
                "application/json": {"schema": {"type": "array", "items": ref} if many else ref},
                "text/xml": {"schema": {"type": "string"}},
            },
        }
    }


def _errors(**why: str) -> dict[str, Any]:
    """A resource's own refusals (`e400="…"`: what 400 answers), each said for a client that
    reads the document before it meets one; those every operation shares come from
    openapi/answers.py."""
    return {name[1:]: open311_answer(int(name[1:]), text) for name, text in why.items()}


# every resource answers 404 to a format other than .json and .xml
_NO_FORMAT = "Not .json or .xml."
_NO_JURISDICTION = "No such jurisdiction_id, or not .json or .xml."


# ISO 8601 with an offset, as open311/formats.py's parse_datetime takes it: years 1901-8999
# (the instant in UTC must stay within 1900-9000), days 1-28 (a pattern cannot know a month's)
_DATE = (
    "^(?:190[1-9]|19[1-9][0-9]|[2-8][0-9]{3})-(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])"
    "T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:[.][0-9]{1,6})?"
    "(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])$"
)
_STATUSES = "^(?:open|closed)(?:,(?:open|closed))*$"
# at most MAX_IDS items between commas, counted as open311/requests.py's _ids counts them
_IDS = f"^[^,]*(?:,[^,]*){{0,{MAX_IDS - 1}}}$"
_PLACE = {"pattern": SIGNIFICANT}


def paths() -> dict[str, dict[str, Any]]:
    list_param = {"type": "string", "description": "Comma-separated."}
    # the checks of open311/requests.py's _appeal_data and then validate_appeal's
    post_body = {
        "type": "object",
        "required": ["api_key", "service_code", "description"],
        "properties": {
            "api_key": {"type": "string", "minLength": 1},
            "jurisdiction_id": {"type": "string", "description": "The key's organisation."},
            "service_code": line_schema(CATEGORY_MAX),
            "lat": {"type": "number", "minimum": -90, "maximum": 90},
            "long": {"type": "number", "minimum": -180, "maximum": 180},
            "address_string": optional_text_schema(ADDRESS_MAX),
            "address_id": {"type": "string", "description": "Not supported: no address register."},
            "email": EMAIL,
            "device_id": {"type": "string"},
            "account_id": {"type": "string"},
            # the name is both, joined by a space: at most NAME_MAX (200)
            "first_name": line_schema(99),
            "last_name": line_schema(99),
            "phone": PHONE,
            "description": text_schema(TEXT_MIN, TEXT_MAX),
            "media_url": url_schema(),
        },
        "additionalProperties": {
            "type": "string",
            "description": "attribute[CODE]: the answer to a question of the service.",
        },
        "maxProperties": 200,
        "dependentRequired": {"lat": ["long"], "long": ["lat"]},
        "allOf": [
            {  # where: a point, or an address
                "anyOf": [
                    {"required": ["lat", "long"]},
                    {"required": ["address_string"], "properties": {"address_string": _PLACE}},
                ]
            },
            {"anyOf": [{"required": ["first_name"]}, {"required": ["last_name"]}]},
            {"anyOf": [{"required": ["email"]}, {"required": ["phone"]}]},
        ],
    }
    return {
        PREFIX + "/discovery.{fmt}": {
            "get": {
                "summary": "Open311: where this endpoint is and what it speaks",
                "tags": ["Open311"],
                "parameters": [_FMT],
                "responses": {
                    **_ok("Open311Discovery", "The discovery document."),
                    **_errors(e404=_NO_FORMAT),
                },
            }
        },
        PREFIX + "/services.{fmt}": {
            "get": {
                "summary": "Open311: an organisation's services (its categories)",
                "tags": ["Open311"],
                "parameters": [_FMT, _JURISDICTION],
                "responses": {
                    **_ok("Open311Service", "The services.", many=True),
                    **_errors(e400="No jurisdiction_id.", e404=_NO_JURISDICTION),
                },
            }
        },
        PREFIX + "/services/{code}.{fmt}": {
            "get": {
                "summary": "Open311: a service's definition (the category's extra questions)",
                "tags": ["Open311"],
                "parameters": [
                    {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}},
                    _FMT,
                    _JURISDICTION,
                ],
                "responses": {
                    **_ok("Open311ServiceDefinition", "The questions."),
                    **_errors(
                        e400="No jurisdiction_id.",
                        e404="No such jurisdiction_id or service, or not .json or .xml.",
                    ),
                },
            }
        },
        PREFIX + "/requests.{fmt}": {
            "post": {
                "summary": "Open311: file a service request (an appeal, channel open311)",
                "tags": ["Open311"],
                "parameters": [_FMT],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/x-www-form-urlencoded": {"schema": post_body},
                        "multipart/form-data": {"schema": post_body},
                    },
                },
                "responses": {
                    **_ok("Open311Created", "Stored (after the commit)."),
                    **_errors(
                        e400="A parameter missing or not as the service takes it (an answer to "
                        "its questions too), or a body that is not a form.",
                        e403="No api_key, a wrong one, or a jurisdiction_id not the key's own.",
                        e404="No such jurisdiction_id or service_code, or not .json or .xml.",
                    ),
                },
            },
            "get": {
                "summary": "Open311: service requests by their ids (no key needed), or the "
                "organisation's (its api_key)",
                "tags": ["Open311"],
                "parameters": [
                    _FMT,
                    {
                        **_API_KEY,
                        "description": "The organisation's API key: needed without "
                        "service_request_id; with it, the whole of the organisation's requests.",
                    },
                    {
                        **_JURISDICTION,
                        "required": False,
                        "description": "Optional: the organisation's slug. With a key, one of "
                        "the key's (403); without one, the requests must be with it.",
                    },
                    {
                        "name": "service_request_id",
                        "in": "query",
                        "schema": {**list_param, "pattern": _IDS},
                        "description": f"Comma-separated, at most {MAX_IDS}: the status check "
                        "of the requests an app filed, without a key too. Each is answered as "
                        "requests/{id} answers it, those that do not exist are left out; the "
                        "other parameters are then not read.",
                    },
                    {"name": "service_code", "in": "query", "schema": list_param},
                    {
                        "name": "start_date",
                        "in": "query",
                        "schema": {"type": "string", "pattern": _DATE},
                        "description": "ISO 8601 with an offset. Alone: the 90 days from it.",
                    },
                    {
                        "name": "end_date",
                        "in": "query",
                        "schema": {"type": "string", "pattern": _DATE},
                        "description": "ISO 8601 with an offset. Alone: the 90 days before it; "
                        "with start_date, not before it and at most 90 days after it (400).",
                    },
                    {
                        "name": "status",
                        "in": "query",
                        "schema": {**list_param, "pattern": _STATUSES},
                    },
                ],
                "responses": {
                    **_ok("Open311Requests", "Newest first, at most 1000, 90 days at most."),
                    **_errors(
                        e400=f"A bad start_date, end_date or status, a period over 90 days, "
                        f"or more than {MAX_IDS} ids.",
                        e403="No api_key and no service_request_id, a wrong key, or a "
                        "jurisdiction_id not the key's own.",
                        e404=_NO_JURISDICTION,
                    ),
                },
            },
        },
        PREFIX + "/requests/{id}.{fmt}": {
            "get": {
                "summary": "Open311: one service request (an array of one)",
                "tags": ["Open311"],
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
                    _FMT,
                    {**_API_KEY, "description": "With the organisation's key: the whole request."},
                    _JURISDICTION_CHECKED,
                ],
                "responses": {
                    **_ok("Open311Requests", "The request."),
                    **_errors(
                        e403="A wrong api_key.",
                        e404="No such request (with the jurisdiction_id, if one is sent), "
                        "no such jurisdiction_id, or not .json or .xml.",
                    ),
                },
            }
        },
        PREFIX + "/tokens/{token}.{fmt}": {
            "get": {
                "summary": "Open311: the service request a token stands for",
                "tags": ["Open311"],
                "parameters": [
                    {"name": "token", "in": "path", "required": True, "schema": {"type": "string"}},
                    _FMT,
                    _JURISDICTION_CHECKED,
                ],
                "responses": {
                    **_ok("Open311Tokens", "The request's id."),
                    **_errors(
                        e404="No such token (with the jurisdiction_id, if one is sent), no such "
                        "jurisdiction_id, or not .json or .xml."
                    ),
                },
            }
        },
    }
