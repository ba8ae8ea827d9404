"""The PostgreSQL baseline's triggers, in PL/pgSQL: a change to the registry bumps
`config_version` (running services reload their directory), the outbox keeps its counts per
organisation, sink and state, and an appeal row keeps the board's counts (per day, open, per
hour) — what SQLite's migrations do with triggers of their own, from the same column
definitions.

Apart from schema.py, which declares the tables and indexes: these are code (functions and the
triggers that call them), and the baseline runs them after the tables (`baseline_statements`).
"""

from __future__ import annotations

from intake_service.migrations.follow_through import OPEN_11
from intake_service.migrations.open311 import DAY_COLUMNS_12
from intake_service.migrations.registry import CONFIG_TABLES

# Tables whose change makes running services reload their directory: SQLite's
# (migrations/registry.py CONFIG_TABLES) and those later migrations added triggers for.
CONFIG_TRIGGER_TABLES = (*CONFIG_TABLES, "sinks", "routing_rules", "category_attributes")

CONFIG_TRIGGERS = """
CREATE FUNCTION bump_config_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE meta SET value = (value::bigint + 1)::text WHERE key = 'config_version';
    RETURN NULL;
END $$;
""" + "".join(
    f";\nCREATE TRIGGER {table}_bumps_config AFTER INSERT OR UPDATE OR DELETE ON {table} "
    "FOR EACH ROW EXECUTE FUNCTION bump_config_version()"
    for table in CONFIG_TRIGGER_TABLES
)

OUTBOX_TRIGGERS = """
CREATE FUNCTION outbox_counts_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE outbox_counts SET n = n - 1
            WHERE org_id = OLD.org_id AND sink = OLD.sink AND state = OLD.state;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO outbox_counts AS c (org_id, sink, state, n)
            VALUES (NEW.org_id, NEW.sink, NEW.state, 1)
            ON CONFLICT (org_id, sink, state) DO UPDATE SET n = c.n + 1;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER outbox_counts_insert AFTER INSERT OR DELETE ON outbox
    FOR EACH ROW EXECUTE FUNCTION outbox_counts_change();
CREATE TRIGGER outbox_counts_update AFTER UPDATE OF state ON outbox
    FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state)
    EXECUTE FUNCTION outbox_counts_change()
"""

_HOUR = "'YYYY-MM-DD\"T\"HH24'"


# the day an appeal counts on: the UTC day of filing in the baseline, its organisation's local
# day (the time of filing moved by the zone's offset then) from migration 17 (migrations/local_days.py)
UTC_DAY = "substr(r.created_at, 1, 10)"
LOCAL_DAY = (
    f"CASE WHEN r.local_offset IS NULL THEN {UTC_DAY} ELSE to_char((r.created_at::timestamptz "
    "AT TIME ZONE 'UTC') + make_interval(mins => r.local_offset), 'YYYY-MM-DD') END"
)


def appeal_counts(
    day: str = UTC_DAY,
    *,
    create: str = "CREATE",
    columns: tuple[tuple[str, str], ...] = DAY_COLUMNS_12,
) -> str:
    """The board's counts (SQLite: migrations/console.py `count_triggers`), one appeal row's
    share added (`delta` 1) or taken away (-1), on the day `day` (over the row `r`);
    `create` "CREATE OR REPLACE" when a migration rewrites the functions; `columns` the day
    table's counted columns as the migration writing them knew them (the baseline's are 12's)."""
    names = ", ".join(name for name, _ in columns)
    values = ", ".join(f"delta * ({expr.format(r='r.')})::int" for _, expr in columns)
    updates = ", ".join(f"{name} = d.{name} + excluded.{name}" for name, _ in columns)
    watched = (
        "severity, status, answered_at, category, kind, channel, target_org_id, created_at, "
        "repeat_of, rating" + (", local_offset" if day != UTC_DAY else "")
    )
    changed = " OR ".join(
        f"OLD.{c} IS DISTINCT FROM NEW.{c}"
        for c in (
            "repeat_of",
            "rating",
            "severity",
            "status",
            "channel",
            "category",
            "kind",
            "target_org_id",
            "created_at",
            *(("local_offset",) if day != UTC_DAY else ()),
        )
    )
    return f"""
{create} FUNCTION appeal_counts_add(r appeals, delta bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO appeal_day_counts AS d (day, target_org_id, category, {names})
        VALUES ({day}, r.target_org_id, r.category, {values})
        ON CONFLICT (day, target_org_id, category) DO UPDATE SET {updates};
    IF r.status IN {OPEN_11} THEN
        INSERT INTO appeal_open_counts AS o (target_org_id, category, n)
            VALUES (r.target_org_id, r.category, delta)
            ON CONFLICT (target_org_id, category) DO UPDATE SET n = o.n + excluded.n;
    END IF;
    IF delta > 0 THEN
        IF r.created_at >= to_char(now() AT TIME ZONE 'UTC' - interval '2 days', {_HOUR}) THEN
            INSERT INTO appeal_hour_counts AS h (target_org_id, category, hour, n)
                VALUES (r.target_org_id, r.category, substr(r.created_at, 1, 13), 1)
                ON CONFLICT (target_org_id, category, hour) DO UPDATE SET n = h.n + 1;
        END IF;
    ELSE
        UPDATE appeal_hour_counts SET n = n - 1
            WHERE target_org_id = r.target_org_id AND category = r.category
            AND hour = substr(r.created_at, 1, 13);
    END IF;
    IF ({day}) < to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD') THEN
        UPDATE meta SET value = (value::bigint + 1)::text WHERE key = 'appeal_counts_past';
    END IF;
END $$;
{create} FUNCTION appeal_counts_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM appeal_counts_add(OLD, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM appeal_counts_add(NEW, 1);
    END IF;
    IF TG_OP = 'INSERT' THEN
        DELETE FROM appeal_hour_counts WHERE target_org_id = NEW.target_org_id
            AND category = NEW.category
            AND hour < to_char(NEW.created_at::timestamptz AT TIME ZONE 'UTC'
                               - interval '2 days', {_HOUR});
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER appeal_counts_insert AFTER INSERT OR DELETE ON appeals
    FOR EACH ROW EXECUTE FUNCTION appeal_counts_change();
CREATE TRIGGER appeal_counts_update AFTER UPDATE OF {watched} ON appeals
    FOR EACH ROW WHEN ({changed}
        OR (OLD.answered_at IS NULL) != (NEW.answered_at IS NULL))
    EXECUTE FUNCTION appeal_counts_change()
"""
