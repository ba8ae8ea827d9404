"""An agency back end files appeals and the citizen follows them by the tracking link."""

from __future__ import annotations

import asyncio
import re
import uuid

import httpx
import pytest

from conftest import Org, Service, appeal, bearer, events, run_async, store

# One server and store for the module (tests/conftest.py, `module_service`), without rate
# limits: a story counts what it added rather than what the store holds. The ones about the
# numbering from 1, a kill or a restart, or a flood have servers of their own.
pytestmark = pytest.mark.shared_service(
    POS_RATE_LIMIT_KEY="0", POS_RATE_LIMIT_ADDRESS="0", POS_RATE_LIMIT_ORG="0"
)


def appeals_stored(service: Service) -> int:
    with store(service.db) as conn:
        return conn.execute("SELECT count(*) FROM appeals").fetchone()[0]


def accepted_logged(service: Service) -> int:
    return sum(e["type"] == "accepted" for e in events(service.db))


def file(service: Service, org: Org, body: dict | None = None, **headers: str) -> httpx.Response:
    return httpx.post(
        service.url + "/api/v1/appeals",
        json=appeal() if body is None else body,
        headers={**bearer(org.key), **headers},
        timeout=10,
    )


def test_filed_appeal_gets_number_and_tracking_link_showing_status_and_history(service, org):
    response = file(service, org)

    assert response.status_code == 201
    created = response.json()
    assert re.fullmatch(r"DEMO-\d{4}-\d{6}", created["number"])  # from 1: the next story
    assert created["status"] == "accepted"
    assert response.headers["location"] == created["tracking_url"]
    assert created["tracking_url"].startswith(service.url + "/s/")

    status = httpx.get(created["tracking_url"], timeout=5)
    assert status.status_code == 200
    view = status.json()
    assert view["number"] == created["number"]
    assert view["status"] == "accepted"
    assert view["status_title"] == "Принято"
    assert view["category"] == {"code": "street_lighting", "title": "Уличное освещение"}
    assert view["org"]["slug"] == "demo"
    assert [h["status"] for h in view["history"]] == ["accepted"]
    assert "contact" not in view  # the link may travel; the citizen's contacts do not

    english = httpx.get(created["tracking_url"], headers={"Accept-Language": "en"}, timeout=5)
    assert english.json()["category"]["title"] == "Street lighting"


@pytest.mark.own_service  # the organisation's first appeals: the others' would take 000001
def test_numbers_count_up_per_organisation(service, org):
    numbers = [file(service, org).json()["number"] for _ in range(3)]
    assert [n[-6:] for n in numbers] == ["000001", "000002", "000003"]


def test_tracking_link_cannot_be_guessed_or_forged(service, org):
    created = file(service, org).json()
    token = created["tracking_url"].rsplit("/", 1)[1]
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    asked = [f"tracking-{uuid.uuid4().hex}" for _ in range(3)]
    for bad, request_id in zip((forged, "0" * 32, "nothing-here"), asked, strict=True):
        response = httpx.get(
            f"{service.url}/s/{bad}", headers={"X-Request-ID": request_id}, timeout=5
        )
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
    logged = [e for e in events(service.db) if e["request_id"] in asked]
    assert [(e["type"], e["reason"]) for e in logged] == [("rejected", "tracking-unknown")] * 3


@pytest.mark.own_service  # it kills the server and reads the whole store
def test_accepted_appeal_survives_kill_9_right_after_201(service, org, db):
    created = [file(service, org).json() for _ in range(5)]
    service.kill()

    # Straight from the file, before any server touches it again.
    with store(db) as conn:
        stored = {row[0] for row in conn.execute("SELECT number FROM appeals")}
    assert stored == {c["number"] for c in created}

    service.start()
    for c in created:
        assert httpx.get(c["tracking_url"], timeout=5).json()["number"] == c["number"]
    # the numbering goes on after the restart instead of starting again
    assert file(service, org).json()["number"].endswith("000006")


@pytest.mark.own_service  # it restarts the server and pulls the whole queue
def test_restart_keeps_appeals_log_queue_and_keys(service, org):
    created = file(service, org).json()
    service.restart()

    assert httpx.get(created["tracking_url"], timeout=5).status_code == 200
    pulled = httpx.get(service.url + "/api/v1/queue", headers=bearer(org.key), timeout=5).json()
    assert [m["body"]["number"] for m in pulled["messages"]] == [created["number"]]
    assert any(e["type"] == "accepted" for e in events(service.db))


@pytest.mark.service_env(POS_RATE_LIMIT_KEY="0", POS_RATE_LIMIT_ADDRESS="0")
def test_500_concurrent_appeals_get_500_numbers_all_logged_and_queued(service, org):
    async def flood() -> list[httpx.Response]:
        limits = httpx.Limits(max_connections=500)
        async with httpx.AsyncClient(limits=limits, timeout=60) as client:
            return await asyncio.gather(
                *(
                    client.post(
                        service.url + "/api/v1/appeals",
                        json=appeal(text=f"Обращение номер {i}: не горит фонарь."),
                        headers=bearer(org.key),
                    )
                    for i in range(500)
                )
            )

    responses = run_async(flood())
    assert [r.status_code for r in responses] == [201] * 500
    numbers = {r.json()["number"] for r in responses}
    assert len(numbers) == 500

    logged = {e["data"]["number"] for e in events(service.db) if e["type"] == "accepted"}
    assert logged == numbers

    queued = set()
    while True:
        batch = httpx.get(
            service.url + "/api/v1/queue?max=100", headers=bearer(org.key), timeout=10
        ).json()["messages"]
        if not batch:
            break
        queued |= {m["body"]["number"] for m in batch}
    assert queued == numbers

    # They were committed in groups, not one fsync each.
    metrics = httpx.get(service.url + "/metrics", timeout=5).text
    count = int(re.search(r"^pos_writer_batch_size_count (\d+)", metrics, re.M).group(1))
    assert count < 500


def test_idempotency_key_returns_the_first_answer_again(service, org):
    accepted_before = accepted_logged(service)
    first = file(service, org, **{"Idempotency-Key": "crm-4711"})
    again = file(service, org, **{"Idempotency-Key": "crm-4711"})

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert accepted_logged(service) == accepted_before + 1


def test_idempotency_key_with_key_order_and_spacing_changed_is_the_same_request(service, org):
    body = appeal()
    first = file(service, org, body, **{"Idempotency-Key": "k1"})
    reordered = dict(reversed(list(body.items())))
    again = file(service, org, reordered, **{"Idempotency-Key": "k1"})
    assert again.json()["number"] == first.json()["number"]


def test_idempotency_key_reused_with_another_body_is_refused(service, org):
    before = appeals_stored(service)
    file(service, org, **{"Idempotency-Key": "crm-4712"})
    other = file(
        service,
        org,
        appeal(text="Совсем другое обращение о дороге."),
        **{"Idempotency-Key": "crm-4712"},
    )

    assert other.status_code == 422
    problem = other.json()
    assert problem["type"].endswith("/idempotency-conflict")
    assert "crm-4712" in problem["detail"]
    assert appeals_stored(service) == before + 1


@pytest.mark.service_env(POS_RATE_LIMIT_KEY="0", POS_RATE_LIMIT_ADDRESS="0")
def test_concurrent_retries_with_one_idempotency_key_store_one_appeal(service, org, db):
    async def retries() -> list[httpx.Response]:
        async with httpx.AsyncClient(timeout=30) as client:
            return await asyncio.gather(
                *(
                    client.post(
                        service.url + "/api/v1/appeals",
                        json=appeal(),
                        headers={**bearer(org.key), "Idempotency-Key": "burst"},
                    )
                    for _ in range(20)
                )
            )

    responses = run_async(retries())
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["number"] for r in responses}) == 1
    with store(db) as conn:
        assert conn.execute("SELECT count(*) FROM appeals").fetchone()[0] == 1


def test_organisation_comes_from_the_key_not_the_body(service, org, db):
    from conftest import make_org

    other = make_org(db, "other", "https://other.example.ru")
    body = appeal()
    body["org"] = "other"
    refused = file(service, org, body)
    assert refused.status_code == 422  # unknown field: the body cannot name an organisation

    created = file(service, other).json()
    assert created["number"].startswith("OTHER-")
    view = httpx.get(created["tracking_url"], timeout=5).json()
    assert view["org"]["slug"] == "other"
