"""What durable intake costs: the real service against a plain Starlette handler (a fixed
reference that does not move with our code) and against the same request path without storage.

In one run, on this machine:

1. peak — `pos-intake serve`, `bench/plain_app.py` (a plain Starlette handler: parse the JSON,
   check the fields, answer 201) and `bench/bare_app.py` (the service's own request checks, no
   storage), each pinned to core 0 with taskset, loaded in turn by wrk pinned to core 1 with the
   same POST script and connections; rounds alternate so that drift hits all alike; the median
   round counts.
2. p99 at 70 % of peak — all loaded at one fixed rate, 70 % of the durable peak, with the
   paced mode of the same wrk script.
3. one appeal at a time — one connection; the server's CPU time per appeal (from /proc), with
   an e-mail (its notice sent) and with a phone only: what a lone commit costs.
4. a full store — the durable peak again on a store that already holds 1,000,000 appeals
   (with their log entries and delivered queue rows), side by side with a fresh empty store.

The appeal carries an e-mail address, so each one also records a `registered` notice that the
service renders and sends (here into its Maildir). Under full load intake goes first and the mail
follows, so after each durable run the benchmark waits until the last notice is sent (and the
run's appeals are in the console's search index, the other work left behind) and reports both
rates: appeals acknowledged per second of load, and appeals per second with that work done (load
time plus the drain). The next run starts only then: all servers share one core.

`durable` is `pos-intake serve` as deployed, with its worker process (worker.py: the e-mails
are rendered and sent there); `inline` the same with POS_WORKER=inline, one process doing it
all, side by side. Both are pinned to core 0 with everything they start, so the worker shares
the web process's core: what moves is when the work is done, not how much of it there is.

Prints appeals/s, p50 and p99 for each and the ratios against issue 30's targets (durable ≥ 0.3 ×
plain; p99 at 70 % ≤ 20 ms with every notice sent within 5 s; CPU per lone appeal ≤ 500 µs;
full store within 10 % of empty), with the durable / bare ratio beside them for what storage
alone costs.
Installs Debian's wrk when it is missing. Non-2xx answers make the run fail.

Run: python bench/intake.py [--seconds 10] [--rounds 3] [--connections 64] [--stored 1000000]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
from harness import (
    SERVER_PIDS,
    TABLE_HEAD,
    Load,
    bare,
    drained,
    durable,
    ensure_wrk,
    load,
    machine,
    measured,
    plain,
    prepare,
    served,
    verdict,
)


def _stat(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def cpu_seconds(pid: int) -> float:
    """User and system CPU time the process and the processes under it (the worker process
    `serve` starts, and its supervisor) have used so far, all their threads."""
    tree, total = {pid}, 0.0
    for entry in sorted(
        Path("/proc").iterdir(), key=lambda e: int(e.name) if e.name.isdigit() else 0
    ):
        if not entry.name.isdigit():
            continue
        try:
            fields = _stat(int(entry.name))
        except OSError:
            continue
        if int(entry.name) in tree or int(fields[1]) in tree:
            tree.add(int(entry.name))
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


@dataclass
class LoneCost:
    appeals: int
    cpu_us: float  # server CPU per appeal, its notice's delivery included


def lone_cost(
    wrk: str, target: tuple[str, str, Path | None], seconds: int, contact: str
) -> LoneCost:
    """One connection, one appeal at a time: each commit carries one appeal, and the server's
    CPU time per appeal (read from /proc before and after, the notices' drain included) is what
    a lone appeal costs, whatever the machine's speed does to latency."""
    url, key, db = target
    pid = SERVER_PIDS[url]
    before = cpu_seconds(pid)
    run = load(wrk, url, key, seconds, 1, contact=contact)
    drained(db)
    return LoneCost(run.requests, (cpu_seconds(pid) - before) / run.requests * 1e6)


def alternate(
    wrk: str,
    targets: dict[str, tuple[str, str, Path | None]],
    rounds: int,
    seconds: int,
    connections: int,
) -> dict[str, list[Load]]:
    """Peak runs of each target (name -> URL, key, database whose notices to wait for) in
    turn, round after round, after a short warm-up of each that is not counted: drift of the
    machine hits all targets alike."""
    for target in targets.values():
        measured(wrk, target, 2, connections)
    runs: dict[str, list[Load]] = {name: [] for name in targets}
    for _ in range(rounds):
        for name, target in targets.items():
            runs[name].append(measured(wrk, target, seconds, connections))
    return runs


def stored_appeals(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM appeals").fetchone()[0]


def prefill(db: Path, url: str, key: str, count: int) -> None:
    """Fill the store with `count` appeals shaped like one filed through the API: its row,
    its `accepted` log entry and its queue row (delivered, as in a store that has run a while),
    numbered in the organisation's sequence so that the next number continues after them."""
    reply = httpx.post(
        url + "/api/v1/appeals",
        json={
            "category": "roads",
            "text": "Яма на проезжей части у дома 12 по улице Ленина, глубина около 20 см.",
            "address": "ул. Ленина, 12",
            "contact": {"name": "Иван Петров", "email": "ivan.petrov@example.ru"},
            "consent": True,
        },
        headers={"Authorization": f"Bearer {key}"},
    )
    reply.raise_for_status()
    template = reply.json()["id"]
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        org_id, year_number = conn.execute(
            "SELECT target_org_id, number FROM appeals WHERE id = ?", (template,)
        ).fetchone()
        prefix = year_number.rsplit("-", 1)[0]
        # Ids sort before the uuid7s of new appeals, as older uuid7s would.
        conn.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
            "INSERT INTO appeals (id, number, origin_org_id, target_org_id, kind, category, "
            "text, address, lat, lon, contact, page_url, channel, embed_origin, loader_version, "
            "status, created_at) "
            "SELECT printf('00000000-0000-7000-8000-%012x', i), printf('%s-%06d', ?, i + 1), "
            "origin_org_id, target_org_id, kind, category, text, address, lat, lon, contact, "
            "page_url, channel, embed_origin, loader_version, status, created_at "
            "FROM appeals, n WHERE appeals.id = ?",
            (count - 1, prefix, template),
        )
        conn.execute(
            "INSERT INTO events (at, type, org_id, appeal_id, request_id, remote_addr, reason, "
            "data) SELECT e.at, e.type, e.org_id, a.id, e.request_id, e.remote_addr, e.reason, "
            "json_set(e.data, '$.number', a.number) "
            "FROM appeals a, events e WHERE e.appeal_id = ? AND a.id LIKE '00000000-%'",
            (template,),
        )
        conn.execute(
            "INSERT INTO outbox (appeal_id, org_id, sink, state, attempts, next_attempt_at, "
            "updated_at) SELECT a.id, x.org_id, x.sink, 'done', 1, x.next_attempt_at, "
            "x.updated_at FROM appeals a, outbox x "
            "WHERE x.appeal_id = ? AND a.id LIKE '00000000-%'",
            (template,),
        )
        conn.execute(
            "UPDATE org_sequences SET last = ? WHERE org_id = ? AND year = ?",
            (count + 1, org_id, int(prefix.rsplit("-", 1)[1])),
        )
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


@dataclass
class WalReport:
    appeals: int
    rate: float
    max_mb: float
    end_mb: float
    db_mb: float


def wal_under_load(wrk: str, tmp: Path, log: Path, minutes: float, connections: int) -> WalReport:
    """The durable service at full load for `minutes`, its WAL's size sampled every second:
    checkpoints must keep it bounded while writes never stop."""
    import threading

    db = tmp / "wal.db"
    key = prepare(db)
    wal = db.with_name(db.name + "-wal")
    sizes: list[int] = []
    done = threading.Event()

    def sample() -> None:
        while not done.wait(1.0):
            sizes.append(wal.stat().st_size if wal.exists() else 0)

    with served(durable(db), {}, log) as url:
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        run = load(wrk, url, key, int(minutes * 60), connections)
        done.set()
        sampler.join()
        end = wal.stat().st_size if wal.exists() else 0
    return WalReport(
        appeals=run.requests,
        rate=run.rate,
        max_mb=max(sizes or [0]) / 1e6,
        end_mb=end / 1e6,
        db_mb=db.stat().st_size / 1e6,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=10, help="length of each load run")
    parser.add_argument("--rounds", type=int, default=3, help="alternating peak rounds")
    parser.add_argument("--connections", type=int, default=64, help="wrk connections")
    parser.add_argument(
        "--stored", type=int, default=1_000_000, help="appeals in the full store (0: skip)"
    )
    parser.add_argument(
        "--wal-minutes",
        type=float,
        default=10,
        help="minutes of full load while the WAL's size is sampled (0: skip)",
    )
    args = parser.parse_args()
    if (os.cpu_count() or 1) < 2:
        raise SystemExit("needs two cores: one for the server, one for wrk")
    wrk = ensure_wrk()
    seconds, conns = args.seconds, args.connections
    print(f"machine: {machine()}")
    print(f"load: wrk -t1 -c{conns}, {seconds:g} s runs; server on core 0, wrk on core 1\n")

    with tempfile.TemporaryDirectory(prefix="pos-bench-") as tmp_name:
        tmp = Path(tmp_name)
        log = tmp / "servers.log"
        durable_db, bare_db = tmp / "durable.db", tmp / "bare.db"
        durable_key, bare_key = prepare(durable_db), prepare(bare_db)
        inline_db = tmp / "inline.db"
        inline_key = prepare(inline_db)

        with (
            served(plain(), {}, log) as plain_url,
            served(bare(bare_db), {}, log) as bare_url,
            served(durable(durable_db), {}, log) as durable_url,
            served(durable(inline_db), {"POS_WORKER": "inline"}, log) as inline_url,
        ):
            targets: dict[str, tuple[str, str, Path | None]] = {
                "plain": (plain_url, bare_key, None),
                "bare": (bare_url, bare_key, None),
                "durable": (durable_url, durable_key, durable_db),
                "inline": (inline_url, inline_key, inline_db),
            }
            peaks = alternate(wrk, targets, args.rounds, seconds, conns)
            peak = {
                n: sorted(runs, key=lambda x: x.rate)[len(runs) // 2] for n, runs in peaks.items()
            }
            # 70 % of what the service keeps up with, notices included: a rate above that
            # leaves a growing backlog behind, and its latency says nothing about the service
            kept_up = sorted(x.sustained for x in peaks["durable"])[args.rounds // 2]
            paced_rate = 0.7 * kept_up
            paced = {
                n: measured(wrk, target, seconds, conns, rate=paced_rate)
                for n, target in targets.items()
            }
            lone = {
                (n, contact): lone_cost(wrk, target, seconds, contact)
                for contact in ("email", "phone")
                for n, target in targets.items()
            }

        print("### Peak (median of alternating rounds)\n")
        print(TABLE_HEAD.format(what="handler"))
        for name, runs in peaks.items():
            for i, run in enumerate(runs, 1):
                print(run.row(f"{name}, round {i}"))
        rate_ratio = peak["durable"].rate / peak["plain"].rate
        bare_ratio = peak["durable"].rate / peak["bare"].rate
        inline_ratio = peak["inline"].rate / peak["plain"].rate
        print(
            f"\ndurable (worker process) / plain rate: **{rate_ratio:.2f}** "
            f"(target ≥ 0.3: {verdict(rate_ratio >= 0.3)}); inline / plain: {inline_ratio:.2f}; "
            "with its notices sent: "
            f"{kept_up / peak['plain'].rate:.2f}; durable / bare: {bare_ratio:.2f}; "
            f"bare / plain: {peak['bare'].rate / peak['plain'].rate:.2f}\n"
        )

        print(
            f"### Fixed rate: {paced_rate:,.0f} appeals/s "
            "(70 % of the durable peak with its notices sent)\n"
        )
        print(TABLE_HEAD.format(what="handler"))
        for name, run in paced.items():
            print(run.row(name))
        p99 = paced["durable"].p99_ms
        p99_ratio = p99 / paced["plain"].p99_ms
        print(
            f"\ndurable p99 at 70 %: **{p99:.1f} ms** (target ≤ 20 ms: {verdict(p99 <= 20)}); "
            f"inline: {paced['inline'].p99_ms:.1f} ms; durable / plain p99: {p99_ratio:.2f}; "
            f"notices all sent {paced['durable'].drain_seconds:.1f} s after the load ended "
            f"(target: within 5 s: {verdict(paced['durable'].drain_seconds <= 5)})\n"
        )

        print("### One appeal at a time: server CPU per appeal (one connection)\n")
        print("| handler | appeal with e-mail: µs | appeals | with a phone only: µs | appeals |")
        print("|---|---:|---:|---:|---:|")
        for name in targets:
            mail, phone = lone[(name, "email")], lone[(name, "phone")]
            print(
                f"| {name} | {mail.cpu_us:,.0f} | {mail.appeals:,} "
                f"| {phone.cpu_us:,.0f} | {phone.appeals:,} |"
            )
        for contact, what in (("phone", "a phone only"), ("email", "e-mail, its notice sent")):
            storage = lone[("durable", contact)].cpu_us - lone[("bare", contact)].cpu_us
            print(f"\ndurable − bare, {what}: **{storage:,.0f} µs** of CPU per lone appeal")
        lone_us = lone[("durable", "phone")].cpu_us
        print(
            f"\nCPU per lone durable appeal (a phone only, both processes): **{lone_us:,.0f} µs** "
            f"(target ≤ 500 µs: {verdict(lone_us <= 500)})"
        )
        print()

        store_runs: dict[str, list[Load]] = {"empty": [], "full": []}
        store_ratio = 1.0
        if args.stored:
            empty_db, full_db = tmp / "empty.db", tmp / "full.db"
            empty_key, full_key = prepare(empty_db), prepare(full_db)
            started = time.monotonic()
            with served(durable(full_db), {}, log) as url:
                prefill(full_db, url, full_key, args.stored)
                fill_seconds = time.monotonic() - started
                index_seconds = drained(full_db, timeout=1800)
            stored = stored_appeals(full_db)
            size_mb = full_db.stat().st_size / 1e6
            with (
                served(durable(empty_db), {}, log) as empty_url,
                served(durable(full_db), {}, log) as full_url,
            ):
                stores: dict[str, tuple[str, str, Path | None]] = {
                    "empty": (empty_url, empty_key, empty_db),
                    "full": (full_url, full_key, full_db),
                }
                store_runs = alternate(wrk, stores, args.rounds, seconds, conns)
            median = {
                n: sorted(r, key=lambda x: x.rate)[len(r) // 2] for n, r in store_runs.items()
            }

            print(
                f"### Store size: empty against {stored:,} appeals "
                f"({size_mb:,.0f} MB, filled in {fill_seconds:.0f} s, then indexed for search "
                f"in {index_seconds:.0f} s before the first round)\n"
            )
            print(TABLE_HEAD.format(what="store"))
            for name, runs in store_runs.items():
                for i, run in enumerate(runs, 1):
                    print(run.row(f"{name}, round {i}"))
            store_ratio = median["full"].rate / median["empty"].rate
            print(
                f"\nfull / empty rate: **{store_ratio:.2f}** "
                f"(target within 10 %: {verdict(abs(1 - store_ratio) <= 0.10)})"
            )

        wal = wal_under_load(wrk, tmp, log, args.wal_minutes, conns) if args.wal_minutes else None
        if wal is not None:
            print(
                f"\n### WAL under {args.wal_minutes:g} minutes of full load\n\n"
                f"{wal.appeals:,} appeals at {wal.rate:,.0f}/s; WAL largest "
                f"{wal.max_mb:,.1f} MB, at the end {wal.end_mb:,.1f} MB; database "
                f"{wal.db_mb:,.0f} MB; samples every second\n"
            )

        all_runs = [*(run for runs in peaks.values() for run in runs), *paced.values()]
        all_runs += [*store_runs["empty"], *store_runs["full"]]
        if any(run.errors for run in all_runs):
            print("\nsome requests failed: the figures above are not valid", file=sys.stderr)
            return 1
    met = rate_ratio >= 0.3 and p99 <= 20 and abs(1 - store_ratio) <= 0.10
    return 0 if met else 1  # like bench/forward.py: a missed target is a failed run


if __name__ == "__main__":
    raise SystemExit(main())
