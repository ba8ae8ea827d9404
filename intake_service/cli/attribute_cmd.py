"""`pos-intake org attribute SLUG CATEGORY CODE …` and `pos-intake org attributes SLUG`: a
category's extra questions (Open311's service attributes), asked of every appeal of it through
the JSON API and Open311."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable

from intake_service.categories import org_catalogue
from intake_service.category_attributes import (
    DATATYPES,
    Attribute,
    parse_choice,
    remove_question,
    set_attribute,
)
from intake_service.cli.database import database
from intake_service.orgs import get_org


def add_parser(org_commands: argparse._SubParsersAction, common: Callable[..., None]) -> None:
    p = org_commands.add_parser(
        "attribute",
        help="ask an extra question about every appeal of a category",
        description="An extra question of CATEGORY (Open311: a service attribute), e.g. "
        "`org attribute manturovo street_lighting pole --type string --required "
        '--description "Номер опоры" --description-en "Pole number"`. Lists take their '
        "values: --type singlevaluelist --value led=Светодиодный --value sodium=Натриевый.",
    )
    p.add_argument("slug")
    p.add_argument("category")
    p.add_argument("code", help="the question's code: Latin letters, digits, _ or -")
    p.add_argument("--type", choices=DATATYPES, default="string", dest="datatype")
    p.add_argument("--required", action="store_true", help="an appeal must answer it")
    p.add_argument("--description", default="", help="the question in Russian")
    p.add_argument("--description-en", default="", help="the question in English")
    p.add_argument("--order", type=int, default=1, help="its place among the questions")
    p.add_argument(
        "--value",
        action="append",
        default=[],
        metavar="KEY=Название[|Name]",
        help="an allowed value of a list (repeat for each)",
    )
    p.add_argument("--remove", action="store_true", help="remove the question")
    common(p)
    p.set_defaults(handler=_attribute)

    p = org_commands.add_parser("attributes", help="list an organisation's extra questions")
    p.add_argument("slug")
    p.add_argument("--json", action="store_true")
    common(p)
    p.set_defaults(handler=_attributes)


def _attribute(args: argparse.Namespace) -> int:
    with database(args) as conn:
        org = get_org(conn, args.slug)
        if args.remove:
            remove_question(conn, org.id, args.slug, args.category, args.code)
            print(f"{args.slug}: {args.category} no longer asks {args.code}")
            return 0
        attribute = Attribute(
            code=args.code,
            datatype=args.datatype,
            required=args.required,
            description_ru=args.description,
            description_en=args.description_en,
            order=args.order,
            choices=tuple(parse_choice(v) for v in args.value),
        )
        codes = {c.code for c in org_catalogue(conn, org.id)}
        set_attribute(conn, org.id, args.category, codes, attribute)
    required = "required" if args.required else "optional"
    print(f"{args.slug}: {args.category} asks {args.code} ({args.datatype}, {required})")
    return 0


def _attributes(args: argparse.Namespace) -> int:
    with database(args) as conn:
        catalogue = org_catalogue(conn, get_org(conn, args.slug).id)
    found = [
        {
            "category": c.code,
            "code": a.code,
            "type": a.datatype,
            "required": a.required,
            "description": a.description_ru,
            "values": [{"key": v.key, "name": v.name_ru} for v in a.choices],
        }
        for c in catalogue
        for a in c.attributes
    ]
    if args.json:
        print(json.dumps(found, ensure_ascii=False))
    elif not found:
        print(f"{args.slug} asks no extra questions")
    else:
        for q in found:
            values = ", ".join(f"{v['key']}={v['name']}" for v in q["values"])
            print(
                f"{q['category']:<18} {q['code']:<14} {q['type']:<16} "
                f"{'required' if q['required'] else 'optional':<9} {q['description']}"
                + (f"  [{values}]" if values else "")
            )
    return 0
