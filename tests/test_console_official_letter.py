"""An operator registers a citizen's letter as an official appeal under 59-ФЗ: the form asks
what the law asks of a written appeal — surname, first name, the patronymic if any, a postal
address or an e-mail for the answer — in words, refusing what is missing; the appeal gets the
same registration and answer dates, number, log event, queue message and e-mail notice as an
official appeal filed through the badge's back end. And the statistics count each channel an
operator takes appeals from, including the appeals taken before their columns existed
(migration 19), on both engines."""

from __future__ import annotations

import json
import mailbox
import time
from datetime import UTC, datetime
from email import message_from_binary_file, policy
from pathlib import Path

import httpx
import pytest
from console_helpers import add_user, signed_in

from intake_service import store as store_module
from intake_service.migrations import MIGRATIONS

from conftest import Service, appeal, bearer, events, run_cli, store

OPERATOR = "op@demo.example.ru"
LETTER = {
    "org": "demo",
    "channel": "letter",
    "kind": "official",
    "category": "street_lighting",
    "text": "Прошу восстановить уличное освещение у дома 7 по улице Мира.",
    "address": "г. Мантурово, ул. Мира, 7",
    "surname": "Иванова",
    "first_name": "Мария",
    "patronymic": "Петровна",
    "postal": "156000, Мантурово, ул. Мира, 7, кв. 3",
    "email": "maria@example.ru",
    "consent": "yes",
}


@pytest.fixture
def desk(db, org, tmp_path):
    add_user(db, OPERATOR, "demo")
    mail = tmp_path / "mail"
    service = Service(
        db,
        env={"POS_MAILDIR": str(mail), "POS_RATE_LIMIT_KEY": "0", "POS_RATE_LIMIT_ADDRESS": "0"},
    ).start()
    yield service, org, mail
    service.stop()


def _letter(**changes: str) -> dict[str, str]:
    return {k: v for k, v in {**LETTER, **changes}.items() if v}


def _mail_to(folder: Path, number: str, timeout: float = 10) -> list:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (folder / "new").is_dir():
            box = mailbox.Maildir(
                folder,
                factory=lambda f: message_from_binary_file(f, policy=policy.default),
                create=False,
            )
            found = [m for m in box if number in str(m)]
            if found:
                return found
        time.sleep(0.1)
    return []


def test_a_letter_is_refused_as_official_without_what_59_fz_asks(desk):
    service, _, _ = desk
    with signed_in(service.url, OPERATOR) as console:
        by_phone = console.post_form("/console/appeals/new", _letter(channel="phone"))
        assert by_phone.status_code == 422
        assert "регистрируется только по письму" in by_phone.text
        assert 'href="#taken-kind">Вид обращения</a>' in by_phone.text

        # a name only, and a phone: enough for a message, not for an official letter
        bare = console.post_form(
            "/console/appeals/new",
            _letter(surname="", patronymic="", postal="", email="", phone="+7 900 111-22-33"),
        )
        assert bare.status_code == 422
        page = bare.text
        assert 'href="#taken-surname">Фамилия</a>: Обязательное поле.' in page
        assert "укажите почтовый адрес или e-mail для ответа" in page
        assert 'value="Мария"' in page and 'value="+7 900 111-22-33"' in page
        assert 'name="kind" value="official" checked' in page

        # the same as a message is taken
        message = console.post_form(
            "/console/appeals/new",
            _letter(
                kind="message",
                surname="",
                patronymic="",
                postal="",
                email="",
                phone="+7 900 111-22-33",
            ),
        )
        assert message.status_code == 303, message.text
    accepted = [e for e in events(service.db) if e["type"] == "accepted"]
    assert [e["data"]["kind"] for e in accepted] == ["message"]


def test_an_official_letter_is_registered_like_a_badge_official_appeal(desk):
    service, org, mail = desk
    badge = httpx.post(
        service.url + "/api/v1/appeals",
        json=appeal(kind="official", text="Официальное обращение через виджет, для сравнения."),
        headers=bearer(org.key),
    )
    assert badge.status_code == 201, badge.text
    with signed_in(service.url, OPERATOR) as console:
        assert 'name="kind" value="official"' in console.get("/console/appeals/new").text
        taken = console.post_form("/console/appeals/new", _letter())
        assert taken.status_code == 303, taken.text
        where = taken.headers["location"].split("?")[0]
        page = console.get(taken.headers["location"]).text
        assert "Официальное обращение (59-ФЗ)" in page
        assert '<dd id="appeal-channel">Письмо</dd>' in page
        assert 'id="appeal-due"' in page
        shown = console.post_form(where + "/contact").text
        for words in ("<dt>Фамилия</dt><dd>Иванова</dd>", "<dt>Имя</dt><dd>Мария</dd>",
                      "<dt>Отчество</dt><dd>Петровна</dd>",
                      "156000, Мантурово, ул. Мира, 7, кв. 3", "maria@example.ru"):  # fmt: skip
            assert words in shown, words

    [taken_event] = [
        e for e in events(service.db) if e["type"] == "accepted" and e["data"].get("by")
    ]
    number = taken_event["data"]["number"]
    assert taken_event["data"]["kind"] == "official"
    assert taken_event["data"]["channel"] == "letter" and taken_event["data"]["by"] == OPERATOR
    with store(service.db) as conn:
        rows = {
            r[0]: r[1:]
            for r in conn.execute(
                "SELECT id, kind, register_due, answer_due, contact FROM appeals"
            ).fetchall()
        }
    mine = rows[where.rsplit("/", 1)[1]]
    theirs = rows[badge.json()["id"]]
    assert mine[0] == theirs[0] == "official"
    # filed the same minute: the same 3-day registration and 30-day answer dates
    assert mine[1] and (mine[1], mine[2]) == (theirs[1], theirs[2])
    assert json.loads(mine[3])["name"] == "Иванова Мария Петровна"

    queued = httpx.get(service.url + "/api/v1/queue", headers=bearer(org.key), timeout=5).json()
    bodies = {m["body"]["number"]: m["body"] for m in queued["messages"]}
    assert bodies[number]["source"]["channel"] == "letter"
    # the e-mail the letter gives for the answer is told the number
    letters = _mail_to(mail, number)
    assert letters and letters[0]["To"] == "maria@example.ru"


def _migrated_to(db, last: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The store as a release before migration `last + 1` left it."""
    monkeypatch.setattr(
        store_module, "MIGRATIONS", {n: f for n, f in MIGRATIONS.items() if n <= last}
    )
    with store(db) as conn:
        store_module.migrate(conn)
    monkeypatch.undo()


def test_migration_19_counts_the_appeals_taken_before_it(db, monkeypatch):
    _migrated_to(db, 18, monkeypatch)
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    with store(db) as conn:
        conn.execute(
            "INSERT INTO orgs (slug, name, created_at) VALUES ('manturovo', 'Мантурово', ?)",
            (now,),
        )
        org = conn.execute("SELECT id FROM orgs WHERE slug = 'manturovo'").fetchone()[0]
        for n, channel in enumerate(("phone", "phone", "letter", "visit", "api"), 1):
            conn.execute(
                "INSERT INTO appeals (id, number, origin_org_id, target_org_id, kind, category, "
                "text, contact, channel, status, created_at, local_offset) VALUES "
                "(?, ?, ?, ?, 'message', 'lighting', 'Фонарь не горит', '{}', ?, 'accepted', ?, "
                "180)",
                (f"a{n}", f"MANTUROVO-2026-{n:06}", org, org, channel, now),
            )
        before = conn.execute("SELECT n, via_api FROM appeal_day_counts").fetchall()
        assert [tuple(r) for r in before] == [(5, 1)]  # the others count only in n

    assert "applied migrations 19" in run_cli(db, "migrate").stdout
    counted = "SELECT n, via_api, via_phone, via_letter, via_visit FROM appeal_day_counts"
    with store(db) as conn:
        assert [tuple(r) for r in conn.execute(counted).fetchall()] == [(5, 1, 2, 1, 1)]
        # and the triggers keep them from now on
        conn.execute("UPDATE appeals SET channel = 'visit' WHERE id = 'a1'")
        conn.execute("DELETE FROM appeals WHERE id = 'a3'")
        assert [tuple(r) for r in conn.execute(counted).fetchall()] == [(4, 1, 1, 0, 2)]
