"""The `pos-intake` command: serve, demo, org, user, log, queue, citizen, migrate, copy, backup,
restore.

Every command takes `--db` (env POS_DB). Errors a person can act on are printed as one line,
`pos-intake: <what is wrong>`, with exit code 1; wrong usage exits 2 with argparse's message.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from intake_service import __version__
from intake_service.category_attributes import QuestionError
from intake_service.citizen import CitizenError
from intake_service.cli import (
    backup_cmd,
    citizen_cmd,
    copy_cmd,
    log_cmd,
    migrate_cmd,
    org_cmd,
    queue_cmd,
    user_cmd,
)
from intake_service.console.accounts import AccountError
from intake_service.orgs import OrgError
from intake_service.settings import SettingsError, help_table
from intake_service.store_errors import StoreError


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        help="SQLite database file or postgresql:// URL (env POS_DB, default ./pos-intake.db)",
    )
    parser.add_argument("--config", help="TOML settings file (env POS_CONFIG)")


def _serve(args: argparse.Namespace) -> int:
    # The server (Starlette, the console, uvicorn) is imported only to serve: every other
    # command, run many times by scripts and tests, starts without it.
    from intake_service.cli import serve_cmd

    return serve_cmd.serve(args)


def _demo(args: argparse.Namespace) -> int:
    from intake_service.cli import serve_cmd

    return serve_cmd.demo(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pos-intake",
        description="Feedback intake for public bodies: badge, durable intake, log and queue.",
    )
    parser.add_argument("--version", action="version", version=f"pos-intake {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    for name, summary in (
        ("serve", "run the service"),
        ("demo", "run the service with a demo organisation and print its key and URLs"),
    ):
        sub = commands.add_parser(
            name,
            help=summary,
            description=summary.capitalize() + ".",
            epilog="settings (flags win over the environment, which wins over --config):\n"
            + help_table(),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        _common(sub)
        sub.add_argument("--host", help="listen address (env POS_HOST, default 127.0.0.1)")
        sub.add_argument("--port", type=int, help="listen port (env POS_PORT, default 8000)")
        sub.add_argument(
            "--inline",
            action="store_true",
            help="do the background work (e-mails, search index, periods) in this process "
            "instead of a worker process beside it (env POS_WORKER=inline)",
        )
        sub.set_defaults(handler=_demo if name == "demo" else _serve)

    org_cmd.add_parser(commands, _common)
    log_cmd.add_parsers(commands, _common)
    queue_cmd.add_parsers(commands, _common)
    citizen_cmd.add_parser(commands, _common)
    user_cmd.add_parser(commands, _common)
    migrate_cmd.add_parser(commands, _common)
    copy_cmd.add_parser(commands, _common)
    backup_cmd.add_parsers(commands, _common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except (AccountError, CitizenError, OrgError, QuestionError, SettingsError, StoreError) as exc:
        print(f"pos-intake: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
