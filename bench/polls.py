"""Polls at scale: ballots through the real server against appeals on the same stack, and the
results read once a poll holds 100,000 ballots.

Side by side in one run, each server pinned to the server core and wrk to the load core:
- the plain Starlette handler (plain_app.py, the fixed reference) taking appeals;
- `pos-intake serve` taking appeals (post_appeal.lua, phone contact: no notice);
- `pos-intake serve` taking ballots on one poll (post_vote.lua, the `anyone` level: each ballot
  a new voter, counted at once — a row in poll_ballots, its counts moved, an event).
Then ballots go on until the poll holds TARGET_BALLOTS, and `GET /api/v1/polls/{id}/results`
is read one request at a time: p50/p95 against the target (≤ 20 ms; the counts are kept as
they come, so the read is of a few rows whatever the number of ballots).

Run: python bench/polls.py   (about 3 minutes)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from harness import (
    LOAD_CORE,
    TABLE_HEAD,
    Load,
    durable,
    ensure_wrk,
    load,
    machine,
    plain,
    prepare,
    served,
    verdict,
)

BENCH = Path(__file__).resolve().parent
VOTE_LUA = BENCH / "post_vote.lua"
TARGET_BALLOTS = 100_000
RESULTS_P95_MS = 20.0
NO_POLL_LIMIT = {"POS_RATE_LIMIT_POLL": "0"}
POLL = {
    "kind": "poll",
    "title": "Благоустройство дворов",
    "identity": "anyone",
    "opens_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
    "closes_at": (datetime.now(UTC) + timedelta(days=1)).isoformat(),
    "questions": [
        {"id": "q1", "type": "single", "text": "Какой двор?",
         "options": [{"id": "a", "title": "А"}, {"id": "b", "title": "Б"}]},
        {"id": "q2", "type": "multiple", "text": "Что нужнее?", "max_choices": 2,
         "options": [{"id": "light", "title": "Свет"}, {"id": "bench", "title": "Скамейки"},
                     {"id": "play", "title": "Площадка"}]},
        {"id": "q3", "type": "scale", "text": "Оценка двора"},
    ],
}  # fmt: skip


def votes(wrk: str, url: str, poll_id: str, seconds: int, connections: int) -> Load:
    result = subprocess.run(
        [
            "taskset", "-c", LOAD_CORE, wrk, "-t1", f"-c{connections}", f"-d{seconds}s",
            "--latency", "--timeout", "10s", "-s", str(VOTE_LUA), url,
        ],
        env={**os.environ, "POS_BENCH_POLL": poll_id},
        check=True,
        capture_output=True,
        text=True,
    )  # fmt: skip
    line = next(x for x in result.stdout.splitlines() if x.startswith("POS_BENCH_JSON "))
    data = json.loads(line.removeprefix("POS_BENCH_JSON "))
    errors = sum(data[k] for k in ("connect", "read", "write", "status", "timeout"))
    return Load(data["requests"], data["duration_us"] / 1e6, errors,
                data["p50_us"] / 1000, data["p99_us"] / 1000)  # fmt: skip


def participants(url: str, poll_id: str) -> int:
    return int(
        httpx.get(f"{url}/api/v1/polls/{poll_id}/results", timeout=30).json()["participants"]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=15, help="each peak run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--reads", type=int, default=500, help="results reads at the end")
    args = parser.parse_args()
    wrk = ensure_wrk()
    rows: list[str] = []
    with tempfile.TemporaryDirectory(prefix="pos-bench-polls-") as tmp:
        folder = Path(tmp)
        with served(plain(), {}, folder / "plain.log") as url:
            plain_run = load(wrk, url, "pos_plain", args.seconds, args.connections, contact="phone")
        rows.append(plain_run.row("plain Starlette handler: appeals"))
        db = folder / "pos.db"
        key = prepare(db)
        env = {**NO_POLL_LIMIT, "POS_MAILDIR": str(folder / "mail")}
        with served(durable(db), env, folder / "serve.log") as url:
            appeals = load(wrk, url, key, args.seconds, args.connections, contact="phone")
            made = httpx.post(f"{url}/api/v1/polls", json=POLL,
                              headers={"Authorization": f"Bearer {key}"}, timeout=10)  # fmt: skip
            made.raise_for_status()
            poll_id = made.json()["id"]
            ballots = votes(wrk, url, poll_id, args.seconds, args.connections)
            filled_at = time.monotonic()
            while (held := participants(url, poll_id)) < TARGET_BALLOTS:
                per_second = max(ballots.rate, 100.0)
                needed = int((TARGET_BALLOTS - held) / per_second) + 2
                votes(wrk, url, poll_id, min(needed, 120), args.connections)
            filled = time.monotonic() - filled_at
            held = participants(url, poll_id)
            timings = []
            with httpx.Client(timeout=30) as client:
                for _ in range(args.reads):
                    started = time.perf_counter()
                    reply = client.get(f"{url}/api/v1/polls/{poll_id}/results")
                    timings.append((time.perf_counter() - started) * 1000)
                    reply.raise_for_status()
        rows.append(appeals.row("pos-intake serve: appeals"))
        rows.append(ballots.row("pos-intake serve: ballots on one poll"))
    quantiles = statistics.quantiles(timings, n=100)
    p50, p95 = statistics.median(timings), quantiles[94]
    print(f"# polls — {machine()}\n")
    print(TABLE_HEAD.format(what="server") + "\n" + "\n".join(rows) + "\n")
    print(f"- ballots/s against appeals/s on the same server: {ballots.rate / appeals.rate:.2f}")
    print(f"- ballots/s against the plain handler's appeals/s: {ballots.rate / plain_run.rate:.2f}")
    print(f"- filled to {held:,} ballots in {filled:.0f} s")
    print(
        f"- results at {held:,} ballots, {args.reads} reads one at a time: p50 {p50:.2f} ms, "
        f"p95 {p95:.2f} ms (target ≤ {RESULTS_P95_MS:.0f} ms: {verdict(p95 <= RESULTS_P95_MS)})"
    )


if __name__ == "__main__":
    sys.exit(main())
