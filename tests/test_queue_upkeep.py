"""Queues nobody reads do not grow without bound: an organisation that takes its appeals only
from RabbitMQ or webhooks turns its embedded queue off, and messages nobody acknowledges expire
after the retention period. `/metrics` says how many wait, the same as `queue stats`."""

from __future__ import annotations

import json
import re

import httpx
import pytest
from waiting import wait_until

from conftest import appeal, bearer, events, make_org, run_cli

QUEUE = "/api/v1/queue"


def file(service, key: str) -> dict:
    response = httpx.post(
        service.url + "/api/v1/appeals", json=appeal(), headers=bearer(key), timeout=10
    )
    assert response.status_code == 201, response.text
    return response.json()


def pull(service, key: str, **params) -> httpx.Response:
    return httpx.get(service.url + QUEUE, params=params, headers=bearer(key), timeout=30)


def ack(service, key: str, receipts: list[str]) -> dict:
    response = httpx.post(
        service.url + QUEUE + "/ack", json={"receipts": receipts}, headers=bearer(key), timeout=10
    )
    assert response.status_code == 200, response.text
    return response.json()


def queue_stats(db) -> dict[tuple[str, str, str], int]:
    """(org, sink, state) -> count, as `pos-intake queue stats --json` says."""
    rows = json.loads(run_cli(db, "queue", "stats", "--json").stdout)
    return {(r["org"], r["sink"], r["state"]): r["count"] for r in rows}


def waiting_in_stats(db, org: str) -> int:
    """What `queue stats` says still waits in an organisation's embedded queue."""
    return sum(
        n
        for (o, sink, state), n in queue_stats(db).items()
        if o == org and sink == "embedded" and state not in ("done", "expired")
    )


def metrics_depth(service, org: str) -> int | None:
    text = httpx.get(service.url + "/metrics", timeout=5).text
    found = re.search(rf'^pos_queue_depth{{org="{org}",sink="embedded"}} (\d+)$', text, re.M)
    return int(found.group(1)) if found else None


def test_an_organisation_with_its_embedded_queue_off_gets_no_queue_rows(service, org, db):
    other = make_org(db, "mq-only", "https://mq.example.ru")
    run_cli(db, "org", "set", "mq-only", "--embedded-queue", "off")

    mine = file(service, org.key)
    theirs = file(service, other.key)

    stats = queue_stats(db)
    assert stats[("demo", "embedded", "pending")] == 1
    # the citizen's e-mail (sink `mail`) is no queue row of the agency
    assert not [k for k in stats if k[0] == "mq-only" and k[1] != "mail"], stats
    [message] = pull(service, org.key).json()["messages"]
    assert message["message_id"] == mine["id"]
    # the appeal itself is stored and logged like any other
    assert theirs["id"] in [e["appeal_id"] for e in events(db) if e["type"] == "accepted"]

    refused = pull(service, other.key, wait=5)
    assert refused.status_code == 409
    problem = refused.json()
    assert problem["type"] == "tag:pos-intake,2026:problem/queue-off"
    assert problem["title"] == "Встроенная очередь организации выключена"
    # said to the agency's integrator, who cannot run the operator's commands
    assert "администратора" in problem["detail"] and "pos-intake" not in problem["detail"]
    assert refused.elapsed.total_seconds() < 4, "an off queue must not long-poll"
    # with no sink either, its appeals reach nobody: the operator is told, once
    file(service, other.key)
    service.stop()
    assert service.log().count("mq-only has its embedded queue off and no sink") == 1


def test_messages_waiting_when_the_queue_is_turned_off_are_still_handed_out(service, org, db):
    before = file(service, org.key)
    run_cli(db, "org", "set", "demo", "--embedded-queue", "off")
    file(service, org.key)  # after: not queued

    [message] = pull(service, org.key).json()["messages"]
    assert message["message_id"] == before["id"]
    # handed out, not yet acknowledged: it may come back, so the queue is not over yet
    still = pull(service, org.key)
    assert still.status_code == 200 and still.json()["messages"] == []
    assert ack(service, org.key, [message["receipt"]])["acked"] == [message["receipt"]]
    assert pull(service, org.key).status_code == 409

    run_cli(db, "org", "set", "demo", "--embedded-queue", "on")
    again = file(service, org.key)
    assert [m["message_id"] for m in pull(service, org.key).json()["messages"]] == [again["id"]]


@pytest.mark.service_env(POS_QUEUE_RETENTION="1")
def test_messages_nobody_acknowledges_expire_after_the_retention(service, org, db):
    filed = [file(service, org.key) for _ in range(2)]
    numbers = {f["number"] for f in filed}

    wait_until(
        lambda: {e["data"]["number"] for e in events(db) if e["type"] == "expired"} == numbers,
        what="both messages expiring",
    )
    expired = [e for e in events(db) if e["type"] == "expired"]
    assert all(e["org"] == "demo" and e["data"]["sink"] == "embedded" for e in expired)
    assert all("ivan" not in json.dumps(e, ensure_ascii=False).lower() for e in expired)
    assert queue_stats(db)[("demo", "embedded", "expired")] == 2
    assert pull(service, org.key).json()["messages"] == []
    assert metrics_depth(service, "demo") == 0
    tail = run_cli(db, "log", "tail", "-n", "1").stdout
    assert "expired" in tail and "sink=embedded" in tail
    # the appeals themselves stay: their status is still there for the citizen
    status = httpx.get(filed[0]["tracking_url"], headers={"Accept": "application/json"}, timeout=5)
    assert status.status_code == 200


# Long enough for the steps before the expiry on a loaded machine, short enough not to wait long.
@pytest.mark.service_env(POS_QUEUE_RETENTION="5")
def test_queue_depth_in_metrics_follows_queue_stats_from_accept_to_expiry(service, org, db):
    for _ in range(3):
        file(service, org.key)
    assert metrics_depth(service, "demo") == waiting_in_stats(db, "demo") == 3

    pulled = pull(service, org.key, max=2).json()["messages"]
    assert len(pulled) == 2
    assert metrics_depth(service, "demo") == waiting_in_stats(db, "demo") == 3  # in flight

    ack(service, org.key, [pulled[0]["receipt"]])
    assert metrics_depth(service, "demo") == waiting_in_stats(db, "demo") == 2

    wait_until(lambda: metrics_depth(service, "demo") == 0, what="the other two expiring")
    stats = queue_stats(db)
    assert stats[("demo", "embedded", "done")] == 1
    assert stats[("demo", "embedded", "expired")] == 2
    assert waiting_in_stats(db, "demo") == 0
    # an expired message's receipt no longer acknowledges it
    assert ack(service, org.key, [pulled[1]["receipt"]])["unknown"] == [pulled[1]["receipt"]]
