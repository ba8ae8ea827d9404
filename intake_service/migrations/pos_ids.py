"""Migration 23: `orgs.pos_id` — the number the old ПОС widget called an organisation by
(`Widget("https://pos.gosuslugi.ru/form", 224510)`), so that a site which keeps its ПОС banner
and loads this service's script instead reaches the right organisation. Nullable (most
organisations never had one) and unique through an index (SQLite cannot add a UNIQUE column),
so two organisations never answer to one banner. The same SQL on both engines; the orgs'
triggers move `config_version` when it is set, so running services see it."""

from __future__ import annotations

import sqlite3

from intake_service.migrations.registry import migration, run_script


@migration(23)
def pos_ids(conn: sqlite3.Connection) -> None:
    run_script(
        conn,
        """
        ALTER TABLE orgs ADD COLUMN pos_id BIGINT;
        CREATE UNIQUE INDEX orgs_by_pos_id ON orgs (pos_id)
        """,
    )
