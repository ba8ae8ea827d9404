"""The acuteness score of a board cell and the weekly social-tension index: this project's own
formula, written once here and explained on the board's legend and in ARCHITECTURE.md.

A cell is hot when people write about a topic much more than usual, when what they write is
serious, when the same problem keeps coming back, and when the organisation lets appeals sit
past its target. Each of the four parts is a number from 0 to 1; the score is their weighted
sum times 100, and the heat class (`heat-0` … `heat-5`) is the score in steps of 20:

    volume   = clamp((recent − usual) / (2 · max(usual, 1)), 0, 1)
               recent: filed in the last 24 h; usual: the mean per 24 h over the 28 full days
               before yesterday. 0 at the usual level, 1 at three times it.
    severity = (high + critical) / filed, over the last 7 days
    repeats  = (duplicates + repeats) / filed, over the last 7 days (a repeat: the citizen said
               the problem was not solved, or came back)
    overdue  = overdue / max(open, 1): the share of open appeals past their due date (appeals
               from before due dates existed: filed at least 10 days ago for a message, 30 for
               an official appeal)
    score    = 100 · (0.40 · volume + 0.25 · severity + 0.15 · repeats + 0.20 · overdue)
    heat     = ceil(score / 20), 0 … 5
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from intake_service.console.board_queries import USUAL_DAYS, CellCounts

WEIGHTS = {"volume": 0.40, "severity": 0.25, "repeats": 0.15, "overdue": 0.20}
HEAT_STEPS = 5


def _clamp(value: float) -> float:
    return min(1.0, max(0.0, value))


@dataclass(frozen=True)
class Heat:
    score: int  # 0 … 100
    level: int  # 0 … 5: the CSS class heat-<level>
    parts: dict[str, float]  # each part 0 … 1, for the cell's explanation


def usual(counts: CellCounts) -> float:
    return counts.usual_total / USUAL_DAYS


def heat(counts: CellCounts) -> Heat:
    base = usual(counts)
    parts = {
        "volume": _clamp((counts.recent - base) / (2 * max(base, 1.0))),
        "severity": counts.week_high / counts.week if counts.week else 0.0,
        "repeats": (
            _clamp((counts.week_duplicates + counts.week_repeats) / counts.week)
            if counts.week
            else 0.0
        ),
        "overdue": counts.overdue / max(counts.open, 1),
    }
    score = 100 * sum(WEIGHTS[name] * value for name, value in parts.items())
    level = min(HEAT_STEPS, math.ceil(round(score, 6) / (100 / HEAT_STEPS)))
    return Heat(round(score), level, {name: round(value, 3) for name, value in parts.items()})


@dataclass(frozen=True)
class Tension:
    """The weekly social-tension index of one row: this week (the last 7 days) against the 7
    before them."""

    week: int
    high_share: float  # 0 … 1
    prev_week: int
    change: float | None  # -0.25 = a quarter fewer; None when last week had none

    @property
    def direction(self) -> str:
        if self.change is None:
            return "new" if self.week else "flat"
        return "up" if self.change > 0 else "down" if self.change < 0 else "flat"


def tension(counts: CellCounts) -> Tension:
    change = (counts.week - counts.prev_week) / counts.prev_week if counts.prev_week else None
    share = counts.week_high / counts.week if counts.week else 0.0
    return Tension(counts.week, share, counts.prev_week, change)
