"""The CSV export of a filtered log: one row per appeal, streamed as it is read.

Batches are read on the console's reader pool (log_queries.export_batch) and sent as they come,
so an export of a whole year neither stalls intake nor sits in memory. The citizen's contact is
written only for appeals whose organisation the operator may see contacts of
(`Operator.sees_contact`: never a parent organisation's operators unless they are admins); for
the rest the contact cells stay empty. A cell a spreadsheet would take for a formula (starting
with = + - @, or a tab or carriage return) gets a leading apostrophe. UTF-8 with a byte-order
mark, so that Excel opens Cyrillic as such. Each export is an `exported` audit event with the
row count and the filters, written when the stream ends — also when the client left midway.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

from starlette.requests import Request

from intake_service.console import log_queries
from intake_service.console.auth import Operator, audit
from intake_service.console.log_filter import LogFilter
from intake_service.console.state import ConsoleState
from intake_service.events import EventType
from intake_service.writer import WriterStopped

log = logging.getLogger("pos_intake")

MAX_ROWS = 200_000
COLUMNS = (
    "number",
    "created_at",
    "org",
    "category",
    "kind",
    "status",
    "severity",
    "channel",
    "address",
    "text",
    "contact_name",
    "contact_email",
    "contact_phone",
)
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """The value as a cell no spreadsheet runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def _line(values: list[object]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow([safe_cell(v) for v in values])
    return out.getvalue()


def _cells(appeal: dict[str, Any], operator: Operator) -> list[object]:
    contact: dict[str, Any] = {}
    if operator.sees_contact(appeal["target_org_id"]):
        contact = json.loads(appeal["contact"] or "{}")
    return [
        appeal["number"],
        appeal["created_at"],
        appeal["org"],
        appeal["category"],
        appeal["kind"],
        appeal["status"],
        appeal["severity"],
        appeal["channel"],
        appeal["address"],
        appeal["text"],
        contact.get("name"),
        contact.get("email"),
        contact.get("phone"),
    ]


async def csv_stream(
    request: Request, console: ConsoleState, operator: Operator, f: LogFilter
) -> AsyncIterator[bytes]:
    written = 0
    try:
        yield ("\ufeff" + _line(list(COLUMNS))).encode()
        seen: set[str] = set()
        cursor: LogFilter | None = f
        while cursor is not None and written < MAX_ROWS and not console.stopping:
            appeals, before = await console.reads.run(log_queries.export_batch, cursor, seen)
            chunk = "".join(_line(_cells(a, operator)) for a in appeals[: MAX_ROWS - written])
            written += min(len(appeals), MAX_ROWS - written)
            if chunk:
                yield chunk.encode()
            cursor = f.older(before) if before is not None else None
    finally:
        # not awaited: this also runs when the client left and the stream is being closed
        record = audit(
            EventType.EXPORTED,
            operator,
            org_id=operator.user.org_id,
            request=request,
            data={"rows": written, "filters": f.described()},
        )
        try:
            done = console.runtime.writer.submit_nowait(record)
        except WriterStopped:
            log.warning("export by %s not recorded: the service is stopping", operator.user.email)
        else:
            done.add_done_callback(lambda future: future.cancelled() or future.exception())
