"""`pos-intake org route SLUG CATEGORY --to OTHER|--remove` and `pos-intake org routes SLUG`:
the routing rules that send a category of an organisation's appeals to the competent body."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable

from intake_service.cli.database import database
from intake_service.routing import list_rules, route_category, unroute_category


def add_parser(org_commands: argparse._SubParsersAction, common: Callable[..., None]) -> None:
    p = org_commands.add_parser(
        "route",
        help="send a category of an organisation's appeals to the competent body",
        description="Appeals of CATEGORY filed with SLUG go to OTHER (street lighting from the "
        "city administration to the lighting utility); OTHER's own rules apply next.",
    )
    p.add_argument("slug")
    p.add_argument("category")
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--to", metavar="OTHER", help="the competent organisation's slug")
    target.add_argument("--remove", action="store_true", help="remove the rule")
    common(p)
    p.set_defaults(handler=_route)

    p = org_commands.add_parser("routes", help="list an organisation's routing rules")
    p.add_argument("slug")
    p.add_argument("--json", action="store_true")
    common(p)
    p.set_defaults(handler=_routes)


def _route(args: argparse.Namespace) -> int:
    with database(args) as conn:
        if args.remove:
            unroute_category(conn, args.slug, args.category)
            print(f"{args.slug}: {args.category} stays with {args.slug}")
            return 0
        route_category(conn, args.slug, args.category, args.to)
    print(f"{args.slug}: {args.category} → {args.to}")
    return 0


def _routes(args: argparse.Namespace) -> int:
    with database(args) as conn:
        found = list_rules(conn, args.slug)
    if args.json:
        print(json.dumps(found, ensure_ascii=False))
    elif not found:
        print(f"{args.slug} has no routing rules: its appeals stay with it")
    else:
        for rule in found:
            print(f"{rule['category']:<20} → {rule['to_slug']}  ({rule['to_name']})")
    return 0
