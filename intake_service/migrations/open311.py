"""Migration 12: Open311 and a category's extra questions — the questions themselves, the
answers and a media link on the appeal, and the index that lists an organisation's appeals by
the time they were filed (GeoReport v2's `GET requests`)."""

from __future__ import annotations

import sqlite3

from intake_service.migrations.console import count_triggers
from intake_service.migrations.follow_through import DAY_COLUMNS_11, OPEN_11
from intake_service.migrations.registry import config_triggers, migration, run_script

# the day counts gain a column for the new channel (no appeal has it yet: no recount)
DAY_COLUMNS_12 = (*DAY_COLUMNS_11, ("via_open311", "({r}channel = 'open311')"))


@migration(12)
def open311_and_category_questions(conn: sqlite3.Connection) -> None:
    run_script(
        conn,
        """
        CREATE TABLE category_attributes (
            org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
            category TEXT NOT NULL,
            code TEXT NOT NULL,
            datatype TEXT NOT NULL,
            required INTEGER NOT NULL DEFAULT 0,
            description_ru TEXT NOT NULL,
            description_en TEXT NOT NULL DEFAULT '',
            ord INTEGER NOT NULL DEFAULT 1,
            choices TEXT NOT NULL DEFAULT '[]',
            PRIMARY KEY (org_id, category, code)
        );
        ALTER TABLE appeals ADD COLUMN attributes TEXT;
        ALTER TABLE appeals ADD COLUMN media_url TEXT;
        CREATE INDEX appeals_by_target_time ON appeals (target_org_id, created_at);
        ALTER TABLE appeal_day_counts ADD COLUMN via_open311 INTEGER NOT NULL DEFAULT 0;
        DROP TRIGGER appeal_counts_insert;
        DROP TRIGGER appeal_counts_update;
        DROP TRIGGER appeal_counts_delete
        """,
    )
    count_triggers(conn, DAY_COLUMNS_12, OPEN_11, also_watch=("repeat_of", "rating"))
    # the questions are part of the catalogue the running services cache
    config_triggers(conn, "category_attributes")
