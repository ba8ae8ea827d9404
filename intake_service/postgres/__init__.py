"""PostgreSQL as the store of a deployment that outgrows one node.

A database setting that is a `postgresql://` URL selects it; a file path keeps SQLite. The store's
modules keep one SQL text where both engines read it the same (most of it: `?` parameters,
`ON CONFLICT … DO UPDATE`, `RETURNING`, partial indexes) and the connection here turns the
parameters into psycopg's; where the engines differ (the schema's triggers, full-text search,
date functions), the SQL is written once per engine.

Here: connections (`connection.py`), the schema (`schema.py`, applied by `migrate.py` and
`pos-intake migrate`), moving a store between the engines (`copy.py`, `pos-intake copy`), and
the live log's wake-ups across nodes (`notify.py`).
"""

from __future__ import annotations

import sqlite3

URL_PREFIXES = ("postgresql://", "postgres://")
NOTIFY_CHANNEL = "pos_intake_events"  # writers' commits wake the live logs (notify.py)


class TransactionConflict(sqlite3.OperationalError):
    """PostgreSQL gave up a transaction for another's sake (a deadlock between two nodes'
    batches, a serialization failure): nothing of it is kept, and running it again succeeds."""


def is_postgres(database: object) -> bool:
    """Whether a database setting names a PostgreSQL server rather than a SQLite file."""
    return str(database).startswith(URL_PREFIXES)


def redacted(url: str) -> str:
    """The URL with its password starred, for messages and logs."""
    scheme, sep, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not at or ":" not in credentials:
        return url
    return f"{scheme}{sep}{credentials.split(':', 1)[0]}:***@{host}"
