"""Migration 26: the statistics' own counts (console/stats_queries.py) — per organisation and
local day, and the answered appeals' times to the first answer in buckets.

`appeal_org_day_counts` is the day counts (migration 9) without the topic, for the columns the
statistics show (appeals, answered, per channel, per status): a platform's 30 days were 15,000
rows of day counts (50 organisations × 10 topics × 30 days), and summing their 21 columns took
SQLite 20-30 ms a page; here they are 1,500 rows. A page filtered by topic still reads the day
counts (one topic's rows). Kept by triggers like the day counts, filled from them here.

The median read the period's answered appeals from the partial index `appeals_answered`,
computed each one's time and sorted them: at 1,000,000 appeals a platform's 30 days are about
120,000 of them, most of the statistics page's 0.4-0.8 s. Here `appeal_answer_counts` holds,
per (organisation, topic, day, bucket of the time taken), how many appeals took that long, kept
by triggers in the transaction that changes an appeal, like the other counts (migration 9). The
median is found walking the buckets of the period in order.

A bucket is as wide as the step the page shows a duration in (console/stats.py `_duration`): a
minute under an hour, six minutes (0.1 h) under two days, 2.4 hours (0.1 day) beyond, up to a
year (the last bucket holds everything longer); a time counts in the bucket of its value rounded
to that step, so the median read is the exact one rounded as the page rounds it (decision
0120).

Each answered appeal counts in four rows: its own organisation and topic, its organisation over
every topic (category ''), every organisation over its topic (organisation 0) and everything
(0, ''): whatever the page is filtered by, the median reads one contiguous range per
organisation counted — for a platform, 30 days are at most 30 × the buckets in use (14,265
rows of (0, '') at bench/board.py's 1,000,000 appeals, against 122,620 answered appeals, read
without computing or sorting a time). Rows that fall to zero are deleted.

The day is the one the day counts use (migration 17: the time of filing moved by the
organisation's offset then), so the median covers the same appeals as the day's counts, and an
appeal counts while it has a first answer (`answered_at`, which a reopened appeal keeps).
"""

from __future__ import annotations

import sqlite3

from intake_service.dialect import is_sqlite
from intake_service.migrations.local_days import SQLITE_DAY
from intake_service.migrations.registry import migration, run_script
from intake_service.migrations.taken_channels import DAY_COLUMNS_19

# the day counts' columns the statistics show, as migration 19 left them
ORG_DAY_COLUMNS_26 = tuple(
    (name, expr)
    for name, expr in DAY_COLUMNS_19
    if name in ("n", "answered") or name.startswith(("via_", "st_"))
)
_ORG_DAY_NAMES = ", ".join(name for name, _ in ORG_DAY_COLUMNS_26)
_ORG_DAY_WATCHED = "status, answered_at, channel, target_org_id, created_at, local_offset"


def _org_day_table(kind: str) -> str:
    columns = ", ".join(f"{name} {kind} NOT NULL DEFAULT 0" for name, _ in ORG_DAY_COLUMNS_26)
    return (
        "CREATE TABLE appeal_org_day_counts (day TEXT NOT NULL, target_org_id BIGINT NOT NULL, "
        f"{columns}, PRIMARY KEY (day, target_org_id))"
    )


_ORG_DAY_FILL = (
    f"INSERT INTO appeal_org_day_counts (day, target_org_id, {_ORG_DAY_NAMES}) "
    "SELECT day, target_org_id, "
    + ", ".join(f"sum({name})" for name, _ in ORG_DAY_COLUMNS_26)
    + " FROM appeal_day_counts GROUP BY day, target_org_id"
)


def _sqlite_org_day_triggers(conn: sqlite3.Connection) -> None:
    def add(row: str, sign: str) -> str:
        values = ", ".join(f"{sign}{expr.format(r=row + '.')}" for _, expr in ORG_DAY_COLUMNS_26)
        return (
            f"INSERT INTO appeal_org_day_counts (day, target_org_id, {_ORG_DAY_NAMES}) "
            f"VALUES ({SQLITE_DAY.format(r=row + '.')}, {row}.target_org_id, {values}) "
            "ON CONFLICT (day, target_org_id) DO UPDATE SET "
            + ", ".join(f"{name} = {name} + excluded.{name}" for name, _ in ORG_DAY_COLUMNS_26)
            + "; "
        )

    changed = " OR ".join(
        f"old.{c} IS NOT new.{c}" for c in _ORG_DAY_WATCHED.split(", ") if c != "answered_at"
    )
    conn.execute(
        f"CREATE TRIGGER appeal_org_day_counts_insert AFTER INSERT ON appeals BEGIN "
        f"{add('new', '+')} END"
    )
    conn.execute(
        f"CREATE TRIGGER appeal_org_day_counts_update AFTER UPDATE OF {_ORG_DAY_WATCHED} "
        f"ON appeals WHEN {changed} OR (old.answered_at IS NULL) != (new.answered_at IS NULL) "
        f"BEGIN {add('old', '-')}{add('new', '+')} END"
    )
    conn.execute(
        f"CREATE TRIGGER appeal_org_day_counts_delete AFTER DELETE ON appeals BEGIN "
        f"{add('old', '-')} END"
    )


def _postgres_org_day_triggers(day: str) -> str:
    """`day` over the row `r.` (postgres/triggers.py LOCAL_DAY)."""
    values = ", ".join(f"delta * ({expr.format(r='r.')})::int" for _, expr in ORG_DAY_COLUMNS_26)
    updates = ", ".join(f"{name} = c.{name} + excluded.{name}" for name, _ in ORG_DAY_COLUMNS_26)
    changed = " OR ".join(
        f"OLD.{c} IS DISTINCT FROM NEW.{c}"
        for c in _ORG_DAY_WATCHED.split(", ")
        if c != "answered_at"
    )
    return f"""
CREATE FUNCTION appeal_org_day_counts_add(r appeals, delta bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO appeal_org_day_counts AS c (day, target_org_id, {_ORG_DAY_NAMES})
        VALUES ({day}, r.target_org_id, {values})
        ON CONFLICT (day, target_org_id) DO UPDATE SET {updates};
END $$;
CREATE FUNCTION appeal_org_day_counts_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM appeal_org_day_counts_add(OLD, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM appeal_org_day_counts_add(NEW, 1);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER appeal_org_day_counts_insert AFTER INSERT OR DELETE ON appeals
    FOR EACH ROW EXECUTE FUNCTION appeal_org_day_counts_change();
CREATE TRIGGER appeal_org_day_counts_update AFTER UPDATE OF {_ORG_DAY_WATCHED} ON appeals
    FOR EACH ROW WHEN ({changed}
        OR (OLD.answered_at IS NULL) != (NEW.answered_at IS NULL))
    EXECUTE FUNCTION appeal_org_day_counts_change()
"""


# the buckets as this migration wrote them (a migration never changes after release; the
# statistics read them back with console/stats_queries.py `bucket_seconds`, which agrees)
MINUTE_BUCKETS = 60  # 0-60: whole minutes, under an hour (60: an hour)
HOUR_BUCKETS_END = 530  # 60-530: tenths of an hour, an hour to two days (530: two days)
LAST_BUCKET = 4170  # 530-4170: tenths of a day, two days to a year and beyond

_TABLE = """
CREATE TABLE appeal_answer_counts (
    target_org_id BIGINT NOT NULL,
    category TEXT NOT NULL,
    day TEXT NOT NULL,
    bucket INTEGER NOT NULL,
    n INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (target_org_id, category, day, bucket)
)"""
_COLUMNS = "(target_org_id, category, day, bucket, n)"

_SQLITE_SECONDS = (
    "max(0, CAST(round((julianday({r}answered_at) - julianday({r}created_at)) * 86400) AS INTEGER))"
)
_POSTGRES_SECONDS = (
    "greatest(0, round(extract(epoch FROM ({r}answered_at::timestamptz "
    "- {r}created_at::timestamptz)))::bigint)"
)


def _bucket(seconds: str, least: str) -> str:
    """The bucket of a time taken (integer seconds; integer division on both engines): the
    time rounded to the nearest step, so that a bucket's value is the figure the page shows.
    Where the steps change the buckets meet: 60 is an hour, 530 two days, either way."""
    return (
        f"CASE WHEN {seconds} < 3600 THEN ({seconds} + 30) / 60 "
        f"WHEN {seconds} < 172800 THEN {MINUTE_BUCKETS} + ({seconds} - 3420) / 360 "
        f"ELSE {least}({LAST_BUCKET}, {HOUR_BUCKETS_END} + ({seconds} - 168480) / 8640) END"
    )


def _sqlite_bucket(r: str) -> str:
    return _bucket(_SQLITE_SECONDS.format(r=r), "min")


def _postgres_bucket(r: str) -> str:
    return _bucket(_POSTGRES_SECONDS.format(r=r), "least")


def _fill(day: str, bucket: str) -> str:
    """The four rows' counts from the answered appeals (`day` and `bucket` over the bare row)."""
    keys = (
        ("target_org_id", "category"),
        ("target_org_id", "''"),
        ("0", "category"),
        ("0", "''"),
    )
    return "; ".join(
        f"INSERT INTO appeal_answer_counts {_COLUMNS} "
        f"SELECT {org}, {cat}, {day}, {bucket}, count(*) FROM appeals "
        f"WHERE answered_at IS NOT NULL GROUP BY 1, 2, 3, 4"
        for org, cat in keys
    )


_WATCHED = "answered_at, created_at, target_org_id, category, local_offset"


def _sqlite_triggers(conn: sqlite3.Connection) -> None:
    def cells(row: str) -> str:
        return (
            f"target_org_id IN ({row}.target_org_id, 0) AND category IN ({row}.category, '') "
            f"AND day = {SQLITE_DAY.format(r=row + '.')} AND bucket = {_sqlite_bucket(row + '.')}"
        )

    add = (
        f"INSERT INTO appeal_answer_counts {_COLUMNS} "
        f"SELECT o, c, {SQLITE_DAY.format(r='new.')}, {_sqlite_bucket('new.')}, 1 "
        "FROM (SELECT new.target_org_id AS o UNION ALL SELECT 0) "
        "CROSS JOIN (SELECT new.category AS c UNION ALL SELECT '') "
        "WHERE new.answered_at IS NOT NULL "
        "ON CONFLICT (target_org_id, category, day, bucket) DO UPDATE SET n = n + 1; "
    )
    take = (
        f"UPDATE appeal_answer_counts SET n = n - 1 WHERE {cells('old')} "
        "AND old.answered_at IS NOT NULL; "
        f"DELETE FROM appeal_answer_counts WHERE {cells('old')} AND n <= 0; "
    )
    changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in _WATCHED.split(", "))
    conn.execute(
        "CREATE TRIGGER appeal_answer_counts_insert AFTER INSERT ON appeals "
        f"WHEN new.answered_at IS NOT NULL BEGIN {add} END"
    )
    conn.execute(
        f"CREATE TRIGGER appeal_answer_counts_update AFTER UPDATE OF {_WATCHED} ON appeals "
        f"WHEN (old.answered_at IS NOT NULL OR new.answered_at IS NOT NULL) AND ({changed}) "
        f"BEGIN {take}{add} END"
    )
    conn.execute(
        "CREATE TRIGGER appeal_answer_counts_delete AFTER DELETE ON appeals "
        f"WHEN old.answered_at IS NOT NULL BEGIN {take} END"
    )


def _postgres_triggers(day: str) -> str:
    """`day` over the row `r.` (postgres/triggers.py LOCAL_DAY)."""
    bucket = _postgres_bucket("r.")
    changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in _WATCHED.split(", "))
    return f"""
CREATE FUNCTION appeal_answer_counts_add(r appeals, delta integer) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    d text := {day};
    b integer := {bucket};
BEGIN
    IF delta > 0 THEN
        INSERT INTO appeal_answer_counts AS a {_COLUMNS}
            VALUES (r.target_org_id, r.category, d, b, 1), (r.target_org_id, '', d, b, 1),
                   (0, r.category, d, b, 1), (0, '', d, b, 1)
            ON CONFLICT (target_org_id, category, day, bucket) DO UPDATE SET n = a.n + 1;
    ELSE
        UPDATE appeal_answer_counts SET n = n - 1
            WHERE target_org_id IN (r.target_org_id, 0) AND category IN (r.category, '')
            AND day = d AND bucket = b;
        DELETE FROM appeal_answer_counts
            WHERE target_org_id IN (r.target_org_id, 0) AND category IN (r.category, '')
            AND day = d AND bucket = b AND n <= 0;
    END IF;
END $$;
CREATE FUNCTION appeal_answer_counts_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.answered_at IS NOT NULL THEN
        PERFORM appeal_answer_counts_add(OLD, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.answered_at IS NOT NULL THEN
        PERFORM appeal_answer_counts_add(NEW, 1);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER appeal_answer_counts_insert AFTER INSERT OR DELETE ON appeals
    FOR EACH ROW EXECUTE FUNCTION appeal_answer_counts_change();
CREATE TRIGGER appeal_answer_counts_update AFTER UPDATE OF {_WATCHED} ON appeals
    FOR EACH ROW WHEN ({changed})
    EXECUTE FUNCTION appeal_answer_counts_change()
"""


@migration(26)
def stats_counts(conn: sqlite3.Connection) -> None:
    if is_sqlite(conn):
        run_script(
            conn,
            _org_day_table("INTEGER")
            + " WITHOUT ROWID; "
            + _ORG_DAY_FILL
            + "; "
            + _TABLE
            + " WITHOUT ROWID; "
            + _fill(SQLITE_DAY.format(r=""), _sqlite_bucket("")),
        )
        _sqlite_org_day_triggers(conn)
        _sqlite_triggers(conn)
        return
    # imported here: the PostgreSQL package is read only by a store that uses it
    from intake_service.postgres.schema import statements
    from intake_service.postgres.triggers import LOCAL_DAY

    run_script(
        conn,
        _org_day_table("BIGINT")
        + "; "
        + _ORG_DAY_FILL
        + "; "
        + _TABLE
        + "; "
        + _fill(LOCAL_DAY.replace("r.", ""), _postgres_bucket("")),
    )
    for statement in statements(
        _postgres_org_day_triggers(LOCAL_DAY) + ";\n" + _postgres_triggers(LOCAL_DAY)
    ):
        conn.execute(statement)
