"""Migration 27: three index entries fewer for an appeal filed (bench/accept_sql.py, issue 30).

An appeal's row is written into every index on `appeals` whose condition it meets, and a new
appeal meets most of them: in the accepting transaction its index entries were the largest
part of the row's cost. Two on `appeals` bought nothing (bench/index_use.py traces the
statements of the console's, the follow-through's, Open311's and the queue's stories and
compares each one's plan before and after this migration):

- `appeals_open` (target_org_id, seq) over open appeals (migration 16) is a prefix of
  `appeals_open_seq_due` (target_org_id, seq, answer_due) over the same appeals (migration
  18): the register's open view walks the longer one in the same order, reading the same
  entries. Dropped.
- `appeals_to_erase` (updated_at) over the appeals not erased (migration 25) held every new
  appeal under a NULL `updated_at`, although the one query that walks it — the retention
  job's, `updated_at < ?` — can never want one: `updated_at` is set by an appeal's changes,
  its closing among them (retention.py). Built again over the appeals with an `updated_at`
  only; the job's comparison implies the new condition, so the walk is planned on it still.

And `notices_by_appeal` (appeal_id) over the notices about an appeal (migration 11) served one
read, an erasure's deletion of the appeal's notices, which now finds them through their outbox
rows on `outbox_by_appeal` (every such notice has one under the same appeal): the citizen's
`registered` notice writes one entry less. Dropped.

Kept for now: `appeals_unassigned` and `appeals_open_due`. They hold only open appeals; SQLite
plans no traced read on them today (it takes `appeals_open_seq_due` and `appeals_by_target_due`,
which walk closed appeals too), PostgreSQL may. Whether to drop them or pin SQLite's reads to
them wants the register's benchmark at a million appeals (decision 0121). The same SQL on both
engines (PostgreSQL applies every migration from 13 on)."""

from __future__ import annotations

import sqlite3

from intake_service.migrations.registry import migration, run_script


@migration(27)
def intake_indexes(conn: sqlite3.Connection) -> None:
    run_script(
        conn,
        """
        DROP INDEX appeals_open;
        DROP INDEX appeals_to_erase;
        DROP INDEX notices_by_appeal;
        CREATE INDEX appeals_to_erase ON appeals (updated_at)
            WHERE erased_at IS NULL AND updated_at IS NOT NULL
        """,
    )
