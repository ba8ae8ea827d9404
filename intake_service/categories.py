"""The category catalogue. A default Russian catalogue ships; an organisation narrows it (turns
defaults off) or extends it (adds its own codes) through `org_categories` rows. Codes are stable:
queues, reports and routing rules refer to them, titles may change."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, replace

from intake_service.category_attributes import Attribute, load_attributes


@dataclass(frozen=True)
class Category:
    code: str
    title_ru: str
    title_en: str
    default_severity: str | None = None  # what new appeals of this category start with
    fast_track: bool = False  # messages answered within 10 days instead of 30 (lifecycle/deadlines)
    attributes: tuple[Attribute, ...] = ()  # extra questions (category_attributes.py)

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" and self.title_en else self.title_ru


DEFAULT_CATALOGUE: tuple[Category, ...] = (
    Category("housing", "ЖКХ", "Housing and utilities"),
    Category("improvement", "Благоустройство", "Public spaces and landscaping"),
    Category("roads", "Дороги", "Roads"),
    Category("street_lighting", "Уличное освещение", "Street lighting", fast_track=True),
    Category("transport", "Транспорт", "Public transport"),
    Category("education", "Образование", "Education"),
    Category("health", "Здравоохранение", "Health care"),
    Category("social", "Социальная защита", "Social protection"),
    Category("ecology", "Экология", "Environment"),
    Category("snow", "Уборка снега", "Snow removal", fast_track=True),
    Category("rubbish", "Вывоз мусора", "Rubbish collection", fast_track=True),
    Category("other", "Другое", "Other"),
)


def _with_overrides(conn: sqlite3.Connection, org_id: int) -> list[tuple[Category, bool]]:
    """Every category the organisation has, each with whether it is offered: the defaults with
    its overrides applied first, then its own codes."""
    overrides = {
        row["code"]: row
        for row in conn.execute(
            "SELECT code, title_ru, title_en, enabled, default_severity, fast_track "
            "FROM org_categories WHERE org_id = ?",
            (org_id,),
        )
    }
    result: list[tuple[Category, bool]] = []
    for default in DEFAULT_CATALOGUE:
        row = overrides.pop(default.code, None)
        if row is None:
            result.append((default, True))
            continue
        category = Category(
            default.code,
            row["title_ru"] or default.title_ru,
            row["title_en"] or default.title_en,
            row["default_severity"],
            default.fast_track if row["fast_track"] is None else bool(row["fast_track"]),
        )
        result.append((category, bool(row["enabled"])))
    for code, row in overrides.items():
        category = Category(
            code,
            row["title_ru"] or code,
            row["title_en"] or "",
            row["default_severity"],
            bool(row["fast_track"]),
        )
        result.append((category, bool(row["enabled"])))
    return result


def fast_track_codes(conn: sqlite3.Connection, org_id: int) -> frozenset[str]:
    """The organisation's fast-track categories, those turned off included: an appeal filed while
    its category was offered keeps that category's period after it is hidden (the due dates of
    older appeals are computed later, followup/due_backfill.py, and forwards count afresh)."""
    return frozenset(c.code for c, _offered in _with_overrides(conn, org_id) if c.fast_track)


def org_catalogue(conn: sqlite3.Connection, org_id: int) -> list[Category]:
    """The default catalogue with the organisation's overrides applied, defaults first, each
    category with its extra questions."""
    result = [c for c, offered in _with_overrides(conn, org_id) if offered]
    questions = load_attributes(conn, org_id)
    return [replace(c, attributes=questions.get(c.code, ())) for c in result]
