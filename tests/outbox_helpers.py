"""What the forwarding stories share: retries fast enough for a test, a RabbitMQ sink, and the
agency sinks' outbox as `pos-intake queue stats` shows it."""

from __future__ import annotations

import json
from pathlib import Path

from rabbit_helpers import AMQP

from conftest import run_cli

FAST_RETRIES = {"POS_FORWARD_BACKOFF": "0.05", "POS_FORWARD_BACKOFF_MAX": "0.5"}


def attach_rabbit(db: Path, slug: str, exchange: str) -> None:
    run_cli(db, "org", "sink", slug, "add", "rabbitmq", "--url", AMQP, "--exchange", exchange)


def outbox_states(db: Path) -> dict[str, int]:
    rows = json.loads(run_cli(db, "queue", "stats", "--json").stdout)
    totals: dict[str, int] = {}
    for row in rows:
        if row["sink"].startswith("sink:"):  # the agency's sinks, not the citizen's e-mail
            totals[row["state"]] = totals.get(row["state"], 0) + row["count"]
    return totals
