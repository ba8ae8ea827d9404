"""Intake on PostgreSQL against intake on SQLite, and two nodes on one PostgreSQL against one.

In one run, on this machine, with the same wrk script and connections as bench/intake.py:

1. one node — `pos-intake serve` on a SQLite file, the same on the machine's PostgreSQL, and
   `bench/plain_app.py` (a plain Starlette handler: the fixed reference that does not move with
   our code), loaded in turn, rounds alternating, the median round counting. The node is pinned
   to core 0, wrk to core 1. PostgreSQL's server processes are pinned with `taskset` for each
   run, two ways: on core 1 beside wrk — a database server with a core of its own, as in a
   deployment, where SQLite's share of the work is inside the node's core — and on core 0 with
   the node, where storage and service share one core as they do with SQLite (the worst case:
   every statement is a switch between the two processes).
2. two nodes — two `pos-intake serve` processes on the same PostgreSQL database (on core 1),
   each loaded by its own wrk with half the connections at the same time, against one node
   with all of them. Both nodes sit on core 0: the same CPU as one node, so the ratio says what
   sharing one database costs (sequences, row locks, the shared outbox), not how a second
   machine would scale.

Each appeal carries an e-mail address, so it also records a `registered` notice; after each run
the benchmark waits until the notices are sent and the appeals are in the search index, and
reports both rates, as bench/intake.py does. Prints the ratios against the target: one
PostgreSQL node ≥ 0.6 × the SQLite node's acknowledged rate.

Needs the machine's PostgreSQL (scripts/postgres-up) and two cores; installs Debian's wrk. The
target is judged on the deployment-like run (PostgreSQL on a core of its own); the shared-core
ratio is printed beside it.
Run: python bench/postgres.py [--seconds 10] [--rounds 3] [--connections 64]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness as common  # bench/harness.py: wrk, servers, the table

from intake_service.store import connect

SERVER = os.environ.get("POS_BENCH_POSTGRES", "postgresql://pos:pos@127.0.0.1:5432")
DATABASES = ("pos_bench_one", "pos_bench_two")
TARGET = 0.6
OWN_CORE, SHARED_CORE = "1", "0"  # where PostgreSQL runs: beside wrk, or beside the node
PG_OWN = "PostgreSQL node, database on its own core"
PG_SHARED = "PostgreSQL node, database on the node's core"
PG_TWO = "two PostgreSQL nodes, database on its own core"


def fresh_database(name: str) -> str:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name}")
    return f"{SERVER}/{name}"


def drop_database(name: str) -> None:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def work_waiting(db: str | Path) -> tuple[int, int]:
    """(notices not yet sent, appeals not yet in the search index), on either engine."""
    conn = connect(db)
    try:
        mail = conn.execute(
            "SELECT count(*) FROM outbox WHERE sink = 'mail' AND state IN "
            "('pending', 'inflight', 'failed')"
        ).fetchone()[0]
        if isinstance(db, Path):
            return common.work_waiting(db)
        unindexed = conn.execute(
            "SELECT count(*) FROM appeals a WHERE NOT EXISTS "
            "(SELECT 1 FROM appeal_search s WHERE s.seq = a.seq)"
        ).fetchone()[0]
        return mail, unindexed
    finally:
        conn.close()


def postgres_pids() -> list[str]:
    found = subprocess.run(["pgrep", "-u", "postgres"], capture_output=True, text=True)
    return found.stdout.split()


@contextmanager
def postgres_on(cores: str) -> Iterator[None]:
    """PostgreSQL's processes (and the backends it forks later) on `cores` for a while."""
    everywhere = f"0-{(os.cpu_count() or 1) - 1}"
    for pid in postgres_pids():
        subprocess.run(["taskset", "-a", "-p", "-c", cores, pid], capture_output=True)
    try:
        yield
    finally:
        for pid in postgres_pids():
            subprocess.run(["taskset", "-a", "-p", "-c", everywhere, pid], capture_output=True)


def measured(wrk: str, url: str, key: str, db: str | Path | None, seconds: int, conns: int):
    run = common.load(wrk, url, key, seconds, conns)
    run.drain_seconds = common.drained(db, waiting=work_waiting)
    return run


def together(
    wrk: str, nodes: list[tuple[str, str]], db: str, seconds: int, conns: int
) -> common.Load:
    """Every node loaded at once by a wrk of its own, connections shared out; one Load with the
    summed requests and the worse percentiles."""
    runs: list[common.Load] = []

    def one(url: str, key: str) -> None:
        runs.append(common.load(wrk, url, key, seconds, max(1, conns // len(nodes))))

    threads = [threading.Thread(target=one, args=node) for node in nodes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    summed = common.Load(
        requests=sum(r.requests for r in runs),
        seconds=max(r.seconds for r in runs),
        errors=sum(r.errors for r in runs),
        p50_ms=max(r.p50_ms for r in runs),
        p99_ms=max(r.p99_ms for r in runs),
    )
    summed.drain_seconds = common.drained(db, waiting=work_waiting)
    return summed


def median(runs: list[common.Load]) -> common.Load:
    return sorted(runs, key=lambda r: r.rate)[len(runs) // 2]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=10, help="length of each load run")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds")
    parser.add_argument("--connections", type=int, default=64, help="wrk connections")
    args = parser.parse_args()
    if (os.cpu_count() or 1) < 2:
        raise SystemExit("needs two cores: one for the servers and PostgreSQL, one for wrk")
    wrk = common.ensure_wrk()
    seconds, conns = args.seconds, args.connections
    with psycopg.connect(f"{SERVER}/postgres") as probe:
        version = probe.execute("SHOW server_version").fetchone()[0]
    print(f"machine: {common.machine()}, PostgreSQL {version}")
    print(f"load: wrk -t1 -c{conns}, {seconds:g} s runs; servers on core 0, wrk on core 1\n")

    with tempfile.TemporaryDirectory(prefix="pos-bench-pg-") as tmp_name:
        tmp = Path(tmp_name)
        log = tmp / "servers.log"
        sqlite_db = tmp / "sqlite.db"
        one_db, two_db = (fresh_database(name) for name in DATABASES)
        # on PostgreSQL photos and mail default to the working folder: keep them in the run's own
        media = {"POS_MEDIA_DIR": str(tmp / "media"), "POS_MAILDIR": str(tmp / "mail")}
        try:
            sqlite_key, one_key, two_key = (common.prepare(d) for d in (sqlite_db, one_db, two_db))
            with (
                common.served(common.plain(), {}, log) as plain_url,
                common.served(common.durable(sqlite_db), {}, log) as sqlite_url,
                common.served(common.durable(one_db), media, log) as one_url,
                common.served(common.durable(two_db), media, log) as two_a,
                common.served(common.durable(two_db), media, log) as two_b,
            ):
                # name -> (URL, key, database, cores PostgreSQL runs on meanwhile)
                targets = {
                    "plain": (plain_url, sqlite_key, None, OWN_CORE),
                    "SQLite node": (sqlite_url, sqlite_key, sqlite_db, OWN_CORE),
                    PG_OWN: (one_url, one_key, one_db, OWN_CORE),
                    PG_SHARED: (one_url, one_key, one_db, SHARED_CORE),
                }
                pair = [(two_a, two_key), (two_b, two_key)]
                for url, key, db, cores in targets.values():  # warm-up, not counted
                    with postgres_on(cores):
                        measured(wrk, url, key, db, 2, conns)
                with postgres_on(OWN_CORE):
                    together(wrk, pair, two_db, 2, conns)
                runs: dict[str, list[common.Load]] = {name: [] for name in targets}
                runs[PG_TWO] = []
                for _ in range(args.rounds):
                    for name, (url, key, db, cores) in targets.items():
                        with postgres_on(cores):
                            runs[name].append(measured(wrk, url, key, db, seconds, conns))
                    with postgres_on(OWN_CORE):
                        runs[PG_TWO].append(together(wrk, pair, two_db, seconds, conns))
        finally:
            for name in DATABASES:
                drop_database(name)

    peak = {name: median(r) for name, r in runs.items()}
    print(common.TABLE_HEAD.format(what="server (median round)"))
    for name, run in peak.items():
        print(run.row(name))
    sqlite = peak["SQLite node"]
    ratio = peak[PG_OWN].rate / sqlite.rate
    print()
    print(f"PostgreSQL (own core) / SQLite, acknowledged: {ratio:.2f} (target ≥ {TARGET}: "
          f"{common.verdict(ratio >= TARGET)})")  # fmt: skip
    print(f"PostgreSQL (own core) / SQLite, with notices sent: "
          f"{peak[PG_OWN].sustained / sqlite.sustained:.2f}")  # fmt: skip
    print(
        f"PostgreSQL (node's core) / SQLite, acknowledged: {peak[PG_SHARED].rate / sqlite.rate:.2f}"
    )
    for name in ("SQLite node", PG_OWN, PG_SHARED):
        print(f"{name} / plain: {peak[name].rate / peak['plain'].rate:.2f}")
    print(
        f"two PostgreSQL nodes / one (nodes on one core): {peak[PG_TWO].rate / peak[PG_OWN].rate:.2f}"
    )
    errors = sum(r.errors for rs in runs.values() for r in rs)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
