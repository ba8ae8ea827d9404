"""An agency's own system moves and answers appeals with its key: over HTTP and through the
RabbitMQ reply queue, recorded like console actions, each telling the citizen once."""

from __future__ import annotations

import json
import secrets
import sqlite3
import time

import aio_pika
import httpx
import pytest
from mail_server import text_of
from rabbit_helpers import AMQP, delete_queue, queue_count

from conftest import Service, appeal, bearer, events, make_org, run_async, store


def _file(client: httpx.Client, key: str) -> dict:
    reply = client.post(
        "/api/v1/appeals",
        json=appeal(contact={"name": "Анна", "email": "anna@example.ru"}),
        headers=bearer(key),
    )
    assert reply.status_code == 201, reply.text
    return reply.json()


def _post(client, key, path, body, idem="k1"):
    headers = bearer(key)
    if idem is not None:
        headers["Idempotency-Key"] = idem
    return client.post(path, json=body, headers=headers)


@pytest.fixture
def city(tmp_path, mail_server):
    db = tmp_path / "pos.db"
    org = make_org(db, "manturovo", "https://manturovo.example.ru")
    other = make_org(db, "zarechye", "https://zarechye.example.ru")
    service = Service(db, env=mail_server.env).start()
    yield db, org, other, service
    service.stop()


def test_intake_and_reply_keys_are_separate(city):
    """An organisation's intake keys and its replies' keys are two namespaces: a reply under
    `K` and an appeal filed under `reply:K` (or the other way round) are each taken, and each
    key still replays its own first answer."""
    _db, org, _, service = city
    with httpx.Client(base_url=service.url) as client:
        filed = _file(client, org.key)
        path = f"/api/v1/appeals/{filed['number']}/status"
        moved = _post(client, org.key, path, {"status": "in_progress"}, idem="K")
        assert moved.status_code == 200, moved.text
        body = appeal(contact={"name": "Анна", "email": "anna@example.ru"})
        intake = [_post(client, org.key, "/api/v1/appeals", body, idem="reply:K") for _ in range(2)]
        assert [r.status_code for r in intake] == [201, 201], intake[0].text
        assert intake[1].json() == intake[0].json() and intake[0].json()["id"] != filed["id"]
        # an intake key first, then a reply under the key it would have collided with
        body = appeal(contact={"name": "Анна", "email": "anna@example.ru"}, text="Яма у дома 7")
        second = _post(client, org.key, "/api/v1/appeals", body, idem="reply:L")
        assert second.status_code == 201, second.text
        path = f"/api/v1/appeals/{second.json()['number']}/status"
        replied = _post(client, org.key, path, {"status": "in_progress"}, idem="L")
        assert replied.status_code == 200, replied.text
        again = _post(client, org.key, path, {"status": "in_progress"}, idem="L")
        assert again.json() == replied.json() and again.headers["idempotent-replayed"] == "true"
        replayed = _post(client, org.key, "/api/v1/appeals", body, idem="reply:L")
        assert replayed.status_code == 201 and replayed.json() == second.json()


def test_keys_stored_before_the_namespaces_split_still_replay(city):
    """Migration 14 moves the replies' `reply:K` rows to their own namespace under `K`; an
    appeal's key that merely began with `reply:` stays the appeal's."""
    db, org, _, service = city
    with httpx.Client(base_url=service.url) as client:
        filed = _file(client, org.key)
        path = f"/api/v1/appeals/{filed['number']}/status"
        moved = _post(client, org.key, path, {"status": "in_progress"}, idem="up-1")
        body = appeal(contact={"name": "Анна", "email": "anna@example.ru"}, text="Яма у дома 7")
        kept = _post(client, org.key, "/api/v1/appeals", body, idem="reply:keep")
        assert (moved.status_code, kept.status_code) == (200, 201)
    service.stop()
    with store(db) as conn:  # the table as the release before migration 14 left it
        conn.execute("UPDATE idempotency SET key = 'reply:' || key WHERE scope = 'reply'")
        if isinstance(conn, sqlite3.Connection):
            for sql in (
                "CREATE TABLE old (org_id INTEGER NOT NULL, key TEXT NOT NULL, body_hash TEXT "
                "NOT NULL, response TEXT NOT NULL, created_at REAL NOT NULL, "
                "PRIMARY KEY (org_id, key))",
                "INSERT INTO old SELECT org_id, key, body_hash, response, created_at "
                "FROM idempotency",
                "DROP TABLE idempotency",
                "ALTER TABLE old RENAME TO idempotency",
            ):
                conn.execute(sql)
        else:
            conn.execute("ALTER TABLE idempotency DROP CONSTRAINT idempotency_pkey")
            conn.execute("ALTER TABLE idempotency DROP COLUMN scope")
            conn.execute("ALTER TABLE idempotency ADD PRIMARY KEY (org_id, key)")
        conn.execute("DELETE FROM migrations WHERE number = 14")
    service.start()
    with httpx.Client(base_url=service.url) as client:
        again = _post(client, org.key, path, {"status": "in_progress"}, idem="up-1")
        assert again.status_code == 200 and again.headers["idempotent-replayed"] == "true"
        replayed = _post(client, org.key, "/api/v1/appeals", body, idem="reply:keep")
        assert replayed.status_code == 201 and replayed.json() == kept.json()
        # a reply under `keep` is its own: judged by the status rules, not the appeal's key
        fresh = _post(client, org.key, path, {"status": "in_progress"}, idem="keep")
        assert fresh.status_code == 409 and fresh.json()["type"].endswith("/reply-refused")


def test_the_agency_moves_and_answers_and_the_citizen_is_told_once(city, mail_server):
    db, org, _, service = city
    with httpx.Client(base_url=service.url) as client:
        filed = _file(client, org.key)
        mail_server.wait_for("anna@example.ru")  # registered
        moved = _post(
            client, org.key, f"/api/v1/appeals/{filed['number']}/status",
            {"status": "in_progress", "note": "бригада выехала"}, idem="move-1",
        )  # fmt: skip
        assert moved.status_code == 200, moved.text
        assert moved.json()["status"] == "in_progress"
        body = {"text": "{name}, фонарь заменён."}
        answers = [
            _post(client, org.key, f"/api/v1/appeals/{filed['id']}/answer", body, idem="ans-1")
            for _ in range(3)
        ]
        assert [a.status_code for a in answers] == [200, 200, 200]
        assert "idempotent-replayed" not in answers[0].headers
        assert answers[2].headers["idempotent-replayed"] == "true"
        assert answers[2].json() == answers[0].json()
        status = client.get(filed["tracking_url"].replace("/s/", "/api/v1/status/")).json()
        assert status["status"] == "answered"
        assert status["answer"]["text"] == "Анна, фонарь заменён."
        mail_server.wait_for("anna@example.ru", 2)
        time.sleep(2)
        mails = mail_server.to("anna@example.ru")
        assert len(mails) == 2 and "Анна, фонарь заменён." in text_of(mails[1])
    logged = [e for e in events(db) if e["appeal_id"] == filed["id"]]
    assert [e["type"] for e in logged if e["type"] in ("status", "answered")] == [
        "status",
        "answered",
    ]
    handled = [e for e in logged if e["type"] in ("status", "answered")]
    assert all(e["data"]["by"].startswith("api:") for e in handled)  # the key, as an operator


def test_bad_replies_are_refused_clearly_and_logged(city):
    db, org, other, service = city
    with httpx.Client(base_url=service.url) as client:
        filed = _file(client, org.key)
        path = f"/api/v1/appeals/{filed['id']}"
        theirs = _post(client, other.key, path + "/answer", {"text": "чужой ответ"})
        missing = _post(client, org.key, "/api/v1/appeals/NOPE-2026-1/answer", {"text": "x"})
        assert theirs.status_code == missing.status_code == 404
        assert theirs.json()["type"] == missing.json()["type"]
        no_key = _post(client, org.key, path + "/answer", {"text": "ответ"}, idem=None)
        assert no_key.status_code == 400
        assert "Idempotency-Key" in no_key.json()["detail"]
        first = _post(client, org.key, path + "/status", {"status": "registered"}, idem="s")
        assert first.status_code == 200
        other_body = _post(client, org.key, path + "/status", {"status": "in_progress"}, idem="s")
        assert other_body.status_code == 422
        bad_move = _post(client, org.key, path + "/status", {"status": "accepted"}, idem="s2")
        assert bad_move.status_code == 409
        assert "не разрешён" in bad_move.json()["detail"]
        unknown = _post(client, org.key, path + "/status", {"status": "fixed"}, idem="s3")
        assert unknown.status_code == 422
        no_reason = _post(client, org.key, path + "/status", {"status": "rejected"}, idem="s4")
        assert no_reason.status_code == 422
    reasons = [e["reason"] for e in events(db) if e["type"] == "rejected"]
    assert reasons.count("reply-unknown-appeal") == 2
    assert "reply-key-missing" in reasons
    assert any(r.startswith("reply-refused") for r in reasons)


def test_a_question_is_asked_only_with_its_text_and_date_never_as_a_bare_status(city):
    """`clarifying` means a question the citizen can read and a date after which the appeal
    closes: a bare status move (a reply, or a console form forged past its select) would leave
    the citizen a form to answer no question, no e-mail, and an appeal that never closes."""
    db, org, _, service = city
    with httpx.Client(base_url=service.url) as client:
        filed = _file(client, org.key)
        path = f"/api/v1/appeals/{filed['id']}/status"
        moved = _post(client, org.key, path, {"status": "clarifying"}, idem="q-1")
        assert moved.status_code == 409, moved.text
        status = client.get(filed["tracking_url"].replace("/s/", "/api/v1/status/")).json()
    assert status["status"] == "accepted" and status["question"] is None
    assert "reply-refused handling.use-own-form" in [
        e["reason"] for e in events(db) if e["type"] == "rejected"
    ]


def _publish(queue: str, messages: list[aio_pika.Message]) -> None:
    async def go() -> None:
        connection = await aio_pika.connect(AMQP)
        async with connection:
            channel = await connection.channel()
            await channel.declare_queue(queue, durable=True)
            for message in messages:
                await channel.default_exchange.publish(message, routing_key=queue)

    run_async(go())


@pytest.mark.xdist_group("rabbitmq")  # the broker is shared (test_forwarding.py)
def test_replies_on_the_rabbitmq_queue_apply_once(tmp_path, mail_server):
    db = tmp_path / "pos.db"
    org = make_org(db, "manturovo", "https://manturovo.example.ru")
    queue = f"pos.test.replies.{secrets.token_hex(4)}"
    env = {**mail_server.env, "POS_REPLY_AMQP_URL": AMQP, "POS_REPLY_QUEUE": queue}
    service = Service(db, env=env).start()
    try:
        with httpx.Client(base_url=service.url) as client:
            filed = _file(client, org.key)
        mail_server.wait_for("anna@example.ru")

        def message(body: dict, message_id: str, key: str | None = org.key) -> aio_pika.Message:
            headers = {"authorization": f"Bearer {key}"} if key else {}
            return aio_pika.Message(
                json.dumps(body).encode(),
                message_id=message_id,
                headers=headers,
                content_type="application/json",
            )

        answer = {"appeal": filed["number"], "type": "answer", "text": "Фонарь заменён."}
        _publish(
            queue,
            [
                message(answer, "m-1"),
                message(answer, "m-1"),  # redelivered by the agency's system: applied once
                message({"appeal": "NOPE-2026-000009", "type": "answer", "text": "x"}, "m-2"),
                message(answer, "m-3", key=None),  # no key: refused, not retried forever
            ],
        )
        mails = mail_server.wait_for("anna@example.ru", 2)
        assert "Фонарь заменён." in text_of(mails[1])
        deadline = time.monotonic() + 15
        while queue_count(queue) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert queue_count(queue) == 0
        time.sleep(1)
        assert len(mail_server.to("anna@example.ru")) == 2
        logged = events(db)
        assert [e["type"] for e in logged if e["appeal_id"] == filed["id"]].count("answered") == 1
        reasons = [e["reason"] for e in logged if e["type"] == "rejected"]
        assert "reply-unknown-appeal" in reasons and "key-missing" in reasons
    finally:
        service.stop()
        delete_queue(queue)
