"""An organisation's admin answers a citizen's request about their data in the console: finds
every appeal of that person in the organisations they manage (and nothing of another's),
downloads the archive, and erases the personal data with a reason — after which the appeal
keeps its number and topic, and neither the name nor the e-mail is on any page. Anyone but an
admin finds no such page."""

from __future__ import annotations

import io
import json
import zipfile

import httpx
import pytest
from console_helpers import add_user, own_org, signed_in, unique
from test_polls_api import courtyard_vote

from conftest import appeal, bearer, events

pytestmark = pytest.mark.shared_service(POS_RATE_LIMIT_KEY="0", POS_RATE_LIMIT_ORG="0")
SITE = "https://citizen.example.ru"


def file_as(service, org, name: str, email: str, text: str) -> str:
    return filed_as(service, org, name, email, text)["number"]


def filed_as(service, org, name: str, email: str, text: str) -> dict:
    reply = httpx.post(
        f"{service.url}/api/v1/appeals",
        json=appeal(text=text, contact={"name": name, "email": email, "phone": "+7 900 111-22-33"}),
        headers=bearer(org.key),
    )
    assert reply.status_code == 201, reply.text
    return reply.json()


def test_an_admin_finds_exports_and_erases_one_persons_appeals(db, service, request):
    org = own_org(db, request, "town", SITE)
    other = own_org(db, request, "other", "https://other.example.ru")
    email = unique(request, "maria@example.ru")
    first = filed_as(service, org, "Мария Ивановна", email, "Не горит фонарь у дома 7 по Садовой.")
    mine = [
        first["number"],
        file_as(service, org, "Мария Ивановна", email, "Яма на дороге у дома 7 по Садовой."),
    ]
    theirs = file_as(service, other, "Мария Ивановна", email, "Обращение в другую организацию.")
    stranger = file_as(service, org, "Пётр", unique(request, "petr@example.ru"), "Мусор у дома.")
    # she also spoke in one of the town's public discussions
    made = httpx.post(
        f"{service.url}/api/v1/polls",
        json=courtyard_vote(kind="discussion", questions=None, title="Парк у школы",
                            description="Обсуждаем проект парка."),
        headers=bearer(org.key),
    )  # fmt: skip
    assert made.status_code == 201, made.text
    said = httpx.post(
        f"{service.url}/api/v1/polls/{made.json()['id']}/comments",
        json={"author": "Мария Ивановна", "email": email, "text": "Нужны фонари у школы."},
    )
    assert said.status_code == 202, said.text
    admin = add_user(db, unique(request, "admin@town.ru"), org.slug, role="admin")
    with signed_in(service.url, admin) as console:
        assert 'href="/console/citizen"' in console.get("/console").text
        found = console.post_form("/console/citizen", {"action": "find", "email": email.upper()})
        assert found.status_code == 200
        assert "Нужны фонари у школы" in console.get("/console/polls/moderation").text
        assert all(n in found.text for n in mine)
        assert theirs not in found.text and stranger not in found.text  # not this admin's

        archive = console.post_form("/console/citizen", {"action": "export", "email": email})
        assert archive.headers["content-type"] == "application/zip"
        with zipfile.ZipFile(io.BytesIO(archive.content)) as files:
            numbers = sorted(json.loads(files.read(n))["number"] for n in files.namelist())
        assert numbers == sorted(mine)

        # erasing needs a reason and a tick, and without them nothing goes
        refused = console.post_form("/console/citizen", {"action": "erase", "email": email})
        assert refused.status_code == 422 and "укажите основание" in refused.text
        unticked = console.post_form(
            "/console/citizen", {"action": "erase", "email": email, "reason": "Запрос № 17"}
        )
        assert unticked.status_code == 422 and "подтвердите" in unticked.text
        erased = console.post_form(
            "/console/citizen",
            {"action": "erase", "email": email, "reason": "Запрос № 17", "confirm": "yes"},
        )
        assert erased.status_code == 200
        assert "Данные стёрты в обращениях: 2." in erased.text
        # her comment in the discussion went with her address
        assert "Нужны фонари у школы" not in console.get("/console/polls/moderation").text

        again = console.post_form("/console/citizen", {"action": "find", "email": email})
        assert again.status_code == 422 and "ничего нет" in again.text
        by_number = console.post_form("/console/citizen", {"action": "find", "number": mine[0]})
        assert "данные уже стёрты" in by_number.text
    # her tracking link still shows the number and status, says the data is gone, and takes no
    # more of her words
    token = first["tracking_url"].rsplit("/", 1)[1]
    page = httpx.get(f"{service.url}/s/{token}", headers={"Accept": "text/html"})
    assert first["number"] in page.text and "Мария" not in page.text
    assert "Персональные данные этого обращения стёрты" in page.text
    more = httpx.post(
        f"{service.url}/api/v1/status/{token}/repeat", json={"text": "Фонарь снова не горит."}
    )
    assert more.status_code == 409, more.text
    log = events(db)
    exported = [e for e in log if e["type"] == "citizen_exported" and e["data"]["by"] == admin]
    assert sorted(e["data"]["number"] for e in exported) == sorted(mine)
    gone = [e for e in log if e["type"] == "erased" and e["data"]["number"] in mine]
    assert len(gone) == 2 and all(e["data"]["reason"] == "Запрос № 17" for e in gone)
    # the other organisation's appeal of the same person is untouched
    assert not [e for e in log if e["type"] == "erased" and e["data"]["number"] == theirs]


def test_only_admins_have_the_page(db, service, request):
    org = own_org(db, request, "town", SITE)
    operator = add_user(db, unique(request, "ops@town.ru"), org.slug)
    with signed_in(service.url, operator) as console:
        assert 'href="/console/citizen"' not in console.get("/console").text
        assert console.get("/console/citizen").status_code == 404
        posted = console.post_form("/console/citizen", {"action": "erase", "number": "X-1"})
        assert posted.status_code == 404
