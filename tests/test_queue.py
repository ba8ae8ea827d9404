"""An agency system pulls its organisation's appeals from the embedded queue and acknowledges
them; what it does not acknowledge in time comes back."""

from __future__ import annotations

import threading
import time
import uuid

import httpx
import pytest

from conftest import appeal, bearer, events, make_org

# One server and store for the module (tests/conftest.py, `module_service`), without rate
# limits: a story that pulls looks only for the appeals it filed itself (`mine`), since messages
# the module's other stories left unacknowledged wait in the same `demo` queue. The stories that
# need the queue to hold nothing but their own (a long poll, the depth) have servers of their own.
pytestmark = pytest.mark.shared_service(
    POS_RATE_LIMIT_KEY="0", POS_RATE_LIMIT_ADDRESS="0", POS_RATE_LIMIT_ORG="0"
)

QUEUE = "/api/v1/queue"


def pull(service, key: str, **params) -> list[dict]:
    response = httpx.get(service.url + QUEUE, params=params, headers=bearer(key), timeout=30)
    assert response.status_code == 200, response.text
    return response.json()["messages"]


def mine(messages: list[dict], appeal: dict) -> list[dict]:
    """The pulled messages that carry `appeal`, however many others the pull handed out."""
    return [m for m in messages if m["message_id"] == appeal["id"]]


def ack(service, key: str, receipts: list[str]) -> dict:
    response = httpx.post(
        service.url + QUEUE + "/ack", json={"receipts": receipts}, headers=bearer(key), timeout=10
    )
    assert response.status_code == 200, response.text
    return response.json()


def file(service, key: str, **changes) -> dict:
    response = httpx.post(
        service.url + "/api/v1/appeals", json=appeal(**changes), headers=bearer(key), timeout=10
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_pulled_message_is_the_versioned_appeal_document_tagged_with_its_organisation(service, org):
    created = file(service, org.key)
    [message] = mine(pull(service, org.key, max=100), created)

    assert message["delivery_count"] == 1
    body = message["body"]
    assert body["schema"] == "pos-intake/appeal@2"
    assert body["number"] == created["number"]
    assert body["org"] == {"slug": "demo", "name": "Администрация demo"}
    assert body["origin_org"]["slug"] == "demo"
    assert body["category"] == {"code": "street_lighting", "title": "Уличное освещение"}
    assert body["location"] == {"lat": 58.3265, "lon": 44.7652}
    assert body["contact"]["email"] == "ivan@example.ru"
    assert body["source"]["channel"] == "api"
    assert body["source"]["page_url"] == "https://demo.example.ru/contacts"

    assert ack(service, org.key, [message["receipt"]]) == {
        "acked": [message["receipt"]],
        "unknown": [],
    }
    assert mine(pull(service, org.key, max=100), created) == []
    types = [
        e["type"]
        for e in events(service.db)
        if e["appeal_id"] == created["id"] and e["type"] != "notified"  # the citizen's e-mail
    ]
    assert types == ["accepted", "delivered", "acked"]


def test_an_acknowledgement_is_logged_as_acked_not_as_forwarded(service, org):
    created = file(service, org.key)
    [message] = mine(pull(service, org.key, max=100), created)
    ack(service, org.key, [message["receipt"]])

    from conftest import run_cli

    # the last line but the citizen's e-mail, which the worker may log before or after the ack
    tail = run_cli(service.db, "log", "tail", "-n", "5").stdout.splitlines()
    last = [line for line in tail if line.split()[2] != "notified"][-1]
    assert last.split()[2:7] == ["acked", "demo", created["number"], "sink=embedded", "delivery=1"]
    shown = run_cli(service.db, "queue", "show", created["number"]).stdout
    assert "embedded   done" in shown


def test_unacknowledged_message_is_delivered_again_after_the_visibility_timeout(service, org):
    created = file(service, org.key)
    [first] = mine(pull(service, org.key, max=100, visibility=1), created)
    assert mine(pull(service, org.key, max=100), created) == []  # hidden while in flight

    time.sleep(1.2)
    [again] = mine(pull(service, org.key, max=100, visibility=30), created)
    assert again["delivery_count"] == 2
    assert again["receipt"] != first["receipt"]

    # the first receipt died with the redelivery; the new one works
    assert ack(service, org.key, [first["receipt"]]) == {"acked": [], "unknown": [first["receipt"]]}
    assert ack(service, org.key, [again["receipt"]])["acked"] == [again["receipt"]]
    assert mine(pull(service, org.key, max=100), created) == []


@pytest.mark.own_service  # a message another story left would end its long poll at once
def test_long_poll_returns_as_soon_as_an_appeal_arrives(service, org):
    got: list[list[dict]] = []
    waiter = threading.Thread(target=lambda: got.append(pull(service, org.key, wait=15)))
    started = time.monotonic()
    waiter.start()
    time.sleep(0.5)
    created = file(service, org.key)
    waiter.join(20)
    elapsed = time.monotonic() - started

    assert [m["message_id"] for m in got[0]] == [created["id"]]
    assert elapsed < 5, f"the long poll waited {elapsed:.1f} s for an appeal that had arrived"


@pytest.mark.own_service  # it needs a queue with nothing in it
def test_long_poll_with_nothing_to_deliver_returns_empty_after_the_wait(service, org):
    started = time.monotonic()
    assert pull(service, org.key, wait=1) == []
    assert 0.9 <= time.monotonic() - started < 5


def test_each_organisation_sees_only_its_own_queue(service, org, db):
    other = make_org(db, "other", "https://other.example.ru")
    ours = file(service, org.key)
    theirs = file(service, other.key)

    # `other` is new: its queue holds its one appeal and nothing of `demo`'s
    assert [m["message_id"] for m in pull(service, other.key, max=100)] == [theirs["id"]]
    demos = pull(service, org.key, max=100)
    assert mine(demos, theirs) == []  # nor anything of `other`'s in `demo`'s
    [message] = mine(demos, ours)
    # a receipt of one organisation cannot acknowledge for another
    assert ack(service, other.key, [message["receipt"]])["acked"] == []


def test_queue_asks_for_a_key(service, org):
    assert httpx.get(service.url + QUEUE, timeout=5).status_code == 401


@pytest.mark.parametrize(
    ("params", "lang", "errors"),
    [
        ({"max": "1000"}, "ru", [("max", "whole-range", "max: целое число от 1 до 100.")]),
        ({"max": "2.5"}, "ru", [("max", "whole-range", "max: целое число от 1 до 100.")]),
        ({"max": "0"}, "en", [("max", "whole-range", "max: a whole number from 1 to 100.")]),
        ({"wait": "-1"}, "ru", [("wait", "number-range", "wait: число от 0 до 20.")]),
        ({"visibility": "nan"}, "en", [("visibility", "number-range",
                                        "visibility: a number from 1 to 43200.")]),
        (
            {"max": "1000", "wait": "-1"},
            "en",
            [
                ("max", "whole-range", "max: a whole number from 1 to 100."),
                ("wait", "number-range", "wait: a number from 0 to 20."),
            ],
        ),
    ],
)  # fmt: skip
def test_queue_parameters_out_of_range_are_refused_with_the_range_in_words(
    service, org, params, lang, errors
):
    request_id = f"queue-{uuid.uuid4().hex}"
    refused = httpx.get(
        service.url + QUEUE,
        params=params,
        headers={**bearer(org.key), "Accept-Language": lang, "X-Request-ID": request_id},
        timeout=5,
    )
    assert refused.status_code == 400
    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert problem["type"] == "tag:pos-intake,2026:problem/bad-parameter"
    assert (
        problem["title"]
        == {
            "ru": "Неверные параметры запроса к очереди",
            "en": "Invalid queue request parameters",
        }[lang]
    )
    assert [(e["parameter"], e["code"], e["detail"]) for e in problem["errors"]] == errors
    [rejected] = [e for e in events(service.db) if e["request_id"] == request_id]
    assert rejected["type"] == "rejected"
    assert rejected["reason"] == "bad-parameter " + ", ".join(name for name, _, _ in errors)


def test_an_empty_acknowledgement_is_refused_as_a_bad_parameter(service, org):
    refused = httpx.post(
        service.url + QUEUE + "/ack", json={"receipts": []}, headers=bearer(org.key), timeout=5
    )
    assert refused.status_code == 400
    problem = refused.json()
    assert problem["type"] == "tag:pos-intake,2026:problem/bad-parameter"
    assert problem["errors"] == [
        {
            "parameter": "receipts",
            "code": "receipts",
            "detail": "receipts: список от 1 до 100 квитанций — строк до 64 символов.",
        }
    ]


@pytest.mark.own_service  # it reads the depth the module's other stories' appeals add to
def test_queue_depth_is_in_metrics_and_queue_stats(service, org):
    file(service, org.key)
    file(service, org.key)
    metrics = httpx.get(service.url + "/metrics", timeout=5).text
    assert 'pos_queue_depth{org="demo",sink="embedded"} 2' in metrics

    from conftest import run_cli

    stats = run_cli(service.db, "queue", "stats").stdout
    assert "demo" in stats and "embedded" in stats and "pending" in stats
    assert " 2 " in stats


@pytest.mark.parametrize(
    ("wait", "visibility"),
    [("0.1000000000000001", "30.000000000000004"), ("1e-05", "2.5E+1"), ("0.25", "3e2")],
)
def test_queue_numbers_are_taken_as_json_writes_them(service, org, wait, visibility):
    """A client that prints a float (Python's 1e-05, 17 significant digits) is not refused for
    its notation: /openapi.json says `number`, and the range is what is checked."""
    created = file(service, org.key)
    taken = pull(service, org.key, max=100, wait=wait, visibility=visibility)  # 200 (`pull`)
    assert len(mine(taken, created)) == 1
