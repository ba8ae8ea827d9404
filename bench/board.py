"""The heat board's and statistics' speed over a large store (issue 10: board data p95 ≤ 100 ms
with 1,000,000 appeals across 50 organisations and 10 categories).

    python bench/board.py                      # fill a fresh store (1,000,000 appeals), measure
    python bench/board.py --db big.db          # measure a store filled before (kept)

The filler writes appeals straight into SQLite — through the same triggers the service's writer
fires, so the kept counts are what intake would have left — spread over a year, denser lately,
with a realistic mix of statuses, severities, kinds and channels. The measurement runs against a
real `pos-intake serve`: a platform admin (every organisation: 50 rows × 10 categories) and an
operator of one organisation load `/console/board.json` and `/console/stats` one after another.
Beside them, in the same run and on the same pinned core, the plain Starlette handler
(plain_app.py, the fixed reference) answers POSTs one at a time, before and after; each p95 is
also given as a multiple of the reference's (issue 30: statistics p95 ≤ 50 ms).

To measure another tree's server on the same store (e.g. before a change), run with
`PYTHONPATH=<that tree>`: the server and the CLI are started from it.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from console_helpers import add_user, sign_in  # noqa: E402
from harness import caught_up, plain, served  # noqa: E402

from intake_service.categories import DEFAULT_CATALOGUE  # noqa: E402
from intake_service.orgs import create_org  # noqa: E402
from intake_service.store import open_database, transaction  # noqa: E402

from conftest import appeal  # noqa: E402

STATUSES = [
    "accepted",
    "registered",
    "in_progress",
    "answered",
    "resolved",
    "rejected",
    "duplicate",
]
STATUS_WEIGHTS = [5, 2, 2, 30, 40, 5, 3]


def fill(db: Path, appeals: int, orgs: int = 50) -> float:
    conn = open_database(db, synchronous="OFF")
    for i in range(orgs):
        create_org(conn, f"org{i:02d}", f"Организация {i}", origins=["https://x.example.ru"])
    ids = [row[0] for row in conn.execute("SELECT id FROM orgs")]
    codes = [c.code for c in DEFAULT_CATALOGUE]
    now = datetime.now(UTC)
    rnd = random.Random(1)
    started = time.perf_counter()
    batch: list[tuple[object, ...]] = []
    for n in range(appeals):
        created = now - timedelta(seconds=rnd.random() * 365 * 86400 * (n / appeals) ** 0.5)
        status = rnd.choices(STATUSES, STATUS_WEIGHTS)[0]
        answered = None
        if status in ("answered", "resolved"):
            answered = created + timedelta(hours=rnd.random() * 200)
        org = rnd.choice(ids)
        batch.append(
            (
                uuid.uuid4().hex,
                f"N{n}",
                org,
                org,
                rnd.choice(["message", "official"]),
                rnd.choice(codes),
                "текст",
                "{}",
                rnd.choice(["api", "form"]),
                status,
                created.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                rnd.choice([None, None, "low", "medium", "high", "critical"]),
                answered.strftime("%Y-%m-%dT%H:%M:%S.000Z") if answered else None,
            )
        )
        if len(batch) == 20_000 or n == appeals - 1:
            with transaction(conn):
                conn.executemany(
                    "INSERT INTO appeals (id, number, origin_org_id, target_org_id, kind, "
                    "category, text, contact, channel, status, created_at, severity, answered_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    batch,
                )
            batch = []
    conn.close()
    return time.perf_counter() - started


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def timed(client: httpx.Client, path: str, n: int) -> list[float]:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        answer = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200, answer.text[:300]
    return times


def plain_times(url: str, samples: int) -> list[float]:
    """The fixed reference: the plain Starlette handler's POST, one request at a time."""
    body, headers = appeal(), {"Authorization": "Bearer pos_bench"}
    with httpx.Client(base_url=url, timeout=30) as client:
        client.post("/api/v1/appeals", json=body, headers=headers).raise_for_status()
        times = []
        for _ in range(samples):
            started = time.perf_counter()
            client.post("/api/v1/appeals", json=body, headers=headers).raise_for_status()
            times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="a store filled before (else a fresh one)")
    parser.add_argument("--appeals", type=int, default=1_000_000)
    parser.add_argument("-n", type=int, default=200, help="requests per measurement")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="pos-board-"))
    db = args.db or tmp / "board.db"
    if not db.exists():
        took = fill(db, args.appeals)
        print(f"filled {args.appeals:,} appeals in {took:.0f} s (with the count triggers)")
    for email, org, platform in (
        ("root@bench.example.ru", None, True),
        ("org@bench.example.ru", "org07", False),
    ):
        with contextlib.suppress(AssertionError):  # made by an earlier run on the same store
            add_user(db, email, org, platform=platform)
    log = tmp / "servers.log"
    rows: list[tuple[str, str, list[float], str]] = []
    try:
        with (
            served(plain(), {}, log) as plain_url,
            served(
                [sys.executable, "-m", "intake_service", "serve", "--db", str(db)], {}, log
            ) as url,
        ):
            indexed, dated = caught_up(db)
            print(
                f"background work of the filled store done: index {indexed:.0f} s, due dates {dated:.0f} s"
            )
            reference = plain_times(plain_url, args.n)
            for email, label in (
                ("root@bench.example.ru", "platform admin, 50 × 10"),
                ("org@bench.example.ru", "one org"),
            ):
                client = sign_in(url, email)
                try:
                    timed(client, "/console/board.json", 10)  # warm the caches
                    board = timed(client, "/console/board.json", args.n)
                    timed(client, "/console/stats", 5)
                    stats = timed(client, "/console/stats", max(20, args.n // 2))
                finally:
                    client.close()
                rows.append((label, "board.json", board, "p95 ≤ 100 ms"))
                rows.append((label, "stats (30 days)", stats, "p95 ≤ 50 ms"))
            reference += plain_times(plain_url, args.n)
    finally:
        subprocess.run(["rm", "-rf", str(tmp)], check=False)
    plain_p95 = pct(reference, 0.95)
    print("| who | data | p50 ms | p95 ms | p95 / plain | target |")
    print("|---|---|---:|---:|---:|---|")
    print(
        f"| plain Starlette handler (reference) | POST | {pct(reference, 0.5):.1f} "
        f"| {plain_p95:.1f} | 1.0 | — |"
    )
    for label, what, times, target in rows:
        limit = float(target.split()[-2])
        verdict = "meets" if pct(times, 0.95) <= limit else "MISSES"
        print(
            f"| {label} | {what} | {pct(times, 0.5):.1f} | {pct(times, 0.95):.1f} "
            f"| {pct(times, 0.95) / plain_p95:.1f} | {target}: {verdict} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
