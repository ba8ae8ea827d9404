"""A citizen reads the times of their appeal in the organisation's time zone, with the zone
named; scripts keep ISO 8601 with its offset."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import httpx

from conftest import appeal, bearer, run_cli

HTML = {"Accept": "text/html"}


def shown(iso: str, zone: str, lang: str = "ru") -> str:
    moment = datetime.fromisoformat(iso).astimezone(ZoneInfo(zone))
    offset = int(moment.utcoffset().total_seconds() // 3600)
    pattern = "%d.%m.%Y, %H:%M" if lang == "ru" else "%Y-%m-%d %H:%M"
    return f"{moment.strftime(pattern)} (UTC+{offset}, {zone})"


def test_tracking_page_shows_times_in_the_organisations_zone(service, org):
    created = httpx.post(
        service.url + "/api/v1/appeals", json=appeal(), headers=bearer(org.key), timeout=5
    ).json()
    status = httpx.get(created["tracking_url"], timeout=5).json()
    filed = status["created_at"]
    assert datetime.fromisoformat(filed).utcoffset() is not None  # ISO 8601 with offset

    moscow = httpx.get(created["tracking_url"], headers=HTML, timeout=5).text
    assert shown(filed, "Europe/Moscow") in moscow
    assert " UTC<" not in moscow

    run_cli(service.db, "org", "set", org.slug, "--timezone", "Asia/Yekaterinburg")
    ural = httpx.get(created["tracking_url"], headers=HTML, timeout=5).text
    assert shown(filed, "Asia/Yekaterinburg") in ural
    assert "(UTC+5, Asia/Yekaterinburg)" in ural
    english = httpx.get(created["tracking_url"] + "?lang=en", headers=HTML, timeout=5).text
    assert shown(filed, "Asia/Yekaterinburg", "en") in english

    again = httpx.get(created["tracking_url"], timeout=5).json()
    assert again["created_at"] == filed  # the JSON is not localised
