"""`pos-intake org import|export|snippets`: a region's organisations as one CSV file — onboarded
from it at once, written back to it, and handed to the webmasters as snippets for a mail merge.
The format and its checks are the registry's (org_import.py, org_export.py); this is the
terminal's side: files, standard streams and what is printed."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from intake_service.cli.database import database
from intake_service.org_export import export_csv, snippets_csv
from intake_service.org_import import Change, import_orgs
from intake_service.org_rows import FILE_MAX, HEADER
from intake_service.orgs import OrgError


def add_parsers(org_commands: argparse._SubParsersAction, common: Callable[..., None]) -> None:
    p = org_commands.add_parser(
        "import",
        help="create and update organisations from a CSV file, all or nothing",
        description=f"Header: {','.join(HEADER)} (UTF-8; origins separated by spaces). An "
        "empty cell keeps the default for a new organisation and leaves an existing one's "
        "field as it is. Any wrong row: every problem is printed and nothing is written.",
    )
    p.add_argument("file", help="the CSV file ('-': standard input)")
    p.add_argument(
        "--dry-run", action="store_true", help="print what would change and write nothing"
    )
    p.set_defaults(handler=_import)

    p = org_commands.add_parser(
        "export", help="write every organisation as CSV in the format `org import` reads"
    )
    p.add_argument("file", nargs="?", default="-", help="where to write ('-', the default: stdout)")
    p.set_defaults(handler=_export)

    p = org_commands.add_parser(
        "snippets",
        help="write a CSV of each organisation's snippet and webmaster contact (mail merge)",
    )
    p.add_argument("--base-url", required=True, help="public URL of this service")
    p.add_argument("file", nargs="?", default="-", help="where to write ('-', the default: stdout)")
    p.set_defaults(handler=_snippets)

    for name in ("import", "export", "snippets"):
        common(org_commands.choices[name])


def _read(path: str) -> bytes:
    try:
        if path == "-":
            return sys.stdin.buffer.read(FILE_MAX + 1)
        with open(path, "rb") as f:
            return f.read(FILE_MAX + 1)
    except OSError as exc:
        raise OrgError(f"cannot read {path}: {exc.strerror or exc}") from None


def _write(path: str, text: str) -> None:
    data = text.encode()
    if path == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        with open(path, "wb") as f:
            f.write(data)
    except OSError as exc:
        raise OrgError(f"cannot write {path}: {exc.strerror or exc}") from None


def _import(args: argparse.Namespace) -> int:
    data = _read(args.file)
    with database(args) as conn:
        changes = import_orgs(conn, data, dry_run=args.dry_run)
    _print_changes(changes, dry_run=args.dry_run)
    return 0


def _print_changes(changes: list[Change], *, dry_run: bool) -> None:
    created = [c for c in changes if c.kind == "create"]
    updated = [c for c in changes if c.kind == "update"]
    same = len(changes) - len(created) - len(updated)
    if not created and not updated:
        print(f"nothing changed: the {same} organisation(s) of the file are as stored")
        return
    verb = ("would create", "would update") if dry_run else ("created", "updated")
    for change in created:
        print(f"{verb[0]}  {change.slug}")
    for change in updated:
        print(f"{verb[1]}  {change.slug}: {', '.join(change.fields)}")
    summary = f"{len(created)} created, {len(updated)} updated, {same} unchanged"
    if dry_run:
        print(f"dry run, nothing written: {summary}")
    else:
        print(f"{summary}; a running service uses them within a second")


def _export(args: argparse.Namespace) -> int:
    with database(args) as conn:
        text = export_csv(conn)
    _write(args.file, text)
    if args.file != "-":
        print(f"written to {args.file}")
    return 0


def _snippets(args: argparse.Namespace) -> int:
    with database(args) as conn:
        text = snippets_csv(conn, args.base_url)
    _write(args.file, text)
    if args.file != "-":
        print(f"written to {args.file}")
    return 0
