"""Migrations 6–10: the operator's console — accounts and handling, search, the appeal page's
indexes, the heat board's running counts (and the triggers that keep them), the log's filters."""

from __future__ import annotations

import sqlite3

from intake_service.migrations.registry import migration, run_script


@migration(6)
def console_accounts_and_handling(conn: sqlite3.Connection) -> None:
    """The operators' side: accounts, server-side sessions, and what handling an appeal changes.

    Passwords are argon2id hashes; a session is stored as the SHA-256 of its cookie, so the
    database alone never lets anyone in. An appeal's handling state (severity, assignee, the
    original it duplicates, the public answer, the reason the citizen sees) lives on the appeal
    row and changes only together with the event that explains it. `events_by_org` serves the
    console's log newest first per organisation; `appeals_by_target` the same for appeals."""
    run_script(
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
    run_script(
        conn,
        """
        CREATE INDEX outbox_by_appeal ON outbox (appeal_id);
        CREATE INDEX appeals_duplicates ON appeals (duplicate_of) WHERE duplicate_of IS NOT NULL
        """,
    )


# Statuses of type "open" when migration 9 was written (statuses.open_statuses(); a test keeps
# the two equal — a change of the set needs a new migration re-creating these triggers).
OPEN_9 = "('accepted', 'registered', 'in_progress', 'forwarded')"
HIGH_9 = "('high', 'critical')"
STATUSES_9 = (
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
CHANNELS_9 = ("api", "form")
# The day table's counted columns: what one appeal row `{r}` adds to its day (1 or 0).
DAY_COLUMNS_9: tuple[tuple[str, str], ...] = (
    ("n", "1"),
    ("high_critical", f"(coalesce({{r}}severity, '') IN {HIGH_9})"),
    ("answered", "({r}answered_at IS NOT NULL)"),
    ("open_message", f"({{r}}status IN {OPEN_9} AND {{r}}kind = 'message')"),
    ("open_other", f"({{r}}status IN {OPEN_9} AND {{r}}kind != 'message')"),
    *((f"via_{c}", f"({{r}}channel = '{c}')") for c in CHANNELS_9),
    *((f"st_{s}", f"({{r}}status = '{s}')") for s in STATUSES_9),
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
    columns = ",\n".join(f"{name} INTEGER NOT NULL DEFAULT 0" for name, _ in DAY_COLUMNS_9)
    run_script(
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
    names = ", ".join(name for name, _ in DAY_COLUMNS_9)
    conn.execute(
        f"INSERT INTO appeal_day_counts (day, target_org_id, category, {names}) "
        "SELECT substr(created_at, 1, 10), target_org_id, category, "
        + ", ".join(f"sum({expr.format(r='')})" for _, expr in DAY_COLUMNS_9)
        + " FROM appeals GROUP BY substr(created_at, 1, 10), target_org_id, category"
    )
    conn.execute(
        "INSERT INTO appeal_open_counts (target_org_id, category, n) "
        "SELECT target_org_id, category, count(*) FROM appeals "
        f"WHERE status IN {OPEN_9} GROUP BY target_org_id, category"
    )
    conn.execute(
        "INSERT INTO appeal_hour_counts (target_org_id, category, hour, n) "
        "SELECT target_org_id, category, substr(created_at, 1, 13), count(*) FROM appeals "
        "WHERE created_at >= strftime('%Y-%m-%dT%H', 'now', '-2 days') "
        "GROUP BY target_org_id, category, substr(created_at, 1, 13)"
    )

    count_triggers(conn, DAY_COLUMNS_9, OPEN_9)


def count_triggers(
    conn: sqlite3.Connection,
    columns: tuple[tuple[str, str], ...],
    open_set: str,
    also_watch: tuple[str, ...] = (),
    day: str = "substr({r}created_at, 1, 10)",
) -> None:
    """The triggers keeping the board's counts (migration 9; re-created by later migrations when
    the counted columns, the set of open statuses or the day an appeal counts on change).
    `day` is the day's expression over a row `{r}` (the UTC day of filing until migration 17)."""
    names = ", ".join(name for name, _ in columns)

    def add(row: str, sign: str) -> str:
        """Statements adding (`+`) or taking away (`-`) one appeal row's share."""
        is_open = f"({row}.status IN {open_set})"
        values = ", ".join(f"{sign}{expr.format(r=row + '.')}" for _, expr in columns)
        row_day = day.format(r=row + ".")
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
            f"VALUES ({row_day}, {row}.target_org_id, {row}.category, "
            f"{values}) ON CONFLICT (day, target_org_id, category) DO UPDATE SET "
            + ", ".join(f"{name} = {name} + excluded.{name}" for name, _ in columns)
            + "; INSERT INTO appeal_open_counts (target_org_id, category, n) "
            f"SELECT {row}.target_org_id, {row}.category, {sign}1 WHERE {is_open} "
            "ON CONFLICT (target_org_id, category) DO UPDATE SET n = n + excluded.n; "
            + hour
            + "UPDATE meta SET value = CAST(value AS INTEGER) + 1 "
            f"WHERE key = 'appeal_counts_past' "
            f"AND {row_day} < strftime('%Y-%m-%d', 'now'); "
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
