"""What the people running the service look at: health, readiness, metrics, the API description,
and the headers and logs of every answer."""

from __future__ import annotations

import re
import uuid

import httpx
import jsonschema
import pytest
from openapi_spec_validator import validate

from intake_service.api import ROUTES as API_ROUTES
from intake_service.api_docs import ROUTES as DOCS_ROUTES
from intake_service.appeal_input import validate_appeal
from intake_service.categories import DEFAULT_CATALOGUE
from intake_service.errors import ValidationFailed
from intake_service.form import ROUTES as FORM_ROUTES
from intake_service.input_schemas import appeal_schema
from intake_service.open311.routes import ROUTES as OPEN311_ROUTES
from intake_service.ops import ROUTES as OPS_ROUTES

from conftest import Service, appeal, bearer

# One server and store for the module (tests/conftest.py, `module_service`), without rate
# limits: a story reads the counters it moved as a difference, and its log lines by its request
# id. The pure checks of the schema need no server at all.
pytestmark = pytest.mark.shared_service(
    POS_RATE_LIMIT_KEY="0", POS_RATE_LIMIT_ADDRESS="0", POS_RATE_LIMIT_ORG="0"
)


def sample(metrics: str, series: str) -> int:
    """The value of one series (`name{labels}`) in /metrics text; 0 while it is not there."""
    found = re.search(rf"^{re.escape(series)} (\d+)$", metrics, re.M)
    return int(found.group(1)) if found else 0


@pytest.mark.own_service  # the backlogs it reads as 0 hold the other stories' appeals' mail
def test_health_and_readiness(service):
    assert httpx.get(service.url + "/healthz", timeout=5).json()["status"] == "ok"
    ready = httpx.get(service.url + "/readyz", timeout=5)
    assert ready.status_code == 200
    assert ready.json() == {
        "status": "ready",
        "checks": {"writer": "ok", "database": "writable", "sinks": "ok", "mail": "ok"},
        "outbox_backlog": 0,
        "mail_backlog": 0,
    }


@pytest.mark.sqlite_only(
    "another process holds SQLite's write lock; PostgreSQL: test_postgres_nodes"
)
def test_readiness_fails_when_the_database_cannot_be_written(service, db):
    import sqlite3

    locker = sqlite3.connect(db, timeout=0)
    locker.execute("BEGIN EXCLUSIVE")  # an outside process holds the write lock
    try:
        ready = httpx.get(service.url + "/readyz", timeout=10)
        assert ready.status_code == 503
        assert ready.json()["status"] == "not ready"
        assert "no commit" in ready.json()["checks"]["database"]
    finally:
        locker.rollback()
        locker.close()
    assert httpx.get(service.url + "/readyz", timeout=15).status_code == 200


ACCEPTED = 'pos_appeals_accepted_total{org="demo"}'
DEPTH = 'pos_queue_depth{org="demo",sink="embedded"}'


def test_metrics_count_accepted_appeals_and_writer_batches(service, org):
    before = httpx.get(service.url + "/metrics", timeout=5).text
    for _ in range(3):
        httpx.post(
            service.url + "/api/v1/appeals", json=appeal(), headers=bearer(org.key), timeout=5
        )
    metrics = httpx.get(service.url + "/metrics", timeout=5)
    assert metrics.headers["content-type"].startswith("text/plain")
    text = metrics.text
    assert sample(text, ACCEPTED) == sample(before, ACCEPTED) + 3
    assert "# TYPE pos_writer_batch_size histogram" in text
    assert 'pos_writer_batch_size_bucket{le="+Inf"}' in text
    assert sample(text, DEPTH) == sample(before, DEPTH) + 3  # nobody pulls the shared queue


def test_openapi_is_valid_and_describes_every_route(service):
    spec = httpx.get(service.url + "/openapi.json", timeout=5).json()
    validate(spec)
    for route in [*API_ROUTES, *FORM_ROUTES, *OPS_ROUTES, *OPEN311_ROUTES, *DOCS_ROUTES]:
        path = re.sub(r":\w+}", "}", route.path)  # /{id:uuid} is /{id} in OpenAPI
        # or a path for each value of a parameter whose value decides the body (…/{action})
        paths = [path] if path in spec["paths"] else [
            p for p in spec["paths"] if route.path_regex.fullmatch(re.sub(r"{\w+}", "x", p))
        ]  # fmt: skip
        assert paths, f"{path} is not described"
        for described in paths:
            for method in route.methods - {"HEAD"}:
                operation = spec["paths"][described][method.lower()]
                assert operation["responses"], f"{method} {described} has no responses"
    create = spec["paths"]["/api/v1/appeals"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"]
    assert "422" in create["responses"] and "201" in create["responses"]


@pytest.mark.parametrize(
    "body",
    [
        appeal(),
        appeal(kind="official"),
        {
            "category": "roads",
            "text": "Яма на дороге.",
            "contact": {"name": "И", "phone": "89001234567"},
            "consent": True,
        },
        appeal(text="short"),
        appeal(consent=False),
        appeal(lat=95),
        appeal(extra=1),
        appeal(contact={"name": "Иван"}),
        appeal(kind="official", contact={"name": "Иван", "phone": "+79001234567"}),
        {"category": "roads"},
        # what the schema allowed and the checks refused: blanks, control characters, a phone
        # or a link the checks do not take, half a place
        appeal(text=" " * 20),
        appeal(text="Не горит фонарь\x07 у дома 5."),
        appeal(text="  Фонарь не горит.  \n"),
        appeal(contact={"name": " ", "email": "ivan@example.ru"}),
        appeal(contact={"name": "Иван", "phone": "позвоните"}),
        appeal(contact={"name": "Иван", "phone": "+7 (900) 123-45-67"}),
        appeal(contact={"name": "Иван", "email": "ivan@localhost"}),
        appeal(contact={"name": "Иван", "email": "иван@почта.рф"}),
        appeal(page_url="urn:isbn:0451450523"),
        appeal(page_url="HTTPS://demo.example.ru/a b"),
        {**appeal(), "lon": None},
        appeal(address="ул. Ленина,\x00 5"),
    ],
)
def test_documented_schema_and_the_checks_agree(body):
    catalogue = {c.code: c for c in DEFAULT_CATALOGUE}
    try:
        validate_appeal(body, catalogue)
        accepted_by_checks = True
    except ValidationFailed:
        accepted_by_checks = False
    schema = appeal_schema([c.code for c in DEFAULT_CATALOGUE])
    accepted_by_schema = jsonschema.Draft202012Validator(schema).is_valid(body)
    assert accepted_by_checks == accepted_by_schema


def test_every_answer_carries_request_id_and_security_headers(service, org):
    for response in (
        httpx.get(service.url + "/healthz", timeout=5),
        httpx.post(service.url + "/api/v1/appeals", json={}, timeout=5),
    ):
        assert len(response.headers["x-request-id"]) >= 8
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert "default-src 'none'" in response.headers["content-security-policy"]
        assert "server" not in response.headers


@pytest.mark.own_service  # it stops the server to read its whole log
def test_access_log_keeps_tracking_tokens_and_keys_out(service, org):
    created = httpx.post(
        service.url + "/api/v1/appeals", json=appeal(), headers=bearer(org.key), timeout=5
    ).json()
    httpx.get(created["tracking_url"], timeout=5)
    token = created["tracking_url"].rsplit("/", 1)[1]
    service.stop()
    log = service.log()
    assert "/s/…" in log
    assert token not in log
    assert org.key not in log and org.key.split("_", 2)[2] not in log


def test_metrics_refuses_a_client_that_came_through_the_local_proxy(service, org):
    # the proxy on this host (a trusted 127.0.0.1) forwards a public client's request: that
    # client is who asks, not the proxy's loopback address
    request_id = f"metrics-{uuid.uuid4().hex}"
    refused = httpx.get(
        service.url + "/metrics",
        headers={"X-Forwarded-For": "203.0.113.9", "X-Request-ID": request_id},
        timeout=5,
    )
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert problem["type"] == "tag:pos-intake,2026:problem/forbidden"
    assert "POS_METRICS_TOKEN" in problem["detail"]
    assert "pos_queue_depth" not in refused.text
    from conftest import events

    [rejected] = [e for e in events(service.db) if e["request_id"] == request_id]
    assert rejected["type"] == "rejected"
    assert rejected["reason"] == "metrics-not-local"
    assert rejected["remote_addr"] == "203.0.113.9"
    # the scraper on this host itself is served
    assert httpx.get(service.url + "/metrics", timeout=5).status_code == 200


@pytest.mark.service_env(POS_METRICS_TOKEN="scrape-4c1f9e2b7d")
def test_metrics_with_a_token_set_answers_only_to_that_token(service, org):
    for headers in ({}, {"Authorization": "Bearer wrong-token"}, {"Authorization": "scrape-4c1f"}):
        refused = httpx.get(
            service.url + "/metrics", headers={**headers, "Accept-Language": "en"}, timeout=5
        )
        assert refused.status_code == 401
        assert refused.json()["type"] == "tag:pos-intake,2026:problem/unauthorized"
        assert refused.json()["title"] == "A metrics access token is required"
        assert "pos_queue_depth" not in refused.text
    served = httpx.get(
        service.url + "/metrics",
        headers={"Authorization": "Bearer scrape-4c1f9e2b7d", "X-Forwarded-For": "203.0.113.9"},
        timeout=5,
    )
    assert served.status_code == 200 and "pos_queue_depth" in served.text
    service.stop()
    assert "scrape-4c1f9e2b7d" not in service.log()


@pytest.mark.own_service  # it starts a server with another environment on its store
@pytest.mark.parametrize("trusted", ["*", "0.0.0.0/0", "127.0.0.0/8"])
def test_metrics_takes_no_forwarded_address_for_local_however_proxies_are_trusted(db, org, trusted):
    # a proxy trusted by a network or by '*' forwards whatever the client wrote: a loopback
    # X-Forwarded-For proves nothing, so only a request that came through no proxy is local
    service = Service(db, env={"POS_FORWARDED_ALLOW_IPS": trusted}).start()
    try:
        for spoof in ("127.0.0.1", "::1", "203.0.113.9, 127.0.0.1"):
            spoofed = httpx.get(
                service.url + "/metrics", headers={"X-Forwarded-For": spoof}, timeout=5
            )
            assert spoofed.status_code == 403, (trusted, spoof)
            assert "pos_queue_depth" not in spoofed.text
        forwarded = httpx.get(service.url + "/metrics", headers={"Forwarded": "for=127.0.0.1"})
        assert forwarded.status_code == 403
        # the scraper on this host, asking directly, is served
        assert httpx.get(service.url + "/metrics", timeout=5).status_code == 200
    finally:
        service.stop()


@pytest.mark.service_env(POS_METRICS_TOKEN="scrape-4c1f9e2b7d", POS_RATE_LIMIT_ADDRESS="5")
def test_guessing_the_metrics_token_is_rate_limited_like_any_other_abuse(service, org):
    answers = [
        httpx.get(
            service.url + "/metrics", headers={"Authorization": f"Bearer guess-{i}"}, timeout=5
        ).status_code
        for i in range(8)
    ]
    assert answers[:5] == [401] * 5
    assert set(answers[5:]) == {429}
