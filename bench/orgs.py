"""What the organisations page's counts cost on a region's store (issue 28: hundreds of
organisations, a million appeals): `orgs_queries.received` — the kept count per organisation
(migration 24) and one index seek per organisation for the last appeal — against the plain
GROUP BY over the appeals it avoids and the board's day counts summed per organisation.

    python bench/orgs.py                       # fill a fresh store (1,000,000 appeals), measure
    python bench/orgs.py --db big.db           # measure a store filled before (kept)

The store is filled as bench/board.py fills it (appeals straight into SQLite through the
triggers intake fires), over 400 organisations, then 100 more that never got an appeal.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from board import fill

from intake_service.console.orgs_queries import received
from intake_service.orgs import create_org
from intake_service.store import open_database

NAIVE = "SELECT target_org_id, count(*), max(created_at) FROM appeals GROUP BY target_org_id"
DAY_SUMS = "SELECT target_org_id, sum(n) FROM appeal_day_counts GROUP BY target_org_id"


def timed(run, n: int) -> list[float]:
    took = []
    for _ in range(n):
        started = time.perf_counter()
        run()
        took.append((time.perf_counter() - started) * 1000)
    return took


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="a store filled before (else a fresh one)")
    parser.add_argument("--appeals", type=int, default=1_000_000)
    parser.add_argument("-n", type=int, default=20, help="runs per measurement")
    args = parser.parse_args()
    db = args.db or Path(tempfile.mkdtemp()) / "orgs.db"
    if not db.exists():
        took = fill(db, args.appeals, orgs=400)
        conn = open_database(db)
        for i in range(100):
            create_org(conn, f"quiet{i:03d}", f"Без обращений {i}")
        conn.close()
        print(f"filled {db} with {args.appeals} appeals in {took:.0f} s")
    conn = open_database(db)
    rows = conn.execute("SELECT count(*) FROM appeal_day_counts").fetchone()[0]
    orgs = conn.execute("SELECT count(*) FROM orgs").fetchone()[0]
    got = received(conn)
    naive = {r[0]: (r[1], r[2]) for r in conn.execute(NAIVE)}
    assert {k: (v.count, v.last_at) for k, v in got.items()} == naive, "the counts disagree"
    print(f"{orgs} organisations, {len(got)} with appeals, {rows} day-count rows")
    for name, run in (
        ("received()", lambda: received(conn)),
        ("GROUP BY appeals", lambda: conn.execute(NAIVE).fetchall()),
        ("sum of day counts", lambda: conn.execute(DAY_SUMS).fetchall()),
    ):
        took = timed(run, args.n)
        print(f"{name:18} median {statistics.median(took):7.1f} ms  max {max(took):7.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
