"""What the people running the service look at: health, readiness, metrics, the API description,
and the headers and logs of every answer."""

from __future__ import annotations

import re

import httpx
import jsonschema
import pytest
from openapi_spec_validator import validate

from intake_service.api import ROUTES as API_ROUTES
from intake_service.appeal_input import appeal_schema, validate_appeal
from intake_service.categories import DEFAULT_CATALOGUE
from intake_service.errors import ValidationFailed
from intake_service.form import ROUTES as FORM_ROUTES
from intake_service.ops import ROUTES as OPS_ROUTES

from conftest import appeal, bearer


def test_health_and_readiness(service):
    assert httpx.get(service.url + "/healthz", timeout=5).json()["status"] == "ok"
    ready = httpx.get(service.url + "/readyz", timeout=5)
    assert ready.status_code == 200
    assert ready.json() == {
        "status": "ready",
        "checks": {"writer": "ok", "database": "writable", "sinks": "ok"},
        "outbox_backlog": 0,
    }


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


def test_metrics_count_accepted_appeals_and_writer_batches(service, org):
    for _ in range(3):
        httpx.post(
            service.url + "/api/v1/appeals", json=appeal(), headers=bearer(org.key), timeout=5
        )
    metrics = httpx.get(service.url + "/metrics", timeout=5)
    assert metrics.headers["content-type"].startswith("text/plain")
    text = metrics.text
    assert 'pos_appeals_accepted_total{org="demo"} 3' in text
    assert "# TYPE pos_writer_batch_size histogram" in text
    assert 'pos_writer_batch_size_bucket{le="+Inf"}' in text
    assert 'pos_queue_depth{org="demo",sink="embedded"} 3' in text


def test_openapi_is_valid_and_describes_every_route(service):
    spec = httpx.get(service.url + "/openapi.json", timeout=5).json()
    validate(spec)
    for route in [*API_ROUTES, *FORM_ROUTES, *OPS_ROUTES]:
        path = re.sub(r":\w+}", "}", route.path)  # /{id:uuid} is /{id} in OpenAPI
        assert path in spec["paths"], f"{path} is not described"
        for method in route.methods - {"HEAD"}:
            operation = spec["paths"][path][method.lower()]
            assert operation["responses"], f"{method} {route.path} has no responses"
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
