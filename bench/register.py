"""The register of appeals (`/console`) and the map's data (`/console/map.json`) over a store of
1,000,000 appeals, against a real server, beside the plain Starlette handler (plain_app.py) as
the fixed reference (issue 25).

The store is console.py's (console_store.py: 50 organisations, 5 regions of 9 municipalities,
10 categories, 8 weeks), plus what the register reads and console.py does not: an answer date
on every appeal (30 days after receipt; so about half of the open ones are overdue), a third
of the open appeals assigned to someone, a few waiting for the citizen (`clarifying`), and
coordinates on half of them (the map's points). It is built once and kept on disk
(`~/.cache/pos-intake-bench/register-<appeals>.db`, or `POS_BENCH_CACHE`): a rerun starts the
server on it at once, its search index already caught up.

In one run, on this machine: the plain handler's POST one request at a time (before and after
the rest), then for a municipality's operator, a region's operator (the region and its nine
municipalities) and a platform admin, sequential requests of every one-click view of the
register, the due sort, a few filters and a search, a next page, and the map's data. p50 and
p95 each, and p95 as a multiple of the plain handler's.

Targets: register pages p95 ≤ 50 ms, map data p95 ≤ 100 ms.

Run: python bench/register.py [--appeals 1000000] [--samples 100] [--fresh]
"""

from __future__ import annotations

import argparse
import os
import re
import sqlite3
import statistics
import sys
import time
from pathlib import Path

import httpx

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from console import PASSWORD, pct, sign_in  # noqa: E402
from console_store import fill, make_orgs  # noqa: E402
from harness import caught_up, cli, machine, plain, served  # noqa: E402

USERS = (
    ("mo@bench.example.ru", "municipality operator", ("--org", "mo-0-0")),
    ("region@bench.example.ru", "region operator", ("--org", "region-0")),
    ("root@bench.example.ru", "platform admin", ("--platform",)),
)
VIEWS = ("open", "mine", "unassigned", "overdue", "today", "waiting", "closed", "all")
CHECKS = (
    *((f"view {v}", f"/console?view={v}") for v in VIEWS),
    ("open, by due date", "/console?sort=due"),
    ("overdue, by due date", "/console?view=overdue&sort=due"),
    ("closed, by due date", "/console?view=closed&sort=due"),
    ("all, by due date", "/console?view=all&sort=due"),
    ("open, category roads", "/console?category=roads"),
    ("all, status in_progress", "/console?view=all&status=in_progress"),
    ("open, severity critical", "/console?severity=critical"),
    ("all, search фонари", "/console?view=all&q=фонари"),
)
MAP_CHECKS = (
    ("map data, 7 days", "/console/map.json"),
    ("map data, 30 days, roads", "/console/map.json?days=30&category=roads"),
)
APPEAL = {
    "category": "roads",
    "text": "Яма на дороге у дома 3",
    "contact": {"name": "Иван", "email": "ivan@example.ru"},
    "consent": True,
}


def cache_path(appeals: int) -> Path:
    root = Path(os.environ.get("POS_BENCH_CACHE") or Path.home() / ".cache" / "pos-intake-bench")
    root.mkdir(parents=True, exist_ok=True)
    return root / f"register-{appeals}.db"


def register_shape(db: Path) -> float:
    """What the register reads beyond console.py's store, in one pass (through the same
    triggers the service fires). Returns seconds."""
    started = time.monotonic()
    conn = sqlite3.connect(db, isolation_level=None)
    users = dict(conn.execute("SELECT email, id FROM users").fetchall())
    orgs = dict(conn.execute("SELECT slug, id FROM orgs").fetchall())
    conn.execute("BEGIN IMMEDIATE")
    # a third of the open appeals have someone: the municipality's and the region's operator
    # their own organisation's, a colleague (the platform account) the rest
    conn.execute(
        "UPDATE appeals SET answer_due = date(created_at, '+30 days'), "
        "lat = CASE WHEN seq % 2 = 0 THEN 55.0 + (seq % 997) / 1000.0 END, "
        "lon = CASE WHEN seq % 2 = 0 THEN 37.0 + (seq % 991) / 1000.0 END, "
        "status = CASE WHEN status IN ('registered', 'in_progress') AND seq % 50 = 0 "
        "THEN 'clarifying' ELSE status END, "
        "assignee_id = CASE WHEN seq % 3 <> 0 THEN NULL "
        "WHEN target_org_id = :mo THEN :mo_user WHEN target_org_id = :region THEN :region_user "
        "ELSE :root_user END",
        {
            "mo": orgs["mo-0-0"],
            "region": orgs["region-0"],
            "mo_user": users["mo@bench.example.ru"],
            "region_user": users["region@bench.example.ru"],
            "root_user": users["root@bench.example.ru"],
        },
    )
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return time.monotonic() - started


def build(db: Path, appeals: int) -> None:
    """The store, built beside its final name and renamed when whole (an interrupted build
    leaves no half store to be measured)."""
    partial = db.with_name(db.name + ".partial")
    for leftover in partial.parent.glob(partial.name + "*"):
        leftover.unlink()
    slugs = make_orgs(partial)
    for email, _, where in USERS:
        cli(partial, "user", "add", email, *where, "--password", PASSWORD)
    took = fill(partial, appeals)
    print(f"filled {appeals:,} appeals across {len(slugs)} organisations in {took:.0f} s")
    print(f"answer dates, assignees, coordinates in {register_shape(partial):.0f} s")
    for suffix in ("-wal", "-shm"):
        Path(str(partial) + suffix).unlink(missing_ok=True)
    partial.rename(db)


def timed(client: httpx.Client, path: str, samples: int) -> list[float]:
    client.get(path).raise_for_status()  # warm
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        answer = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        if answer.status_code != 200:
            raise SystemExit(f"{path}: {answer.status_code} {answer.text[:300]}")
    return times


def plain_times(url: str, samples: int) -> list[float]:
    with httpx.Client(base_url=url, timeout=30) as client:
        headers = {"Authorization": "Bearer pos_bench"}
        client.post("/api/v1/appeals", json=APPEAL, headers=headers).raise_for_status()
        times = []
        for _ in range(samples):
            started = time.perf_counter()
            client.post("/api/v1/appeals", json=APPEAL, headers=headers).raise_for_status()
            times.append((time.perf_counter() - started) * 1000)
    return times


def next_page(client: httpx.Client) -> str | None:
    """The open view's second page, as its 'next' link names it."""
    found = re.search(r'href="/console\?([^"]*after=[^"]*)"', client.get("/console").text)
    return "/console?" + found.group(1).replace("&amp;", "&") if found else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--appeals", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--fresh", action="store_true", help="rebuild the kept store")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    os.sched_setaffinity(0, {1})  # the clients on core 1, the servers on core 0
    db = cache_path(args.appeals)
    if args.fresh and db.exists():
        for leftover in db.parent.glob(db.name + "*"):
            leftover.unlink()
    if not db.exists():
        build(db, args.appeals)
    print(f"store: {db} ({db.stat().st_size / 1e6:,.0f} MB)")
    log = db.with_suffix(".log")
    failures = 0
    with (
        served(plain(), {}, log) as plain_url,
        served([sys.executable, "-m", "intake_service", "serve", "--db", str(db)], {}, log) as url,
    ):
        indexed, dated = caught_up(db)
        print(f"search index caught up {indexed:.0f} s after start, due dates {dated:.0f} s")
        reference = plain_times(plain_url, args.samples)
        rows = [
            "| who | what | p50 ms | p95 ms | p95 / plain | target | |",
            "|---|---|---:|---:|---:|---:|---|",
        ]
        results: list[tuple[str, str, float, float, int]] = []
        for email, who, _ in USERS:
            client = sign_in(url, email)
            client.headers["Accept"] = "text/html"
            checks = [(what, path, 50) for what, path in CHECKS]
            second = next_page(client)
            if second:
                checks.insert(1, ("view open, page 2", second, 50))
            checks += [(what, path, 100) for what, path in MAP_CHECKS]
            for what, path, target in checks:
                times = timed(client, path, args.samples)
                results.append((who, what, pct(times, 0.5), pct(times, 0.95), target))
            client.close()
        reference += plain_times(plain_url, args.samples)
        plain_p50, plain_p95 = pct(reference, 0.5), pct(reference, 0.95)
        rows.append(
            f"| plain handler | POST (reference) | {plain_p50:.1f} | {plain_p95:.1f} | 1.0 | — | |"
        )
        for who, what, p50, p95, target in results:
            ok = p95 <= target
            failures += not ok
            rows.append(
                f"| {who} | {what} | {p50:.1f} | {p95:.1f} | {p95 / plain_p95:.1f} "
                f"| ≤ {target} | {'' if ok else '**misses**'} |"
            )
        print("\n".join(rows))
        slowest = max(results, key=lambda r: r[3])
        print(
            f"\n{len(results)} measurements, {failures} over target; slowest p95 "
            f"{slowest[3]:.1f} ms ({slowest[0]}, {slowest[1]}); median p95 "
            f"{statistics.median(r[3] for r in results):.1f} ms"
        )
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
