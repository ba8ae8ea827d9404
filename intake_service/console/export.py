"""The CSV export of a filtered log: one row per appeal, streamed as it is read.

Batches are read on the console's reader pool (log_queries.export_batch) and sent as they come,
so an export of a whole year neither stalls intake nor sits in memory. The citizen's contact is
written only for appeals whose organisation the operator may see contacts of
(`Operator.sees_contact`: never a parent organisation's operators unless they are admins); for
the rest the contact cells stay empty. A cell a spreadsheet would take for a formula (starting
with = + - @, or a tab or carriage return) gets a leading apostrophe. UTF-8 with a byte-order
mark, so that Excel opens Cyrillic as such. Each export is an `exported` audit event with the
rows sent, whether that was the whole export (`complete`) and the filters, written when the
response ends — also when the client left midway or a stopping server cut it off.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

from starlette.requests import Request
from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

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


class ExportStream(StreamingResponse):
    """The CSV of a filtered log, and its `exported` audit event once the response ends —
    sent in full, left by the client, or cut off by a stopping server — with the rows sent and
    whether that was all of them (`complete`). Recorded here rather than in the generator's
    `finally`, which does not run for a generator the server never started, nor at once for
    one whose task was cancelled while it waited at a `yield`."""

    def __init__(
        self, request: Request, console: ConsoleState, operator: Operator, f: LogFilter
    ) -> None:
        self.rows = 0
        self.complete = False
        self._audit = (request, console, operator, f)
        super().__init__(
            self._csv(console, operator, f),
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": 'attachment; filename="appeals.csv"',
                "Cache-Control": "no-store",
            },
        )

    async def _csv(
        self, console: ConsoleState, operator: Operator, f: LogFilter
    ) -> AsyncIterator[bytes]:
        """Batch by batch to the end of the log (or MAX_ROWS). A stopping service does not
        stop it early: an export that ends cleanly must hold every row, so it runs on within
        the shutdown's grace, and past that the server cuts the connection mid-body."""
        yield ("\ufeff" + _line(list(COLUMNS))).encode()
        seen: set[str] = set()
        cursor: LogFilter | None = f
        while cursor is not None and self.rows < MAX_ROWS:
            appeals, before = await console.reads.run(log_queries.export_batch, cursor, seen)
            taken = appeals[: MAX_ROWS - self.rows]
            if taken:
                yield "".join(_line(_cells(a, operator)) for a in taken).encode()
            self.rows += len(taken)  # counted once sent: the next row is asked for after that
            cursor = f.older(before) if before is not None else None
        self.complete = True

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self._record()

    def _record(self) -> None:
        """Hand the event to the writer without waiting: this also runs when the response's
        task is being cancelled."""
        request, console, operator, f = self._audit
        record = audit(
            EventType.EXPORTED,
            operator,
            org_id=operator.user.org_id,
            request=request,
            data={"rows": self.rows, "complete": self.complete, "filters": f.described()},
        )
        if not self.complete:
            log.warning(
                "export by %s cut off after %d rows (the client left or the service stopped)",
                operator.user.email,
                self.rows,
            )
        try:
            done = console.runtime.writer.submit_nowait(record)
        except WriterStopped:
            log.warning("export by %s not recorded: the service is stopping", operator.user.email)
        else:
            done.add_done_callback(lambda future: future.cancelled() or future.exception())
