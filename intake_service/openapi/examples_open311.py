"""Open311 GeoReport v2's examples (see examples.py), in JSON: a citizen's app finds the
endpoint and the organisation's services, files a request and reads it back."""

from __future__ import annotations

from typing import Any

from intake_service.open311 import PREFIX
from intake_service.openapi.examples import MORE, Answer, Example, Values
from intake_service.openapi.examples_api import APPEAL

_CHANGESET = "2026-12-03T00:00:00Z"
_FILED = "2026-12-07T04:12:22+03:00"
_DUE = "2026-12-21T23:59:59+03:00"


def _service(code: str, name: str, *, metadata: bool = False) -> dict[str, Any]:
    return {
        "service_code": code,
        "service_name": name,
        "description": name,
        "metadata": metadata,
        "type": "realtime",
        "keywords": "",
        "group": "",
    }


def _request(v: Values, *, with_key: bool) -> dict[str, Any]:
    """The story's appeal as a service request; without the organisation's key, only what
    anybody may read of it."""
    return {
        "service_request_id": v.id,
        "status": "open",
        "status_notes": "Принято",
        "service_name": "Уличное освещение",
        "service_code": "street_lighting",
        "description": APPEAL["text"] if with_key else None,
        "agency_responsible": "Демонстрационная организация",
        "service_notice": v.number,
        "requested_datetime": _FILED,
        "updated_datetime": _FILED,
        "expected_datetime": _DUE,
        "address": APPEAL["address"] if with_key else None,
        "address_id": None,
        "zipcode": None,
        "lat": APPEAL["lat"] if with_key else None,
        "long": APPEAL["lon"] if with_key else None,
        "media_url": None,
    }


def examples(v: Values) -> list[Example]:
    json = {"fmt": "json"}
    return [
        Example(
            "get",
            PREFIX + "/discovery.{fmt}",
            Answer(
                200,
                {
                    "changeset": _CHANGESET,
                    "contact": f"{v.base}/docs",
                    "key_service": "Ключ API выдаёт администратор организации "
                    "(pos-intake org key SLUG); передавайте его в api_key.",
                    "endpoints": [
                        {
                            "specification": "http://wiki.open311.org/GeoReport_v2",
                            "url": f"{v.base}{PREFIX}",
                            "changeset": _CHANGESET,
                            "type": "production",
                            "formats": ["text/xml", "application/json"],
                        }
                    ],
                },
            ),
            params=json,
        ),
        Example(
            "get",
            PREFIX + "/services.{fmt}",
            Answer(
                200,
                [_service("housing", "ЖКХ"), MORE],
            ),
            params=json,
            query={"jurisdiction_id": v.org},
        ),
        Example(
            "get",
            PREFIX + "/services/{code}.{fmt}",
            Answer(
                200,
                {
                    "service_code": "street_lighting",
                    "attributes": [
                        {
                            "variable": True,
                            "code": "lamp",
                            "datatype": "singlevaluelist",
                            "required": False,
                            "datatype_description": None,
                            "order": 1,
                            "description": "Какая лампа",
                            "values": [{"key": "led", "name": "Светодиодная"}, MORE],
                        }
                    ],
                },
            ),
            params={"code": "street_lighting", **json},
            query={"jurisdiction_id": v.org},
            after="question",
        ),
        Example(
            "post",
            PREFIX + "/requests.{fmt}",
            Answer(
                200,
                [
                    {
                        "service_request_id": v.id,
                        "token": v.token,
                        "service_notice": f"Обращение № {v.number} принято. Ответ — до 2026-12-21.",
                        "account_id": None,
                    }
                ],
            ),
            params=json,
            form={
                "api_key": v.key,
                "jurisdiction_id": v.org,
                "service_code": "street_lighting",
                "lat": APPEAL["lat"],
                "long": APPEAL["lon"],
                "address_string": APPEAL["address"],
                "description": APPEAL["text"],
                "first_name": "Анна",
                "email": "anna@example.ru",
            },
        ),
        Example(
            "get",
            PREFIX + "/requests.{fmt}",
            Answer(200, [_request(v, with_key=True), MORE]),
            params=json,
            query={"api_key": v.key, "status": "open"},
            after="filed",
        ),
        Example(
            "get",
            PREFIX + "/requests/{id}.{fmt}",
            Answer(200, [_request(v, with_key=False)]),
            params={"id": v.id, **json},
            after="filed",
        ),
        Example(
            "get",
            PREFIX + "/tokens/{token}.{fmt}",
            Answer(200, [{"service_request_id": v.id, "token": v.token}]),
            params={"token": v.token, **json},
            after="filed",
        ),
    ]
