"""`pos-intake queue stats|show|dead|retry`: the outbox as an operator sees it — where appeals went,
how many attempts, the last error, what is dead — and sending again what failed.

These read and write the database file directly, so they work beside a running service (its
forwarder picks retried rows up within a second) or without one."""

from __future__ import annotations

import argparse
import json
import sqlite3
import time
from collections.abc import Callable

from intake_service.cli.database import open_for
from intake_service.forward.outbox import dead, deliveries, retry, stats
from intake_service.orgs import OrgError
from intake_service.store import now_iso, transaction


def add_parsers(commands: argparse._SubParsersAction, common: Callable[..., None]) -> None:
    queue = commands.add_parser("queue", help="the outbox: embedded queue and forwarding")
    sub = queue.add_subparsers(dest="queue_command", required=True, metavar="ACTION")
    p = sub.add_parser("stats", help="messages per organisation, sink and state")
    p.add_argument("--json", action="store_true", help="one JSON document")
    p.set_defaults(handler=_stats)

    p = sub.add_parser("show", help="where one appeal went: sinks, states, attempts, last error")
    p.add_argument("appeal", help="the appeal's id or number")
    p.add_argument("--json", action="store_true", help="one JSON document")
    p.set_defaults(handler=_show)

    p = sub.add_parser("dead", help="deliveries that gave up, newest first, with their errors")
    p.add_argument("--org", help="only this organisation's (its slug)")
    p.add_argument("--limit", type=int, default=100, help="at most this many (default 100)")
    p.add_argument("--json", action="store_true", help="one JSON document")
    p.set_defaults(handler=_dead)

    p = sub.add_parser("retry", help="send failed or dead deliveries again")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("appeal", nargs="?", help="the appeal's id or number")
    which.add_argument("--dead", action="store_true", help="every dead delivery")
    p.set_defaults(handler=_retry)
    for parser in sub.choices.values():
        common(parser)


def _read(
    args: argparse.Namespace, query: Callable[[sqlite3.Connection], list[dict[str, object]]]
) -> list[dict[str, object]]:
    conn = open_for(args)
    try:
        return query(conn)
    finally:
        conn.close()


def _print_json(rows: list[dict[str, object]]) -> int:
    print(json.dumps(rows, ensure_ascii=False, indent=2))
    return 0


def _stats(args: argparse.Namespace) -> int:
    rows = _read(args, stats)
    if args.json:
        return _print_json(rows)
    if not rows:
        print("the outbox is empty")
        return 0
    print(f"{'org':<20} {'sink':<10} {'state':<9} {'count':>8} {'attempts':>9}  oldest change")
    for row in rows:
        print(
            f"{row['org']:<20} {row['sink']:<10} {row['state']:<9} {row['count']:>8} "
            f"{row['attempts']:>9}  {row['oldest']}"
            + (f"\n{'':<20} last error: {row['last_error']}" if row["last_error"] else "")
        )
    return 0


def _show(args: argparse.Namespace) -> int:
    rows = _read(args, lambda conn: deliveries(conn, args.appeal))
    if not rows:
        raise OrgError(f"no appeal {args.appeal!r} (give its id or number)")
    if args.json:
        return _print_json(rows)
    print(f"{rows[0]['number']}  ({rows[0]['appeal_id']})")
    for row in rows:
        line = f"  {row['sink']:<10} {row['state']:<9} attempts {row['attempts']}"
        if row["state"] == "failed":
            line += f", next in {max(0.0, row['next_attempt_at'] - time.time()):.0f} s"
        if row["last_error"]:
            line += f"  last error: {row['last_error']}"
        print(line)
    return 0


def _dead(args: argparse.Namespace) -> int:
    rows = _read(args, lambda conn: dead(conn, org=args.org, limit=max(1, args.limit)))
    if args.json:
        return _print_json(rows)
    if not rows:
        print("no dead deliveries" + (f" for {args.org}" if args.org else ""))
        return 0
    for row in rows:
        print(
            f"{row['number']}  {row['org']:<20} {row['sink']:<10} attempts {row['attempts']}  "
            f"{row['updated_at']}\n  last error: {row['last_error']}"
        )
    print(f"\n{len(rows)} dead; `pos-intake queue retry --dead` sends them again")
    return 0


def _retry(args: argparse.Namespace) -> int:
    conn = open_for(args)
    try:
        with transaction(conn):
            count = retry(conn, appeal=args.appeal, dead=args.dead, now=time.time(), at=now_iso())
    finally:
        conn.close()
    if count == 0:
        what = f"appeal {args.appeal}" if args.appeal else "the outbox"
        print(f"nothing to retry: {what} has no failed or dead deliveries")
        return 0
    print(f"{count} deliver{'y' if count == 1 else 'ies'} due again; the forwarder sends them now")
    return 0
