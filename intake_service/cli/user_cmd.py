"""`pos-intake user …`: console accounts — add, list, disable, reset.

A password given with `--password` is the account's own. Without it, on a terminal the command
asks twice; otherwise (a script, a pipe) it prints a one-time password that the holder must
change at first sign-in. Every change is an event in the intake log.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sqlite3
import sys
from collections.abc import Callable

from intake_service.cli.database import database
from intake_service.console.accounts import (
    ROLES,
    AccountError,
    add_user,
    find_user,
    generate_password,
    hash_password,
    list_users,
    password_problem,
    set_disabled,
    set_password,
)
from intake_service.events import EventType, insert_event
from intake_service.i18n import LANGUAGES
from intake_service.orgs import get_org
from intake_service.store import transaction


def add_parser(commands: argparse._SubParsersAction, common: Callable[..., None]) -> None:
    user = commands.add_parser(
        "user", help="manage console accounts", description="Manage console accounts."
    )
    sub = user.add_subparsers(dest="user_command", required=True, metavar="ACTION")

    p = sub.add_parser("add", help="create an account")
    p.add_argument("email")
    p.add_argument("--org", help="slug of the organisation the account works for")
    p.add_argument("--role", choices=ROLES, default="operator")
    p.add_argument("--platform", action="store_true", help="a platform admin: sees every org")
    p.add_argument("--name", default="", help="the person's name, shown to colleagues")
    p.add_argument("--password", help="the password (else asked on a terminal, or one-time)")
    p.add_argument(
        "--lang",
        choices=LANGUAGES,
        default="ru",
        help="the language of mail to the account (the daily digest) until it signs in; "
        "then the language it signs in with",
    )
    p.set_defaults(handler=_add)

    p = sub.add_parser("list", help="list accounts")
    p.add_argument("--org", help="only this organisation's accounts")
    p.add_argument("--json", action="store_true", help="one JSON document")
    p.set_defaults(handler=_list)

    p = sub.add_parser("disable", help="disable an account and end its sessions")
    p.add_argument("email")
    p.set_defaults(handler=_disable)

    p = sub.add_parser("enable", help="enable a disabled account again")
    p.add_argument("email")
    p.set_defaults(handler=_enable)

    p = sub.add_parser("reset", help="set a new password and end the account's sessions")
    p.add_argument("email")
    p.add_argument("--password", help="the new password (else asked on a terminal, or one-time)")
    p.set_defaults(handler=_reset)

    for parser in sub.choices.values():
        common(parser)


def _password(given: str | None, email: str) -> tuple[str, bool]:
    """(password, one-time?) — given, asked twice on a terminal, or generated."""
    if given is not None:
        problem = password_problem(given, email)
        if problem is not None:
            raise AccountError(
                "the password must have at least 10 characters and not be the e-mail"
            )
        return given, False
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Again: "):
            raise AccountError("the passwords differ")
        return _password(first, email)[0], False
    return generate_password(), True


def _log(conn: sqlite3.Connection, org_id: int | None, email: str, change: str) -> None:
    insert_event(
        conn,
        EventType.USER_CHANGED,
        org_id=org_id,
        data={"email": email, "change": change, "by": "cli"},
    )


def _add(args: argparse.Namespace) -> int:
    password, one_time = _password(args.password, args.email)
    with database(args) as conn, transaction(conn):
        org_id = get_org(conn, args.org).id if args.org else None
        role = "admin" if args.platform else args.role
        user = add_user(
            conn,
            args.email,
            org_id=org_id,
            role=role,
            password=password,
            platform=args.platform,
            name=args.name,
            must_change=one_time,
            lang=args.lang,
        )
        _log(conn, org_id, user.email, "added")
    where = "every organisation (platform admin)" if user.platform else f"org {user.org_slug}"
    print(f"added {user.email}: {user.role} of {where}")
    if one_time:
        print(f"one-time password (must be changed at first sign-in): {password}")
    return 0


def _list(args: argparse.Namespace) -> int:
    with database(args) as conn:
        org_ids = [get_org(conn, args.org).id] if args.org else None
        users = list_users(conn, org_ids)
    if args.json:
        print(json.dumps([u.as_dict() for u in users], ensure_ascii=False, indent=2))
        return 0
    if not users:
        print("no accounts (pos-intake user add EMAIL --org SLUG --role operator)")
    for u in users:
        flags = (
            [u.role] + (["platform"] if u.platform else []) + (["disabled"] if u.disabled else [])
        )
        flags += ["must change password"] if u.must_change else []
        print(f"{u.email:<32} {u.org_slug or '*':<20} {', '.join(flags)}")
    return 0


def _existing(conn: sqlite3.Connection, email: str):
    user = find_user(conn, email)
    if user is None:
        raise AccountError(f"no account {email}")
    return user


def _switch(args: argparse.Namespace, *, disable: bool) -> int:
    with database(args) as conn, transaction(conn):
        user = _existing(conn, args.email)
        set_disabled(conn, user.id, disable)
        _log(conn, user.org_id, user.email, "disabled" if disable else "enabled")
    print(f"disabled {user.email}; its sessions have ended" if disable else f"enabled {user.email}")
    return 0


def _disable(args: argparse.Namespace) -> int:
    return _switch(args, disable=True)


def _enable(args: argparse.Namespace) -> int:
    return _switch(args, disable=False)


def _reset(args: argparse.Namespace) -> int:
    password, one_time = _password(args.password, args.email)
    with database(args) as conn, transaction(conn):
        user = _existing(conn, args.email)
        set_password(conn, user.id, hash_password(password), must_change=one_time)
        _log(conn, user.org_id, user.email, "reset")
    print(f"new password set for {user.email}; its sessions have ended")
    if one_time:
        print(f"one-time password (must be changed at first sign-in): {password}")
    return 0
