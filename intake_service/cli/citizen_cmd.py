"""`pos-intake citizen find|export|erase`: a person's request about their data — which appeals are
held about them, a copy of all of it, or its erasure (citizen.py, erasure.py).

Like `org` and `queue retry`, these write the database directly in short transactions of their
own, beside a running service or without one; the forwarder of a running service sends the
`erased` messages within a second, as it does retried rows. `--org` limits every action to the
appeals one organisation received: another organisation's appeal is not found."""

from __future__ import annotations

import argparse
import getpass
import sqlite3
import sys
from collections.abc import Callable

# the console's search registers its stems with the erasure (erasure.also_erase)
import intake_service.console.search  # noqa: F401
from intake_service.citizen import (
    CitizenError,
    Criteria,
    export_zip,
    find,
    log_export,
    one_person,
)
from intake_service.cli.database import open_for
from intake_service.erasure import (
    Forgotten,
    Why,
    erase_op,
    forget_address,
    remove_files,
    truncate_wal,
)
from intake_service.orgs import get_org
from intake_service.photos import discard, media_root
from intake_service.settings import load
from intake_service.store import transaction


def add_parser(commands: argparse._SubParsersAction, common: Callable[..., None]) -> None:
    citizen = commands.add_parser(
        "citizen", help="a person's request: find, export or erase their appeals' data"
    )
    sub = citizen.add_subparsers(dest="citizen_command", required=True, metavar="ACTION")
    for name, summary, handler in (
        ("find", "list the appeals held about the person", _find),
        ("export", "write one zip of the person's appeals, photos and answers", _export),
        ("erase", "erase the person's data from every matching appeal", _erase),
    ):
        p = sub.add_parser(name, help=summary, description=summary.capitalize() + ".")
        p.add_argument("--email", help="the e-mail the person gave (case does not matter)")
        p.add_argument("--phone", help="the phone the person gave (digits are compared)")
        p.add_argument("--number", help="one appeal's number")
        p.add_argument("--subject", help="the identity provider's subject of a signed-in person")
        p.add_argument("--org", help="only the appeals this organisation received (its slug)")
        p.add_argument("--reason", help="why (the request's reference): kept in the log")
        if name == "export":
            p.add_argument("--output", "-o", default="-", help="the zip file (default: stdout)")
        p.set_defaults(handler=handler)
        common(p)


def _criteria(args: argparse.Namespace) -> Criteria:
    return Criteria(args.email, args.phone, args.number, args.subject, args.org)


def _by() -> str:
    """Who ran it, as the log names the CLI's actions."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _find(args: argparse.Namespace) -> int:
    conn = open_for(args)
    try:
        if args.org:
            get_org(conn, args.org)  # an unknown slug is said, not answered "nothing found"
        found = find(conn, _criteria(args))
    finally:
        conn.close()
    if not found:
        print("no appeal matches: nothing held about this person")
        return 0
    for h in found:
        erased = "  (personal data erased)" if h.erased else ""
        print(f"{h.number}  {h.org:<20} {h.created_at[:10]}  {h.status}{erased}")
    people = {(h.email, h.name) for h in found if not h.erased}
    print(
        f"\n{len(found)} appeal(s)"
        + (f", {len(people)} different people" if len(people) > 1 else "")
    )
    return 0


def _export(args: argparse.Namespace) -> int:
    settings = load({"db": args.db, "config": args.config})
    conn = open_for(args)
    try:
        if args.org:
            get_org(conn, args.org)
        criteria = _criteria(args)
        held = one_person(find(conn, criteria), criteria)
        archive = export_zip(conn, held, media_root(settings.db, settings.media_dir))
        with transaction(conn):
            exported = [(h.id, h.number, _org_id(conn, h.id)) for h in held]
            log_export(conn, exported, _by(), (args.reason or "").strip())
    finally:
        conn.close()
    if args.output == "-":
        sys.stdout.buffer.write(archive)
        sys.stdout.buffer.flush()
    else:
        with open(args.output, "wb") as f:
            f.write(archive)
        print(f"{len(held)} appeal(s) written to {args.output}", file=sys.stderr)
    return 0


def _erase(args: argparse.Namespace) -> int:
    if not (args.reason or "").strip():
        raise CitizenError("erase needs --reason: why the data goes (the request's reference)")
    settings = load({"db": args.db, "config": args.config})
    conn = open_for(args)
    try:
        if args.org:
            get_org(conn, args.org)
        criteria = _criteria(args)
        held = one_person(find(conn, criteria), criteria)
        forgotten = Forgotten(0, [], 0)
        with transaction(conn):
            erased = erase_op(
                [h.id for h in held], why=Why.REQUEST, by=_by(), reason=args.reason.strip()
            )(conn)
            if args.email:  # the address beyond the person's own appeals
                forgotten = forget_address(conn, args.email)
        media = media_root(settings.db, settings.media_dir)
        remove_files(media, erased)
        for held_id in forgotten.held:
            discard(media / held_id)
        truncate_wal(conn)
    finally:
        conn.close()
    for done in erased:
        told = f"; told: {', '.join(done.sinks)}" if done.sinks else ""
        state = "already erased, nothing changed" if done.already else "erased" + told
        print(f"{done.number}  {state}")
    fresh = sum(not d.already for d in erased)
    print(f"\n{fresh} appeal(s) erased, {len(erased) - fresh} erased before")
    if forgotten.follows or forgotten.held or forgotten.comments:
        print(
            f"also: {forgotten.follows} follow(s) by this e-mail, {len(forgotten.held)} "
            f"unconfirmed form(s), {forgotten.comments} discussion comment(s)"
        )
    return 0


def _org_id(conn: sqlite3.Connection, appeal_id: str) -> int:
    return int(
        conn.execute("SELECT target_org_id FROM appeals WHERE id = ?", (appeal_id,)).fetchone()[0]
    )
