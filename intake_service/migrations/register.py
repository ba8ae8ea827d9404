"""Migration 16: the indexes of the console's register of appeals (console/register_queries.py).

The register lists one row per appeal of an organisation, newest first or by answer date, in
views an operator switches between with one click. Each view is read per organisation, ordered
and limited by an index, so a page costs the same at any depth and never scans the appeals:

- `appeals_open` (target_org_id, seq) over open appeals: the default view, newest first;
- `appeals_open_due` (target_org_id, answer_due, seq) over open appeals: sorted by the answer
  date, and the overdue view (its dates before today);
- `appeals_unassigned` (target_org_id, seq) over open appeals nobody has: that view;
- `appeals_closed` (target_org_id, seq) over the others: the closed view;
- `appeals_by_status` (target_org_id, status, seq): waiting for the citizen, and any one
  status asked for.

The partial ones repeat the open statuses as `statuses.open_statuses_sql` writes them — a query
uses such an index only when its WHERE repeats the terms literally. The cost: three or four
index entries per appeal filed, moved on a change of status or assignee. The SQL reads the
same on SQLite and PostgreSQL, which applies this function after its baseline."""

from __future__ import annotations

import sqlite3

from intake_service.migrations.registry import migration, run_script

# the open statuses when this migration was written (a migration never changes after release,
# so it does not read the live list)
_OPEN = "('accepted', 'registered', 'in_progress', 'forwarded', 'clarifying')"


@migration(16)
def register_indexes(conn: sqlite3.Connection) -> None:
    run_script(
        conn,
        f"""
        CREATE INDEX appeals_open ON appeals (target_org_id, seq) WHERE status IN {_OPEN};
        CREATE INDEX appeals_open_due ON appeals (target_org_id, answer_due, seq)
            WHERE status IN {_OPEN};
        CREATE INDEX appeals_unassigned ON appeals (target_org_id, seq)
            WHERE assignee_id IS NULL AND status IN {_OPEN};
        CREATE INDEX appeals_closed ON appeals (target_org_id, seq) WHERE status NOT IN {_OPEN};
        CREATE INDEX appeals_by_status ON appeals (target_org_id, status, seq)
        """,
    )
