"""Migration 17: an appeal counts on its organisation's local day, not the UTC one.

The day counts (migration 9) were keyed on the UTC day of filing, so an appeal filed in Moscow at
00:30 on 7 December (21:30 UTC on the 6th) was counted on the 6th in the statistics and on the
board. The zone is known when the appeal is accepted (the target organisation's setting,
org_settings.timezone_of), so intake writes the zone's offset from UTC at that moment on the
appeal (`appeals.local_offset`, minutes; appeals.py) and the triggers key the day counts on the
time of filing moved by it. An offset rather than the day itself: a time of filing changed
afterwards (an import, a story that files "last week") moves its day with it, and the day is
still the one the zone had (its summer time included). A row without one counts on its UTC day
as before.

Existing appeals get their offset here, in Python, from their organisation's zone as it is now
(zoneinfo knows the history of each zone's offsets); then the day counts are recounted from the
appeals and the triggers re-created on each engine (SQLite's from migrations/console.py,
PostgreSQL's functions from postgres/triggers.py). The hour counts stay UTC hours: the board's
24-hour window is a span of time, not of days."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from intake_service.dialect import is_sqlite
from intake_service.migrations.console import count_triggers
from intake_service.migrations.follow_through import OPEN_11
from intake_service.migrations.open311 import DAY_COLUMNS_12
from intake_service.migrations.registry import migration, run_script

# the zone an organisation without a setting has (org_settings.DEFAULT_TIMEZONE when this was
# written: a migration never changes after release, so it does not read the live value)
_DEFAULT_ZONE = "Europe/Moscow"
# the day the time of filing falls on with the offset the organisation's zone had then; a row
# without an offset (an import of rows from before) counts on its UTC day
SQLITE_DAY = (
    "CASE WHEN {r}local_offset IS NULL THEN substr({r}created_at, 1, 10) "
    "ELSE date({r}created_at, {r}local_offset || ' minutes') END"
)


def _zone(settings: str | None) -> ZoneInfo:
    try:
        name = json.loads(settings or "{}").get("timezone") or _DEFAULT_ZONE
        return ZoneInfo(str(name))
    except (ValueError, ZoneInfoNotFoundError, AttributeError):
        return ZoneInfo(_DEFAULT_ZONE)


def _backfill(conn: sqlite3.Connection) -> None:
    """Every appeal's offset, from its UTC time of filing and its organisation's zone."""
    zones = {
        org_id: _zone(settings)
        for org_id, settings in conn.execute("SELECT id, settings FROM orgs")
    }
    rows = conn.execute("SELECT id, created_at, target_org_id FROM appeals").fetchall()
    conn.executemany(
        "UPDATE appeals SET local_offset = ? WHERE id = ?",
        [
            (
                offset_minutes(
                    zones.get(org_id) or ZoneInfo(_DEFAULT_ZONE),
                    datetime.fromisoformat(created.replace("Z", "+00:00")),
                ),
                appeal_id,
            )
            for appeal_id, created, org_id in rows
        ],
    )


def offset_minutes(zone: ZoneInfo, moment: datetime) -> int:
    """The zone's offset from UTC at `moment` (aware), in whole minutes (as intake writes it:
    org_settings.offset_minutes, copied: a migration does not change after release)."""
    offset = moment.astimezone(zone).utcoffset()
    return int(offset.total_seconds() // 60) if offset is not None else 0


def _recount(conn: sqlite3.Connection, day: str) -> None:
    """The day counts again from the appeals, on their local days; the board's cached sums over
    past days are dropped (`appeal_counts_past` moves)."""
    names = ", ".join(name for name, _ in DAY_COLUMNS_12)
    conn.execute("DELETE FROM appeal_day_counts")
    conn.execute(
        f"INSERT INTO appeal_day_counts (day, target_org_id, category, {names}) "
        f"SELECT {day}, target_org_id, category, "
        + ", ".join(f"sum(CAST({expr.format(r='')} AS INTEGER))" for _, expr in DAY_COLUMNS_12)
        + f" FROM appeals GROUP BY {day}, target_org_id, category"
    )
    conn.execute(
        "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) "
        "WHERE key = 'appeal_counts_past'"
    )


@migration(17)
def local_days(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE appeals ADD COLUMN local_offset INTEGER")
    if is_sqlite(conn):
        run_script(
            conn,
            """
            DROP TRIGGER appeal_counts_insert;
            DROP TRIGGER appeal_counts_update;
            DROP TRIGGER appeal_counts_delete
            """,
        )
    else:
        conn.execute("DROP TRIGGER appeal_counts_insert ON appeals")
        conn.execute("DROP TRIGGER appeal_counts_update ON appeals")
    _backfill(conn)
    if is_sqlite(conn):
        _recount(conn, SQLITE_DAY.format(r=""))
        count_triggers(
            conn,
            DAY_COLUMNS_12,
            OPEN_11,
            also_watch=("repeat_of", "rating", "local_offset"),
            day=SQLITE_DAY,
        )
        return
    # imported here: the PostgreSQL package is read only by a store that uses it
    from intake_service.postgres.schema import statements
    from intake_service.postgres.triggers import LOCAL_DAY, appeal_counts

    _recount(conn, LOCAL_DAY.replace("r.", ""))
    for statement in statements(appeal_counts(LOCAL_DAY, create="CREATE OR REPLACE")):
        conn.execute(statement)
