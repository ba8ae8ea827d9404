"""The store the console benchmark reads (console.py): 50 organisations (5 regions of 9
municipalities each, and the regions) made by the CLI, then appeals over the last 8 weeks with
their `accepted` log entries and a share of status changes and answers, written in large
transactions in the shapes intake and the console write them.

Apart from console.py, which measures: this only fills.
"""

from __future__ import annotations

import json
import random
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from harness import cli

CATEGORIES = (
    "housing", "improvement", "roads", "street_lighting", "transport",
    "education", "health", "social", "ecology", "other",
)  # fmt: skip
# Texts in the forms people write them: the search must find "фонари" in "фонарь", "фонаря".
TEXTS = {
    "street_lighting": (
        "Не горит фонарь у дома {n} по улице {street}",
        "Фонари на улице {street} не работают уже неделю",
        "Уличное освещение во дворе дома {n} мигает по ночам",
        "Нет освещения на пешеходном переходе у школы, улица {street}",
    ),
    "roads": (
        "Яма на проезжей части у дома {n} по улице {street}",
        "Разбитая дорога на улице {street}, ямы глубиной около 20 см",
        "Не убран снег на дороге у остановки {street}",
    ),
    "housing": (
        "Нет горячей воды в доме {n} по улице {street}",
        "Протекает крыша в подъезде дома {n}",
        "Не вывозят мусор с площадки у дома {n} по улице {street}",
    ),
    "improvement": (
        "Сломаны качели на детской площадке у дома {n}",
        "Просим установить скамейки в сквере на улице {street}",
    ),
    "transport": (
        "Автобус маршрута {n} не ходит по расписанию",
        "Нет остановочного павильона на улице {street}",
    ),
    "education": ("Нет мест в детском саду номер {n}", "Холодно в классах школы номер {n}"),
    "health": ("Долгая запись к врачу в поликлинике номер {n}", "Нет лекарств в аптеке"),
    "social": ("Не пришла выплата на ребёнка за прошлый месяц", "Прошу помочь с ремонтом жилья"),
    "ecology": ("Свалка мусора в лесу у улицы {street}", "Вырубка деревьев в парке у дома {n}"),
    "other": ("Прошу сообщить часы приёма администрации", "Благодарность сотрудникам"),
}
STREETS = ("Ленина", "Мира", "Советская", "Гагарина", "Садовая", "Школьная", "Победы", "Заречная")
SEVERITIES = (None,) * 60 + ("low",) * 12 + ("medium",) * 15 + ("high",) * 10 + ("critical",) * 3


def make_orgs(db: Path) -> list[str]:
    """5 regions of 9 municipalities: 50 organisations, made by the CLI as an admin would."""
    slugs = []
    for r in range(5):
        region = f"region-{r}"
        cli(db, "org", "add", region, "--name", f"Регион {r}")
        slugs.append(region)
        for m in range(9):
            slug = f"mo-{r}-{m}"
            cli(db, "org", "add", slug, "--name", f"Муниципалитет {r}-{m}", "--parent", region)
            slugs.append(slug)
    return slugs


def fill(db: Path, count: int) -> float:
    """`count` appeals with their log entries, written in large transactions. Returns seconds."""
    started = time.monotonic()
    rng = random.Random(42)
    conn = sqlite3.connect(db, isolation_level=None)
    orgs = dict(conn.execute("SELECT slug, id FROM orgs").fetchall())
    slugs = sorted(orgs)
    weights = [1 + (i % 7) for i in range(len(slugs))]  # some municipalities are busier
    now = datetime.now(UTC)
    span = timedelta(days=56).total_seconds()
    sequences: dict[tuple[int, int], int] = {}
    batch = 50_000
    for start in range(0, count, batch):
        appeals, accepted, changes = [], [], []
        for i in range(start, min(count, start + batch)):
            slug = rng.choices(slugs, weights)[0]
            org_id = orgs[slug]
            category = rng.choice(CATEGORIES)
            # older first, so that seq and created_at grow together as in real intake
            created = now - timedelta(seconds=span * (1 - i / count) + rng.random())
            year = created.year
            sequences[(org_id, year)] = sequences.get((org_id, year), 0) + 1
            number = f"{slug.upper()}-{year}-{sequences[(org_id, year)]:06d}"
            text = rng.choice(TEXTS[category]).format(
                n=rng.randint(1, 200), street=rng.choice(STREETS)
            )
            at = created.strftime("%Y-%m-%dT%H:%M:%S.") + f"{created.microsecond // 1000:03d}Z"
            appeal_id = f"{i:08x}-0000-7000-8000-{rng.getrandbits(48):012x}"
            age_days = (now - created).days
            status, answered_at = "accepted", None
            if age_days > 3 and rng.random() < 0.8:
                status = rng.choice(
                    ("registered", "in_progress", "answered", "answered", "resolved")
                )
            if status in ("answered", "resolved"):
                answered = created + timedelta(hours=rng.uniform(2, 24 * 20))
                answered_at = answered.strftime("%Y-%m-%dT%H:%M:%S.000Z")
            severity = rng.choice(SEVERITIES)
            contact = json.dumps(
                {"name": "Житель", "email": f"user{i}@example.ru"}, ensure_ascii=False
            )
            appeals.append(
                (
                    appeal_id, number, org_id, org_id, "message", category, text,
                    f"ул. {rng.choice(STREETS)}, {rng.randint(1, 200)}", None, None, contact,
                    None, "api", None, None, status, at, severity, answered_at, at,
                )
            )  # fmt: skip
            data = json.dumps(
                {"number": number, "category": category, "kind": "message", "channel": "api"},
                ensure_ascii=False,
            )
            accepted.append((at, "accepted", org_id, appeal_id, data))
            if status != "accepted":
                change = json.dumps({"from": "accepted", "to": status, "by": "bench@example.ru"})
                changes.append((answered_at or at, "status", org_id, appeal_id, change))
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(
            "INSERT INTO appeals (id, number, origin_org_id, target_org_id, kind, category, text, "
            "address, lat, lon, contact, page_url, channel, embed_origin, loader_version, status, "
            "created_at, severity, answered_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            appeals,
        )
        conn.executemany(
            "INSERT INTO events (at, type, org_id, appeal_id, data) VALUES (?, ?, ?, ?, ?)",
            accepted + changes,
        )
        conn.execute("COMMIT")
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(
        "INSERT INTO org_sequences (org_id, year, last) VALUES (?, ?, ?) "
        "ON CONFLICT (org_id, year) DO UPDATE SET last = excluded.last",
        [(org, year, last) for (org, year), last in sequences.items()],
    )
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return time.monotonic() - started
