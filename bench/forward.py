"""Forwarding to RabbitMQ: how fast an accepted appeal is confirmed by the broker, whether the
outbox keeps up at full intake, and whether kill -9 ever loses an acknowledged appeal.

In one run, with the service pinned to core 0, wrk (and the chaos clients) on core 1, and the
machine's RabbitMQ at 127.0.0.1:5672 with an agency consumer bound to the exchange:

1. peak — the intake peak with a RabbitMQ sink attached (wrk, as in bench/intake.py);
2. latency — at 50 % of that peak, accepted → broker-confirmed per appeal, read from the intake
   log (the `accepted` and `forwarded` events, millisecond timestamps): p50 and p99;
3. backlog — at 100 % (wrk unpaced) for 60 s, the outbox backlog sampled every second: flat
   means its least-squares trend after the first 10 s grows by under 1 % of intake a second;
4. chaos — N cycles of: start, clients post with Idempotency-Keys, kill -9; clients resend what
   lost its answer. Then: every stored appeal was acknowledged, every acknowledged appeal reached
   the consumer. Prints lost = acknowledged but never consumed (target 0).

Targets: p50 ≤ 20 ms, p99 ≤ 250 ms, backlog flat, lost = 0.

Run: python bench/forward.py [--seconds 20] [--backlog-seconds 60] [--cycles 200]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

import aio_pika
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (
    LOAD_CORE,
    UNLIMITED,
    cli,
    durable,
    ensure_wrk,
    free_port,
    load,
    machine,
    prepare,
    served,
    verdict,
)

AMQP = "amqp://guest:guest@127.0.0.1:5672/"


class AgencyConsumer:
    """The agency's side: a queue bound to the exchange, consumed and acknowledged in a thread,
    remembering every message id it saw."""

    def __init__(self, exchange: str, routing_key: str) -> None:
        self.exchange, self.routing_key = exchange, routing_key
        self.queue = f"{exchange}.agency"
        self.seen: set[str] = set()
        self.deliveries = 0
        self._stop = threading.Event()
        self._bound = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._run()), daemon=True)

    def start(self) -> None:
        self._thread.start()
        if not self._bound.wait(30):
            raise SystemExit("could not bind the consumer: is RabbitMQ running?")

    async def _run(self) -> None:
        connection = await aio_pika.connect_robust(AMQP)
        async with connection:
            channel = await connection.channel()
            await channel.set_qos(prefetch_count=500)
            exchange = await channel.declare_exchange(
                self.exchange, aio_pika.ExchangeType.TOPIC, durable=True
            )
            queue = await channel.declare_queue(self.queue, durable=True)
            await queue.bind(exchange, routing_key=self.routing_key)
            self._bound.set()

            async def on_message(message: aio_pika.abc.AbstractIncomingMessage) -> None:
                self.seen.add(str(message.message_id))
                self.deliveries += 1
                await message.ack()

            tag = await queue.consume(on_message)
            while not self._stop.is_set():
                await asyncio.sleep(0.1)
            await queue.cancel(tag)
            await channel.queue_delete(self.queue)
            await channel.exchange_delete(self.exchange)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(30)


def _at(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def confirm_latencies(db: Path, since_event: int) -> list[float]:
    """Milliseconds from `accepted` (the appeal's transaction) to the broker's confirm (the
    `answered_at` the forwarder records in the `forwarded` event), for appeals accepted after
    `since_event`."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT a.at, json_extract(f.data, '$.answered_at') FROM events a "
            "JOIN events f ON f.appeal_id = a.appeal_id AND f.type = 'forwarded' "
            "WHERE a.type = 'accepted' AND a.id > ?",
            (since_event,),
        ).fetchall()
    return [(_at(confirmed) - _at(accepted)) * 1000 for accepted, confirmed in rows]


def slope(samples: list[int]) -> float:
    """Least-squares growth of the backlog, rows per second (one sample a second)."""
    n = len(samples)
    mean_x, mean_y = (n - 1) / 2, sum(samples) / n
    var = sum((x - mean_x) ** 2 for x in range(n)) or 1
    return sum((x - mean_x) * (y - mean_y) for x, y in enumerate(samples)) / var


def last_event(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0])


def backlog(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(
            conn.execute(
                "SELECT count(*) FROM outbox WHERE sink != 'embedded' "
                "AND state IN ('pending', 'failed')"
            ).fetchone()[0]
        )


def wait_drained(db: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while backlog(db) and time.monotonic() < deadline:
        time.sleep(0.2)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def chaos(db: Path, key: str, cycles: int, log: Path) -> tuple[set[str], set[str]]:
    """kill -9 cycles under load; returns (acknowledged ids, stored ids)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, **UNLIMITED, "POS_PORT": str(port), "POS_LOG_LEVEL": "warning"}
    acknowledged: set[str] = set()
    unanswered: list[tuple[str, bytes]] = []
    lock = threading.Lock()
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    body = json.dumps(
        {"category": "roads", "text": "Не горит фонарь у дома 3, темно.", "consent": True,
         "contact": {"name": "Анна", "email": "anna@example.ru"}},
        ensure_ascii=False,
    ).encode()  # fmt: skip

    def post(client: httpx.Client, idem: str) -> bool:
        try:
            reply = client.post(
                url + "/api/v1/appeals", content=body, headers={**headers, "Idempotency-Key": idem}
            )
        except httpx.TransportError:
            with lock:
                unanswered.append((idem, body))
            return False
        if reply.status_code != 201:
            raise SystemExit(f"unexpected answer {reply.status_code}: {reply.text}")
        with lock:
            acknowledged.add(reply.json()["id"])
        return True

    def start() -> subprocess.Popen:
        with log.open("ab") as out:
            process = subprocess.Popen(
                ["taskset", "-c", "0", *durable(db)], env=env, stdout=out, stderr=out
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(url + "/healthz", timeout=1)
                return process
            except httpx.TransportError:
                time.sleep(0.05)
        raise SystemExit(f"service did not start, see {log}")

    def resend() -> None:
        with httpx.Client(timeout=10) as client:
            while unanswered:
                idem, _ = unanswered.pop()
                if not post(client, idem):
                    raise SystemExit("the service died while nobody killed it")

    for cycle in range(cycles):
        process = start()
        resend()
        stop = threading.Event()

        def clients(stop: threading.Event = stop) -> None:
            with httpx.Client(timeout=5) as client:
                while not stop.is_set() and post(client, secrets.token_hex(8)):
                    pass

        threads = [threading.Thread(target=clients) for _ in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(0.2 + (cycle % 5) * 0.1)  # kill at varying moments
        process.send_signal(signal.SIGKILL)
        process.wait()
        stop.set()
        for thread in threads:
            thread.join()
        if (cycle + 1) % 50 == 0:
            print(f"  chaos: {cycle + 1} cycles, {len(acknowledged)} acknowledged", flush=True)

    process = start()
    resend()
    wait_drained(db)
    process.send_signal(signal.SIGINT)
    process.wait(30)
    with sqlite3.connect(db) as conn:
        stored = {row[0] for row in conn.execute("SELECT id FROM appeals")}
    return acknowledged, stored


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=20, help="length of the peak and 50 % runs")
    parser.add_argument("--backlog-seconds", type=int, default=60, help="length of the 100 % run")
    parser.add_argument("--cycles", type=int, default=200, help="kill -9 cycles")
    parser.add_argument("--connections", type=int, default=64, help="wrk connections")
    args = parser.parse_args()
    wrk = ensure_wrk()
    conns = args.connections
    print(f"machine: {machine()}")
    print(f"server on core 0; wrk, consumer and chaos clients on core {LOAD_CORE}\n")
    ok = True

    with tempfile.TemporaryDirectory(prefix="pos-forward-bench-") as tmp_name:
        tmp = Path(tmp_name)
        log = tmp / "servers.log"
        db = tmp / "forward.db"
        key = prepare(db)
        exchange = f"pos.bench.{secrets.token_hex(4)}"
        cli(db, "org", "sink", "bench", "add", "rabbitmq", "--url", AMQP, "--exchange", exchange)
        consumer = AgencyConsumer(exchange, "bench")
        consumer.start()
        try:
            with served(durable(db), {}, log) as url:
                load(wrk, url, key, 2, conns)  # warm-up
                peak = load(wrk, url, key, args.seconds, conns)
                wait_drained(db)
                half = 0.5 * peak.rate
                mark = last_event(db)
                paced = load(wrk, url, key, args.seconds, conns, rate=half)
                wait_drained(db)
                latencies = confirm_latencies(db, mark)

                samples: list[int] = []
                done = threading.Event()

                def sample() -> None:
                    while not done.is_set():
                        samples.append(backlog(db))
                        time.sleep(1)

                sampler = threading.Thread(target=sample)
                sampler.start()
                full = load(wrk, url, key, args.backlog_seconds, conns)
                done.set()
                sampler.join()
                wait_drained(db)
        finally:
            consumer.stop()

        p50, p99 = statistics.median(latencies), pct(latencies, 0.99)
        print("| run | appeals/s | p50 ms | p99 ms | errors |")
        print("|---|---:|---:|---:|---:|")
        print(peak.row("intake peak, RabbitMQ sink attached"))
        print(paced.row(f"50 % of peak ({half:,.0f}/s), HTTP answer"))
        print(full.row(f"100 % for {args.backlog_seconds} s"))
        print(
            f"\naccepted → broker-confirmed at 50 % (n={len(latencies)}): p50 **{p50:.1f} ms** "
            f"({verdict(p50 <= 20)} ≤ 20), p99 **{p99:.1f} ms** ({verdict(p99 <= 250)} ≤ 250)"
        )
        ok &= p50 <= 20 and p99 <= 250
        settled = samples[10:] if len(samples) > 20 else samples[len(samples) // 2 :]
        growth = slope(settled)
        flat = growth <= 0.01 * full.rate  # grows by under 1 % of intake per second
        step = max(1, len(samples) // 12)
        shown = ", ".join(str(x) for x in samples[::step])
        print(
            f"outbox backlog at 100 %, every {step} s: {shown}; max {max(samples)}; "
            f"trend after the first 10 s {growth:+.1f} rows/s ({verdict(flat)}: flat)"
        )
        ok &= flat
        unconsumed = consumer.seen
        print(f"consumer: {len(unconsumed):,} distinct appeals, {consumer.deliveries:,} deliveries")

        if args.cycles:
            chaos_db = tmp / "chaos.db"
            chaos_key = prepare(chaos_db)
            chaos_exchange = f"pos.chaos.{secrets.token_hex(4)}"
            cli(chaos_db, "org", "sink", "bench", "add", "rabbitmq", "--url", AMQP,
                "--exchange", chaos_exchange)  # fmt: skip
            chaos_consumer = AgencyConsumer(chaos_exchange, "bench")
            chaos_consumer.start()
            try:
                acknowledged, stored = chaos(chaos_db, chaos_key, args.cycles, log)
                deadline = time.monotonic() + 60
                while not acknowledged <= chaos_consumer.seen and time.monotonic() < deadline:
                    time.sleep(0.2)
            finally:
                chaos_consumer.stop()
            lost = len(acknowledged - chaos_consumer.seen)
            unacknowledged = len(stored - acknowledged)
            repeats = chaos_consumer.deliveries - len(chaos_consumer.seen)
            print(
                f"\nchaos: {args.cycles} kill -9 cycles, {len(acknowledged):,} appeals acknowledged, "
                f"{len(stored):,} stored, {unacknowledged} stored without a 201, "
                f"{repeats} repeated deliveries (dropped by message_id)"
            )
            print(f"lost = **{lost}** ({verdict(lost == 0)} = 0)")
            ok &= lost == 0 and unacknowledged == 0
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
