"""Migration 11: the citizen's follow-through — identity, notices by e-mail, deadlines, ratings
and repeats, clarification, routing."""

from __future__ import annotations

import sqlite3

from intake_service.migrations.console import DAY_COLUMNS_9, OPEN_9, STATUSES_9, count_triggers
from intake_service.migrations.registry import config_triggers, migration, run_script

# Migration 11's statuses and counted columns (a test keeps them equal to statuses.py).
OPEN_11 = "('accepted', 'registered', 'in_progress', 'forwarded', 'clarifying')"
STATUSES_11 = (*STATUSES_9, "clarifying", "not_clarified")
DAY_COLUMNS_11: tuple[tuple[str, str], ...] = (
    *((name, expr.replace(OPEN_9, OPEN_11)) for name, expr in DAY_COLUMNS_9),
    *((f"st_{s}", f"({{r}}status = '{s}')") for s in STATUSES_11[len(STATUSES_9) :]),
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
    run_script(
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
    count_triggers(conn, DAY_COLUMNS_11, OPEN_11, also_watch=("repeat_of", "rating"))
    config_triggers(conn, "routing_rules")
