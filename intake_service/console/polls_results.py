"""A poll's results as the console shows them: bars for choices (the count and the share of the
participants), a 1–5 scale's distribution and mean, the free answers — and the same numbers as
`/console/polls/{id}/results.json` (what the page's script refreshes them from) and as CSV.

Every number here comes from `participation.store.results`, the kept counts the public page and
`GET /api/v1/polls/{id}/results` read too, so the console, the export and the API agree.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from intake_service.console.export import safe_cell
from intake_service.i18n import t
from intake_service.participation.definition import SCALE, Poll
from intake_service.participation.store import Results


def percent(share: float, lang: str) -> str:
    """37,5 % (ru) or 37.5% (en), of the participants."""
    text = f"{share * 100:.1f}".rstrip("0").rstrip(".")
    return f"{text.replace('.', ',')} %" if lang == "ru" else f"{text}%"


def mean(counts: dict[str, int]) -> float | None:
    """A scale's mean mark; None with no marks."""
    marks = sum(counts.values())
    return sum(int(v) * n for v, n in counts.items()) / marks if marks else None


def mean_text(counts: dict[str, int], lang: str) -> str:
    value = mean(counts)
    if value is None:
        return "—"
    text = f"{value:.2f}"
    return text.replace(".", ",") if lang == "ru" else text


def cells(poll: Poll, counted: Results, lang: str) -> dict[str, Any]:
    """What the page's script writes: each option's count, share and bar, each scale's mean."""
    found: dict[str, Any] = {}
    means: dict[str, str] = {}
    for question in poll.questions:
        if question.type == "text":
            continue
        counts = counted.questions.get(question.id, {})
        for option, n in counts.items():
            share = counted.share(question.id, option)
            found[f"{question.id}:{option}"] = {
                "n": n, "share": percent(share, lang), "width": round(share * 100, 2),
            }  # fmt: skip
        if question.type == "scale":
            means[question.id] = mean_text(counts, lang)
    return {"participants": counted.participants, "cells": found, "means": means,
            "questions": counted.questions}  # fmt: skip


def view(poll: Poll, counted: Results, texts: dict[str, list[str]], lang: str) -> list[dict]:
    """Each question with its rows (label, key, count, share, bar width) for the template."""
    shown = []
    for question in poll.questions:
        entry: dict[str, Any] = {"id": question.id, "type": question.type, "text": question.text}
        if question.type == "text":
            entry["answers"] = texts.get(question.id, [])
        else:
            counts = counted.questions.get(question.id, {})
            labels = (
                {v: v for v in SCALE}
                if question.type == "scale"
                else {o.id: o.title for o in question.options}
            )
            descriptions = {o.id: o.description for o in question.options}
            entry["rows"] = [
                {
                    "key": f"{question.id}:{option}",
                    "label": labels.get(option, option),
                    "description": descriptions.get(option, ""),
                    "n": n,
                    "share": percent(counted.share(question.id, option), lang),
                    "width": round(counted.share(question.id, option) * 100, 2),
                }
                for option, n in counts.items()
            ]
            if question.type == "scale":
                entry["mean"] = mean_text(counts, lang)
            if question.type == "multiple":
                entry["hint"] = t("console.polls.multiple-hint", lang)
        shown.append(entry)
    return shown


COLUMNS = ("question_id", "question", "option_id", "option", "count", "share")


def csv_text(poll: Poll, counted: Results) -> tuple[str, int]:
    """The results as CSV (UTF-8 with a byte-order mark, as the console's other export, for
    Excel): the participants first, then one row per question and option; the rows written."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerow(["", "participants", "", "", counted.participants, ""])
    rows = 1
    for question in poll.questions:
        if question.type == "text":
            continue
        titles = {o.id: o.title for o in question.options}
        for option, n in counted.questions.get(question.id, {}).items():
            share = f"{counted.share(question.id, option) * 100:.2f}"
            writer.writerow(
                [safe_cell(v) for v in (question.id, question.text, option,
                                        titles.get(option, option), n, share)]
            )  # fmt: skip
            rows += 1
    return "\ufeff" + out.getvalue(), rows
