"""`pos-intake org sink SLUG add|list|remove`: where an organisation's appeals are forwarded.

SLUG `all` names the default sinks, which every organisation's appeals go to."""

from __future__ import annotations

import argparse
import json
import sqlite3
from collections.abc import Callable

from intake_service.cli.database import open_for
from intake_service.forward.sinks import (
    ALL_ORGS,
    DEFAULT_EXCHANGE,
    KINDS,
    add_sink,
    list_sinks,
    remove_sink,
)
from intake_service.orgs import OrgError, get_org


def add_parser(org_commands: argparse._SubParsersAction, common: Callable[..., None]) -> None:
    sink = org_commands.add_parser(
        "sink",
        help="forward an organisation's appeals to RabbitMQ or a webhook",
        description="Sinks of an organisation; SLUG 'all' names the default sinks for all.",
    )
    sink.add_argument("slug", help=f"the organisation, or '{ALL_ORGS}' for the default sinks")
    sub = sink.add_subparsers(dest="sink_command", required=True, metavar="ACTION")

    p = sub.add_parser("add", help="attach a sink")
    p.add_argument("kind", choices=KINDS)
    p.add_argument("--url", required=True, help="amqp://user:pass@host/vhost or https://…")
    p.add_argument("--exchange", help=f"rabbitmq: topic exchange (default {DEFAULT_EXCHANGE})")
    p.add_argument(
        "--quorum",
        action="store_true",
        help="rabbitmq: also declare a durable quorum queue <exchange>.<slug> bound to it",
    )
    p.add_argument("--secret", help="webhook: HMAC-SHA256 key, 16+ characters")
    p.set_defaults(handler=_add)

    p = sub.add_parser("list", help="the sinks (passwords and secrets hidden)")
    p.add_argument("--json", action="store_true", help="one JSON document")
    p.set_defaults(handler=_list)

    p = sub.add_parser("remove", help="detach a sink; its waiting deliveries become dead")
    p.add_argument("id", type=int, help="the sink's id, from `list`")
    p.set_defaults(handler=_remove)

    for parser in sub.choices.values():
        common(parser)


def _org_id(conn: sqlite3.Connection, slug: str) -> int | None:
    return None if slug == ALL_ORGS else get_org(conn, slug).id


def _add(args: argparse.Namespace) -> int:
    conn = open_for(args)
    try:
        sink = add_sink(
            conn,
            _org_id(conn, args.slug),
            args.kind,
            args.url,
            exchange=args.exchange,
            secret=args.secret,
            quorum=args.quorum,
        )
    finally:
        conn.close()
    shown = sink.public(None if args.slug == ALL_ORGS else args.slug)
    where = (
        f"exchange {shown['exchange']}, routing key = org slug"
        if sink.kind == "rabbitmq"
        else "signed POST"
    )
    print(f"sink {sink.id} added for {args.slug}: {sink.kind} {shown['url']} ({where})")
    print("new appeals go there from now on; a running service picks it up without a restart")
    return 0


def _list(args: argparse.Namespace) -> int:
    conn = open_for(args)
    try:
        org_id = _org_id(conn, args.slug)
        slugs = {row[0]: row[1] for row in conn.execute("SELECT id, slug FROM orgs")}
        sinks = [s for s in list_sinks(conn) if args.slug == ALL_ORGS or s.org_id in (None, org_id)]
    finally:
        conn.close()
    shown = [s.public(slugs.get(s.org_id) if s.org_id else None) for s in sinks]
    if args.json:
        print(json.dumps(shown, ensure_ascii=False, indent=2))
        return 0
    if not shown:
        print(f"no sinks for {args.slug}: appeals wait only in the embedded queue")
        return 0
    for s in shown:
        extra = (
            f" exchange={s['exchange']}" + (" quorum" if s["quorum"] else "")
            if s["kind"] == "rabbitmq"
            else " secret=set"
        )
        print(f"{s['id']:>4}  {s['org']:<16} {s['kind']:<8} {s['url']}{extra}  [{s['source']}]")
    return 0


def _remove(args: argparse.Namespace) -> int:
    conn = open_for(args)
    try:
        if not remove_sink(conn, _org_id(conn, args.slug), args.id):
            raise OrgError(
                f"{args.slug} has no sink {args.id} (see: pos-intake org sink {args.slug} list)"
            )
    finally:
        conn.close()
    print(f"sink {args.id} of {args.slug} removed")
    return 0
