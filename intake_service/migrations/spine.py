"""Migrations 1–5: the intake spine — appeals, events, form nonces and photos, sinks, the outbox's
counts and the queue's indexes."""

from __future__ import annotations

import sqlite3

from intake_service.migrations.registry import CONFIG_TABLES, migration, run_script


@migration(1)
def initial_schema(conn: sqlite3.Connection) -> None:
    run_script(
        conn,
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        INSERT INTO meta (key, value) VALUES ('config_version', '0');

        CREATE TABLE orgs (
            id INTEGER PRIMARY KEY,
            slug TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            parent_id INTEGER REFERENCES orgs(id),
            settings TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL
        );
        CREATE TABLE org_origins (
            org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
            origin TEXT NOT NULL,
            PRIMARY KEY (org_id, origin)
        );
        -- Overrides of the default catalogue: a disabled default, or a category of the org's own.
        CREATE TABLE org_categories (
            org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
            code TEXT NOT NULL,
            title_ru TEXT,
            title_en TEXT,
            enabled INTEGER NOT NULL DEFAULT 1,
            PRIMARY KEY (org_id, code)
        );
        CREATE TABLE api_keys (
            id TEXT PRIMARY KEY,
            org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
            hash TEXT NOT NULL,
            label TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            revoked_at TEXT
        );
        CREATE TABLE org_sequences (
            org_id INTEGER NOT NULL,
            year INTEGER NOT NULL,
            last INTEGER NOT NULL,
            PRIMARY KEY (org_id, year)
        );

        CREATE TABLE appeals (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            number TEXT NOT NULL UNIQUE,
            origin_org_id INTEGER NOT NULL REFERENCES orgs(id),
            target_org_id INTEGER NOT NULL REFERENCES orgs(id),
            kind TEXT NOT NULL,
            category TEXT NOT NULL,
            text TEXT NOT NULL,
            address TEXT,
            lat REAL,
            lon REAL,
            contact TEXT NOT NULL,
            page_url TEXT,
            channel TEXT NOT NULL,
            embed_origin TEXT,
            loader_version TEXT,
            status TEXT NOT NULL,
            created_at TEXT NOT NULL
        );

        -- The intake log: append-only. Appeal history and operator views are read from it.
        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            type TEXT NOT NULL,
            org_id INTEGER,
            appeal_id TEXT,
            request_id TEXT,
            remote_addr TEXT,
            reason TEXT,
            data TEXT
        );
        CREATE INDEX events_by_appeal ON events (appeal_id) WHERE appeal_id IS NOT NULL;

        -- One row per appeal and sink. For the embedded queue the row is the message itself.
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            appeal_id TEXT NOT NULL,
            org_id INTEGER NOT NULL,
            sink TEXT NOT NULL,
            state TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at REAL NOT NULL,
            receipt TEXT,
            last_error TEXT,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX outbox_due ON outbox (sink, org_id, next_attempt_at) WHERE state != 'done';
        CREATE UNIQUE INDEX outbox_receipt ON outbox (receipt) WHERE receipt IS NOT NULL;

        CREATE TABLE idempotency (
            org_id INTEGER NOT NULL,
            key TEXT NOT NULL,
            body_hash TEXT NOT NULL,
            response TEXT NOT NULL,
            created_at REAL NOT NULL,
            PRIMARY KEY (org_id, key)
        );
        """,
    )
    for table in CONFIG_TABLES:
        for action in ("INSERT", "UPDATE", "DELETE"):
            conn.execute(
                f"CREATE TRIGGER {table}_{action.lower()}_bumps_config AFTER {action} ON {table} "
                "BEGIN UPDATE meta SET value = CAST(value AS INTEGER) + 1 "
                "WHERE key = 'config_version'; END"
            )


@migration(2)
def form_nonces_and_photos(conn: sqlite3.Connection) -> None:
    run_script(
        conn,
        """
        -- One row per form token that filed an appeal: the same form cannot file twice.
        CREATE TABLE form_nonces (nonce TEXT PRIMARY KEY, used_at REAL NOT NULL);

        -- Photos live as files beside the database, these rows say which belong to an appeal.
        CREATE TABLE appeal_photos (
            appeal_id TEXT NOT NULL,
            n INTEGER NOT NULL,
            media_type TEXT NOT NULL,
            bytes INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            PRIMARY KEY (appeal_id, n)
        )
        """,
    )


@migration(3)
def sinks(conn: sqlite3.Connection) -> None:
    run_script(
        conn,
        """
        -- Where an organisation's appeals are forwarded besides the embedded queue. A row without
        -- an organisation is a default sink for all of them. Secrets stay here, never in logs.
        CREATE TABLE sinks (
            id INTEGER PRIMARY KEY,
            org_id INTEGER REFERENCES orgs(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('rabbitmq', 'webhook')),
            url TEXT NOT NULL,
            exchange TEXT,
            secret TEXT,
            quorum INTEGER NOT NULL DEFAULT 0,
            source TEXT NOT NULL DEFAULT 'cli',
            created_at TEXT NOT NULL
        );
        -- What the forwarder looks for: rows of external sinks that are due.
        CREATE INDEX outbox_forward ON outbox (next_attempt_at)
            WHERE state IN ('pending', 'failed') AND sink != 'embedded'
        """,
    )
    _sinks_bump_config_version(conn)


@migration(4)
def sink_ids_never_reused(conn: sqlite3.Connection) -> None:
    """Outbox rows name their sink by id (`sink:<id>`), so an id must never come back: without
    AUTOINCREMENT SQLite hands the highest id out again after that sink is removed, and the
    removed sink's waiting rows would go to whoever got the id. Rebuild the table with
    AUTOINCREMENT and start its sequence above every id the outbox has ever named."""
    run_script(
        conn,
        """
        CREATE TABLE sinks_new (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            org_id INTEGER REFERENCES orgs(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('rabbitmq', 'webhook')),
            url TEXT NOT NULL,
            exchange TEXT,
            secret TEXT,
            quorum INTEGER NOT NULL DEFAULT 0,
            source TEXT NOT NULL DEFAULT 'cli',
            created_at TEXT NOT NULL
        );
        INSERT INTO sinks_new (id, org_id, kind, url, exchange, secret, quorum, source, created_at)
            SELECT id, org_id, kind, url, exchange, secret, quorum, source, created_at FROM sinks;
        DROP TABLE sinks;
        ALTER TABLE sinks_new RENAME TO sinks
        """,
    )
    highest = conn.execute(
        "SELECT max(coalesce((SELECT max(id) FROM sinks), 0), coalesce((SELECT "
        "max(CAST(substr(sink, 6) AS INTEGER)) FROM outbox WHERE sink LIKE 'sink:%'), 0))"
    ).fetchone()[0]
    conn.execute("DELETE FROM sqlite_sequence WHERE name = 'sinks'")
    conn.execute("INSERT INTO sqlite_sequence (name, seq) VALUES ('sinks', ?)", (highest,))
    _sinks_bump_config_version(conn)


def _sinks_bump_config_version(conn: sqlite3.Connection) -> None:
    """Any change to the sinks bumps `config_version`, so running services re-read them."""
    for action in ("INSERT", "UPDATE", "DELETE"):
        conn.execute(
            f"CREATE TRIGGER sinks_{action.lower()}_bumps_config AFTER {action} ON sinks "
            "BEGIN UPDATE meta SET value = CAST(value AS INTEGER) + 1 "
            "WHERE key = 'config_version'; END"
        )


@migration(5)
def outbox_counts_and_queue_indexes(conn: sqlite3.Connection) -> None:
    """Counts kept current, and indexes whose cost does not grow with a backlog.

    `/metrics`, `/readyz` and the forwarder's pacing used to count the outbox on the event loop;
    a queue nobody reads grows forever and every count got slower with it. `outbox_counts` holds
    the number of rows per organisation, sink and state, kept by triggers in the same
    transaction as every change of a row — including changes the CLI makes from another process
    (`queue retry`), which counters in the service's memory would miss.

    `created_at` is when the row was written: the embedded queue's retention counts from it.

    The old `outbox_due` index (sink, org_id, next_attempt_at) made a pull sort every due row by
    id, and `outbox_forward` (next_attempt_at) made the forwarder step over the rows of a busy
    sink to reach another's. They are replaced by indexes each query walks in its own order and
    stops after LIMIT: a pull by (org_id, next_attempt_at) over the embedded queue's waiting
    rows, the forwarder by (sink, next_attempt_at) over external sinks' due rows, and the
    retention job by created_at. Done, expired and dead rows are in none of them."""
    conn.execute("ALTER TABLE outbox ADD COLUMN created_at REAL")
    conn.execute(
        "UPDATE outbox SET created_at = coalesce((SELECT (julianday(a.created_at) - 2440587.5) "
        "* 86400.0 FROM appeals a WHERE a.id = outbox.appeal_id), next_attempt_at) "
        "WHERE state != 'done'"
    )
    run_script(
        conn,
        """
        DROP INDEX outbox_due;
        DROP INDEX outbox_forward;
        CREATE INDEX outbox_queue ON outbox (org_id, next_attempt_at)
            WHERE sink = 'embedded' AND state IN ('pending', 'inflight');
        CREATE INDEX outbox_expiry ON outbox (created_at)
            WHERE sink = 'embedded' AND state IN ('pending', 'inflight');
        CREATE INDEX outbox_forward_due ON outbox (sink, next_attempt_at)
            WHERE state IN ('pending', 'failed') AND sink != 'embedded';
        CREATE TABLE outbox_counts (
            org_id INTEGER NOT NULL,
            sink TEXT NOT NULL,
            state TEXT NOT NULL,
            n INTEGER NOT NULL,
            PRIMARY KEY (org_id, sink, state)
        ) WITHOUT ROWID;
        INSERT INTO outbox_counts (org_id, sink, state, n)
            SELECT org_id, sink, state, count(*) FROM outbox GROUP BY org_id, sink, state
        """,
    )
    # Triggers hold `;` of their own, so they are not part of the script above.
    conn.execute(
        "CREATE TRIGGER outbox_counts_insert AFTER INSERT ON outbox BEGIN "
        "INSERT INTO outbox_counts (org_id, sink, state, n) "
        "VALUES (new.org_id, new.sink, new.state, 1) "
        "ON CONFLICT (org_id, sink, state) DO UPDATE SET n = n + 1; END"
    )
    conn.execute(
        "CREATE TRIGGER outbox_counts_update AFTER UPDATE OF state ON outbox "
        "WHEN old.state != new.state BEGIN "
        "UPDATE outbox_counts SET n = n - 1 "
        "WHERE org_id = old.org_id AND sink = old.sink AND state = old.state; "
        "INSERT INTO outbox_counts (org_id, sink, state, n) "
        "VALUES (new.org_id, new.sink, new.state, 1) "
        "ON CONFLICT (org_id, sink, state) DO UPDATE SET n = n + 1; END"
    )
    conn.execute(
        "CREATE TRIGGER outbox_counts_delete AFTER DELETE ON outbox BEGIN "
        "UPDATE outbox_counts SET n = n - 1 "
        "WHERE org_id = old.org_id AND sink = old.sink AND state = old.state; END"
    )
