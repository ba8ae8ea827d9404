"""Forwarding to an agency's webhook: signed, retried with growing waits until it answers, the
intake refusing new appeals once the outbox is full, and the sink commands and config file that
set it up."""

from __future__ import annotations

import importlib.util
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from outbox_helpers import FAST_RETRIES, attach_rabbit, outbox_states
from rabbit_helpers import AMQP
from waiting import wait_until

from conftest import Service, appeal, bearer, events, free_port, run_cli

ROOT = Path(__file__).resolve().parent.parent


def _load_verifier():
    spec = importlib.util.spec_from_file_location(
        "webhook_verify", ROOT / "examples/webhook_verify.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


webhook_verify = _load_verifier()


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
