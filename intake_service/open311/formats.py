"""The two formats every GeoReport v2 resource comes in: JSON, and XML with the
specification's element names (a list named `endpoints` holds `endpoint` elements, and so on),
an XML declaration and UTF-8. Dates are ISO 8601 with the organisation's offset."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

from starlette.responses import Response

DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>\n'
MEDIA_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
# the element of each item of a list, by the list's name (the specification's own names)
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
    "errors": "error",
}
# the years a client's date may name (parse_datetime)
_EARLIEST_YEAR, _LATEST_YEAR = 1900, 9000
# what XML 1.0 cannot carry even escaped (C0 controls but tab and line ends, U+FFFE, U+FFFF,
# lone surrogates): ElementTree writes them as they are, and the document no longer parses
_NOT_XML = re.compile(r"[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def format_of(path: str) -> str | None:
    """`json` or `xml` from the resource's extension; None for any other (or none)."""
    last = path.rsplit("/", 1)[-1]
    _, dot, ext = last.rpartition(".")
    return ext if dot and ext in MEDIA_TYPES else None


def _text(value: Any) -> str:
    """A value as element text. Stored text (a citizen's U+FFFF) and echoed parameters (a
    `jurisdiction_id` with a control character, in the error naming it) may hold characters
    XML cannot carry: each becomes U+FFFD, so that the whole document stays well-formed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return _NOT_XML.sub("\ufffd", str(value))


def _fill(element: ET.Element, name: str, value: Any) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _fill(ET.SubElement(element, key), key, inner)
    elif isinstance(value, list):
        item = ITEM_NAMES.get(name, "item")
        for inner in value:
            _fill(ET.SubElement(element, item), item, inner)
    else:
        element.text = _text(value)


def to_xml(root: str, value: Any) -> bytes:
    """`value` (a list of items or one object) as the document `<root>…</root>`."""
    element = ET.Element(root)
    _fill(element, root, value)
    return DECLARATION + ET.tostring(element, encoding="unicode").encode()


def respond(
    fmt: str, root: str, value: Any, *, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    """The resource in the asked format. `root` is the XML document element (`services`,
    `service_requests`, `discovery`, …); JSON has no root."""
    body = to_xml(root, value) if fmt == "xml" else json.dumps(value, ensure_ascii=False).encode()
    return Response(body, status_code=status, media_type=MEDIA_TYPES[fmt], headers=headers)


def with_offset(moment: str | None, zone: ZoneInfo) -> str | None:
    """A stored UTC instant (`…Z`) as ISO 8601 in the organisation's zone, to the second, with
    its offset: 2026-12-03T10:15:30+03:00."""
    if not moment:
        return None
    parsed = dt.datetime.fromisoformat(moment.replace("Z", "+00:00"))
    return parsed.astimezone(zone).replace(microsecond=0).isoformat()


def end_of_day(day: str | None, zone: ZoneInfo) -> str | None:
    """A due date (the organisation's day) as the last second of that day, with the offset."""
    if not day:
        return None
    moment = dt.datetime.combine(dt.date.fromisoformat(day), dt.time(23, 59, 59), zone)
    return moment.isoformat()


def parse_datetime(text: str) -> dt.datetime | None:
    """A client's ISO 8601 date and time, which must name its offset (`Z` or ±HH:MM), as the
    specification asks; None when it does not parse or has none. Years outside 1900–9000 are
    refused too: 0001-01-01T00:00:00+05:00 is no instant Python can hold in UTC, and 90 days
    either side of the ends must still be one (the query's window is counted from them)."""
    try:
        parsed = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        if parsed.tzinfo is None:
            return None
        moment = parsed.astimezone(dt.UTC)
    except (ValueError, OverflowError):
        return None
    return moment if _EARLIEST_YEAR <= moment.year <= _LATEST_YEAR else None
