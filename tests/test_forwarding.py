"""Forwarding to the machine's RabbitMQ and to a webhook receiver: nothing acknowledged is lost,
whatever the broker, the receiver or our own process does."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import re
import secrets
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import aio_pika
import httpx
import pytest

from conftest import (
    Org,
    Service,
    appeal,
    bearer,
    events,
    free_port,
    make_org,
    run_async,
    run_cli,
    store,
)

# The broker is shared: stories here stop it or read its queues, so they run on one xdist
# worker (scripts/test: --dist loadgroup), never beside each other.
pytestmark = pytest.mark.xdist_group("rabbitmq")

AMQP = "amqp://guest:guest@127.0.0.1:5672/"
ROOT = Path(__file__).resolve().parent.parent
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)
FAST_RETRIES = {"POS_FORWARD_BACKOFF": "0.05", "POS_FORWARD_BACKOFF_MAX": "0.5"}


def _load_verifier():
    spec = importlib.util.spec_from_file_location(
        "webhook_verify", ROOT / "examples/webhook_verify.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


webhook_verify = _load_verifier()


# --- a consumer of the agency's own, as an integrator would write it --------------------------


@dataclass
class Consumer:
    """A durable queue bound to the exchange with the org's slug, read with manual acks."""

    exchange: str
    queue: str
    routing_key: str

    def bind(self) -> None:
        async def go() -> None:
            connection = await aio_pika.connect(AMQP)
            async with connection:
                channel = await connection.channel()
                exchange = await channel.declare_exchange(
                    self.exchange, aio_pika.ExchangeType.TOPIC, durable=True
                )
                queue = await channel.declare_queue(self.queue, durable=True)
                await queue.bind(exchange, routing_key=self.routing_key)

        run_async(go())

    def receive(
        self, count: int, timeout: float = 60
    ) -> list[aio_pika.abc.AbstractIncomingMessage]:
        """Messages until `count` distinct message ids arrived (repeats kept) or the timeout."""

        async def go() -> list[aio_pika.abc.AbstractIncomingMessage]:
            got: list[aio_pika.abc.AbstractIncomingMessage] = []
            connection = await aio_pika.connect(AMQP)
            async with connection:
                channel = await connection.channel()
                queue = await channel.declare_queue(self.queue, durable=True)
                deadline = time.monotonic() + timeout
                while len({m.message_id for m in got}) < count and time.monotonic() < deadline:
                    message = await queue.get(no_ack=False, fail=False)
                    if message is None:
                        await asyncio.sleep(0.05)
                        continue
                    await message.ack()
                    got.append(message)
            return got

        return run_async(go())

    def delete(self) -> None:
        async def go() -> None:
            connection = await aio_pika.connect(AMQP)
            async with connection:
                channel = await connection.channel()
                await channel.queue_delete(self.queue)
                await channel.exchange_delete(self.exchange)

        run_async(go())


@pytest.fixture
def consumer(org: Org) -> Iterator[Consumer]:
    name = f"pos.test.{secrets.token_hex(4)}"
    made = Consumer(exchange=name, queue=f"{name}.agency", routing_key=org.slug)
    yield made
    made.delete()


def attach_rabbit(db: Path, slug: str, exchange: str) -> None:
    run_cli(db, "org", "sink", slug, "add", "rabbitmq", "--url", AMQP, "--exchange", exchange)


def wait_until(check, timeout: float = 30, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def outbox_states(db: Path) -> dict[str, int]:
    rows = json.loads(run_cli(db, "queue", "stats", "--json").stdout)
    totals: dict[str, int] = {}
    for row in rows:
        if row["sink"].startswith("sink:"):  # the agency's sinks, not the citizen's e-mail
            totals[row["state"]] = totals.get(row["state"], 0) + row["count"]
    return totals


@pytest.fixture
def broker_restored() -> Iterator[None]:
    """Whatever a test does to the machine's RabbitMQ, it runs again afterwards."""
    yield
    subprocess.run(["rabbitmqctl", "start_app"], capture_output=True, timeout=120)
    subprocess.run(["rabbitmqctl", "await_startup"], capture_output=True, timeout=120)


def rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", *args], check=True, capture_output=True, timeout=120)


# --- RabbitMQ ---------------------------------------------------------------------------------
def test_two_intake_nodes_feed_one_exchange_with_numbers_of_their_own(tmp_path, consumer):
    """Scale-out as the README describes it: two nodes, each with its own database and outbox,
    the same sink; the agency's one queue gets every appeal, and no number is handed out twice."""
    consumer.bind()
    nodes = []
    for name in ("A", "B"):
        node_db = tmp_path / f"node-{name}.db"
        key = make_org(node_db, consumer.routing_key, "https://demo.example.ru").key
        attach_rabbit(node_db, consumer.routing_key, consumer.exchange)
        nodes.append((Service(node_db, env={"POS_NODE": name}).start(), key))
    try:
        filed = [
            httpx.post(svc.url + "/api/v1/appeals", json=appeal(), headers=bearer(key)).json()
            for _ in range(3)
            for svc, key in nodes
        ]
        messages = consumer.receive(6)
    finally:
        for svc, _ in nodes:
            svc.stop()
    numbers = [f["number"] for f in filed]
    assert len(set(numbers)) == 6
    assert sorted(n.split("-")[2] for n in numbers) == ["A"] * 3 + ["B"] * 3
    received = {json.loads(m.body)["number"] for m in messages}
    assert received == set(numbers)


def test_appeal_reaches_the_agencys_queue_with_its_headers(db, org, consumer):
    consumer.bind()
    attach_rabbit(db, org.slug, consumer.exchange)
    listed = run_cli(db, "org", "sink", org.slug, "list").stdout
    assert "rabbitmq" in listed and "guest:***@" in listed and "guest:guest" not in listed

    service = Service(db).start()
    try:
        reply = httpx.post(service.url + "/api/v1/appeals", json=appeal(), headers=bearer(org.key))
        assert reply.status_code == 201
        filed = reply.json()
        [message] = consumer.receive(1)
        wait_until(
            lambda: (
                'pos_deliveries_total{sink="sink:1",outcome="forwarded"} 1'
                in httpx.get(service.url + "/metrics").text
            ),
            what="the delivery to be counted",
        )
        assert (
            'pos_sink_up{sink="sink:1",kind="rabbitmq"} 1'
            in httpx.get(service.url + "/metrics").text
        )
    finally:
        service.stop()

    assert message.message_id == filed["id"]
    assert message.content_type == "application/json"
    assert message.delivery_mode == aio_pika.DeliveryMode.PERSISTENT
    assert message.routing_key == org.slug
    assert message.headers == {"org": org.slug, "kind": "message", "schema": "pos-intake/appeal@1"}
    body = json.loads(message.body)
    assert body["number"] == filed["number"] and body["org"]["slug"] == org.slug

    shown = run_cli(db, "queue", "show", filed["number"]).stdout
    assert "embedded" in shown and "sink:1" in shown and "done" in shown
    forwarded = [e for e in events(db) if e["type"] == "forwarded"]
    assert [e["data"]["number"] for e in forwarded] == [filed["number"]]


def test_forwarded_photo_links_lead_to_the_node_that_holds_the_photo(db, org, consumer):
    """A RabbitMQ consumer knows no host: with POS_BASE_URL the photo URLs in the message are
    absolute, and fetching one with the organisation's key returns the photo."""
    consumer.bind()
    attach_rabbit(db, org.slug, consumer.exchange)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {"POS_BASE_URL": base, "POS_FORM_MIN_SECONDS": "1"}
    service = Service(db, port=port, env=env).start()
    try:
        form = httpx.get(f"{base}/w/{org.slug}/form", params={"origin": "https://demo.example.ru"})
        token = re.search(r'name="token" value="([^"]+)"', form.text).group(1)
        time.sleep(1.1)  # a person takes longer than POS_FORM_MIN_SECONDS to write
        reply = httpx.post(
            f"{base}/w/{org.slug}/appeals",
            data={
                "token": token,
                "kind": "message",
                "category": appeal()["category"],
                "text": "Фонарь у дома 3 снова не горит, фото прилагаю.",
                "name": "Мария",
                "email": "maria@example.ru",
                "consent": "on",
            },
            files=[("photos", ("lamp.png", PNG, "image/png"))],
            headers={"Origin": base, "Accept": "application/json"},
        )
        assert reply.status_code == 201, reply.text
        [message] = consumer.receive(1)
        [photo] = json.loads(message.body)["photos"]
        assert photo["url"].startswith(base + "/api/v1/appeals/")
        got = httpx.get(photo["url"], headers=bearer(org.key))
        assert got.status_code == 200 and got.content == PNG
    finally:
        service.stop()


@pytest.mark.service_env(POS_FORWARD_MAX_ATTEMPTS="3", **FAST_RETRIES)
def test_unroutable_appeal_is_retried_then_dead_and_sent_again_on_retry(db, org, consumer, service):
    attach_rabbit(db, org.slug, consumer.exchange)  # nobody has bound a queue yet
    reply = httpx.post(service.url + "/api/v1/appeals", json=appeal(), headers=bearer(org.key))
    number = reply.json()["number"]

    wait_until(lambda: outbox_states(db).get("dead") == 1, what="the delivery to be dead")
    metrics = httpx.get(service.url + "/metrics").text
    assert 'pos_deliveries_total{sink="sink:1",outcome="failed"} 2' in metrics
    assert 'pos_deliveries_total{sink="sink:1",outcome="dead"} 1' in metrics
    assert 'pos_sink_up{sink="sink:1",kind="rabbitmq"} 0' in metrics
    stats = run_cli(db, "queue", "stats").stdout
    assert "dead" in stats and "not routed" in stats
    kinds = [e["type"] for e in events(db) if e["data"].get("sink") == "sink:1"]
    assert kinds == ["failed", "failed", "dead"]
    assert "not routed" in run_cli(db, "queue", "show", number).stdout
    listed = run_cli(db, "queue", "dead").stdout
    assert number in listed and "not routed" in listed and "1 dead" in listed
    assert "no dead deliveries" in run_cli(db, "queue", "dead", "--org", "nobody").stdout

    consumer.bind()
    assert "1 delivery due again" in run_cli(db, "queue", "retry", "--dead").stdout
    [message] = consumer.receive(1)
    assert json.loads(message.body)["number"] == number
    wait_until(lambda: outbox_states(db) == {"done": 1}, what="the retried delivery to be done")
    assert "no dead deliveries" in run_cli(db, "queue", "dead").stdout


@pytest.mark.service_env(POS_FORWARD_MAX_ATTEMPTS="1000", **FAST_RETRIES)
def test_broker_stopped_under_load_every_accepted_appeal_arrives(
    db, org, consumer, service, broker_restored
):
    consumer.bind()
    attach_rabbit(db, org.slug, consumer.exchange)
    accepted: list[str] = []
    stop = threading.Event()

    def citizens() -> None:
        with httpx.Client(timeout=30) as client:
            while not stop.is_set():
                reply = client.post(
                    service.url + "/api/v1/appeals", json=appeal(), headers=bearer(org.key)
                )
                assert reply.status_code == 201, reply.text
                accepted.append(reply.json()["id"])

    load = threading.Thread(target=citizens)
    load.start()
    try:
        wait_until(lambda: len(accepted) > 20, what="appeals before the outage")
        rabbitmqctl("stop_app")
        during = len(accepted)
        wait_until(lambda: len(accepted) > during + 50, what="intake to go on while down")
        # a publish to a stopped broker may take up to POS_FORWARD_TIMEOUT to fail
        wait_until(
            lambda: httpx.get(service.url + "/readyz").json()["status"] == "degraded",
            what="/readyz to say degraded",
        )
        ready = httpx.get(service.url + "/readyz").json()
        assert ready["checks"]["sinks"] == "failing"
        assert ready["failing_sinks"] == ["sink:1 (rabbitmq)"]  # no host or error for anyone
        assert ready["outbox_backlog"] > 0
        rabbitmqctl("start_app")
        wait_until(lambda: len(accepted) > during + 100, what="appeals after the outage")
    finally:
        stop.set()
        load.join()

    messages = consumer.receive(len(set(accepted)), timeout=90)
    assert {m.message_id for m in messages} == set(accepted)
    wait_until(lambda: outbox_states(db) == {"done": len(accepted)}, what="the backlog to drain")
    assert httpx.get(service.url + "/readyz").json()["status"] == "ready"


@pytest.mark.service_env(POS_FORWARD_MAX_ATTEMPTS="2", **FAST_RETRIES)
def test_broker_that_stays_down_makes_deliveries_dead_not_lost(
    db, org, consumer, service, broker_restored
):
    consumer.bind()
    attach_rabbit(db, org.slug, consumer.exchange)
    rabbitmqctl("stop_app")
    reply = httpx.post(service.url + "/api/v1/appeals", json=appeal(), headers=bearer(org.key))
    assert reply.status_code == 201, "intake goes on while the broker is down"
    wait_until(lambda: outbox_states(db).get("dead") == 1, what="the delivery to be dead")
    assert any(e["type"] == "dead" for e in events(db))

    rabbitmqctl("start_app")
    run_cli(db, "queue", "retry", reply.json()["number"])
    [message] = consumer.receive(1)
    assert message.message_id == reply.json()["id"]


def test_appeals_acknowledged_across_20_kill_9_cycles_all_reach_the_consumer(db, org, consumer):
    """Clients as they should be written: each appeal has its Idempotency-Key, and one whose
    answer was lost with the process is sent again with the same key once the service is back.
    Then every stored appeal was acknowledged once, and each reaches the consumer."""
    consumer.bind()
    attach_rabbit(db, org.slug, consumer.exchange)
    service = Service(db, env={"POS_RATE_LIMIT_KEY": "0", "POS_RATE_LIMIT_ADDRESS": "0"})
    acknowledged: set[str] = set()
    unanswered: list[tuple[str, dict]] = []  # (Idempotency-Key, body) whose answer was lost
    lock = threading.Lock()

    def post(client: httpx.Client, key: str, body: dict) -> bool:
        try:
            reply = client.post(
                service.url + "/api/v1/appeals",
                json=body,
                headers={**bearer(org.key), "Idempotency-Key": key},
            )
        except httpx.TransportError:
            with lock:
                unanswered.append((key, body))
            return False
        assert reply.status_code == 201, reply.text
        with lock:
            acknowledged.add(reply.json()["id"])
        return True

    def resend_unanswered() -> None:
        with httpx.Client(timeout=10) as client:
            while unanswered:
                with lock:
                    key, body = unanswered.pop()
                assert post(client, key, body), "the service died while nobody killed it"

    for _cycle in range(20):
        service.start()
        resend_unanswered()
        stop = threading.Event()

        def citizens(stop: threading.Event = stop) -> None:
            with httpx.Client(timeout=5) as client:
                while not stop.is_set() and post(client, secrets.token_hex(8), appeal()):
                    pass

        posters = [threading.Thread(target=citizens) for _ in range(4)]
        for poster in posters:
            poster.start()
        time.sleep(0.3)
        service.kill()
        stop.set()
        for poster in posters:
            poster.join()

    service.start()
    try:
        resend_unanswered()
        messages = consumer.receive(len(acknowledged), timeout=90)
    finally:
        service.stop()
    assert len(acknowledged) > 100
    with store(db) as conn:
        stored = {row[0] for row in conn.execute("SELECT id FROM appeals")}
    assert stored == acknowledged, "every stored appeal was acknowledged, none is missing"
    assert {m.message_id for m in messages} == acknowledged


# --- webhooks ---------------------------------------------------------------------------------


@dataclass
class Receiver:
    """An agency's webhook endpoint that fails first — 500s, then too slow — and then recovers."""

    secret: str
    script: list[str]
    port: int = field(default_factory=free_port)
    calls: list[tuple[dict[str, str], bytes, bool]] = field(default_factory=list)

    def __post_init__(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                valid = webhook_verify.verify(receiver.secret, dict(self.headers), body)
                receiver.calls.append((dict(self.headers), body, valid))
                action = receiver.script.pop(0) if receiver.script else "ok"
                if action == "slow":
                    time.sleep(1.5)
                status = 500 if action == "fail" else (204 if valid else 401)
                self.send_response(status)
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/pos-hook"


@pytest.mark.service_env(POS_FORWARD_TIMEOUT="1", **FAST_RETRIES)
def test_webhook_failing_then_recovering_gets_the_appeal_once_confirmed(db, org, service):
    secret = secrets.token_urlsafe(24)
    receiver = Receiver(secret, ["fail", "fail", "slow", "ok"])
    run_cli(
        db, "org", "sink", org.slug, "add", "webhook", "--url", receiver.url, f"--secret={secret}"
    )
    reply = httpx.post(service.url + "/api/v1/appeals", json=appeal(), headers=bearer(org.key))
    filed = reply.json()

    wait_until(lambda: outbox_states(db) == {"done": 1}, what="the webhook delivery")
    receiver.server.shutdown()
    receiver.server.server_close()
    assert len(receiver.calls) == 4
    assert all(valid for _, _, valid in receiver.calls)
    headers, body, _ = receiver.calls[-1]
    assert headers["X-Pos-Message-Id"] == filed["id"]
    assert json.loads(body)["number"] == filed["number"]

    log = [e for e in events(db) if e["data"].get("sink") == "sink:1"]
    assert [e["type"] for e in log] == ["failed", "failed", "failed", "forwarded"]
    assert [e["reason"] for e in log[:3]] == ["HTTP 500", "HTTP 500", "timeout"]
    waits = [e["data"]["next_attempt_in"] for e in log[:3]]
    assert waits[0] <= 0.05 and waits[2] > waits[0], "the waits between attempts grow"
    assert secret not in service.log()


def test_a_verifying_receiver_rejects_a_tampered_body():
    secret = "a-long-enough-webhook-secret"
    now = int(time.time())
    body = json.dumps(
        {"number": "DEMO-2026-000001", "text": "Не горит фонарь"}, ensure_ascii=False
    ).encode()
    headers = {"X-Pos-Timestamp": str(now), "X-Pos-Signature": _sign(secret, now, body)}
    assert webhook_verify.verify(secret, headers, body)
    assert not webhook_verify.verify(secret, headers, body.replace("фонарь".encode(), b"x"))
    assert not webhook_verify.verify("another-secret-of-16+", headers, body)
    assert not webhook_verify.verify(secret, headers, body, now=now + 3600), "stale replay"


def _sign(secret: str, timestamp: int, body: bytes) -> str:
    from intake_service.forward.webhook import signature

    return signature(secret, timestamp, body)


@pytest.mark.service_env(POS_OUTBOX_LIMIT="3", **FAST_RETRIES)
def test_full_outbox_refuses_new_appeals_with_503_and_retry_after(db, org, service):
    dead_end = f"http://127.0.0.1:{free_port()}/hook"  # nothing listens there
    run_cli(db, "org", "sink", org.slug, "add", "webhook", "--url", dead_end, "--secret", "s" * 20)
    # a phone only: no e-mail notice, whose row would count in the outbox until it is sent
    by_phone = appeal(contact={"name": "Иван Петров", "phone": "+7 900 123-45-67"})
    for _ in range(3):
        post = httpx.post(service.url + "/api/v1/appeals", json=by_phone, headers=bearer(org.key))
        assert post.status_code == 201

    def refused() -> bool:
        reply = httpx.post(service.url + "/api/v1/appeals", json=appeal(), headers=bearer(org.key))
        if reply.status_code == 201:
            return False
        assert reply.status_code == 503
        assert reply.headers["content-type"] == "application/problem+json"
        assert int(reply.headers["retry-after"]) > 0
        return True

    wait_until(refused, what="intake to refuse past the outbox limit")
    ready = httpx.get(service.url + "/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "degraded"
    assert any(
        e["reason"] == "unavailable outbox-full" for e in events(db) if e["type"] == "rejected"
    )


def test_sink_commands_refuse_what_could_never_deliver(db, org):
    bad = run_cli(db, "org", "sink", org.slug, "add", "webhook", "--url", "ftp://x", check=False)
    assert bad.returncode != 0 and "http:// or https://" in bad.stderr
    short = run_cli(
        db,
        "org",
        "sink",
        org.slug,
        "add",
        "webhook",
        "--url",
        "https://a.example/h",
        "--secret",
        "short",
        check=False,
    )
    assert short.returncode != 0 and "16 characters" in short.stderr
    run_cli(db, "org", "sink", "all", "add", "rabbitmq", "--url", AMQP)
    assert "pos.appeals" in run_cli(db, "org", "sink", org.slug, "list").stdout
    gone = run_cli(db, "org", "sink", org.slug, "remove", "1", check=False)
    assert gone.returncode != 0, "a default sink is removed through 'all', not through one org"
    assert "removed" in run_cli(db, "org", "sink", "all", "remove", "1").stdout

    # the outbox names sinks by id: a removed sink's id is never handed out again, or its
    # waiting appeals would go to whoever got it
    run_cli(db, "org", "sink", org.slug, "add", "webhook", "--url",
            "https://crm.demo.example.ru/pos?token=abc123", "--secret", "0123456789abcdef")  # fmt: skip
    [again] = json.loads(run_cli(db, "org", "sink", org.slug, "list", "--json").stdout)
    assert again["id"] == 2
    assert again["url"] == "https://crm.demo.example.ru/pos?***"  # a token in the query is hidden


def test_sinks_from_the_config_file_are_applied_at_start(db, org, tmp_path):
    config = tmp_path / "pos-intake.toml"
    config.write_text(
        f"""
[[sinks]]
org = "{org.slug}"
kind = "webhook"
url = "https://crm.demo.example.ru/pos"
secret = "config-file-secret-0123"

[[sinks]]
org = "all"
kind = "rabbitmq"
url = "{AMQP}"
exchange = "pos.from-config"
""",
        encoding="utf-8",
    )
    service = Service(db, env={"POS_CONFIG": str(config)}).start()
    try:
        listed = run_cli(db, "org", "sink", org.slug, "list", "--json").stdout
    finally:
        service.stop()
    sinks = json.loads(listed)
    assert [(s["kind"], s["org"], s["source"]) for s in sinks] == [
        ("webhook", org.slug, "config"),
        ("rabbitmq", "all", "config"),
    ]
    assert "config-file-secret" not in listed and sinks[0]["secret"] == "set"

    # restarting with the same file keeps the sinks and their ids: appeals waiting in the outbox
    # for `sink:<id>` still reach them, also when sinks added by the CLI came in between
    attach_rabbit(db, org.slug, "pos.from-cli")
    Service(db, env={"POS_CONFIG": str(config)}).start().stop()
    again = json.loads(run_cli(db, "org", "sink", org.slug, "list", "--json").stdout)
    assert [(s["id"], s["source"]) for s in again] == [
        (sinks[0]["id"], "config"),
        (sinks[1]["id"], "config"),
        (3, "cli"),
    ]
    run_cli(db, "org", "sink", org.slug, "remove", "3")

    config.write_text("", encoding="utf-8")  # taken out of the file: gone at the next start
    Service(db, env={"POS_CONFIG": str(config)}).start().stop()
    assert json.loads(run_cli(db, "org", "sink", org.slug, "list", "--json").stdout) == []
