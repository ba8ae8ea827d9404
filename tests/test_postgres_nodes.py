"""Several intake nodes on one PostgreSQL: they number appeals from one sequence, share the
outbox (a node that dies leaves its appeals to the others), and while the server is gone they
answer 503 and lose nothing. The machine's RabbitMQ receives what they forward."""

from __future__ import annotations

import itertools
import json
import secrets
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest
from console_helpers import add_user, signed_in
from postgres_server import OwnPostgres
from rabbit_helpers import AMQP
from test_forwarding import Consumer
from waiting import wait_until

from conftest import PostgresDatabase, Service, appeal, bearer, make_org, run_cli, store

NO_LIMITS = {"POS_RATE_LIMIT_KEY": "0", "POS_RATE_LIMIT_ADDRESS": "0", "POS_RATE_LIMIT_ORG": "0"}


@pytest.fixture
def own_postgres() -> Iterator[OwnPostgres]:
    server = OwnPostgres().start()
    yield server
    server.remove()


@pytest.fixture
def rabbit() -> Iterator[Consumer]:
    name = f"pos.test.{secrets.token_hex(4)}"
    consumer = Consumer(exchange=name, queue=f"{name}.agency", routing_key="demo")
    consumer.bind()
    yield consumer
    consumer.delete()


class Citizens:
    """Appeals sent by several threads, each with its own Idempotency-Key; an appeal whose
    answer never came (the node died) or was 503 is kept to be sent again with the same key."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.acknowledged: dict[str, str] = {}  # appeal id -> number
        self.statuses: list[int] = []
        self.retry_later: list[tuple[str, dict]] = []
        self.refusals: list[httpx.Response] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def post(self, client: httpx.Client, url: str, idem: str, body: dict) -> int | None:
        try:
            reply = client.post(
                url + "/api/v1/appeals",
                json=body,
                headers={**bearer(self.key), "Idempotency-Key": idem},
            )
        except httpx.TransportError:
            with self._lock:
                self.retry_later.append((idem, body))
            return None
        with self._lock:
            self.statuses.append(reply.status_code)
            if reply.status_code == 201:
                self.acknowledged[reply.json()["id"]] = reply.json()["number"]
            else:
                self.retry_later.append((idem, body))
                self.refusals.append(reply)
        return reply.status_code

    def start(self, urls: list[str], threads: int = 4) -> None:
        self._stop.clear()

        def run(offset: int) -> None:
            with httpx.Client(timeout=10) as client:
                for url in itertools.cycle(urls[offset:] + urls[:offset]):
                    if self._stop.is_set():
                        return
                    if self.post(client, url, secrets.token_hex(8), appeal()) is None:
                        time.sleep(0.05)

        self._threads = [
            threading.Thread(target=run, args=(i % len(urls),)) for i in range(threads)
        ]
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join()

    def wait_for(self, more: int, what: str) -> None:
        """Until `more` appeals beyond those answered so far are answered 201."""
        enough = len(self.acknowledged) + more
        wait_until(lambda: len(self.acknowledged) >= enough, what=what)

    def send_again(self, url: str) -> None:
        with httpx.Client(timeout=10) as client:
            while self.retry_later:
                idem, body = self.retry_later.pop()
                assert self.post(client, url, idem, body) == 201


def _stored_ids(db: str) -> set[str]:
    with store(db) as conn:
        return {row[0] for row in conn.execute("SELECT id FROM appeals")}


@pytest.mark.xdist_group("rabbitmq")  # the broker is shared (test_forwarding.py)
def test_three_nodes_share_one_sequence_and_drain_a_killed_nodes_appeals(
    postgres_url: str, tmp_path: Path, rabbit: Consumer
):
    db = PostgresDatabase(postgres_url, tmp_path)
    org = make_org(db, "demo", "https://demo.example.ru")
    run_cli(db, "org", "sink", "demo", "add", "rabbitmq", "--url", AMQP, "--exchange",
            rabbit.exchange)  # fmt: skip
    nodes = [Service(db, env={**NO_LIMITS, "POS_NODE": n}).start() for n in ("a", "b", "c")]
    victim = nodes[2]
    citizens = Citizens(org.key)
    try:
        for _cycle in range(2):
            citizens.start([n.url for n in nodes], threads=6)
            citizens.wait_for(25, "appeals taken")
            victim.kill()  # SIGKILL under load: its answers in flight are lost with it
            citizens.wait_for(10, "appeals the other nodes take meanwhile")
            citizens.stop()
            if _cycle < 1:
                victim.start()
        # the victim stays dead: what it stored and did not forward is the others' to send
        citizens.send_again(nodes[0].url)
        assert len(citizens.acknowledged) >= 70
        messages = rabbit.receive(len(citizens.acknowledged), timeout=90)
    finally:
        for node in nodes:
            node.stop()
    assert {m.message_id for m in messages} == set(citizens.acknowledged)
    # the nodes take rows rather than read them: an appeal arrives twice only when the node
    # sending it was killed before it could record the broker's confirm (were every node to
    # send every due row, most appeals would arrive two or three times)
    repeats = len(messages) - len(citizens.acknowledged)
    assert repeats < len(citizens.acknowledged) / 3, f"{repeats} repeats"
    numbers = list(citizens.acknowledged.values())
    assert len(set(numbers)) == len(numbers), "one sequence: no number given twice"
    assert all(n.startswith(f"DEMO-{time.gmtime().tm_year}-") for n in numbers)
    assert _stored_ids(db) == set(citizens.acknowledged), "every stored appeal was answered 201"


def test_postgresql_restarted_under_load_means_503_meanwhile_and_nothing_lost(
    own_postgres: OwnPostgres, tmp_path: Path
):
    db = PostgresDatabase(own_postgres.url, tmp_path)
    org = make_org(db, "demo", "https://demo.example.ru")
    service = Service(db, env=NO_LIMITS).start()
    citizens = Citizens(org.key)
    try:
        try:
            citizens.start([service.url])
            wait_until(lambda: len(citizens.acknowledged) > 20, what="appeals before the outage")
            own_postgres.stop()
            wait_until(lambda: 503 in citizens.statuses, what="intake to answer 503")
            ready = httpx.get(service.url + "/readyz", timeout=10)
            assert ready.status_code == 503, ready.text
            assert ready.json()["checks"]["database"] == (
                "not writable: the database is unreachable"
            ), ready.text
            during = len(citizens.acknowledged)
            time.sleep(1.0)
            own_postgres.start()
            wait_until(lambda: len(citizens.acknowledged) > during + 20, what="intake to resume")
        finally:
            citizens.stop()
        assert set(citizens.statuses) == {201, 503}
        refusal = citizens.refusals[0]
        assert refusal.headers["content-type"] == "application/problem+json"
        assert int(refusal.headers["Retry-After"]) > 0
        citizens.send_again(service.url)  # the same keys: stored once, whatever came before
        assert httpx.get(service.url + "/readyz", timeout=10).status_code == 200
    finally:
        service.stop()
    assert _stored_ids(db) == set(citizens.acknowledged)


def test_an_operator_on_one_node_sees_appeals_taken_by_another_live(
    postgres_url: str, tmp_path: Path
):
    db = PostgresDatabase(postgres_url, tmp_path)
    org = make_org(db, "demo", "https://demo.example.ru")
    add_user(db, "duty@demo.ru", "demo")
    console_node, intake_node = (Service(db, env=NO_LIMITS).start() for _ in range(2))
    try:
        with (
            signed_in(console_node.url, "duty@demo.ru") as console,
            console.stream("GET", "/console/live", timeout=10) as stream,
            # what the nodes' live logs wake on: a NOTIFY with each commit
            psycopg.connect(postgres_url, autocommit=True) as listener,
        ):
            listener.execute("LISTEN pos_intake_events")
            lines = stream.iter_lines()
            assert next(lines).startswith("retry:")
            filed = httpx.post(
                intake_node.url + "/api/v1/appeals", json=appeal(), headers=bearer(org.key)
            ).json()
            assert list(listener.notifies(timeout=5, stop_after=1)), "the commit notified"
            data = next(
                json.loads(line[6:])
                for line in lines
                if line.startswith("data: ") and '"type":"accepted"' in line.replace(" ", "")
            )
        assert data["number"] == filed["number"]
    finally:
        console_node.stop()
        intake_node.stop()


def test_the_embedded_queue_hands_each_message_to_one_puller_whatever_node_it_asks(
    postgres_url: str, tmp_path: Path
):
    db = PostgresDatabase(postgres_url, tmp_path)
    org = make_org(db, "demo", "https://demo.example.ru")
    nodes = [Service(db, env=NO_LIMITS).start() for _ in range(2)]
    try:
        with httpx.Client(timeout=10, headers=bearer(org.key)) as client:
            filed = {
                client.post(nodes[i % 2].url + "/api/v1/appeals", json=appeal()).json()["id"]
                for i in range(60)
            }
            pulled: list[list[dict]] = [[], []]

            def puller(index: int) -> None:
                with httpx.Client(timeout=10, headers=bearer(org.key)) as own:
                    while True:
                        got = own.get(nodes[index].url + "/api/v1/queue", params={"max": 5}).json()[
                            "messages"
                        ]
                        if not got:
                            return
                        pulled[index] += got

            threads = [threading.Thread(target=puller, args=(i,)) for i in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            ids = [m["message_id"] for messages in pulled for m in messages]
            assert sorted(ids) == sorted(filed), "every message once, none twice"
            assert all(pulled), "both nodes handed out messages"
            # a receipt from one node is acknowledged on the other
            receipts = [m["receipt"] for m in pulled[0]]
            acked = client.post(
                nodes[1].url + "/api/v1/queue/ack", json={"receipts": receipts}
            ).json()
            assert sorted(acked["acked"]) == sorted(receipts)
    finally:
        for node in nodes:
            node.stop()


def test_an_agencys_reply_retried_on_two_nodes_at_once_applies_once_and_answers_both(
    postgres_url: str, tmp_path: Path
):
    """An agency's system retries a reply while the first is still in flight, and its load
    balancer sends the retry to the other node: both get the one answer, the change is made once."""
    db = PostgresDatabase(postgres_url, tmp_path)
    org = make_org(db, "demo", "https://demo.example.ru")
    nodes = [Service(db, env=NO_LIMITS).start() for _ in range(2)]
    try:
        with httpx.Client(timeout=10, headers=bearer(org.key)) as client:
            numbers = [
                client.post(nodes[0].url + "/api/v1/appeals", json=appeal()).json()["number"]
                for _ in range(20)
            ]
        answers: dict[tuple[str, int], httpx.Response] = {}

        def reply(number: str, index: int, start: threading.Barrier) -> None:
            with httpx.Client(timeout=10, headers=bearer(org.key)) as own:
                start.wait()
                answers[number, index] = own.post(
                    f"{nodes[index].url}/api/v1/appeals/{number}/status",
                    json={"status": "in_progress", "note": "бригада выехала"},
                    headers={"Idempotency-Key": f"move-{number}"},
                )

        for number in numbers:
            start = threading.Barrier(2)
            pair = [threading.Thread(target=reply, args=(number, i, start)) for i in range(2)]
            for thread in pair:
                thread.start()
            for thread in pair:
                thread.join()
        assert {a.status_code for a in answers.values()} == {200}, [
            a.text for a in answers.values() if a.status_code != 200
        ]
        for number in numbers:
            assert answers[number, 0].json() == answers[number, 1].json()
        with store(db) as conn:
            moves = conn.execute("SELECT count(*) FROM events WHERE type = 'status'").fetchone()[0]
        assert moves == len(numbers)
    finally:
        for node in nodes:
            node.stop()


def test_a_verdict_sent_to_two_nodes_at_once_is_recorded_once(postgres_url: str, tmp_path: Path):
    """A citizen's double click on "solved" lands on both nodes: one verdict is recorded and the
    other refused (409). Both transactions read `rated_at` empty before either committed and
    both were recorded — two ratings, two status changes, two closing notices."""
    db = PostgresDatabase(postgres_url, tmp_path)
    org = make_org(db, "demo", "https://demo.example.ru")
    nodes = [Service(db, env=NO_LIMITS).start() for _ in range(2)]
    try:
        tokens = []
        with httpx.Client(timeout=10, headers=bearer(org.key)) as client:
            for _ in range(12):
                made = client.post(nodes[0].url + "/api/v1/appeals", json=appeal()).json()
                answered = client.post(
                    f"{nodes[0].url}/api/v1/appeals/{made['number']}/answer",
                    json={"text": "Фонарь заменён, проверьте, пожалуйста."},
                    headers={"Idempotency-Key": f"answer-{made['number']}"},
                )
                assert answered.status_code == 200, answered.text
                tokens.append(made["tracking_url"].rsplit("/", 1)[1])
        codes: dict[str, list[int]] = {token: [] for token in tokens}

        def verdict(token: str, url: str, start: threading.Barrier) -> None:
            with httpx.Client(timeout=10) as own:
                start.wait()
                sent = own.post(
                    f"{url}/api/v1/status/{token}/verdict", json={"solved": True, "rating": 5}
                )
                codes[token].append(sent.status_code)

        for token in tokens:
            start = threading.Barrier(6)
            clicks = [
                threading.Thread(target=verdict, args=(token, node.url, start))
                for node in nodes * 3
            ]
            for thread in clicks:
                thread.start()
            for thread in clicks:
                thread.join()
        assert all(sorted(c) == [200, 409, 409, 409, 409, 409] for c in codes.values()), codes
        with store(db) as conn:
            rated = conn.execute("SELECT count(*) FROM events WHERE type = 'rated'").fetchone()[0]
        assert rated == len(tokens)
    finally:
        for node in nodes:
            node.stop()
