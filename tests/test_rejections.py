"""Every refused request gets a problem+json answer that says what to fix, and a `rejected` line
in the intake log with its reason, organisation, address and request id — and nothing of it is
stored as an appeal."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from conftest import Service, appeal, bearer, events, run_cli, store

# One server and store for the module (tests/conftest.py, `module_service`): each story reads
# only the refusal it caused, and with no rate limits the stories cannot limit each other.
pytestmark = pytest.mark.shared_service(
    POS_RATE_LIMIT_KEY="0", POS_RATE_LIMIT_ADDRESS="0", POS_RATE_LIMIT_ORG="0"
)

URL = "/api/v1/appeals"


def post(
    service: Service, headers: dict[str, str], content: bytes | None = None, **kw
) -> httpx.Response:
    return httpx.post(service.url + URL, headers=headers, content=content, timeout=10, **kw)


def appeals_stored(db: Path) -> int:
    with store(db) as conn:
        return conn.execute("SELECT count(*) FROM appeals").fetchone()[0]


def last_rejection(db: Path) -> dict:
    rejected = [e for e in events(db) if e["type"] == "rejected"]
    assert rejected, "the refusal was not written to the intake log"
    return rejected[-1]


def assert_problem(response: httpx.Response, status: int, slug: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == f"tag:pos-intake,2026:problem/{slug}"
    assert problem["status"] == status
    assert problem["title"] and problem["detail"]
    assert problem["instance"] == URL
    assert problem["request_id"] == response.headers["x-request-id"]
    return problem


def test_problem_shape_is_pinned(service, org):
    response = post(
        service,
        {**bearer(org.key), "X-Request-ID": "crm-req-1"},
        json=appeal(text="коротко"),
    )
    assert response.json() == {
        "type": "tag:pos-intake,2026:problem/validation",
        "title": "Обращение заполнено с ошибками",
        "status": 422,
        "detail": "Исправьте поля: text.",
        "errors": [
            {
                "field": "text",
                "pointer": "#/text",
                "code": "too-short",
                "detail": "Не короче 10 символов.",
            }
        ],
        "instance": "/api/v1/appeals",
        "request_id": "crm-req-1",
    }
    logged = last_rejection(service.db)
    assert logged["reason"] == "validation text:too-short"
    assert logged["org"] == "demo"
    assert logged["remote_addr"] == "127.0.0.1"
    assert logged["request_id"] == "crm-req-1"


def test_problem_speaks_english_when_asked(service, org):
    response = post(
        service,
        {**bearer(org.key), "Accept-Language": "en-GB,en;q=0.9"},
        json=appeal(consent=False),
    )
    problem = response.json()
    assert problem["title"] == "The appeal has errors"
    assert (
        problem["errors"][0]["detail"]
        == "Consent to personal-data processing (152-FZ) is required."
    )
    assert response.headers["content-language"] == "en"


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({}, "key-missing"),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, "key-missing"),
        ({"Authorization": "Bearer pos_0000000000_not-a-key"}, "key-unknown"),
        ({"Authorization": "Bearer garbage"}, "key-unknown"),
    ],
)
def test_missing_or_unknown_key_is_401(service, org, headers, reason):
    before = appeals_stored(service.db)  # the module's store is shared
    response = post(service, headers, json=appeal())
    assert_problem(response, 401, "unauthorized")
    assert response.headers["www-authenticate"].startswith("Bearer")
    logged = last_rejection(service.db)
    assert logged["reason"] == reason
    assert logged["org"] is None
    assert appeals_stored(service.db) == before


def test_wrong_secret_of_a_real_key_id_is_401(service, org):
    key_id = org.key.split("_")[1]
    response = post(service, bearer(f"pos_{key_id}_{'x' * 43}"), json=appeal())
    assert_problem(response, 401, "unauthorized")
    assert last_rejection(service.db)["reason"] == "key-unknown"


@pytest.mark.own_service  # it revokes the key the module's other stories use
def test_revoked_key_is_401_on_the_next_request(service, org):
    assert post(service, bearer(org.key), json=appeal()).status_code == 201
    key_id = org.key.split("_")[1]
    run_cli(service.db, "org", "key", "demo", "--revoke", key_id)

    response = post(service, bearer(org.key), json=appeal())
    problem = assert_problem(response, 401, "unauthorized")
    assert "отозван" in problem["detail"]
    assert last_rejection(service.db)["reason"] == "key-revoked"
    assert appeals_stored(service.db) == 1


def test_malformed_json_is_400(service, org):
    before = appeals_stored(service.db)  # the module's store is shared
    response = post(service, {**bearer(org.key), "Content-Type": "application/json"}, b'{"text": ')
    problem = assert_problem(response, 400, "bad-json")
    assert "line 1" in problem["detail"]
    assert last_rejection(service.db)["reason"] == "bad-json"
    assert appeals_stored(service.db) == before


def test_half_a_surrogate_pair_is_400_not_a_server_error(service, org):
    before = appeals_stored(service.db)  # the module's store is shared
    # valid JSON syntax, but "\ud800" alone is no character: nothing could store it as UTF-8
    whole = json.dumps(appeal(text="Яма на дороге \ud800 у дома 5")).encode()
    for body in (whole, b'{"\\udfff": 1}', b'{"text": "\\ud800"}'):
        response = post(service, {**bearer(org.key), "Content-Type": "application/json"}, body)
        assert_problem(response, 400, "bad-json")
        assert last_rejection(service.db)["reason"] == "bad-json"
    assert appeals_stored(service.db) == before


def test_wrong_content_type_is_415(service, org):
    response = post(
        service,
        {**bearer(org.key), "Content-Type": "application/x-www-form-urlencoded"},
        b"text=hello",
    )
    problem = assert_problem(response, 415, "unsupported-media-type")
    assert "application/x-www-form-urlencoded" in problem["detail"]
    assert last_rejection(service.db)["org"] == "demo"


def test_body_over_the_limit_is_413_whether_declared_or_streamed(service, org):
    before = appeals_stored(service.db)  # the module's store is shared
    huge = appeal(text="я" * 40_000)  # 80 KB of UTF-8, over the 64 KiB default
    response = post(service, bearer(org.key), json=huge)
    assert_problem(response, 413, "payload-too-large")

    def chunks():
        yield b'{"text": "'
        for _ in range(100):
            yield b"a" * 1024
        yield b'"}'

    streamed = post(
        service, {**bearer(org.key), "Content-Type": "application/json"}, content=chunks()
    )
    assert_problem(streamed, 413, "payload-too-large")
    assert last_rejection(service.db)["reason"] == "payload-too-large"
    assert appeals_stored(service.db) == before


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"category": "potholes"}, "category", "category-unknown"),
        ({"category": None}, "category", "required"),
        ({"text": "Коротко."}, "text", "too-short"),
        ({"text": "ж" * 4001}, "text", "too-long"),
        ({"text": "      \n      "}, "text", "required"),
        ({"text": "Нормальный текст\x00с нулём"}, "text", "bad-characters"),
        ({"consent": False}, "consent", "consent"),
        ({"consent": "yes"}, "consent", "consent"),
        ({"lat": 91.0}, "lat", "lat-range"),
        ({"lon": -180.5}, "lon", "lon-range"),
        ({"lat": "58.3"}, "lat", "not-number"),
        ({"lat": None, "lon": 44.7}, "lat", "lat-lon-pair"),
        ({"contact": {"name": "Иван", "email": "ivan@"}}, "contact.email", "email"),
        ({"contact": {"name": "Иван", "email": "ivan@example"}}, "contact.email", "email"),
        ({"contact": {"name": "Иван", "phone": "12"}}, "contact.phone", "phone"),
        ({"contact": {"name": "Иван"}}, "contact.email", "contact-channel"),
        ({"contact": {"email": "ivan@example.ru"}}, "contact.name", "required"),
        ({"contact": "Иван"}, "contact", "not-object"),
        ({"kind": "complaint"}, "kind", "kind"),
        (
            {"kind": "official", "contact": {"name": "Иван", "phone": "+79001234567"}},
            "contact.postal",
            "official-address",
        ),
        (
            {"kind": "official", "contact": {"surname": "Иванов", "email": "i@example.ru"}},
            "contact.first_name",
            "required",
        ),
        (
            {"kind": "official", "contact": {"email": "ivan@example.ru"}},
            "contact.surname",
            "required",
        ),
        (
            {"contact": {"name": "Иван", "email": "i@example.ru", "postal": "Кострома"}},
            "contact.postal",
            "unknown",
        ),
        ({"page_url": "javascript:alert(1)"}, "page_url", "url"),
        ({"priority": "high"}, "priority", "unknown"),
    ],
)
def test_invalid_appeal_is_422_naming_the_field(service, org, change, field, code):
    before = appeals_stored(service.db)  # the module's store is shared
    response = post(service, bearer(org.key), json=appeal(**change))
    problem = assert_problem(response, 422, "validation")
    assert {"field": field, "code": code} in [
        {"field": e["field"], "code": e["code"]} for e in problem["errors"]
    ]
    assert f"{field}:{code}" in last_rejection(service.db)["reason"]
    assert appeals_stored(service.db) == before


def test_body_that_is_not_an_object_is_422(service, org):
    response = post(service, bearer(org.key), json=["not", "an", "appeal"])
    problem = assert_problem(response, 422, "validation")
    assert problem["errors"][0]["code"] == "not-object"


def test_every_error_is_reported_at_once(service, org):
    response = post(service, bearer(org.key), json={"category": "roads", "text": "x"})
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"text", "contact", "consent"}


@pytest.mark.service_env(POS_RATE_LIMIT_KEY="5")
def test_too_many_requests_from_one_key_is_429_with_retry_after(service, org):
    statuses = [post(service, bearer(org.key), json=appeal()).status_code for _ in range(5)]
    assert statuses == [201] * 5
    response = post(service, bearer(org.key), json=appeal())
    assert_problem(response, 429, "rate-limited")
    assert int(response.headers["retry-after"]) >= 1
    logged = last_rejection(service.db)
    assert logged["reason"] == "rate-limited key"
    assert logged["org"] == "demo"
    assert appeals_stored(service.db) == 5


@pytest.mark.service_env(POS_RATE_LIMIT_ADDRESS="3")
def test_too_many_requests_from_one_address_is_429_even_without_a_key(service, org):
    for _ in range(3):
        post(service, {}, json=appeal())
    response = post(service, {}, json=appeal())
    assert_problem(response, 429, "rate-limited")
    assert last_rejection(service.db)["reason"] == "rate-limited address"


@pytest.mark.own_service  # it reads counts the module's other stories would add to
def test_rejections_are_counted_in_metrics(service, org):
    post(service, {}, json=appeal())
    post(service, bearer(org.key), json=appeal(consent=False))
    metrics = httpx.get(service.url + "/metrics", timeout=5).text
    assert 'pos_rejections_total{reason="unauthorized"} 1' in metrics
    assert 'pos_rejections_total{reason="validation"} 1' in metrics


def test_unknown_path_and_method_are_problems_too(service, org):
    missing = httpx.get(service.url + "/api/v1/nothing", timeout=5)
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    wrong = httpx.get(service.url + URL, timeout=5)
    assert wrong.status_code == 405
    assert "POST" in wrong.headers["allow"]


def test_a_photo_number_no_appeal_can_have_is_404_not_a_server_error(service, org):
    filed = post(service, bearer(org.key), json=appeal())
    assert filed.status_code == 201, filed.text
    base = f"{service.url}/api/v1/appeals/{filed.json()['id']}/photos"
    for n in ("0", "4", "99999999999999999999999"):  # the last one is past SQLite's integers
        photo = httpx.get(f"{base}/{n}", headers=bearer(org.key), timeout=5)
        assert photo.status_code == 404, (n, photo.text)
        assert photo.headers["content-type"] == "application/problem+json"
