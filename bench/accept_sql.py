"""What each part of an appeal's acceptance costs in SQLite: every index on `appeals`, every
count trigger its row and its outbox rows fire, and the citizen's `registered` notice.

The writer operation alone (`appeals.accept_op`), in-process, on real SQLite files in WAL at
`synchronous=FULL` as the service opens them (`store.connect`), without the request path around
it. One store per variant, each a copy of the same store filled with `--prefill` appeals (so the
indexes have the depth of a used store, not of an empty one); a variant drops one index or
trigger from its copy, or changes what the operation writes. The variants take turns, `--turn`
appeals each, `--appeals` in all, in writer batches of `--batch` (a savepoint per operation,
one COMMIT per batch, the WAL copied back after it, untimed, as checkpoints.py does).

A component's cost is the full schema's time minus the time without it: the median of the
differences of paired turns, so that a moment the shared machine was busy elsewhere falls on
both sides. Times are CPU time of the thread that runs them (`time.thread_time`: what the
server pays); a loaded machine still inflates them (cache misses), so compare within one run.
Columns: the operation (its statements, on the loop), the COMMIT's share per appeal (writing
the pages the operation dirtied to the WAL; the fsync's wait is not CPU), and their sum. The
first table also holds the schema before migration 27 (`BEFORE_27`) against the current one.

Run: python bench/accept_sql.py [--appeals 2000] [--prefill 5000] [--batch 200] [--turn 20]
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from intake_service.appeal_input import AppealInput  # noqa: E402
from intake_service.appeals import NewAppeal, accept_op  # noqa: E402
from intake_service.forward.outbox import EMBEDDED_SINK  # noqa: E402
from intake_service.lifecycle import notices as notices_module  # noqa: E402
from intake_service.lifecycle.deadlines import Due  # noqa: E402
from intake_service.orgs import Org, create_org  # noqa: E402
from intake_service.store import connect, open_database  # noqa: E402

ORGS = 5
CATEGORIES = ("roads", "yards", "lighting", "transport", "waste")
TEXT = "Яма на проезжей части у дома 12 по улице Ленина, глубина около 20 см. " * 3
COUNT_TRIGGERS = (
    "appeal_counts_insert",
    "appeal_due_counts_insert",
    "appeal_org_counts_insert",
    "outbox_counts_insert",
)


@dataclass(frozen=True)
class Variant:
    name: str
    drop: tuple[str, ...] = ()  # DROP INDEX / DROP TRIGGER in its copy
    create: tuple[str, ...] = ()  # statements run in its copy after the drops
    email: bool = True  # the citizen gets copies: the `registered` notice is recorded
    notice_outbox: bool = True  # the notice's own outbox row (the `mail` sink's)


# the schema as it was before migration 27 (migrations/intake_indexes.py), for the comparison
_OPEN = "('accepted', 'registered', 'in_progress', 'forwarded', 'clarifying')"
BEFORE_27 = Variant(
    "full schema before migration 27",
    drop=("appeals_to_erase",),
    create=(
        f"CREATE INDEX appeals_open ON appeals (target_org_id, seq) WHERE status IN {_OPEN}",
        "CREATE INDEX appeals_to_erase ON appeals (updated_at) WHERE erased_at IS NULL",
        "CREATE INDEX notices_by_appeal ON notices (appeal_id) WHERE appeal_id IS NOT NULL",
    ),
)


def appeal(orgs: list[Org], n: int, *, email: bool) -> NewAppeal:
    org = orgs[n % len(orgs)]
    contact = {"name": "Анна Сергеевна Иванова", "phone": "+79001234567"}
    if email:
        contact["email"] = f"citizen{n}@example.ru"
    return NewAppeal(
        id=str(uuid.uuid4()),
        origin_org=org,
        target_org=org,
        input=AppealInput(
            kind="message",
            category=CATEGORIES[n % len(CATEGORIES)],
            text=TEXT,
            address="ул. Ленина, 12",
            lat=55.75 + n % 100 / 1000,
            lon=37.61 + n % 77 / 1000,
            contact=contact,
            page_url="https://city.example.ru/contacts",
        ),
        channel="form",
        request_id=uuid.uuid4().hex,
        remote_addr="192.0.2.1",
        embed_origin="https://city.example.ru",
        loader_version="1",
        notify_email=email,
    )


def operation(orgs: list[Org], n: int, *, email: bool) -> Callable[[sqlite3.Connection], object]:
    due = Due(None, dt.date.today() + dt.timedelta(days=15 + n % 7))
    return accept_op(
        appeal(orgs, n, email=email),
        "https://intake.example.ru/t/x",
        None,
        sinks=(EMBEDDED_SINK,),
        due=due,
    )


@contextmanager
def notice_without_outbox_row(active: bool) -> Iterator[None]:
    """The notice's `notices` row alone: its `mail` outbox row not written (what it costs)."""
    if not active:
        yield
        return
    original = notices_module.add_rows
    notices_module.add_rows = lambda *args, **kwargs: None  # type: ignore[assignment]
    try:
        yield
    finally:
        notices_module.add_rows = original


def template(folder: Path, prefill: int) -> tuple[Path, list[Org]]:
    path = folder / "template.db"
    conn = open_database(path, synchronous="OFF")
    orgs = [
        create_org(conn, f"org{i}", f"Организация {i}", origins=["https://city.example.ru"])
        for i in range(ORGS)
    ]
    conn.execute("BEGIN")
    for n in range(prefill):
        operation(orgs, n, email=n % 2 == 0)(conn)
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path, orgs


def entered_indexes(path: Path, table: str) -> tuple[list[str], list[str]]:
    """The indexes of `table` a DROP INDEX can take (not those of UNIQUE constraints), split
    into those the rows of newly filed appeals enter and the partial ones whose condition they
    do not meet (which cost them nothing)."""
    conn = sqlite3.connect(path)
    entered, skipped = [], []
    for name, sql in conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
        "AND sql IS NOT NULL ORDER BY name",
        (table,),
    ):
        condition = sql.split(" WHERE ", 1)[1] if " WHERE " in sql else "1"
        recent = f"rowid > (SELECT max(rowid) - 20 FROM {table})"
        (hits,) = conn.execute(
            f"SELECT count(*) FROM {table} WHERE {recent} AND ({condition})"
        ).fetchone()
        (entered if hits else skipped).append(name)
    conn.close()
    return entered, skipped


def prepare(folder: Path, source: Path, variant: Variant, number: int) -> sqlite3.Connection:
    path = folder / f"v{number}.db"
    shutil.copy(source, path)
    conn = connect(path)  # WAL, synchronous=FULL: as the writer opens it
    conn.execute("PRAGMA wal_autocheckpoint = 0")  # checkpoints are off the commit path
    for name in variant.drop:
        kind = "TRIGGER" if name in COUNT_TRIGGERS else "INDEX"
        conn.execute(f"DROP {kind} {name}")
    for statement in variant.create:
        conn.execute(statement)
    return conn


def run(
    conns: list[sqlite3.Connection],
    chosen: list[Variant],
    orgs: list[Org],
    start: int,
    appeals: int,
    batch: int,
    turn: int,
) -> tuple[list[list[float]], list[list[float]]]:
    """The variants take turns, `turn` appeals each, so that whatever else the machine does
    falls on all of them alike, while each turn runs on caches warm with its own store (one
    appeal a turn measured the cache misses of switching between stores instead). Returns
    (operation times, COMMIT times) per appeal, one list per variant, paired by position: an
    operation's time is its turn's mean, a COMMIT's its batch's share."""
    ops_times: list[list[float]] = [[] for _ in chosen]
    commit_times: list[list[float]] = [[] for _ in chosen]
    end = start + appeals
    for first in range(start, end, batch):
        for conn in conns:
            conn.execute("BEGIN IMMEDIATE")
        for chunk in range(first, min(first + batch, end), turn):
            numbers = range(chunk, min(chunk + turn, first + batch, end))
            for i, (variant, conn) in enumerate(zip(chosen, conns, strict=True)):
                ops = [operation(orgs, n, email=variant.email) for n in numbers]
                spent = 0.0
                with notice_without_outbox_row(not variant.notice_outbox):
                    for op in ops:
                        conn.execute("SAVEPOINT op")
                        began = time.thread_time()
                        op(conn)
                        spent += time.thread_time() - began
                        conn.execute("RELEASE op")
                ops_times[i].append(spent / len(ops))
        for i, conn in enumerate(conns):
            began = time.thread_time()
            conn.execute("COMMIT")
            commit_times[i].append((time.thread_time() - began) / batch)
        for conn in conns:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # untimed, as checkpoints.py does
    return ops_times, commit_times


def paired(full: list[float], other: list[float]) -> float:
    """The median of the paired differences, in µs: robust to the moments the machine was busy
    elsewhere, which the pairing puts on both sides."""
    return statistics.median(a - b for a, b in zip(full, other, strict=True)) * 1e6


def variants(indexes: list[str], others: list[str]) -> list[Variant]:
    return [
        Variant("full schema, e-mail notice (as the service runs)"),
        BEFORE_27,
        *(Variant(f"index {name}", drop=(name,)) for name in indexes),
        *(Variant(f"index {name}", drop=(name,)) for name in others),
        *(Variant(f"trigger {name}", drop=(name,)) for name in COUNT_TRIGGERS),
        Variant("notice: its mail outbox row", notice_outbox=False),
        Variant("notice: notices row + outbox row", email=False),
        Variant("all four count triggers", drop=COUNT_TRIGGERS),
        Variant("all secondary indexes on appeals", drop=tuple(indexes)),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appeals", type=int, default=2000, help="appeals through each variant")
    parser.add_argument("--prefill", type=int, default=5000, help="appeals stored before")
    parser.add_argument("--batch", type=int, default=200, help="appeals per writer batch")
    parser.add_argument("--turn", type=int, default=20, help="appeals a variant runs in turn")
    args = parser.parse_args()
    print(
        f"sqlite {sqlite3.sqlite_version}; {args.prefill:,} appeals stored before; "
        f"{args.appeals:,} appeals through every variant, {args.turn} a turn, "
        f"in batches of {args.batch}"
    )
    with tempfile.TemporaryDirectory(prefix="accept-sql-", dir=ROOT / "bench") as tmp:
        folder = Path(tmp)
        source, orgs = template(folder, args.prefill)
        indexes, skipped = entered_indexes(source, "appeals")
        others: list[str] = []
        for table in ("notices", "outbox"):
            entered, not_entered = entered_indexes(source, table)
            others += entered
            skipped += not_entered
        chosen = variants(indexes, others)
        conns = [prepare(folder, source, v, i) for i, v in enumerate(chosen)]
        ops, commits = run(conns, chosen, orgs, args.prefill, args.appeals, args.batch, args.turn)
        for conn in conns:
            conn.close()
    print()
    print("| store | operation µs | COMMIT µs | total µs per appeal (medians) |")
    print("|---|---:|---:|---:|")
    for i in (0, 1):
        o, c = statistics.median(ops[i]) * 1e6, statistics.median(commits[i]) * 1e6
        print(f"| {chosen[i].name} | {o:.0f} | {c:.0f} | {o + c:.0f} |")
    d_o, d_c = paired(ops[1], ops[0]), paired(commits[1], commits[0])
    print(f"| saved by migration 27 (paired) | {d_o:.1f} | {d_c:.1f} | {d_o + d_c:.1f} |")
    print()
    print("| component (full schema minus it, paired) | operation µs | COMMIT µs | total µs |")
    print("|---|---:|---:|---:|")
    for i in range(2, len(chosen)):
        d_o, d_c = paired(ops[0], ops[i]), paired(commits[0], commits[i])
        print(f"| {chosen[i].name} | {d_o:.1f} | {d_c:.1f} | {d_o + d_c:.1f} |")
    print()
    print("Not entered by a new appeal's rows (partial, its condition false): 0 µs each —")
    print(", ".join(f"`{name}`" for name in skipped))


if __name__ == "__main__":
    main()
