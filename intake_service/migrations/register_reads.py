"""Migration 18: the register's and the map's slow reads at 1,000,000 appeals (bench/register.py, issue 25).

Measured on the benchmark's store (50 organisations, 1,000,000 appeals), each read is one
sub-query per organisation ordered and limited on an index; these were not, and sorted or
looked up most of an organisation's appeals instead:

- `appeals_open_seq_due` (target_org_id, seq, answer_due) over open appeals: the overdue view
  newest first reads the answer date from the index as it walks back, instead of sorting every
  overdue appeal (a platform admin: 78 ms → under 50 ms; register_queries keeps the planner off
  the date range);
- `appeals_by_target_category` (target_org_id, category, seq): a topic asked for, in any view,
  newest first (open roads for a platform admin: 56 → 11 ms);
- `appeals_by_target_severity` (target_org_id, severity, seq) over appeals with a severity:
  the same for a severity (open critical: 186 → 8 ms);
- `appeals_by_target_due` (target_org_id, answer_due, seq): the closed view and all appeals by
  answer date (a platform admin: 0.9 s and 2.4 s → 7 ms); migration 16's `appeals_open_due`
  covers only open appeals;
- `appeals_open_due_cells` (target_org_id, category, answer_due) over open appeals with an
  answer date: the board's and the map's overdue count per cell (console/board_queries.py)
  read from the index in the GROUP BY's order; `appeals_due` (answer_due, target_org_id) made
  it look up the category of every open appeal (a platform admin's map: 1.8 s → 0.1 s).

The cost: up to five more index entries per appeal filed, moved when its status, severity or
topic changes. The SQL reads the same on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3

from intake_service.migrations.registry import migration, run_script

# the open statuses when this migration was written (a migration never changes after release)
_OPEN = "('accepted', 'registered', 'in_progress', 'forwarded', 'clarifying')"


@migration(18)
def register_read_indexes(conn: sqlite3.Connection) -> None:
    run_script(
        conn,
        f"""
        CREATE INDEX appeals_open_seq_due ON appeals (target_org_id, seq, answer_due)
            WHERE status IN {_OPEN};
        CREATE INDEX appeals_by_target_category ON appeals (target_org_id, category, seq);
        CREATE INDEX appeals_by_target_severity ON appeals (target_org_id, severity, seq)
            WHERE severity IS NOT NULL;
        CREATE INDEX appeals_by_target_due ON appeals (target_org_id, answer_due, seq);
        CREATE INDEX appeals_open_due_cells ON appeals (target_org_id, category, answer_due)
            WHERE answer_due IS NOT NULL AND status IN {_OPEN}
        """,
    )
