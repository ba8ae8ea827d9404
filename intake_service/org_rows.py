"""The file a region's organisations come in (`org import`) and go out as (`org export`): UTF-8
(a byte-order mark, as spreadsheets save it, is accepted) with the header
`slug,name,parent,oktmo,origins,timezone,phone,email,website,pos_id`, one organisation a row.

Reading checks each row on its own with the registry's own checks (orgs.check_slug,
orgs.normalise_origins, orgs.parse_pos_id, org_settings.check_setting), so a row is refused for
what `org add` and `org set` refuse; what a row means against the store (parents, cycles, ПОС
ids taken) is org_import.py's. Every problem is kept with its line, so that a person fixes
the whole file in one go.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from intake_service.org_settings import check_setting
from intake_service.orgs import (
    OrgError,
    check_name,
    check_slug,
    normalise_origins,
    parse_pos_id,
)

HEADER = (
    "slug", "name", "parent", "oktmo", "origins", "timezone", "phone", "email", "website", "pos_id",
)  # fmt: skip
SETTING_COLUMNS = ("oktmo", "timezone", "phone", "email", "website")  # org_settings.SETTINGS
FILE_MAX = 20_000_000  # bytes: a region's tens of thousands of rows, not an unbounded read
ERRORS_SHOWN = 200  # a file wrong on every line is told the first this many
T = TypeVar("T")


class ImportRefused(OrgError):
    """The file cannot be imported; `problems` holds each wrong line's reason."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = problems[:ERRORS_SHOWN]
        more = len(problems) - len(shown)
        lines = [f"the file is refused, nothing was written ({len(problems)} problem(s)):"]
        lines += [f"  {p}" for p in shown]
        if more:
            lines.append(f"  … and {more} more")
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class Row:
    """One line of the file, checked on its own; None: the cell was empty."""

    line: int
    slug: str
    name: str | None
    parent: str | None
    origins: frozenset[str] | None
    settings: dict[str, object]  # the stored form of each setting cell that is not empty
    pos_id: int | None


@dataclass
class Parsed:
    """The file's rows that passed their own checks, and the problems of those that did not."""

    rows: list[Row] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)
    refused: set[str] = field(default_factory=set)  # slugs of refused rows: parents all the same


def read_rows(data: bytes) -> Parsed:
    """The file's rows, each checked on its own (and for slugs repeated in the file), and the
    problems of those refused; ImportRefused at once for a file that has no rows to read (not
    UTF-8, no header or a wrong one)."""
    if len(data) > FILE_MAX:
        raise ImportRefused([f"the file is larger than {FILE_MAX // 1_000_000} MB"])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportRefused(
            [f"line {line}: the file is not UTF-8 text; save it as «CSV UTF-8»"]
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise ImportRefused([f"line 1: {exc}"]) from None
    if header is None:
        raise ImportRefused([f"the file is empty; its first line must be {','.join(HEADER)}"])
    if tuple(h.strip() for h in header) != HEADER:
        raise ImportRefused([f"line 1: {_header_problem(header)}"])
    parsed = Parsed()
    seen: dict[str, int] = {}
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader, None)
        except csv.Error as exc:
            parsed.problems.append((line, str(exc)))
            break
        if cells is None:
            break
        if not any(c.strip() for c in cells):
            continue  # a blank line
        if len(cells) != len(HEADER):
            parsed.problems.append((line, f"{len(cells)} cells, the header has {len(HEADER)}"))
            parsed.refused.add(cells[0].strip())
            continue
        named = dict(zip(HEADER, (c.strip() for c in cells), strict=True))
        if named["slug"] and named["slug"] in seen:
            parsed.problems.append(
                (line, f"{named['slug']} is already on line {seen[named['slug']]}")
            )
            continue
        seen[named["slug"]] = line
        try:
            parsed.rows.append(_row(line, named))
        except OrgError as exc:
            parsed.problems.append((line, str(exc)))
            parsed.refused.add(named["slug"])
    return parsed


def _header_problem(header: list[str]) -> str:
    got = [h.strip() for h in header]
    missing = [h for h in HEADER if h not in got]
    unknown = [h for h in got if h not in HEADER]
    what = []
    if missing:
        what.append("missing column(s) " + ", ".join(missing))
    if unknown:
        what.append("unknown column(s) " + ", ".join(repr(h[:40]) for h in unknown))
    if not what:
        what.append("the columns are in another order")
    if len(got) == 1 and ";" in got[0]:
        what = ["the cells are separated by ';': save the file as CSV with commas"]
    return f"{'; '.join(what)}; the header must be exactly {','.join(HEADER)}"


def _row(line: int, cells: dict[str, str]) -> Row:
    """One row's own checks, each the registry's; the first wrong cell is the reason."""
    if not cells["slug"]:
        raise OrgError("the slug is empty")
    check_slug(cells["slug"])
    settings: dict[str, object] = {}
    for column in SETTING_COLUMNS:
        if cells[column]:
            settings[column] = _cell(column, lambda c=column: check_setting(c, cells[c]))
    origins = None
    if cells["origins"]:
        origins = frozenset(_cell("origins", lambda: normalise_origins(cells["origins"].split())))
    return Row(
        line=line,
        slug=cells["slug"],
        name=_cell("name", lambda: check_name(cells["name"])) if cells["name"] else None,
        parent=cells["parent"] or None,
        origins=origins,
        settings=settings,
        pos_id=_cell("pos_id", lambda: parse_pos_id(cells["pos_id"])) if cells["pos_id"] else None,
    )


def _cell(column: str, check: Callable[[], T]) -> T:
    """A cell's check, its refusal prefixed with the column it is about."""
    try:
        return check()
    except OrgError as exc:
        raise OrgError(f"{column}: {exc}") from None
