"""`pos-intake log tail`: reading the intake log from
the database file, so they work beside a running service (WAL lets readers in) or without one."""

from __future__ import annotations

import argparse
import json
import sqlite3
import time
from collections.abc import Callable
from zoneinfo import ZoneInfo

from intake_service.cli.database import open_for
from intake_service.events import Event, EventFeed, last_events
from intake_service.org_settings import DEFAULT_TIMEZONE, timezone_of
from intake_service.orgs import get_org, list_orgs

FOLLOW_POLL_SECONDS = 0.25


def add_parsers(commands: argparse._SubParsersAction, common: Callable[..., None]) -> None:
    log = commands.add_parser("log", help="read the intake log", description="Read the intake log.")
    sub = log.add_subparsers(dest="log_command", required=True, metavar="ACTION")
    p = sub.add_parser(
        "tail",
        help="show the latest events: accepted appeals, rejected requests with reasons, deliveries",
    )
    p.add_argument("--org", help="only this organisation's events")
    p.add_argument("--follow", "-f", action="store_true", help="keep printing new events")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.add_argument("-n", "--lines", type=int, default=20, help="how many to show first (20)")
    common(p)
    p.set_defaults(handler=_tail)


def _print(event: Event, as_json: bool, zones: dict[str, ZoneInfo]) -> None:
    """JSON keeps the stored UTC time; a line shows the organisation's local time with its
    offset (an event of no organisation: the default zone's)."""
    if as_json:
        print(json.dumps(event.as_dict(), ensure_ascii=False), flush=True)
        return
    zone = zones.get(event.org or "") or ZoneInfo(DEFAULT_TIMEZONE)
    print(event.line(zone), flush=True)


def _tail(args: argparse.Namespace) -> int:
    conn = open_for(args)
    try:
        org_id = get_org(conn, args.org).id if args.org else None
        zones = {org.slug: timezone_of(org) for org in list_orgs(conn)}
        events = last_events(conn, org_id=org_id, count=max(0, args.lines))
        for event in events:
            _print(event, args.json, zones)
        feed = EventFeed(conn, events[-1].id if events else _max_id(conn))
        while args.follow:
            newer = feed.read(conn, org_id=org_id)
            for event in newer:
                if event.org and event.org not in zones:  # added since: look again
                    zones = {org.slug: timezone_of(org) for org in list_orgs(conn)}
                _print(event, args.json, zones)
            if not newer:
                time.sleep(FOLLOW_POLL_SECONDS)
    except KeyboardInterrupt:
        pass
    finally:
        conn.close()
    return 0


def _max_id(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0]
