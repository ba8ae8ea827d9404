"""Similar appeals by their text: two neighbours write of the same broken lamp in other words,
with no point on the map and no address — the appeal page lists the other as similar, saying
it is for the text; an appeal about something else is not listed, and another organisation's
appeal of the very same words never is (the search index is asked for the appeal's own
organisation only)."""

from __future__ import annotations

import time

import httpx
import pytest
from console_helpers import add_user, signed_in

from conftest import Service, appeal, bearer, make_org

OPERATOR = "op@demo.example.ru"
LAMP = "Во дворе дома 12 на улице Мира не работает освещение, фонарь сломан."
LAMP_AGAIN = "Сломан фонарь во дворе, освещение не работает третью неделю."
POTHOLE = "Яма на дороге возле школы, машины объезжают её по тротуару."


@pytest.fixture
def desk(db, org):
    add_user(db, OPERATOR, "demo")
    other = make_org(db, "other")
    service = Service(db, env={"POS_RATE_LIMIT_KEY": "0", "POS_RATE_LIMIT_ADDRESS": "0"}).start()
    yield service, org, other
    service.stop()


def _file(service: Service, key: str, text: str, **changes: object) -> dict:
    body = appeal(text=text, lat=None, lon=None, address=None, **changes)
    answer = httpx.post(service.url + "/api/v1/appeals", json=body, headers=bearer(key))
    assert answer.status_code == 201, answer.text
    return answer.json()


def _similar(console, appeal_id: str) -> str:
    page = console.get(f"/console/appeals/{appeal_id}").text
    return page.split('id="similar"', 1)[1].split("</section>", 1)[0]


def test_appeals_of_similar_text_are_listed_with_the_reason(desk):
    service, org, other = desk
    first = _file(service, org.key, LAMP)
    again = _file(service, org.key, LAMP_AGAIN, category="roads")  # the topic does not matter
    pothole = _file(service, org.key, POTHOLE)
    theirs = _file(service, other.key, LAMP)  # the very same words, another organisation
    with signed_in(service.url, OPERATOR) as console:
        deadline = time.monotonic() + 15  # the search index takes the new appeals in the background
        section = _similar(console, first["id"])
        while again["number"] not in section and time.monotonic() < deadline:
            time.sleep(0.3)
            section = _similar(console, first["id"])
        assert again["number"] in section and "похожий текст" in section
        assert pothole["number"] not in section
        assert theirs["number"] not in section
        # and the other way round; the pothole has nothing like it
        assert first["number"] in _similar(console, again["id"])
        assert "Похожих обращений нет." in _similar(console, pothole["id"])
        # in English, the same reason in English
        english = console.get(f"/console/appeals/{first['id']}?lang=en").text
        assert "similar text" in english.split('id="similar"', 1)[1]

    # the other organisation's operator sees only their own appeal's likeness: none
    add_user(service.db, "op@other.example.ru", "other")
    with signed_in(service.url, "op@other.example.ru") as console:
        section = _similar(console, theirs["id"])
        assert "Похожих обращений нет." in section
        assert first["number"] not in section and again["number"] not in section
