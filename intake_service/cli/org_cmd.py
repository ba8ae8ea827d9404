"""`pos-intake org …`: organisations, their origins, categories, API keys and snippet."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from intake_service.areas import area_text, set_area
from intake_service.categories import org_catalogue
from intake_service.cli import attribute_cmd, org_csv_cmd, route_cmd, sink_cmd
from intake_service.cli.database import database
from intake_service.org_settings import SETTINGS, check_setting, describe, update_settings
from intake_service.orgs import (
    OFFSET_MAX,
    OrgError,
    add_origin,
    check_base_url,
    create_key,
    create_org,
    get_org,
    list_keys,
    list_orgs,
    parse_pos_id,
    remove_origin,
    revoke_key,
    set_category,
    set_pos_id,
    snippet,
)
from intake_service.origins import display_origin, normalise_origin
from intake_service.statuses import Severity


def add_parser(commands: argparse._SubParsersAction, common: Callable[..., None]) -> None:
    org = commands.add_parser(
        "org", help="manage organisations", description="Manage organisations."
    )
    sub = org.add_subparsers(dest="org_command", required=True, metavar="ACTION")

    p = sub.add_parser("add", help="create an organisation")
    p.add_argument("slug", help="short Latin name used in URLs and numbers, e.g. mo-manturovo")
    p.add_argument("--name", required=True, help="display name, e.g. «Администрация г. Мантурово»")
    p.add_argument("--origin", action="append", default=[], help="allowed site origin (repeatable)")
    p.add_argument("--parent", help="slug of the parent organisation")
    p.set_defaults(handler=_add)

    p = sub.add_parser("list", help="list organisations")
    p.add_argument("--json", action="store_true", help="one JSON document")
    p.set_defaults(handler=_list)

    p = sub.add_parser("show", help="show one organisation with its categories and keys")
    p.add_argument("slug")
    p.add_argument("--json", action="store_true", help="one JSON document")
    p.set_defaults(handler=_show)

    p = sub.add_parser("origins", help="add or remove an allowed origin")
    p.add_argument("slug")
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--add", metavar="ORIGIN")
    group.add_argument("--remove", metavar="ORIGIN")
    p.set_defaults(handler=_origins)

    p = sub.add_parser(
        "key",
        help="create an API key (printed once, as the last line), list or revoke keys",
    )
    p.add_argument("slug")
    p.add_argument("--label", default="", help="what the key is for, e.g. 'crm'")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--list", action="store_true", help="list keys instead of creating one")
    group.add_argument("--revoke", metavar="KEY_ID", help="revoke a key by its id")
    p.set_defaults(handler=_key)

    p = sub.add_parser("snippet", help="print the <script> line to paste into the site")
    p.add_argument("slug")
    p.add_argument("--base-url", required=True, help="public URL of this service")
    p.add_argument(
        "--script-only",
        action="store_true",
        help="leave out the <noscript> link for visitors without JavaScript",
    )
    p.add_argument(
        "--offset",
        type=int,
        default=0,
        metavar="PX",
        help=f"lift the badge above the site's fixed footer bar this high (0-{OFFSET_MAX} px)",
    )
    p.set_defaults(handler=_snippet)

    p = sub.add_parser(
        "category",
        help="turn a default category off or on, retitle it, or add one of the org's own",
    )
    p.add_argument("slug")
    p.add_argument("code")
    state = p.add_mutually_exclusive_group()
    state.add_argument("--off", action="store_true", help="hide the category")
    state.add_argument("--on", action="store_true", help="show it (the default)")
    p.add_argument("--title-ru")
    p.add_argument("--title-en")
    p.add_argument(
        "--default-severity",
        choices=[*(str(s) for s in Severity), "none"],
        help="the severity new appeals of this category start with ('none' clears it)",
    )
    p.add_argument(
        "--fast-track",
        choices=["on", "off"],
        help="on: messages of this category are answered within 10 days instead of 30",
    )
    p.set_defaults(handler=_category)

    p = sub.add_parser(
        "set",
        help="time zone, public contacts, ОКТМО, ПОС id, embedded queue on/off",
        description="Change an organisation's own settings; an empty value restores the default.",
    )
    p.add_argument("slug")
    for setting in SETTINGS:
        flag = "--" + setting.name.replace("_", "-")
        p.add_argument(flag, dest=setting.name, metavar="VALUE", help=setting.help)
    p.add_argument(
        "--pos-id",
        metavar="NUMBER",
        help="the id the old ПОС widget called it by, e.g. 224510 from "
        'Widget("https://pos.gosuslugi.ru/form", 224510); none: clear it',
    )
    p.add_argument("--json", action="store_true", help="print the settings as one JSON document")
    p.set_defaults(handler=_set)

    p = sub.add_parser(
        "area",
        help="set the organisation's boundary on the console's map from a GeoJSON file",
        description="Polygon or MultiPolygon in WGS 84 (a Feature or FeatureCollection of them "
        "is accepted); checked, simplified and stored with the organisation.",
    )
    p.add_argument("slug")
    p.add_argument("file", nargs="?", help="the GeoJSON file ('-': standard input)")
    p.add_argument("--clear", action="store_true", help="remove the organisation's area")
    p.set_defaults(handler=_area)

    for parser in sub.choices.values():
        common(parser)
    sink_cmd.add_parser(sub, common)
    route_cmd.add_parser(sub, common)
    attribute_cmd.add_parser(sub, common)
    org_csv_cmd.add_parsers(sub, common)


def _print_org(org_dict: dict[str, object]) -> None:
    print(f"{org_dict['slug']}  {org_dict['name']}")
    if org_dict.get("parent"):
        print(f"  parent:  {org_dict['parent']}")
    if org_dict.get("pos_id") is not None:
        print(f"  ПОС id:  {org_dict['pos_id']}")
    origins = [display_origin(o) for o in org_dict.get("origins") or []]  # type: ignore[attr-defined]
    print(
        "  origins: "
        + (
            ", ".join(origins)
            if origins
            else "(none: on every site the badge opens a notice with your contacts, not the form)"
        )
    )


def _add(args: argparse.Namespace) -> int:
    with database(args) as conn:
        org = create_org(conn, args.slug, args.name, origins=args.origin, parent=args.parent)
    print("created:")
    _print_org(org.as_dict())
    print(f"next: pos-intake org key {org.slug}   (an API key)")
    return 0


def _list(args: argparse.Namespace) -> int:
    with database(args) as conn:
        orgs = list_orgs(conn)
    if args.json:
        print(json.dumps([o.as_dict() for o in orgs], ensure_ascii=False, indent=2))
    elif not orgs:
        print("no organisations yet: pos-intake org add SLUG --name NAME --origin https://…")
    else:
        for org in orgs:
            origins = ", ".join(display_origin(o) for o in org.origins) or "-"
            print(f"{org.slug:<24} {org.name}  [{origins}]")
    return 0


def _show(args: argparse.Namespace) -> int:
    with database(args) as conn:
        org = get_org(conn, args.slug)
        categories = org_catalogue(conn, org.id)
        keys = list_keys(conn, args.slug)
    info = org.as_dict()
    info["settings"] = describe(org)
    # JSON keeps the stored (ASCII) origins; this is the Unicode spelling people read.
    info["origins_display"] = [display_origin(o) for o in org.origins]
    info["categories"] = [
        {"code": c.code, "title": c.title_ru, "default_severity": c.default_severity}
        for c in categories
    ]
    info["keys"] = [
        {"id": k.id, "label": k.label, "created_at": k.created_at, "revoked_at": k.revoked_at}
        for k in keys
    ]
    if args.json:
        print(json.dumps(info, ensure_ascii=False, indent=2))
        return 0
    _print_org(info)
    print(
        "  categories: "
        + ", ".join(
            f"{c.code} ({c.title_ru}"
            + (f", severity {c.default_severity})" if c.default_severity else ")")
            for c in categories
        )
    )
    active = [k for k in keys if not k.revoked_at]
    print(f"  API keys: {len(active)} active, {len(keys) - len(active)} revoked")
    _print_settings(info["settings"])  # type: ignore[arg-type]
    return 0


def _origins(args: argparse.Namespace) -> int:
    with database(args) as conn:
        if args.add:
            org = add_origin(conn, args.slug, args.add)
        else:
            org = remove_origin(conn, args.slug, args.remove)
    if args.add:  # it parsed in add_origin, so it parses here: the spelling that was stored
        print(f"added: {display_origin(normalise_origin(args.add))}")
    _print_org(org.as_dict())
    return 0


def _key(args: argparse.Namespace) -> int:
    with database(args) as conn:
        if args.list:
            for k in list_keys(conn, args.slug):
                state = f"revoked {k.revoked_at}" if k.revoked_at else "active"
                print(f"{k.id}  {k.label or '-':<12} created {k.created_at}  {state}")
            return 0
        if args.revoke:
            revoke_key(conn, args.slug, args.revoke)
            print(f"revoked key {args.revoke} of {args.slug}; requests with it now get 401")
            return 0
        key = create_key(conn, args.slug, args.label)
    print(f"API key for {args.slug} (shown once; only its hash is stored):")
    print(key)
    return 0


def _snippet(args: argparse.Namespace) -> int:
    check_base_url(args.base_url)
    if not 0 <= args.offset <= OFFSET_MAX:
        raise OrgError(f"--offset {args.offset} must be 0 to {OFFSET_MAX} pixels")
    with database(args) as conn:
        get_org(conn, args.slug)
    print(snippet(args.base_url, args.slug, fallback=not args.script_only, offset=args.offset))
    return 0


def _category(args: argparse.Namespace) -> int:
    with database(args) as conn:
        set_category(
            conn,
            args.slug,
            args.code,
            enabled=not args.off,
            title_ru=args.title_ru,
            title_en=args.title_en,
            default_severity=args.default_severity,
            fast_track=None if args.fast_track is None else args.fast_track == "on",
        )
        org = get_org(conn, args.slug)
        categories = org_catalogue(conn, org.id)
    print(f"{args.slug} categories: " + ", ".join(c.code for c in categories))
    return 0


def _print_settings(settings: dict[str, object]) -> None:
    shown = {True: "on", False: "off", None: "-"}
    for name, value in settings.items():
        label = name.replace("_", " ") + ":"
        print(f"  {label:<16}{shown.get(value, value)}")  # type: ignore[call-overload]


def _set(args: argparse.Namespace) -> int:
    changes = {s.name: getattr(args, s.name) for s in SETTINGS if getattr(args, s.name) is not None}
    for name, value in changes.items():
        check_setting(name, value)  # all checked before the ПОС id is stored
    with database(args) as conn:
        if args.pos_id is not None:
            clear = args.pos_id.strip().lower() in ("none", "")
            set_pos_id(conn, args.slug, None if clear else parse_pos_id(args.pos_id))
        org = update_settings(conn, args.slug, changes) if changes else get_org(conn, args.slug)
    settings = describe(org)
    if args.json:
        print(json.dumps(settings, ensure_ascii=False, indent=2))
        return 0
    print(f"{org.slug}  {org.name}")
    if org.pos_id is not None or args.pos_id is not None:
        print(f"  {'ПОС id:':<16}{org.pos_id if org.pos_id is not None else '-'}")
    _print_settings(settings)
    if changes.get("embedded_queue") is not None and not settings["embedded_queue"]:
        print(
            "  new appeals no longer wait in the pull API (GET /api/v1/queue); "
            "attach a sink (pos-intake org sink …) so they reach the agency"
        )
    return 0


def _area(args: argparse.Namespace) -> int:
    if args.clear == bool(args.file):
        raise OrgError("give either a GeoJSON file or --clear")
    text = None
    if args.file:
        try:
            if args.file == "-":
                text = sys.stdin.read()
            else:
                with open(args.file, encoding="utf-8") as f:
                    text = f.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise OrgError(f"cannot read {args.file}: {exc}") from None
    with database(args) as conn:
        org = set_area(conn, args.slug, text)
    stored = area_text(org)
    if stored is None:
        print(f"{org.slug}: area removed")
    else:
        kind = json.loads(stored)["type"]
        print(f"{org.slug}: area stored ({kind}, {len(stored)} bytes); see it at /console/map")
    return 0
