"""The API does what /openapi.json says, for requests nobody wrote by hand: schemathesis reads
the document the running service serves and sends generated requests — valid and invalid — to
every operation (the JSON API, Open311, the tracking and operations endpoints). No answer may be
a server error, come in a content type the document does not name, or break its documented
schema. Bounded (a fixed number of examples an operation, derandomized) so CI stays short."""

from __future__ import annotations

from collections.abc import Iterator

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


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Service, Org]]:
    db = tmp_path_factory.mktemp("schema") / "pos.db"
    org = make_org(db, "manturovo", "https://manturovo.example.ru")
    run_cli(
        db, "org", "attribute", "manturovo", "street_lighting", "lamp",
        "--type", "singlevaluelist", "--description", "Какая лампа", "--value", "led=LED",
    )  # fmt: skip
    # generated traffic is not a flood: the limits would answer 429 (documented) to most of it
    limits = {"POS_RATE_LIMIT_KEY": "0", "POS_RATE_LIMIT_ADDRESS": "0", "POS_RATE_LIMIT_ORG": "0"}
    service = Service(db, env=limits).start()
    yield service, org
    service.stop()


@pytest.fixture(scope="module")
def api_schema(live: tuple[Service, Org]) -> object:
    service, _ = live
    return schemathesis.openapi.from_url(service.url + "/openapi.json")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_documented_operation_answers_as_documented(case, live):
    service, org = live
    case.call_and_validate(
        base_url=service.url,
        headers=bearer(org.key),
        timeout=30,
        checks=[not_a_server_error, content_type_conformance, response_schema_conformance],
    )
