"""Which read path uses which index on `appeals`: every statement the service runs on `appeals`
during some test stories, traced, then each asked for its plan on a store at the current schema.

The stories run as they always do — real servers in processes of their own — with a
`sitecustomize` on their path that sets a trace callback on every SQLite connection and writes
each distinct statement (literals folded) that reads `appeals` to a file per process. Then every
statement is `EXPLAIN QUERY PLAN`ned on an empty store migrated to the current schema: the
plans SQLite makes without `ANALYZE` (the service never runs it) depend on the schema only, not
on how many rows there are. Statements whose plan names no index of `appeals` are left out.

Prints, per index on `appeals`: how many traced statements use it and the first few of them
(shortened), then the indexes no traced statement used.

With `--compare`, the statements whose plan differs on the schema before migration 27 instead.

Run: python bench/index_use.py [--compare] [pytest arguments, e.g. tests/test_console_register.py]
Without arguments it runs the console's, the follow-through's, Open311's and the queue's stories.
Or `--traces DIR` to read the files of an earlier run.
"""

from __future__ import annotations

import argparse
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from intake_service.migrations import MIGRATIONS  # noqa: E402
from intake_service.store import open_database  # noqa: E402

STORIES = [
    "tests/test_console_register.py",
    "tests/test_console_log.py",
    "tests/test_console_board.py",
    "tests/test_console_map.py",
    "tests/test_console_stats.py",
    "tests/test_console_orgs.py",
    "tests/test_console_similar.py",
    "tests/test_console_appeal.py",
    "tests/test_console_handling.py",
    "tests/test_console_citizen.py",
    "tests/test_console_taken.py",
    "tests/test_open311.py",
    "tests/test_followup_story.py",
    "tests/test_tracking_followup.py",
    "tests/test_citizen_ways_back.py",
    "tests/test_follow.py",
    "tests/test_form_similar.py",
    "tests/test_oidc_signin.py",
    "tests/test_erasure.py",
    "tests/test_deadlines.py",
    "tests/test_queue.py",
]

SITECUSTOMIZE = """
import os, re, sqlite3
_out = os.environ.get("POS_BENCH_TRACE")
if _out:
    _seen = set()
    _connect = sqlite3.connect
    _literals = re.compile(r"'(?:[^']|'')*'|\\b\\d+(?:\\.\\d+)?\\b")
    def _trace(sql):
        if "appeals" not in sql:
            return
        if sql.lstrip()[:6].upper() not in ("SELECT", "UPDATE", "DELETE") and not sql.lstrip().upper().startswith("WITH"):
            return
        key = _literals.sub("?", sql)
        if key in _seen:
            return
        _seen.add(key)
        with open(f"{_out}.{os.getpid()}", "a") as f:
            f.write(sql.replace("\\n", " ") + "\\n\\x00\\n")
    def connect(*args, **kwargs):
        conn = _connect(*args, **kwargs)
        conn.set_trace_callback(_trace)
        return conn
    sqlite3.connect = connect
"""

_LITERALS = re.compile(r"'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b")
_INDEX = re.compile(r"(?:COVERING )?INDEX (\w+)")


def trace(folder: Path, pytest_args: list[str]) -> None:
    site = folder / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
    env = {**os.environ, "PYTHONPATH": str(site), "POS_BENCH_TRACE": str(folder / "q")}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *pytest_args]
    subprocess.run(command, cwd=ROOT, env=env, check=False)


def statements(folder: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    for path in folder.glob("q.*"):
        for sql in path.read_text().split("\n\x00\n"):
            sql = sql.strip()
            if sql:
                found.setdefault(_LITERALS.sub("?", sql), sql)
    return found


def plans(found: dict[str, str]) -> dict[str, list[str]]:
    """index name → the statements whose plan uses it."""
    with tempfile.TemporaryDirectory() as tmp:
        conn = open_database(Path(tmp) / "schema.db")
        names = {
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'appeals'"
            )
        }
        used: dict[str, list[str]] = defaultdict(list)
        for sql in found.values():
            try:
                rows = conn.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall()
            except sqlite3.Error:
                continue  # a statement of another schema (a test's own) or a temp table
            for name in {m for row in rows for m in _INDEX.findall(row[3])} & names:
                used[name].append(sql)
        conn.close()
    for name in names:
        used.setdefault(name, [])
    return used


def changed_plans(found: dict[str, str]) -> list[tuple[str, list[str], list[str]]]:
    """The statements whose plan differs on the schema before migration 27: (statement, plan
    before, plan now)."""
    changed = []
    with tempfile.TemporaryDirectory() as tmp:
        now = open_database(Path(tmp) / "now.db")
        # migrated up to 26 for real: the planner breaks ties between indexes by their order
        later = {n: MIGRATIONS.pop(n) for n in sorted(MIGRATIONS) if n >= 27}
        try:
            before = open_database(Path(tmp) / "before.db")
        finally:
            MIGRATIONS.update(later)
        for sql in found.values():
            try:
                plan_now = [row[3] for row in now.execute(f"EXPLAIN QUERY PLAN {sql}")]
                plan_before = [row[3] for row in before.execute(f"EXPLAIN QUERY PLAN {sql}")]
            except sqlite3.Error:
                continue
            if plan_now != plan_before:
                changed.append((sql, plan_before, plan_now))
        now.close()
        before.close()
    return changed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--traces", type=Path, help="read the trace files of an earlier run")
    parser.add_argument("--show", type=int, default=3, help="statements shown per index")
    parser.add_argument(
        "--compare", action="store_true", help="the plans that migration 27 changed, instead"
    )
    args, pytest_args = parser.parse_known_args()
    if args.traces is not None:
        found = statements(args.traces)
    else:
        with tempfile.TemporaryDirectory(prefix="index-use-") as tmp:
            trace(Path(tmp), pytest_args or ["-n", "2", "--dist", "loadgroup", *STORIES])
            found = statements(Path(tmp))
    if args.compare:
        changed = changed_plans(found)
        print(f"{len(found)} distinct statements on appeals traced, {len(changed)} plans changed")
        for sql, plan_before, plan_now in changed:
            print("\n   ", " ".join(sql.split())[:240])
            print("    before:", "; ".join(plan_before))
            print("    now:   ", "; ".join(plan_now))
        return
    used = plans(found)
    print(f"{len(found)} distinct statements on appeals traced")
    for name in sorted(used, key=lambda n: (-len(used[n]), n)):
        print(f"\n{name}: {len(used[name])} statements")
        for sql in used[name][: args.show]:
            print("   ", " ".join(sql.split())[:240])


if __name__ == "__main__":
    main()
