"""Numbered schema migrations, each applied once in its own transaction and recorded in the
`migrations` table. Add a new function with the next number; never edit an applied one.

The migrations live in one module per release: `spine` (1–5: appeals, events, the outbox and
sinks), `console` (6–10: accounts, handling, search, the board's counts, the log's indexes),
`follow_through` (11: what comes back to the citizen), `open311` (12: Open311 and a category's
extra questions), `follow_through_links` (13: the cabinet's e-mail link, the forwarding
deadline, the operator's language), `idempotency_scopes` (14: intake's and replies' keys apart),
`writer_batches` (15: a marker per writer batch, for a commit whose answer was lost),
`register` (16: the indexes of the console's register of appeals), `local_days` (17: the day
an appeal counts on is its organisation's local day), `register_reads` (18: the register's reads
that were slow at a million appeals), `taken_channels` (19: the day counts' columns for the
channels an operator takes appeals from), `due_counts` (20: the open appeals' answer dates
counted per cell, for the board's overdue count), `follows` (21: citizens following an appeal
another filed), `polls` (22: polls, votes and public discussions), `pos_ids` (23: the old ПОС widget's id of
an organisation), `org_counts` (24: the appeals each organisation has received, counted), `erasure` (25: when a
citizen's data left an appeal, and what an outbox row carries), `stats_counts` (26: the statistics'
counts per organisation and day, and the times to the first answer counted in buckets),
`intake_indexes` (27: three index entries fewer for an appeal filed).
Importing this package registers them all in MIGRATIONS.

PostgreSQL starts from a baseline of migration 12 (postgres/schema.py) and applies the later
ones itself, so from 13 on a migration's SQL must read the same on both engines (`dialect`
where it cannot)."""

from __future__ import annotations

# complete once every release's module below has registered its migrations (registry.py)
from intake_service.migrations.registry import MIGRATIONS

__all__ = ["MIGRATIONS"]

# registered by importing them (each module's functions carry their numbers)
from intake_service.migrations import (  # noqa: F401
    console,
    due_counts,
    erasure,
    follow_through,
    follow_through_links,
    follows,
    idempotency_scopes,
    intake_indexes,
    local_days,
    open311,
    org_counts,
    polls,
    pos_ids,
    register,
    register_reads,
    spine,
    stats_counts,
    taken_channels,
    writer_batches,
)
