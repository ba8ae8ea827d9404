"""Migration 24: the appeals each organisation has received, counted — for the platform's
organisations page (console/orgs.py), which shows every organisation's count and marks those
that never received one.

Summing the board's day counts per organisation is no cheaper than counting the appeals: at
1,000,000 appeals over 400 organisations they are 707,000 rows (a row per organisation, local
day and topic), and the sum took 174 ms against 153 ms for a GROUP BY over the appeals' index
(bench/orgs.py). Here `appeal_org_counts` holds one row per organisation, kept by triggers in
the transaction that files, forwards or removes an appeal, like the other counts (migration 9):
the page reads a few hundred rows. An appeal counts where it is now (its target), as on the
board.
"""

from __future__ import annotations

import sqlite3

from intake_service.dialect import is_sqlite
from intake_service.migrations.registry import migration, run_script

_TABLE = """
CREATE TABLE appeal_org_counts (
    target_org_id BIGINT NOT NULL PRIMARY KEY,
    n INTEGER NOT NULL DEFAULT 0
)"""
_FILL = (
    "INSERT INTO appeal_org_counts (target_org_id, n) "
    "SELECT target_org_id, count(*) FROM appeals GROUP BY target_org_id"
)
_ADD = (
    "INSERT INTO appeal_org_counts (target_org_id, n) VALUES ({row}.target_org_id, 1) "
    "ON CONFLICT (target_org_id) DO UPDATE SET n = appeal_org_counts.n + 1;"
)
_TAKE = "UPDATE appeal_org_counts SET n = n - 1 WHERE target_org_id = {row}.target_org_id;"


def _sqlite_triggers(conn: sqlite3.Connection) -> None:
    add, take = _ADD.format(row="new"), _TAKE.format(row="old")
    conn.execute(f"CREATE TRIGGER appeal_org_counts_insert AFTER INSERT ON appeals BEGIN {add} END")
    conn.execute(
        "CREATE TRIGGER appeal_org_counts_update AFTER UPDATE OF target_org_id ON appeals "
        f"WHEN old.target_org_id IS NOT new.target_org_id BEGIN {take} {add} END"
    )
    conn.execute(
        f"CREATE TRIGGER appeal_org_counts_delete AFTER DELETE ON appeals BEGIN {take} END"
    )


_POSTGRES_TRIGGERS = f"""
CREATE FUNCTION appeal_org_counts_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        {_TAKE.format(row="OLD")}
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        {_ADD.format(row="NEW")}
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER appeal_org_counts_insert AFTER INSERT OR DELETE ON appeals
    FOR EACH ROW EXECUTE FUNCTION appeal_org_counts_change();
CREATE TRIGGER appeal_org_counts_update AFTER UPDATE OF target_org_id ON appeals
    FOR EACH ROW WHEN (OLD.target_org_id IS DISTINCT FROM NEW.target_org_id)
    EXECUTE FUNCTION appeal_org_counts_change()
"""


@migration(24)
def org_counts(conn: sqlite3.Connection) -> None:
    sqlite = is_sqlite(conn)
    run_script(conn, (_TABLE + " WITHOUT ROWID" if sqlite else _TABLE) + ";" + _FILL)
    if sqlite:
        _sqlite_triggers(conn)
        return
    # imported here: the PostgreSQL package is read only by a store that uses it
    from intake_service.postgres.schema import statements

    for statement in statements(_POSTGRES_TRIGGERS):
        conn.execute(statement)
