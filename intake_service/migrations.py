"""Numbered schema migrations, each applied once in its own transaction and recorded in the
`migrations` table. Add a new function with the next number; never edit an applied one."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

Migration = Callable[[sqlite3.Connection], None]
MIGRATIONS: dict[int, Migration] = {}


def migration(number: int) -> Callable[[Migration], Migration]:
    def register(fn: Migration) -> Migration:
        if number in MIGRATIONS:
            raise RuntimeError(f"migration {number} defined twice")
        MIGRATIONS[number] = fn
        return fn

    return register


# Tables whose change must make running services reload their organisation directory.
_CONFIG_TABLES = ("orgs", "org_origins", "org_categories", "api_keys")


def _run_script(conn: sqlite3.Connection, script: str) -> None:
    """Run `;`-separated statements inside the caller's transaction (executescript would
    commit it first). Statements here contain no `;` of their own."""
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


@migration(1)
def initial_schema(conn: sqlite3.Connection) -> None:
    _run_script(
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
    for table in _CONFIG_TABLES:
        for action in ("INSERT", "UPDATE", "DELETE"):
            conn.execute(
                f"CREATE TRIGGER {table}_{action.lower()}_bumps_config AFTER {action} ON {table} "
                "BEGIN UPDATE meta SET value = CAST(value AS INTEGER) + 1 "
                "WHERE key = 'config_version'; END"
            )


@migration(2)
def form_nonces_and_photos(conn: sqlite3.Connection) -> None:
    _run_script(
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
    _run_script(
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
    _run_script(
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
    _run_script(
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


@migration(6)
def console_accounts_and_handling(conn: sqlite3.Connection) -> None:
    """The operators' side: accounts, server-side sessions, and what handling an appeal changes.

    Passwords are argon2id hashes; a session is stored as the SHA-256 of its cookie, so the
    database alone never lets anyone in. An appeal's handling state (severity, assignee, the
    original it duplicates, the public answer, the reason the citizen sees) lives on the appeal
    row and changes only together with the event that explains it. `events_by_org` serves the
    console's log newest first per organisation; `appeals_by_target` the same for appeals."""
    _run_script(
        conn,
        """
        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            email TEXT NOT NULL UNIQUE COLLATE NOCASE,
            org_id INTEGER REFERENCES orgs(id) ON DELETE CASCADE,
            role TEXT NOT NULL CHECK (role IN ('operator', 'admin')),
            platform INTEGER NOT NULL DEFAULT 0,
            name TEXT NOT NULL DEFAULT '',
            password_hash TEXT NOT NULL,
            must_change INTEGER NOT NULL DEFAULT 0,
            disabled_at TEXT,
            created_at TEXT NOT NULL,
            CHECK (org_id IS NOT NULL OR platform = 1)
        );
        CREATE TABLE console_sessions (
            id_hash TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            csrf TEXT NOT NULL,
            created_at REAL NOT NULL,
            seen_at REAL NOT NULL,
            remote_addr TEXT,
            revoked_at REAL
        );
        CREATE INDEX console_sessions_by_user ON console_sessions (user_id);

        ALTER TABLE appeals ADD COLUMN severity TEXT;
        ALTER TABLE appeals ADD COLUMN assignee_id INTEGER REFERENCES users(id);
        ALTER TABLE appeals ADD COLUMN duplicate_of TEXT;
        ALTER TABLE appeals ADD COLUMN answer TEXT;
        ALTER TABLE appeals ADD COLUMN answered_at TEXT;
        ALTER TABLE appeals ADD COLUMN status_reason TEXT;
        ALTER TABLE appeals ADD COLUMN updated_at TEXT;
        CREATE INDEX appeals_by_target ON appeals (target_org_id, seq);
        CREATE INDEX events_by_org ON events (org_id, id);

        ALTER TABLE org_categories ADD COLUMN default_severity TEXT;
        CREATE TABLE answer_templates (
            id INTEGER PRIMARY KEY,
            org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
            category TEXT,
            title TEXT NOT NULL,
            body TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX answer_templates_by_org ON answer_templates (org_id, category)
        """,
    )


@migration(7)
def appeal_search(conn: sqlite3.Connection) -> None:
    """Full-text search of appeals (console/search.py): Snowball stems of text and address, and
    a token `o<target org id>` so that the organisation filter runs inside the index; rowid is
    `appeals.seq`. The stems are computed in Python (SQLite has no Snowball tokenizer), so the
    table is contentless and column-detailed: it answers which appeals match, nothing more.
    The background indexer fills it, existing appeals included, and keeps its mark in `meta`.
    `events_by_org_type` serves the log filtered by event type (a webmaster's refused requests:
    rare rows that a walk of `events_by_org` would look for through the whole history);
    `appeals_facets` lets the log's appeal filters (category, severity, status, kind, assignee)
    be checked from the index alone as the walk joins each event's appeal (measured: a
    category filter 3x faster on 300,000 appeals)."""
    conn.execute(
        "CREATE VIRTUAL TABLE appeal_search USING fts5("
        "orgs, body, content = '', detail = column, tokenize = 'unicode61 remove_diacritics 0')"
    )
    conn.execute("CREATE INDEX events_by_org_type ON events (org_id, type, id)")
    conn.execute(
        "CREATE INDEX appeals_facets ON appeals (id, category, severity, status, kind, assignee_id)"
    )


@migration(8)
def appeal_page_indexes(conn: sqlite3.Connection) -> None:
    """The console's page of one appeal lists where it was forwarded (its outbox rows) and the
    appeals that follow it as duplicates; without these indexes both would scan whole tables,
    which at a million appeals is a visible pause on every page view."""
    _run_script(
        conn,
        """
        CREATE INDEX outbox_by_appeal ON outbox (appeal_id);
        CREATE INDEX appeals_duplicates ON appeals (duplicate_of) WHERE duplicate_of IS NOT NULL
        """,
    )


# Statuses of type "open" when migration 9 was written (statuses.open_statuses(); a test keeps
# the two equal — a change of the set needs a new migration re-creating these triggers).
_OPEN_9 = "('accepted', 'registered', 'in_progress', 'forwarded')"
_HIGH_9 = "('high', 'critical')"
_STATUSES_9 = (
    "accepted",
    "registered",
    "in_progress",
    "forwarded",
    "answered",
    "resolved",
    "not_resolved",
    "duplicate",
    "rejected",
)
_CHANNELS_9 = ("api", "form")
# The day table's counted columns: what one appeal row `{r}` adds to its day (1 or 0).
_DAY_COLUMNS_9: tuple[tuple[str, str], ...] = (
    ("n", "1"),
    ("high_critical", f"(coalesce({{r}}severity, '') IN {_HIGH_9})"),
    ("answered", "({r}answered_at IS NOT NULL)"),
    ("open_message", f"({{r}}status IN {_OPEN_9} AND {{r}}kind = 'message')"),
    ("open_other", f"({{r}}status IN {_OPEN_9} AND {{r}}kind != 'message')"),
    *((f"via_{c}", f"({{r}}channel = '{c}')") for c in _CHANNELS_9),
    *((f"st_{s}", f"({{r}}status = '{s}')") for s in _STATUSES_9),
)


@migration(9)
def board_counts(conn: sqlite3.Connection) -> None:
    """Counts the heat board and statistics read instead of scanning a million appeals.

    `appeal_day_counts` holds, per UTC day of filing, target organisation and category: the
    appeals filed (`n`) and how many of them are now of high or critical severity, answered,
    open (messages and other kinds apart, because their targets differ), came by each channel,
    and are in each status. `appeal_open_counts` holds the appeals open now per organisation
    and category, so that "open longer than the target" is the open count minus those of the
    last target days. `appeal_hour_counts` holds filings per hour for the board's 24-hour
    window; the insert trigger drops a cell's hours older than two days, so it stays a few rows
    per cell. Triggers keep all three in the transaction that changes an appeal — the writer's
    and the CLI's alike — as `outbox_counts` (migration 5) does for the outbox. The day table's
    key starts with the day, so a period is one range of it. `meta.appeal_counts_past` moves
    whenever a day before today changes (an older appeal's severity or status), so the board
    may keep its sums over past days until it moves. `appeals_answered` holds only answered
    appeals, with what the median time to the first answer reads, so that statistic reads the
    index alone.
    """
    columns = ",\n".join(f"{name} INTEGER NOT NULL DEFAULT 0" for name, _ in _DAY_COLUMNS_9)
    _run_script(
        conn,
        f"""
        CREATE TABLE appeal_day_counts (
            day TEXT NOT NULL,
            target_org_id INTEGER NOT NULL,
            category TEXT NOT NULL,
            {columns},
            PRIMARY KEY (day, target_org_id, category)
        ) WITHOUT ROWID;
        CREATE TABLE appeal_open_counts (
            target_org_id INTEGER NOT NULL,
            category TEXT NOT NULL,
            n INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (target_org_id, category)
        ) WITHOUT ROWID;
        CREATE TABLE appeal_hour_counts (
            target_org_id INTEGER NOT NULL,
            category TEXT NOT NULL,
            hour TEXT NOT NULL,
            n INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (target_org_id, category, hour)
        ) WITHOUT ROWID;
        CREATE INDEX appeals_answered ON appeals (created_at, target_org_id, category, answered_at)
            WHERE answered_at IS NOT NULL;
        INSERT INTO meta (key, value) VALUES ('appeal_counts_past', '0')
        """,
    )
    names = ", ".join(name for name, _ in _DAY_COLUMNS_9)
    conn.execute(
        f"INSERT INTO appeal_day_counts (day, target_org_id, category, {names}) "
        "SELECT substr(created_at, 1, 10), target_org_id, category, "
        + ", ".join(f"sum({expr.format(r='')})" for _, expr in _DAY_COLUMNS_9)
        + " FROM appeals GROUP BY substr(created_at, 1, 10), target_org_id, category"
    )
    conn.execute(
        "INSERT INTO appeal_open_counts (target_org_id, category, n) "
        "SELECT target_org_id, category, count(*) FROM appeals "
        f"WHERE status IN {_OPEN_9} GROUP BY target_org_id, category"
    )
    conn.execute(
        "INSERT INTO appeal_hour_counts (target_org_id, category, hour, n) "
        "SELECT target_org_id, category, substr(created_at, 1, 13), count(*) FROM appeals "
        "WHERE created_at >= strftime('%Y-%m-%dT%H', 'now', '-2 days') "
        "GROUP BY target_org_id, category, substr(created_at, 1, 13)"
    )

    _count_triggers(conn, _DAY_COLUMNS_9, _OPEN_9)


def _count_triggers(
    conn: sqlite3.Connection,
    columns: tuple[tuple[str, str], ...],
    open_set: str,
    also_watch: tuple[str, ...] = (),
) -> None:
    """The triggers keeping the board's counts (migration 9; re-created by later migrations when
    the counted columns or the set of open statuses change)."""
    names = ", ".join(name for name, _ in columns)

    def add(row: str, sign: str) -> str:
        """Statements adding (`+`) or taking away (`-`) one appeal row's share."""
        is_open = f"({row}.status IN {open_set})"
        values = ", ".join(f"{sign}{expr.format(r=row + '.')}" for _, expr in columns)
        hour = (
            "INSERT INTO appeal_hour_counts (target_org_id, category, hour, n) "
            f"SELECT {row}.target_org_id, {row}.category, substr({row}.created_at, 1, 13), 1 "
            f"WHERE {row}.created_at >= strftime('%Y-%m-%dT%H', 'now', '-2 days') "
            "ON CONFLICT (target_org_id, category, hour) DO UPDATE SET n = n + 1; "
            if sign == "+"
            else "UPDATE appeal_hour_counts SET n = n - 1 "
            f"WHERE target_org_id = {row}.target_org_id AND category = {row}.category "
            f"AND hour = substr({row}.created_at, 1, 13); "
        )
        return (
            f"INSERT INTO appeal_day_counts (day, target_org_id, category, {names}) "
            f"VALUES (substr({row}.created_at, 1, 10), {row}.target_org_id, {row}.category, "
            f"{values}) ON CONFLICT (day, target_org_id, category) DO UPDATE SET "
            + ", ".join(f"{name} = {name} + excluded.{name}" for name, _ in columns)
            + "; INSERT INTO appeal_open_counts (target_org_id, category, n) "
            f"SELECT {row}.target_org_id, {row}.category, {sign}1 WHERE {is_open} "
            "ON CONFLICT (target_org_id, category) DO UPDATE SET n = n + excluded.n; "
            + hour
            + "UPDATE meta SET value = CAST(value AS INTEGER) + 1 "
            f"WHERE key = 'appeal_counts_past' "
            f"AND substr({row}.created_at, 1, 10) < strftime('%Y-%m-%d', 'now'); "
        )

    conn.execute(
        "CREATE TRIGGER appeal_counts_insert AFTER INSERT ON appeals BEGIN "
        + add("new", "+")
        + "DELETE FROM appeal_hour_counts WHERE target_org_id = new.target_org_id "
        "AND category = new.category "
        "AND hour < strftime('%Y-%m-%dT%H', new.created_at, '-2 days'); END"
    )
    # created_at never changes in the service; the trigger follows it anyway (an import, a test
    # that files "last week"), so the counts always agree with the rows.
    watched = "".join(f", {c}" for c in also_watch)
    changed = "".join(f"old.{c} IS NOT new.{c} OR " for c in also_watch)
    conn.execute(
        "CREATE TRIGGER appeal_counts_update AFTER UPDATE OF severity, status, answered_at, "
        f"category, kind, channel, target_org_id, created_at{watched} ON appeals "
        f"WHEN {changed}old.severity IS NOT new.severity OR old.status IS NOT new.status "
        "OR old.channel != new.channel "
        "OR (old.answered_at IS NULL) != (new.answered_at IS NULL) "
        "OR old.category != new.category OR old.kind != new.kind "
        "OR old.target_org_id != new.target_org_id OR old.created_at != new.created_at BEGIN "
        + add("old", "-")
        + add("new", "+")
        + "END"
    )
    conn.execute(
        "CREATE TRIGGER appeal_counts_delete AFTER DELETE ON appeals BEGIN "
        + add("old", "-")
        + "END"
    )


@migration(10)
def log_appeal_filters(conn: sqlite3.Connection) -> None:
    """The console log filtered by the appeal's attributes starts from the matching appeals
    (console/log_queries.py): `appeals_log_facets` finds an organisation's appeals of a category
    and status (the other attributes and the appeal id are read from the index as well), and
    `events_by_appeal` then gives their events. Walking the organisation's events and checking
    each one's appeal instead went through every newer event that did not match — for a rare
    combination, or a status new appeals do not have yet, a region's whole recent history.
    `appeals_by_assignee` holds only assigned appeals: "mine" is found without reading every
    appeal of the organisations. The cost: one more index entry per appeal filed (the partial
    one only on assignment), and an update of it on each change of status or severity."""
    conn.execute(
        "CREATE INDEX appeals_log_facets ON appeals "
        "(target_org_id, category, status, severity, kind, assignee_id, id)"
    )
    conn.execute(
        "CREATE INDEX appeals_by_assignee ON appeals (assignee_id) WHERE assignee_id IS NOT NULL"
    )


# Migration 11's statuses and counted columns (a test keeps them equal to statuses.py).
_OPEN_11 = "('accepted', 'registered', 'in_progress', 'forwarded', 'clarifying')"
_STATUSES_11 = (*_STATUSES_9, "clarifying", "not_clarified")
_DAY_COLUMNS_11: tuple[tuple[str, str], ...] = (
    *((name, expr.replace(_OPEN_9, _OPEN_11)) for name, expr in _DAY_COLUMNS_9),
    *((f"st_{s}", f"({{r}}status = '{s}')") for s in _STATUSES_11[len(_STATUSES_9) :]),
    ("repeats", "({r}repeat_of IS NOT NULL)"),
    ("poor_ratings", "(coalesce({r}rating, 5) <= 2)"),
)


@migration(11)
def citizen_follow_through(conn: sqlite3.Connection) -> None:
    """What comes back to the citizen (followup/): identity, notices by e-mail, deadlines,
    clarification, the citizen's verdict and repeat appeals, routing to the competent body.

    On the appeal row: the citizen's language and how they were identified (`identity`: none,
    email, oidc; `citizen_sub` the identity provider's subject, which "my appeals" lists by),
    whether e-mail copies go out, the appeal it repeats, the due dates (ISO dates in the
    organisation's zone), the one extension, the open question, the verdict. Two new statuses
    (`clarifying` open, `not_clarified` closed) and the repeats and poor ratings the board
    weighs change the counted columns: the count triggers are re-created (nothing existing has
    the new values, so the kept counts stay right).

    `held_appeals` keeps an appeal filed with e-mail confirmation until its link is opened: it
    is no appeal yet — no number, not forwarded, not on the board — and becomes one, through the
    same acceptance as every other, when confirmed. `notices` is one e-mail each (to a citizen
    or an operator), rendered when sent; its outbox row (sink `mail`, `notice_id`) carries it
    through the forwarder's retries like any other delivery, and `dedupe` makes one event one
    e-mail however often it is recorded. `routing_rules` send a category of an organisation to
    the competent body; `fast_track` marks categories answered within the short period."""
    _run_script(
        conn,
        """
        ALTER TABLE appeals ADD COLUMN lang TEXT NOT NULL DEFAULT 'ru';
        ALTER TABLE appeals ADD COLUMN identity TEXT NOT NULL DEFAULT 'none';
        ALTER TABLE appeals ADD COLUMN citizen_sub TEXT;
        ALTER TABLE appeals ADD COLUMN notify_email INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE appeals ADD COLUMN repeat_of TEXT;
        ALTER TABLE appeals ADD COLUMN routed_from INTEGER;
        ALTER TABLE appeals ADD COLUMN register_due TEXT;
        ALTER TABLE appeals ADD COLUMN answer_due TEXT;
        ALTER TABLE appeals ADD COLUMN extended_at TEXT;
        ALTER TABLE appeals ADD COLUMN extension_reason TEXT;
        ALTER TABLE appeals ADD COLUMN clarify_question TEXT;
        ALTER TABLE appeals ADD COLUMN clarify_due TEXT;
        ALTER TABLE appeals ADD COLUMN clarify_answer TEXT;
        ALTER TABLE appeals ADD COLUMN solved INTEGER;
        ALTER TABLE appeals ADD COLUMN rating INTEGER;
        ALTER TABLE appeals ADD COLUMN rating_comment TEXT;
        ALTER TABLE appeals ADD COLUMN rated_at TEXT;
        CREATE INDEX appeals_by_citizen ON appeals (citizen_sub, seq)
            WHERE citizen_sub IS NOT NULL;
        CREATE INDEX appeals_repeats ON appeals (repeat_of) WHERE repeat_of IS NOT NULL;
        CREATE INDEX appeals_due ON appeals (answer_due, target_org_id)
            WHERE answer_due IS NOT NULL
            AND status IN ('accepted', 'registered', 'in_progress', 'forwarded', 'clarifying');
        CREATE INDEX appeals_awaiting_verdict ON appeals (answered_at) WHERE status = 'answered';
        CREATE INDEX appeals_clarify_due ON appeals (clarify_due) WHERE status = 'clarifying';

        CREATE TABLE held_appeals (
            id TEXT PRIMARY KEY,
            org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
            email TEXT NOT NULL,
            lang TEXT NOT NULL,
            payload TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'waiting'
                CHECK (state IN ('waiting', 'confirmed', 'expired')),
            created_at REAL NOT NULL,
            expires_at REAL NOT NULL,
            confirmed_at REAL,
            number TEXT
        );
        CREATE INDEX held_appeals_waiting ON held_appeals (expires_at) WHERE state = 'waiting';

        CREATE TABLE notices (
            id INTEGER PRIMARY KEY,
            appeal_id TEXT,
            org_id INTEGER NOT NULL,
            kind TEXT NOT NULL,
            recipient TEXT NOT NULL,
            lang TEXT NOT NULL,
            data TEXT NOT NULL,
            dedupe TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL
        );
        CREATE INDEX notices_by_appeal ON notices (appeal_id) WHERE appeal_id IS NOT NULL;
        ALTER TABLE outbox ADD COLUMN notice_id INTEGER;

        CREATE TABLE routing_rules (
            org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
            category TEXT NOT NULL,
            to_org_id INTEGER NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
            created_at TEXT NOT NULL,
            PRIMARY KEY (org_id, category)
        );
        ALTER TABLE org_categories ADD COLUMN fast_track INTEGER;
        ALTER TABLE appeal_day_counts ADD COLUMN st_clarifying INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE appeal_day_counts ADD COLUMN st_not_clarified INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE appeal_day_counts ADD COLUMN repeats INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE appeal_day_counts ADD COLUMN poor_ratings INTEGER NOT NULL DEFAULT 0;
        DROP TRIGGER appeal_counts_insert;
        DROP TRIGGER appeal_counts_update;
        DROP TRIGGER appeal_counts_delete
        """,
    )
    _count_triggers(conn, _DAY_COLUMNS_11, _OPEN_11, also_watch=("repeat_of", "rating"))
    for action in ("INSERT", "UPDATE", "DELETE"):
        conn.execute(
            f"CREATE TRIGGER routing_rules_{action.lower()}_bumps_config AFTER {action} "
            "ON routing_rules BEGIN UPDATE meta SET value = CAST(value AS INTEGER) + 1 "
            "WHERE key = 'config_version'; END"
        )
