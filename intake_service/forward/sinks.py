"""The sinks registry: which RabbitMQ exchanges and webhooks an organisation's appeals go to.

A sink belongs to one organisation or, without one, is a default for all. Each accepted appeal
gets one outbox row per sink that applies to it, named `sink:<id>`, written in the appeal's own
transaction; the forwarder drains those rows. Removing a sink leaves its rows: they are counted
as dead by the forwarder, so nothing silently disappears.

Sinks come from the CLI (`pos-intake org sink …`) or from the config file's `[[sinks]]` tables,
which are applied again at every start (rows with `source = 'config'`).
"""

from __future__ import annotations

import re
import sqlite3
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from intake_service.orgs import OrgError
from intake_service.store import now_iso, transaction

KINDS = ("rabbitmq", "webhook")
DEFAULT_EXCHANGE = "pos.appeals"
ALL_ORGS = "all"  # the slug that names the default sinks on the command line
_EXCHANGE = re.compile(r"^[A-Za-z0-9_.:-]{1,200}$")


@dataclass(frozen=True)
class Sink:
    id: int
    org_id: int | None
    kind: str
    url: str = field(repr=False)  # may hold a password
    exchange: str | None
    secret: str | None = field(repr=False)
    quorum: bool
    source: str

    @property
    def name(self) -> str:
        """The outbox's `sink` column for this sink."""
        return f"sink:{self.id}"

    def public(self, org_slug: str | None) -> dict[str, Any]:
        """What the CLI and logs may show: no password in the URL, no secret."""
        return {
            "id": self.id,
            "org": org_slug or ALL_ORGS,
            "kind": self.kind,
            "url": masked_url(self.url),
            "exchange": self.exchange,
            "quorum": self.quorum,
            "secret": "set" if self.secret else None,
            "source": self.source,
        }


def masked_url(url: str) -> str:
    """The URL with any password and query string replaced, fit for logs and listings: webhook
    URLs often carry a token in their query."""
    parts = urlsplit(url)
    if parts.query:
        parts = parts._replace(query="***")
    if parts.password is not None:
        host = parts.hostname or ""
        if parts.port:
            host = f"{host}:{parts.port}"
        parts = parts._replace(netloc=f"{parts.username}:***@{host}")
    return urlunsplit(parts)


def check_sink(kind: str, url: str, exchange: str | None, secret: str | None) -> None:
    """Refuse a sink that could never deliver, with a message an admin can act on."""
    if kind not in KINDS:
        raise OrgError(f"unknown sink kind {kind!r}: use one of {', '.join(KINDS)}")
    scheme = urlsplit(url).scheme
    if kind == "rabbitmq":
        if scheme not in ("amqp", "amqps"):
            raise OrgError(
                f"a rabbitmq sink needs an amqp:// or amqps:// URL, not {masked_url(url)!r}"
            )
        if exchange is not None and not _EXCHANGE.match(exchange):
            raise OrgError(f"exchange name {exchange!r} is not valid")
    else:
        if scheme not in ("http", "https") or not urlsplit(url).hostname:
            raise OrgError(
                f"a webhook sink needs an http:// or https:// URL, not {masked_url(url)!r}"
            )
        if not secret or len(secret) < 16:
            raise OrgError("a webhook sink needs --secret of at least 16 characters")


def add_sink(
    conn: sqlite3.Connection,
    org_id: int | None,
    kind: str,
    url: str,
    *,
    exchange: str | None = None,
    secret: str | None = None,
    quorum: bool = False,
    source: str = "cli",
) -> Sink:
    check_sink(kind, url, exchange, secret)
    exchange, secret, quorum = _normalised(kind, exchange, secret, quorum)
    sink_id = conn.execute(
        "INSERT INTO sinks (org_id, kind, url, exchange, secret, quorum, source, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (org_id, kind, url, exchange, secret, int(quorum), source, now_iso()),
    ).fetchone()[0]
    return Sink(int(sink_id), org_id, kind, url, exchange, secret, quorum, source)


def _normalised(
    kind: str, exchange: str | None, secret: str | None, quorum: bool
) -> tuple[str | None, str | None, bool]:
    """What is stored of a sink's options: an exchange and quorum only for RabbitMQ (the default
    exchange when none is given), a secret only for webhooks."""
    if kind == "rabbitmq":
        return exchange or DEFAULT_EXCHANGE, None, quorum
    return None, secret, False


def list_sinks(conn: sqlite3.Connection) -> list[Sink]:
    rows = conn.execute(
        "SELECT id, org_id, kind, url, exchange, secret, quorum, source FROM sinks ORDER BY id"
    )
    return [
        Sink(
            r["id"],
            r["org_id"],
            r["kind"],
            r["url"],
            r["exchange"],
            r["secret"],
            bool(r["quorum"]),
            r["source"],
        )
        for r in rows
    ]


def remove_sink(conn: sqlite3.Connection, org_id: int | None, sink_id: int) -> bool:
    cursor = conn.execute(
        "DELETE FROM sinks WHERE id = ? AND org_id IS NOT DISTINCT FROM ?", (sink_id, org_id)
    )
    return cursor.rowcount > 0


def apply_config(conn: sqlite3.Connection, entries: list[dict[str, Any]]) -> int:
    """Make the sinks that came from the config file match its `[[sinks]]` tables (keys: org —
    a slug or "all" —, kind, url, exchange, secret, quorum).

    A sink the file still lists keeps its row and id, so the outbox rows waiting for it (named
    `sink:<id>`) still reach it after a restart; one no longer listed is removed (its rows go
    dead, visibly); a new one is added."""
    with transaction(conn):
        unclaimed = {s.id: s for s in list_sinks(conn) if s.source == "config"}
        for entry in entries:
            slug = str(entry.get("org", ALL_ORGS))
            org_id = None
            if slug != ALL_ORGS:
                row = conn.execute("SELECT id FROM orgs WHERE slug = ?", (slug,)).fetchone()
                if row is None:
                    raise OrgError(f"config [[sinks]]: no organisation {slug!r}")
                org_id = row[0]
            kind, url = str(entry.get("kind", "")), str(entry.get("url", ""))
            exchange, secret, quorum = (
                entry.get("exchange"),
                entry.get("secret"),
                bool(entry.get("quorum", False)),
            )
            check_sink(kind, url, exchange, secret)
            wanted = (org_id, kind, url, *_normalised(kind, exchange, secret, quorum))
            same = next(
                (
                    s.id
                    for s in unclaimed.values()
                    if (s.org_id, s.kind, s.url, s.exchange, s.secret, s.quorum) == wanted
                ),
                None,
            )
            if same is not None:
                del unclaimed[same]
                continue
            add_sink(
                conn, org_id, kind, url, exchange=exchange, secret=secret, quorum=quorum,
                source="config",
            )  # fmt: skip
        for sink_id in unclaimed:
            conn.execute("DELETE FROM sinks WHERE id = ?", (sink_id,))
    return len(entries)


def config_sinks(path: str) -> list[dict[str, Any]]:
    """The `[[sinks]]` tables of the TOML config file (settings.load has checked it parses)."""
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    entries = data.get("sinks", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise OrgError(f"{path}: sinks must be [[sinks]] tables")
    return entries
