"""Every endpoint that takes a body — JSON or a form — fed what hypothesis makes up, through the
real server: values of any JSON type nested to any depth, strings up to a hundred times each
field's limit, unknown and repeated fields, bytes that are not text. Whatever arrives, the answer
is never a 5xx, and no request holds the event loop for more than 100 ms (the service's own watch,
`pos_event_loop_held_total` in /metrics)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import httpx
import pytest
from console_helpers import add_user, sign_in
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake_service.appeal_input import FIELDS, TEXT_MAX
from intake_service.console.appeal import ACTIONS

from conftest import Service, appeal, bearer, form_token, make_org, run_cli

ORIGIN = "https://demo.example.ru"
FUZZ = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,  # the same examples on every run: a failure here is a finding, not luck
    suppress_health_check=list(HealthCheck),
)

# Values of every JSON type, nested: what a confused or hostile client may put anywhere.
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=50)
)
NESTED = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)
FIELD_NAMES = st.sampled_from(
    [
        *FIELDS,
        "name",
        "email",
        "phone",
        "rating",
        "comment",
        "status",
        "text",
        "reason",
        "csrf",
        "token",
        "password",
        "solved",
        "answer",
        "ids",
    ]
) | st.text(max_size=20)
# A string up to a hundred times the largest field limit, in a few shapes that hurt patterns.
LONG = st.builds(
    lambda unit, n: (unit * (n // max(1, len(unit)) + 1))[:n],
    st.sampled_from(["a", "я", "https://a", "a.", "1 ", " ", "%", "\u00a0", "😀", "@a"]),
    st.integers(min_value=0, max_value=TEXT_MAX * 100),
)
VALUES = NESTED | LONG


def raw_json_bodies() -> st.SearchStrategy[bytes]:
    """Bodies as bytes: JSON of any shape, nesting far past any parser's stack, integers past
    4,300 digits, and bytes that are not UTF-8."""
    documents = st.dictionaries(FIELD_NAMES, VALUES, max_size=8).map(
        lambda d: json.dumps(d, ensure_ascii=False).encode("utf-8", "surrogatepass")
    )
    deep = st.integers(min_value=1, max_value=40_000).map(lambda n: b"[" * n + b"]" * n)
    deep_objects = st.integers(min_value=1, max_value=10_000).map(
        lambda n: b'{"a":' * n + b"1" + b"}" * n
    )
    big_numbers = st.integers(min_value=1, max_value=60_000).map(
        lambda n: b'{"rating": ' + b"9" * n + b"}"
    )
    return documents | deep | deep_objects | big_numbers | st.binary(max_size=2000)


FORMS = st.dictionaries(FIELD_NAMES, LONG | st.text(max_size=100), max_size=10)


class City:
    def __init__(self, service: Service, key: str, token: str, appeal_id: str) -> None:
        self.service, self.key, self.token, self.appeal_id = service, key, token, appeal_id
        self.client = httpx.Client(base_url=service.url, timeout=60)
        self.console = sign_in(service.url, add_user(service.db, "ops@demo.example.ru", "demo"))

    def held(self) -> int:
        metrics = self.client.get("/metrics").text
        return int(re.search(r"^pos_event_loop_held_total (\d+)$", metrics, re.M).group(1))

    def check(self, answer: httpx.Response) -> None:
        assert answer.status_code < 500, (answer.request.url, answer.status_code, answer.text[:500])


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[City]:
    db = tmp_path_factory.mktemp("fuzz") / "pos.db"
    org = make_org(db, "demo", ORIGIN)
    run_cli(db, "org", "set", "demo", "--embedded-queue", "on")
    service = Service(
        db, env={"POS_RATE_LIMIT_ADDRESS": "1000000", "POS_RATE_LIMIT_KEY": "1000000"}
    ).start()
    created = httpx.post(
        service.url + "/api/v1/appeals", json=appeal(), headers=bearer(org.key), timeout=10
    )
    assert created.status_code == 201, created.text
    token = created.json()["tracking_url"].rsplit("/", 1)[1]
    city = City(service, org.key, token, created.json()["id"])
    held_before = city.held()
    try:
        yield city
        held_after = city.held()
    finally:  # the server stops even when a story failed, never left running after the suite
        city.console.close()
        city.client.close()
        service.stop()
    assert held_after == held_before, "a request held the event loop for more than 100 ms"


JSON_TARGETS = [
    ("/api/v1/appeals", True),
    ("/api/v1/appeals/{appeal}/status", True),
    ("/api/v1/appeals/{appeal}/answer", True),
    ("/api/v1/queue/ack", True),
    ("/api/v1/status/{token}/verdict", False),
    ("/api/v1/status/{token}/repeat", False),
    ("/api/v1/status/{token}/clarification", False),
]


@pytest.mark.parametrize(("path", "keyed"), JSON_TARGETS)
def test_no_json_body_makes_a_server_error_or_holds_the_loop(city, path, keyed):
    url = path.format(appeal=city.appeal_id, token=city.token)
    headers = {"Content-Type": "application/json", **(bearer(city.key) if keyed else {})}

    @FUZZ
    @given(body=raw_json_bodies())
    def attempt(body: bytes) -> None:
        city.check(city.client.post(url, content=body, headers=headers))

    attempt()


FORM_TARGETS = [
    "/w/demo/appeals",
    "/track",
    "/c/{token}",
    "/s/{token}/verdict",
    "/s/{token}/repeat",
    "/s/{token}/clarification",
    "/open311/v2/requests.json",
    "/console/signin",
]


@pytest.mark.parametrize("path", FORM_TARGETS)
def test_no_form_makes_a_server_error_or_holds_the_loop(city, path):
    url = path.format(token=city.token)

    @FUZZ
    @given(fields=FORMS)
    def attempt(fields: dict[str, str]) -> None:
        if path == "/w/demo/appeals":
            fields = {"token": form_token(city.service.url, ORIGIN), **fields}
        if path.startswith("/open311/"):
            fields = {"api_key": city.key, **fields}
        answer = city.client.post(url, data=fields, headers={"Origin": city.service.url})
        city.check(answer)

    attempt()


CONSOLE_ACTIONS = ACTIONS  # every action the appeal page posts


@pytest.mark.parametrize("action", CONSOLE_ACTIONS)
def test_no_console_form_makes_a_server_error_or_holds_the_loop(city, action):
    @FUZZ
    @given(fields=FORMS)
    def attempt(fields: dict[str, str]) -> None:
        answer = city.console.post_form(f"/console/appeals/{city.appeal_id}/{action}", fields)
        city.check(answer)

    attempt()
