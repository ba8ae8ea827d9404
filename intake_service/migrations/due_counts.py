"""Migration 20: the open appeals' answer dates counted per cell, for the board's and the map's
overdue count.

The board (console/board_queries.py) needs, per (organisation, topic), how many open appeals
have an answer date and how many of those are past it. Migration 18 read that from the partial
index `appeals_open_due_cells`: no table lookups, but every open appeal's entry — about 555,000
for a platform at 1,000,000 appeals, 99 ms of a board or a map that should take a few. Here
`appeal_due_counts` holds the open appeals per (organisation, topic, answer date), kept by
triggers in the transaction that changes an appeal, like the other counts (migration 9): a
cell is a few dozen rows (one per date still open), a platform's board a few thousand. A row
that falls to zero is deleted, so closed history leaves nothing behind.

The index it replaces is dropped: the triggers cost about what its entry did on every appeal
filed, and they do nothing at all for a change of severity or assignee.
"""

from __future__ import annotations

import sqlite3

from intake_service.dialect import is_sqlite
from intake_service.migrations.registry import migration, run_script

# the open statuses when this migration was written (a migration never changes after release)
_OPEN = "('accepted', 'registered', 'in_progress', 'forwarded', 'clarifying')"
_KEY = "(target_org_id, category, answer_due)"

_TABLE = f"""
CREATE TABLE appeal_due_counts (
    target_org_id INTEGER NOT NULL,
    category TEXT NOT NULL,
    answer_due TEXT NOT NULL,
    n INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY {_KEY}
)"""
_FILL = (
    f"INSERT INTO appeal_due_counts {_KEY[:-1]}, n) "
    "SELECT target_org_id, category, answer_due, count(*) FROM appeals "
    f"WHERE answer_due IS NOT NULL AND status IN {_OPEN} "
    "GROUP BY target_org_id, category, answer_due"
)
_WATCHED = "status, answer_due, category, target_org_id"
_CHANGED_SQLITE = (
    "old.status IS NOT new.status OR old.answer_due IS NOT new.answer_due "
    "OR old.category != new.category OR old.target_org_id != new.target_org_id"
)


def _sqlite_triggers(conn: sqlite3.Connection) -> None:
    def counted(row: str) -> str:
        return f"{row}.answer_due IS NOT NULL AND {row}.status IN {_OPEN}"

    cell = "target_org_id = old.target_org_id AND category = old.category AND answer_due = old.answer_due"
    add = (
        f"INSERT INTO appeal_due_counts {_KEY[:-1]}, n) "
        f"SELECT new.target_org_id, new.category, new.answer_due, 1 WHERE {counted('new')} "
        "ON CONFLICT (target_org_id, category, answer_due) DO UPDATE SET n = n + 1; "
    )
    take = (
        f"UPDATE appeal_due_counts SET n = n - 1 WHERE {cell} AND {counted('old')}; "
        f"DELETE FROM appeal_due_counts WHERE {cell} AND n <= 0; "
    )
    conn.execute(f"CREATE TRIGGER appeal_due_counts_insert AFTER INSERT ON appeals BEGIN {add} END")
    conn.execute(
        f"CREATE TRIGGER appeal_due_counts_update AFTER UPDATE OF {_WATCHED} ON appeals "
        f"WHEN {_CHANGED_SQLITE} BEGIN {take}{add} END"
    )
    conn.execute(
        f"CREATE TRIGGER appeal_due_counts_delete AFTER DELETE ON appeals BEGIN {take} END"
    )


_POSTGRES_TRIGGERS = f"""
CREATE FUNCTION appeal_due_counts_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.answer_due IS NOT NULL AND OLD.status IN {_OPEN} THEN
        UPDATE appeal_due_counts SET n = n - 1 WHERE target_org_id = OLD.target_org_id
            AND category = OLD.category AND answer_due = OLD.answer_due;
        DELETE FROM appeal_due_counts WHERE target_org_id = OLD.target_org_id
            AND category = OLD.category AND answer_due = OLD.answer_due AND n <= 0;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.answer_due IS NOT NULL AND NEW.status IN {_OPEN} THEN
        INSERT INTO appeal_due_counts AS c {_KEY[:-1]}, n)
            VALUES (NEW.target_org_id, NEW.category, NEW.answer_due, 1)
            ON CONFLICT {_KEY} DO UPDATE SET n = c.n + 1;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER appeal_due_counts_insert AFTER INSERT OR DELETE ON appeals
    FOR EACH ROW EXECUTE FUNCTION appeal_due_counts_change();
CREATE TRIGGER appeal_due_counts_update AFTER UPDATE OF {_WATCHED} ON appeals
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status
        OR OLD.answer_due IS DISTINCT FROM NEW.answer_due
        OR OLD.category IS DISTINCT FROM NEW.category
        OR OLD.target_org_id IS DISTINCT FROM NEW.target_org_id)
    EXECUTE FUNCTION appeal_due_counts_change()
"""


@migration(20)
def due_counts(conn: sqlite3.Connection) -> None:
    sqlite = is_sqlite(conn)
    run_script(
        conn,
        (_TABLE + " WITHOUT ROWID" if sqlite else _TABLE)
        + ";"
        + _FILL
        + "; DROP INDEX appeals_open_due_cells",
    )
    if sqlite:
        _sqlite_triggers(conn)
        return
    # imported here: the PostgreSQL package is read only by a store that uses it
    from intake_service.postgres.schema import statements

    for statement in statements(_POSTGRES_TRIGGERS):
        conn.execute(statement)
