"""The API does what /openapi.json says, for requests nobody wrote by hand: schemathesis reads
the document the running service serves and sends generated requests — valid and invalid — to
every operation (the JSON API, Open311, the tracking page and its forms, the appeal form, the
operations endpoints). No answer may be a server error, have a status the operation does not
document, come in a content type or without a header the document names, or break its
documented schema; and what the schema allows must be accepted (2xx), or refused only for
the state of the appeal (409), a missing thing (404) or the limits (429). Bounded (a fixed
number of examples an operation, derandomized) so CI stays short.

Generated strings name no organisation, service, request or token that exists, so alone they
reach only the refusals: each case is sent again with the values that do exist wherever it
names them, so that the success answers are held to their schemas too. Requests carry
`Sec-Fetch-Site: same-origin`, as the service's own pages' do, so that the forms those pages
post are reached too.

Open311's operations are sent once more without the key, as a citizen's app sends them (an
app checks the status of the requests it filed with no key): what it meets there must be
documented too.

Generated traffic is not a flood, so the limits are off there. They are tested on a service of
their own whose limits the setup has already spent: exactly the operations that document a 429
answer one, in a documented content type and with `Retry-After`."""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from conftest import (
    Org,
    PostgresDatabase,
    Service,
    bearer,
    make_org,
    postgres_database,
    run_cli,
)

pytestmark = [
    pytest.mark.follows_engine,  # the module's store (`live`) is the engine's
    # what is checked here is the HTTP surface against its document, the same whichever store
    # is behind it; each operation's store paths run on PostgreSQL in the API's own stories
    # (test_intake, test_queue, test_open311*, test_polls_api, test_postgres_*), and this
    # module, the longest single item of a pass, ran on both until the suite neared 15 minutes
    pytest.mark.same_on_every_engine(
        "the API against its document; its store paths run on PostgreSQL in the API's stories"
    ),
]

EXAMPLES = 3  # per operation: ~60 operations, a few hundred requests in all (each sent twice)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# where valid data may still be refused, for a rule no schema can state
REFUSES_VALID_DATA = {
    "POST /w/{org}/appeals": "the form token is signed by the service and good for one appeal",
    "POST /w/{org}/form/token": "the form token is signed by the service",
    "POST /w/{org}/similar": "the form token is signed by the service",
    "POST /w/{org}/follow": "the form token is signed by the service, the number must exist",
    "GET /open311/v2/requests.{fmt}": "start_date and end_date at most 90 days apart",
    "POST /api/v1/polls": "the closing time must be ahead and after the opening, a vote has one "
    "question, a discussion a description, ids unique within their list",
}
SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}  # what the service's own pages send
NO_LIMITS = {"POS_RATE_LIMIT_KEY": "0", "POS_RATE_LIMIT_ADDRESS": "0", "POS_RATE_LIMIT_ORG": "0"}
ONE_A_MINUTE = {"POS_RATE_LIMIT_KEY": "1", "POS_RATE_LIMIT_ADDRESS": "1", "POS_RATE_LIMIT_ORG": "1"}

schema = schemathesis.pytest.from_fixture("api_schema")
bounded = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


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
            "category": "street_lighting",
            "id": self.request_id,
            "appeal": self.request_id,
            "service_request_id": self.request_id,
            "token": self.token,
        }

    @property
    def headers(self) -> dict[str, str]:
        return {**bearer(self.org.key), **SAME_ORIGIN}


def _with_known_values(case: Any, known: Known, *, keyless: bool = False) -> Any | None:
    """The case with each parameter that names something replaced by what exists (`keyless`:
    but an `api_key`, which is left out); None when it names nothing (sending it again would
    test nothing new)."""
    values = known.values()

    def swapped(container: dict[str, Any]) -> dict[str, Any]:
        return {
            k: values.get(k, v) if isinstance(v, str | None) else v for k, v in container.items()
        }

    query, path = swapped(case.query or {}), swapped(case.path_parameters or {})
    if keyless:
        query.pop("api_key", None)
    body = swapped(case.body) if isinstance(case.body, dict) else case.body
    if isinstance(body, dict) and "attributes" in body:  # the questions of street_lighting
        body["attributes"] = {"lamp": "led"}
    if (query, path, body) == (case.query or {}, case.path_parameters or {}, case.body):
        return None
    again = case.derive(query=query, keep_auth=True)
    again.path_parameters = path
    again.body = body
    return again


def _fresh_key(case: Any) -> Any:
    """The case under an Idempotency-Key of its own: generated keys repeat ("0"), and the
    same key with another body is rightly refused (422)."""
    if case.headers and "Idempotency-Key" in case.headers:
        case.headers["Idempotency-Key"] = uuid.uuid4().hex
    return case


def _start(db: Path, env: dict[str, str]) -> Known:
    org = make_org(db, "manturovo", "https://manturovo.example.ru")
    run_cli(
        db, "org", "attribute", "manturovo", "street_lighting", "lamp",
        "--type", "singlevaluelist", "--description", "Какая лампа", "--value", "led=LED",
    )  # fmt: skip
    # a queue pull may wait as long as the document allows: half a second here, not 20
    service = Service(db, env={"POS_QUEUE_MAX_WAIT": "0.5", **env}).start()
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
    return Known(service, org, receipt["service_request_id"], receipt["token"])


@contextlib.contextmanager
def _database(request: pytest.FixtureRequest, folder: Path) -> Iterator[Path]:
    """The module's database on the engine the run asked for (conftest's `db` is a test's)."""
    if request.config.getoption("--engine") != "postgres":
        yield folder / "pos.db"
        return
    with postgres_database(f"schema_{folder.name}") as url:
        yield PostgresDatabase(url, folder)  # type: ignore[misc]


@pytest.fixture(scope="module")
def live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Known]:
    # generated traffic is not a flood: the limits would answer 429 (documented) to most of it
    with _database(request, tmp_path_factory.mktemp("live")) as db:
        known = _start(db, NO_LIMITS)
        yield known
        known.service.stop()


@pytest.fixture(scope="module")
def flooded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Known]:
    """A service whose one request a minute (per address, key and organisation) the setup's
    filing has spent."""
    with _database(request, tmp_path_factory.mktemp("flooded")) as db:
        known = _start(db, ONE_A_MINUTE)
        yield known
        known.service.stop()


@pytest.fixture(scope="module")
def api_schema(live: Known) -> object:
    return schemathesis.openapi.from_url(live.service.url + "/openapi.json")


@schema.parametrize()
@bounded
def test_every_documented_operation_answers_as_documented(case, live):
    """Sent as generated, and again with the values that exist: that one, when the data is
    valid, must also be accepted."""
    url = live.service.url
    again = _with_known_values(case, live)
    checked = [*CHECKS]
    if case.operation.label not in REFUSES_VALID_DATA:
        checked.append(positive_data_acceptance)  # it looks only at valid data
    if again is None:
        _fresh_key(case).call_and_validate(
            base_url=url, headers=live.headers, timeout=30, checks=checked
        )
        return
    case.call_and_validate(base_url=url, headers=live.headers, timeout=30, checks=CHECKS)
    _fresh_key(again).call_and_validate(
        base_url=url, headers=live.headers, timeout=30, checks=checked
    )


@schema.include(path_regex="^/open311/", method="GET").parametrize()
@bounded
def test_open311_answers_as_documented_without_a_key(case, live):
    """As an app without the organisation's key reads them: no Authorization header, and
    again with the values that exist but no `api_key` (the status check of a filed request)."""
    url = live.service.url
    checked = [*CHECKS]
    if case.operation.label not in REFUSES_VALID_DATA:
        checked.append(positive_data_acceptance)
    case.call_and_validate(base_url=url, timeout=30, checks=CHECKS)
    again = _with_known_values(case, live, keyless=True)
    if again is not None:
        again.call_and_validate(base_url=url, timeout=30, checks=checked)


def _request(known: Known, method: str, path: str, operation: dict[str, Any]) -> httpx.Response:
    """A request to the operation with the values that exist in its path and an empty body
    of its kind: the limits are checked before the body is."""
    values = {**known.values(), "fmt": "json", "n": "1", "poll_id": "no-such-poll", "pos_id": "1"}
    url = known.service.url + re.sub(r"{(\w+)}", lambda m: values[m.group(1)], path)
    bodies = operation.get("requestBody", {}).get("content", {})
    kwargs: dict[str, Any] = {}
    if "application/json" in bodies:
        kwargs["json"] = {}
    elif bodies:
        kwargs["data"] = {"api_key": known.org.key}
    return httpx.request(method, url, headers=known.headers, timeout=30, **kwargs)


def test_exactly_the_operations_that_document_a_rate_limit_answer_429(flooded):
    document = httpx.get(flooded.service.url + "/openapi.json").json()
    wrong = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            documented = "429" in operation["responses"]
            # twice: the second is over the limit even if a minute has passed since the setup
            answers = [_request(flooded, method, path, operation) for _ in range(2)]
            limited = [a for a in answers if a.status_code == 429]
            if documented != bool(limited):
                statuses = [a.status_code for a in answers]
                wrong.append(f"{method.upper()} {path}: documented {documented}, got {statuses}")
            elif limited and not limited[0].headers.get("retry-after", "").isdigit():
                wrong.append(f"{method.upper()} {path}: 429 without Retry-After")
            elif limited:
                media_type = limited[0].headers["content-type"].split(";")[0]
                if media_type not in operation["responses"]["429"]["content"]:
                    wrong.append(f"{method.upper()} {path}: 429 as {media_type}")
    assert wrong == []


def test_the_status_check_without_a_key_is_limited_too(flooded):
    """`GET requests` with ids and no key spends the client address's budget, as
    `requests/{id}` does: 429 in Open311's shape, with `Retry-After`."""
    url = f"{flooded.service.url}/open311/v2/requests.json"
    answers = [httpx.get(url, params={"service_request_id": flooded.request_id}) for _ in range(2)]
    limited = [a for a in answers if a.status_code == 429]
    assert limited, [a.status_code for a in answers]
    assert limited[0].headers["retry-after"].isdigit()
    assert limited[0].json()[0]["code"] == 429
