"""RabbitMQ under faults of the running service (issue 23): the organisation's quorum queue
deleted while appeals flow, and the agencies' reply queue while the store is down. Stories
against the machine's broker; each prints the figures it measured (run with -s to see them)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import aio_pika
import httpx
import pytest
from mail_server import text_of
from outbox_helpers import FAST_RETRIES, outbox_states
from rabbit_helpers import AMQP, delete_queue, queue_count
from waiting import wait_until

from conftest import (
    POSTGRES_SERVER,
    Org,
    Service,
    appeal,
    bearer,
    events,
    make_org,
    run_async,
    run_cli,
)

# The broker is shared: stories here stop it or read its queues, so they run on one xdist
# worker (scripts/test: --dist loadgroup), never beside each other.
pytestmark = pytest.mark.xdist_group("rabbitmq")


def metric(service: Service, name: str) -> int:
    """A counter's value on /metrics (0 while it has no line)."""
    text = httpx.get(service.url + "/metrics").text
    found = re.search(rf"^{re.escape(name)} (\d+)$", text, re.MULTILINE)
    return int(found.group(1)) if found else 0


# --- the organisation's quorum queue ------------------------------------------------------------


def _drain(queue: str, wanted: set[str], timeout: float = 60) -> set[str]:
    """Message ids read (and acknowledged) from `queue` until all of `wanted` came or the time
    is up."""

    async def go() -> set[str]:
        got: set[str] = set()
        connection = await aio_pika.connect(AMQP)
        async with connection:
            channel = await connection.channel()
            declared = await channel.declare_queue(queue, passive=True)
            deadline = time.monotonic() + timeout
            while not wanted <= got and time.monotonic() < deadline:
                message = await declared.get(no_ack=False, fail=False)
                if message is None:
                    await asyncio.sleep(0.05)
                    continue
                await message.ack()
                got.add(message.message_id)
        return got

    return run_async(go())


@pytest.mark.service_env(POS_FORWARD_MAX_ATTEMPTS="12", POS_RATE_LIMIT_KEY="0", **FAST_RETRIES)
def test_the_orgs_quorum_queue_deleted_mid_load_later_appeals_arrive_without_a_restart(
    db: Path, org: Org, service: Service
) -> None:
    """An agency's admin deletes `<exchange>.<slug>` while citizens keep filing. The service
    declared that queue itself (`--quorum`), so it declares and binds it again at the first
    appeal that comes back unroutable, and that appeal and every later one arrive — no restart,
    no `queue retry --dead`, nothing dead. (What the queue held when it was deleted is gone
    with it: that is the deletion, not a delivery we could make again.)

    Deleted twice: once between two publishes — the next one comes back NO_ROUTE, the case of
    the issue — and once with publishes in flight, which RabbitMQ 3.10 may answer by closing
    the connection (INTERNAL_ERROR, its channel crashed on the deleted queue) instead."""
    exchange = f"pos.test.{secrets.token_hex(4)}"
    queue = f"{exchange}.{org.slug}"
    run_cli(
        db, "org", "sink", org.slug, "add", "rabbitmq", "--url", AMQP, "--exchange", exchange,
        "--quorum",
    )  # fmt: skip
    accepted: list[tuple[float, str]] = []  # (when the 201 came, appeal id)
    stop, turn = threading.Event(), threading.Lock()  # holding `turn` pauses the citizens

    def citizens() -> None:
        with httpx.Client(timeout=30) as client:
            while not stop.is_set():
                with turn:
                    reply = client.post(
                        service.url + "/api/v1/appeals", json=appeal(), headers=bearer(org.key)
                    )
                    assert reply.status_code == 201, reply.text
                    accepted.append((time.monotonic(), reply.json()["id"]))

    def after(moment: float) -> set[str]:
        return {appeal_id for at, appeal_id in accepted if at > moment}

    def delete_and_wait() -> tuple[float, float]:
        """Delete the queue; (when, how long until it was declared again), once 25 more
        appeals were accepted."""
        delete_queue(queue)
        deleted_at = time.monotonic()
        wait_until(lambda: queue_count(queue) is not None, what="the queue declared again")
        recovered_in = time.monotonic() - deleted_at
        wait_until(lambda: len(after(deleted_at)) >= 25, what="appeals after the deletion")
        return deleted_at, recovered_in

    load = threading.Thread(target=citizens)
    load.start()
    try:
        try:
            wait_until(lambda: (queue_count(queue) or 0) >= 10, what="appeals in the queue")
            with turn:  # between two appeals, every one of them forwarded: nothing in flight
                wait_until(lambda: outbox_states(db) == {"done": len(accepted)}, what="a lull")
                delete_queue(queue)
                first_at = time.monotonic()
            wait_until(lambda: queue_count(queue) is not None, what="the queue declared again")
            first_recovery = time.monotonic() - first_at
            wait_until(lambda: len(after(first_at)) >= 25, what="appeals after the deletion")
            with turn:
                wait_until(lambda: outbox_states(db) == {"done": len(accepted)}, what="a lull")
                first_wanted = after(first_at)
                first_received = _drain(queue, first_wanted)
            wait_until(lambda: (queue_count(queue) or 0) >= 5, what="publishes under way")
            second_at, second_recovery = delete_and_wait()
        finally:
            stop.set()
            load.join()
        second_wanted = after(second_at)
        second_received = _drain(queue, second_wanted)
    finally:
        delete_queue(queue)

    assert first_wanted <= first_received, f"{len(first_wanted - first_received)} never came"
    assert second_wanted <= second_received, f"{len(second_wanted - second_received)} never came"
    wait_until(
        lambda: outbox_states(db) == {"done": len(accepted)}, what="every delivery to be done"
    )
    failed = metric(service, 'pos_deliveries_total{sink="sink:1",outcome="failed"}')
    assert metric(service, 'pos_deliveries_total{sink="sink:1",outcome="dead"}') == 0
    log = service.log()
    assert "was gone; declared and bound again" in log
    print(
        f"\nquorum queue deleted between publishes: declared again {first_recovery * 1000:.0f} "
        f"ms later, {len(first_wanted)} appeals after it all delivered; deleted under "
        f"publishes: declared again {second_recovery * 1000:.0f} ms later, "
        f"{len(second_wanted)} after it all delivered; {len(accepted)} appeals in all, "
        f"{failed} failed attempts, 0 dead; "
        f"connection closed by the broker: {'INTERNAL_ERROR' in log}"
    )


# --- the reply queue while the store is down ----------------------------------------------------

OUTAGE_SECONDS = 6.0  # as long as the outage in the report


@contextlib.contextmanager
def store_down(db: Path | str) -> Iterator[None]:
    """The store refusing the service's writes, for real. PostgreSQL: the test's database stops
    accepting connections and the service's sessions are terminated (what a server stopping
    looks like to this service, without stopping the server the other tests share). SQLite:
    another process holds the write lock (a long transaction in a shell, a stuck backup), so
    every batch fails after the busy timeout."""
    if isinstance(db, Path):
        # it waits its turn for the lock: the service may be in the middle of a write (a mail
        # outcome, a checkpoint) when the outage begins — it failed once on "database is locked"
        holder = sqlite3.connect(db, timeout=30, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        return
    import psycopg

    name = str(db).rsplit("/", 1)[1]
    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        )
        try:
            yield
        finally:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')


def _publish_reply(queue: str, body: dict, message_id: str, key: str) -> None:
    async def go() -> None:
        connection = await aio_pika.connect(AMQP)
        async with connection:
            channel = await connection.channel()
            await channel.declare_queue(queue, durable=True)
            await channel.default_exchange.publish(
                aio_pika.Message(
                    json.dumps(body).encode(),
                    message_id=message_id,
                    headers={"authorization": f"Bearer {key}"},
                    content_type="application/json",
                ),
                routing_key=queue,
            )

    run_async(go())


def test_a_reply_waits_with_growing_delays_while_the_store_is_down_and_applies_once_back(
    db: Path, mail_server
) -> None:
    """An agency answers while the store is down. The reply stays on the broker, requeued a
    handful of times with growing delays instead of thousands of times in a hot loop, the
    outage is logged once when it begins and once when it ends, and once the store is back the
    answer is applied — once — and the citizen is told."""
    org = make_org(db, "manturovo", "https://manturovo.example.ru")
    queue = f"pos.test.replies.{secrets.token_hex(4)}"
    env = {**mail_server.env, "POS_REPLY_AMQP_URL": AMQP, "POS_REPLY_QUEUE": queue}
    service = Service(db, env=env).start()
    try:
        reply = httpx.post(
            service.url + "/api/v1/appeals",
            json=appeal(contact={"name": "Анна", "email": "anna@example.ru"}),
            headers=bearer(org.key),
        )
        assert reply.status_code == 201, reply.text
        filed = reply.json()
        mail_server.wait_for("anna@example.ru")  # registered
        wait_until(lambda: f"reply queue {queue} on" in service.log(), what="the consumer")
        answer = {"appeal": filed["number"], "type": "answer", "text": "Фонарь заменён."}
        with store_down(db):
            down_at = time.monotonic()
            _publish_reply(queue, answer, "answer-1", org.key)
            wait_until(
                lambda: "the store is unavailable" in service.log(),
                timeout=40,
                what="the outage to be noticed",
            )
            # the outage goes on for a while: its length is the experiment, not a wait
            while time.monotonic() - down_at < OUTAGE_SECONDS:
                assert service.process.poll() is None
                time.sleep(0.1)
        outage = time.monotonic() - down_at
        back_at = time.monotonic()
        mails = mail_server.wait_for("anna@example.ru", 2, timeout=40)
        applied_in = time.monotonic() - back_at
        assert "Фонарь заменён." in text_of(mails[1])
        status = httpx.get(filed["tracking_url"].replace("/s/", "/api/v1/status/")).json()
        assert status["status"] == "answered"
        wait_until(
            lambda: metric(service, 'pos_reply_messages_total{outcome="applied"}') == 1,
            what="the reply to be counted as applied",
        )
        requeued = metric(service, 'pos_reply_messages_total{outcome="requeued"}')
        redelivered = metric(service, 'pos_reply_messages_total{outcome="redelivered"}')
        log = service.log()
    finally:
        service.stop()
        with contextlib.suppress(Exception):
            delete_queue(queue)

    assert 1 <= requeued <= 10, f"{requeued} requeues in a {outage:.1f} s outage"
    assert applied_in < 15, "the store was back: a held reply goes back within a second or so"
    assert redelivered == requeued  # each requeue came back once; none came back in a loop
    assert log.count("the store is unavailable") == 1
    assert log.count("the store is back") == 1
    assert "cannot apply" not in log
    assert [e["type"] for e in events(db) if e["appeal_id"] == filed["id"]].count("answered") == 1
    assert len(mail_server.to("anna@example.ru")) == 2
    print(
        f"\nreply queue, store down {outage:.1f} s: {requeued} requeues "
        f"({requeued / outage:.2f}/s), {redelivered} redeliveries; "
        f"applied {applied_in:.2f} s after the store was back"
    )
