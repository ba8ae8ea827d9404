"""The API does what /openapi.json says, for requests nobody wrote by hand: schemathesis reads
the document the running service serves and sends generated requests — valid and invalid — to
every operation (the JSON API, Open311, the tracking and operations endpoints). No answer may be
a server error, come in a content type the document does not name, or break its documented
schema. Bounded (a fixed number of examples an operation, derandomized) so CI stays short.

Generated strings name no organisation, service, request or token that exists, so alone they
reach only the refusals: each case is sent again with the values that do exist wherever it
names them, so that the success answers are held to their schemas too."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)

from conftest import Org, Service, bearer, make_org, run_cli

EXAMPLES = 12  # per operation: ~25 operations, a few hundred requests in all

schema = schemathesis.pytest.from_fixture("api_schema")


@dataclass(frozen=True)
class Known:
    """Values that exist in the live service, by the parameter names that carry them."""

    service: Service
    org: Org
    request_id: str
    token: str

    def values(self) -> dict[str, str]:
        return {
            "jurisdiction_id": self.org.slug,
            "org": self.org.slug,
            "api_key": self.org.key,
            "code": "street_lighting",
            "service_code": "street_lighting",
            "id": self.request_id,
            "appeal": self.request_id,
            "token": self.token,
        }


def _with_known_values(case: Any, known: Known) -> Any | None:
    """The case with each parameter that names something replaced by what exists; None when
    it names nothing (sending it again would test nothing new)."""
    values = known.values()

    def swapped(container: dict[str, Any]) -> dict[str, Any]:
        return {
            k: values.get(k, v) if isinstance(v, str | None) else v for k, v in container.items()
        }

    query, path = swapped(case.query or {}), swapped(case.path_parameters or {})
    body = swapped(case.body) if isinstance(case.body, dict) else case.body
    if (query, path, body) == (case.query or {}, case.path_parameters or {}, case.body):
        return None
    again = case.derive(query=query, keep_auth=True)
    again.path_parameters = path
    again.body = body
    return again


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Known]:
    db = tmp_path_factory.mktemp("schema") / "pos.db"
    org = make_org(db, "manturovo", "https://manturovo.example.ru")
    run_cli(
        db, "org", "attribute", "manturovo", "street_lighting", "lamp",
        "--type", "singlevaluelist", "--description", "Какая лампа", "--value", "led=LED",
    )  # fmt: skip
    # generated traffic is not a flood: the limits would answer 429 (documented) to most of it
    limits = {"POS_RATE_LIMIT_KEY": "0", "POS_RATE_LIMIT_ADDRESS": "0", "POS_RATE_LIMIT_ORG": "0"}
    service = Service(db, env=limits).start()
    filed = httpx.post(
        f"{service.url}/open311/v2/requests.json",
        data={
            "api_key": org.key,
            "service_code": "street_lighting",
            "lat": "58.3265",
            "long": "44.7652",
            "first_name": "Анна",
            "email": "anna@example.ru",
            "description": "Не горит фонарь у дома 5 по улице Ленина.",
            "attribute[lamp]": "led",
        },
    )
    assert filed.status_code == 200, filed.text
    [receipt] = filed.json()
    yield Known(service, org, receipt["service_request_id"], receipt["token"])
    service.stop()


@pytest.fixture(scope="module")
def api_schema(live: Known) -> object:
    return schemathesis.openapi.from_url(live.service.url + "/openapi.json")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_documented_operation_answers_as_documented(case, live):
    checks = [not_a_server_error, content_type_conformance, response_schema_conformance]
    headers = bearer(live.org.key)
    case.call_and_validate(base_url=live.service.url, headers=headers, timeout=30, checks=checks)
    again = _with_known_values(case, live)
    if again is not None:
        again.call_and_validate(
            base_url=live.service.url, headers=headers, timeout=30, checks=checks
        )
