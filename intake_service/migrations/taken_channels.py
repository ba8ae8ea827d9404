"""Migration 19: the day counts gain a column for each channel an operator takes an appeal from
(console/taken.py: `phone`, `letter`, `visit`), so the statistics count them in words instead
of as "other".

Appeals of these channels may exist already (the console took them before this migration), so
their counts are set here from the appeals, per local day, organisation and topic — the rows
exist, the triggers made them with `n` — and the triggers are re-created with the new columns on
each engine (SQLite's from migrations/console.py, PostgreSQL's functions from
postgres/triggers.py), keeping migration 17's local day. The cached sums over past days move
(`appeal_counts_past`), as every recount's do."""

from __future__ import annotations

import sqlite3

from intake_service.dialect import is_sqlite
from intake_service.migrations.console import count_triggers
from intake_service.migrations.follow_through import OPEN_11
from intake_service.migrations.local_days import SQLITE_DAY
from intake_service.migrations.open311 import DAY_COLUMNS_12
from intake_service.migrations.registry import migration, run_script

# the channels an operator takes appeals from when this was written (console/taken.py CHANNELS:
# a migration never changes after release, so it does not read the live value)
TAKEN_CHANNELS_19 = ("phone", "letter", "visit")
DAY_COLUMNS_19 = (
    *DAY_COLUMNS_12,
    *((f"via_{c}", f"({{r}}channel = '{c}')") for c in TAKEN_CHANNELS_19),
)


def _recount(conn: sqlite3.Connection, day: str) -> None:
    """The new columns' counts from the appeals of those channels (none on a new database)."""
    sums = ", ".join(f"sum(CASE WHEN channel = '{c}' THEN 1 ELSE 0 END)" for c in TAKEN_CHANNELS_19)
    channels = ", ".join(f"'{c}'" for c in TAKEN_CHANNELS_19)
    rows = conn.execute(
        f"SELECT {day}, target_org_id, category, {sums} FROM appeals "
        f"WHERE channel IN ({channels}) GROUP BY {day}, target_org_id, category"
    ).fetchall()
    if not rows:
        return
    columns = ", ".join(f"via_{c} = ?" for c in TAKEN_CHANNELS_19)
    conn.executemany(
        f"UPDATE appeal_day_counts SET {columns} "
        "WHERE day = ? AND target_org_id = ? AND category = ?",
        [(*row[3:], row[0], row[1], row[2]) for row in rows],
    )
    conn.execute(
        "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) "
        "WHERE key = 'appeal_counts_past'"
    )


@migration(19)
def taken_channels(conn: sqlite3.Connection) -> None:
    sqlite = is_sqlite(conn)
    kind = "INTEGER" if sqlite else "BIGINT"
    for channel in TAKEN_CHANNELS_19:
        conn.execute(
            f"ALTER TABLE appeal_day_counts ADD COLUMN via_{channel} {kind} NOT NULL DEFAULT 0"
        )
    if sqlite:
        _recount(conn, SQLITE_DAY.format(r=""))
        run_script(
            conn,
            """
            DROP TRIGGER appeal_counts_insert;
            DROP TRIGGER appeal_counts_update;
            DROP TRIGGER appeal_counts_delete
            """,
        )
        count_triggers(
            conn,
            DAY_COLUMNS_19,
            OPEN_11,
            also_watch=("repeat_of", "rating", "local_offset"),
            day=SQLITE_DAY,
        )
        return
    # imported here: the PostgreSQL package is read only by a store that uses it
    from intake_service.postgres.schema import statements
    from intake_service.postgres.triggers import LOCAL_DAY, appeal_counts

    _recount(conn, LOCAL_DAY.replace("r.", ""))
    conn.execute("DROP TRIGGER appeal_counts_insert ON appeals")
    conn.execute("DROP TRIGGER appeal_counts_update ON appeals")
    counts = appeal_counts(LOCAL_DAY, create="CREATE OR REPLACE", columns=DAY_COLUMNS_19)
    for statement in statements(counts):
        conn.execute(statement)
