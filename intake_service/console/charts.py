"""Charts drawn by the server as inline SVG: no chart library, no CDN, nothing run in the
browser. Each chart is an `<svg role="img">` with a `<title>`, a `<title>` per bar (what a
pointer or a screen reader meets) and text labels; the numbers are also on the page as a table.

Every label is escaped here (markupsafe), because chart labels come from stored data —
organisation and category names — and the SVG reaches the template as Markup. Colours are
classes styled by stats.css: the console's CSP forbids style attributes.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from markupsafe import Markup, escape

_ids = itertools.count(1)
WIDTH = 640
# A drawing shrinks with the page (a phone shows it at half its width), so stats.css sets the
# labels' size by the width the chart has; what is drawn here leaves room for the largest.
BAR = 50  # one horizontal bar with its label above it and its gap
LABEL_CHARS = 44  # longer labels are cut (the bar's <title> and the table give them whole)
AXIS_LABELS = 6  # at most this many labels under the columns: room for them in large type


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def bars(title: str, items: Sequence[tuple[str, int]]) -> Markup:
    """Horizontal bars, one per item, each labelled above (the whole width is the label's) and
    valued on its right."""
    chart_id = f"chart-{next(_ids)}"
    top = max((value for _, value in items), default=0) or 1
    height = max(1, len(items)) * BAR + 8
    room = WIDTH - 90
    parts = [
        f'<svg class="chart chart-bars" role="img" aria-labelledby="{chart_id}" '
        f'viewBox="0 0 {WIDTH} {height}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}">{escape(title)}</title>',
    ]
    for index, (label, value) in enumerate(items):
        y = 4 + index * BAR
        width = room * value / top
        text = escape(label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…")
        parts.append(
            f"<g><title>{escape(label)}: {value}</title>"
            f'<text class="label" x="0" y="{y + 18}">{text}</text>'
            f'<rect class="bar" x="0" y="{y + 26}" width="{_fmt(max(width, 1 if value else 0))}"'
            f' height="14"/>'
            f'<text class="value" x="{_fmt(width + 6)}" y="{y + 40}">{value}</text></g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def columns(
    title: str,
    items: Sequence[tuple[str, int]],
    *,
    axis: Sequence[str] | None = None,
    every: int = 0,
) -> Markup:
    """Vertical columns over time (days, weeks): `axis` are short labels under the columns
    (default: the items' own), one under every `every`-th column (0: as many as fit); the
    highest value is marked on the axis."""
    chart_id = f"chart-{next(_ids)}"
    top = max((value for _, value in items), default=0) or 1
    plot_h, left, bottom = 160, 64, 40
    height = plot_h + bottom + 10
    count = max(1, len(items))
    step = (WIDTH - left - 10) / count
    every = every or max(1, -(-count // AXIS_LABELS))
    parts = [
        f'<svg class="chart chart-columns" role="img" aria-labelledby="{chart_id}" '
        f'viewBox="0 0 {WIDTH} {height}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}">{escape(title)}</title>',
        f'<line class="axis" x1="{left}" y1="{plot_h + 10}" x2="{WIDTH - 10}" y2="{plot_h + 10}"/>',
        f'<text class="value" x="{left - 6}" y="18" text-anchor="end">{top}</text>',
        f'<text class="value" x="{left - 6}" y="{plot_h + 10}" text-anchor="end">0</text>',
    ]
    for index, (label, value) in enumerate(items):
        x = left + index * step
        h = plot_h * value / top
        parts.append(
            f"<g><title>{escape(label)}: {value}</title>"
            f'<rect class="bar" x="{_fmt(x + step * 0.1)}" y="{_fmt(plot_h + 10 - h)}" '
            f'width="{_fmt(max(step * 0.8, 1))}" height="{_fmt(h)}"/></g>'
        )
        if index % every == 0:
            shown = axis[index] if axis is not None else label
            parts.append(
                f'<text class="label" x="{_fmt(x + step / 2)}" y="{plot_h + 28}" '
                f'text-anchor="middle">{escape(shown)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))
