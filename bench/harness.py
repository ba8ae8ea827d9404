"""What every load benchmark shares: the servers under test, each pinned to the server core and
stopped after its run; wrk pinned to the load core with post_appeal.lua; one run's figures
(`Load`) and the table they are printed in; waiting until the work a run left behind (notices to
send, appeals to index) is done; the machine's description and the verdict against a target.

Apart from intake.py, the first of the load benchmarks, which had it all inside: forward.py,
backlog.py, console.py and postgres.py import it from here.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

# the service's own reads of its background work's marks in `meta`
from intake_service.console.search import indexed_up_to
from intake_service.followup.due_backfill import is_done as due_dates_done

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
LUA = BENCH / "post_appeal.lua"
SERVER_CORE = "0"
LOAD_CORE = "1"
UNLIMITED = {"POS_RATE_LIMIT_KEY": "0", "POS_RATE_LIMIT_ADDRESS": "0", "POS_RATE_LIMIT_ORG": "0"}


@dataclass
class Load:
    """One wrk run, as post_appeal.lua's done() reports it."""

    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p99_ms: float
    drain_seconds: float = 0.0  # after the load, until its notices are sent and appeals indexed

    @property
    def rate(self) -> float:
        """Appeals acknowledged per second of load."""
        return self.requests / self.seconds

    @property
    def sustained(self) -> float:
        """Appeals per second with their notices sent too: the rate the service keeps up for
        as long as the load lasts (intake goes first under load; the mail follows)."""
        return self.requests / (self.seconds + self.drain_seconds)

    def row(self, label: str) -> str:
        return (
            f"| {label} | {self.rate:,.0f} | {self.sustained:,.0f} | {self.drain_seconds:.1f} "
            f"| {self.p50_ms:.2f} | {self.p99_ms:.2f} | {self.errors} |"
        )


TABLE_HEAD = (
    "| {what} | acknowledged/s | with notices sent/s | drained s | p50 ms | p99 ms "
    "| errors |\n|---|---:|---:|---:|---:|---:|---:|"
)


def ensure_wrk() -> str:
    if shutil.which("wrk") is None:
        print("installing Debian's wrk …", file=sys.stderr)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False, capture_output=True)
    path = shutil.which("wrk")
    if path is None:
        raise SystemExit("wrk is missing and apt-get could not install it")
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cli(db: Path, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "intake_service", *args, "--db", str(db)],
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def prepare(db: Path) -> str:
    """An organisation made by the CLI, as an agency admin would; returns its API key."""
    cli(db, "org", "add", "bench", "--name", "Бенчмарк", "--origin", "https://bench.example")
    return cli(db, "org", "key", "bench").strip().splitlines()[-1]


SERVER_PIDS: dict[str, int] = {}  # a running server's base URL -> its process id


@contextmanager
def served(command: list[str], env: dict[str, str], log: Path) -> Iterator[str]:
    """Run a server pinned to the server core; yields its base URL once it accepts requests."""
    port = free_port()
    full_env = {**os.environ, **UNLIMITED, **env, "POS_PORT": str(port)}
    with log.open("ab") as out:
        process = subprocess.Popen(
            ["taskset", "-c", SERVER_CORE, *command],
            env=full_env,
            stdout=out,
            stderr=out,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    SERVER_PIDS[url] = process.pid  # taskset execs the server: the same process
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(url + "/api/v1/appeals", timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"server did not start, see {log}") from None
                time.sleep(0.1)
        yield url
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def durable(db: Path) -> list[str]:
    return [sys.executable, "-m", "intake_service", "serve", "--db", str(db)]


def bare(db: Path) -> list[str]:
    return [sys.executable, str(BENCH / "bare_app.py"), "--db", str(db)]


def plain() -> list[str]:
    return [sys.executable, str(BENCH / "plain_app.py")]


def load(
    wrk: str,
    url: str,
    key: str,
    seconds: int,
    connections: int,
    rate: float = 0,
    contact: str = "email",
) -> Load:
    env = {
        **os.environ,
        "POS_BENCH_KEY": key,
        "POS_BENCH_RATE": str(rate),
        "POS_BENCH_CONTACT": contact,
    }
    result = subprocess.run(
        [
            "taskset", "-c", LOAD_CORE, wrk, "-t1", f"-c{connections}", f"-d{seconds}s",
            "--latency", "--timeout", "10s", "-s", str(LUA), url,
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )  # fmt: skip
    line = next(x for x in result.stdout.splitlines() if x.startswith("POS_BENCH_JSON "))
    data = json.loads(line.removeprefix("POS_BENCH_JSON "))
    errors = sum(data[k] for k in ("connect", "read", "write", "status", "timeout"))
    return Load(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        errors=errors,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
    )


def work_waiting(db: Path) -> tuple[int, int]:
    """(e-mails recorded and not yet sent or given up on, appeals not yet in the console's
    search index): the work an appeal leaves behind after its 201."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        mail = conn.execute(
            "SELECT count(*) FROM outbox WHERE sink = 'mail' AND state IN "
            "('pending', 'inflight', 'failed')"
        ).fetchone()[0]
        indexed = indexed_up_to(conn)
        unindexed = conn.execute("SELECT count(*) FROM appeals WHERE seq > ?", (indexed,))
        return mail, unindexed.fetchone()[0]
    finally:
        conn.close()


def drained(
    db: str | Path | None,
    timeout: float = 900,
    waiting: Callable[[Any], tuple[int, int]] | None = None,
) -> float:
    """Seconds until the notices a load left behind are all sent and its appeals are in the
    search index: the servers share one core, so the next run starts only when this one's work
    is done (a store filled in bulk is indexed in the background for minutes). `waiting` reads
    that work (PostgreSQL's benchmark has its own)."""
    if db is None:
        return 0.0
    started = time.monotonic()
    while any((waiting or work_waiting)(db)):
        if time.monotonic() - started > timeout:
            raise SystemExit(f"work still waiting after {timeout:.0f} s in {db}")
        time.sleep(0.05)
    return time.monotonic() - started


def measured(
    wrk: str, target: tuple[str, str, Path | None], seconds: int, connections: int, rate: float = 0
) -> Load:
    url, key, db = target
    run = load(wrk, url, key, seconds, connections, rate)
    run.drain_seconds = drained(db)
    return run


def caught_up(db: Path, limit: float = 3600) -> tuple[float, float]:
    """Seconds until a started server's background work on a store filled outside it is done:
    the search index over every appeal (its mark in `meta`) and the due dates of appeals filed
    without them (due_backfill.py's flag) — what an upgraded deployment does once. A read
    measured before would share the machine with that work (the due dates of 1,000,000 appeals
    are written a batch at a time for minutes)."""
    started = time.monotonic()
    index = dates = None
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        while time.monotonic() - started < limit:
            newest = conn.execute("SELECT max(seq) FROM appeals").fetchone()[0] or 0
            if index is None and indexed_up_to(conn) >= newest:
                index = time.monotonic() - started
            if dates is None and due_dates_done(conn):
                dates = time.monotonic() - started
            if index is not None and dates is not None:
                return index, dates
            time.sleep(1)
    finally:
        conn.close()
    raise SystemExit("the server's background work did not catch up")


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores, Linux {platform.release()}, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    )


def verdict(ok: bool) -> str:
    return "meets target" if ok else "MISSES target"
