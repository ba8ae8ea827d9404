"""Polls in the console: an operator makes a poll in the browser, residents vote through the
public API, and the page's counts move by themselves; the CSV, the page and the API say the same
numbers. A discussion's comments wait in one moderation queue: one approved shows publicly with
the organisation's reply, another rejected with a reason its author reads in an e-mail. A
vote's picture and a discussion's document are served publicly, each only under its own poll.
Another organisation's operator finds none of it: 404 on every address."""

from __future__ import annotations

import csv
import io
import re
import struct
import zlib

import httpx
import pytest
from console_helpers import add_user, sign_in_page, signed_in
from mail_server import text_of
from playwright.sync_api import expect

from conftest import Service, events, make_org, screenshot, serious_violations

OPERATOR = "op@demo.example.ru"
STRANGER = "op@other.example.ru"
ADMIN = "admin@demo.example.ru"


def _png(width: int = 4, height: int = 3) -> bytes:
    """A real PNG (a green picture), which a browser draws."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    rows = b"".join(b"\x00" + b"\x2e\x7d\x32" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))  # fmt: skip


PNG = _png()
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def city(db, org, mail_server):
    """The demo organisation with an operator, another organisation with its own, and a server
    that mails through a real SMTP server, with no address budgets in the way of the votes."""
    add_user(db, OPERATOR, "demo")
    add_user(db, ADMIN, "demo", role="admin")
    make_org(db, "other")
    add_user(db, STRANGER, "other")
    env = {
        **mail_server.env,
        "POS_RATE_LIMIT_ADDRESS": "0",
        "POS_RATE_LIMIT_KEY": "0",
        "POS_RATE_LIMIT_POLL": "0",
    }
    service = Service(db, env=env).start()
    yield service
    service.stop()


def _vote(service: Service, poll_id: str, answers: dict) -> None:
    answer = httpx.post(
        f"{service.url}/api/v1/polls/{poll_id}/votes", json={"answers": answers}, timeout=10
    )
    assert answer.status_code == 201, answer.text


def _csv(text: str) -> dict[tuple[str, str], int]:
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    return {(r["question_id"] or r["question"], r["option_id"]): int(r["count"]) for r in rows}


def _look(page, tmp_path_factory, name: str) -> None:
    """axe-core finds nothing serious, at a desktop's and a phone's width, nothing sideways."""
    for width, height in ((1280, 800), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        assert serious_violations(page) == [], name
        sideways = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert sideways <= 0, f"{name} at {width}: {sideways} px sideways"
        screenshot(page, tmp_path_factory, f"{name}-{width}")
    page.set_viewport_size({"width": 1280, "height": 800})


@pytest.mark.same_on_every_engine(
    "what the browser shows of a poll; the ballots, counts, comments and moderation it drives are stories of test_polls_api.py and test_postgres_polls.py on PostgreSQL"
)
def test_an_operator_makes_a_poll_and_watches_the_votes_come(city, browser, tmp_path_factory):
    service = city
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ru-RU")
    page = context.new_page()
    try:
        sign_in_page(page, service.url, OPERATOR)
        page.get_by_role("link", name="Опросы", exact=True).click()
        page.wait_for_url("**/console/polls")
        expect(page.locator("#polls-pending")).to_contain_text("0")
        page.click("#polls-new")
        page.wait_for_url("**/console/polls/new")
        expect(page.locator("#poll-zone")).to_contain_text("Europe/Moscow")
        _look(page, tmp_path_factory, "poll-new")

        # sent without a title and with a question lacking its options: both said in words
        page.fill("#poll-q1_text", "Где поставить новые скамейки?")
        page.click("button[type=submit].primary")
        expect(page.locator("#poll-title-error")).to_have_text("Обязательное поле.")
        expect(page.locator("#poll-q1_options-error")).to_be_visible()
        assert page.locator("#poll-q1_text").input_value() == "Где поставить новые скамейки?"
        _look(page, tmp_path_factory, "poll-new-errors")

        page.fill("#poll-title", "Благоустройство сквера")
        page.fill("#poll-q1_options", "У фонтана\nВдоль аллеи — от школы до почты\n")
        page.select_option("#poll-q2_type", "scale")
        page.fill("#poll-q2_text", "Как вы оцениваете сквер сейчас?")
        page.select_option("#poll-q3_type", "text")
        page.fill("#poll-q3_text", "Что ещё нужно скверу?")
        page.click("button[type=submit].primary")
        page.wait_for_url(re.compile(r"/console/polls/[0-9a-f-]{36}\?done=created"))
        poll_id = page.url.split("/console/polls/")[1].split("?")[0]
        expect(page.locator("#notice")).to_have_text("Опрос создан.")
        expect(page.locator("#poll-participants")).to_have_text("0")

        # residents vote through the public API; the open page's counts move without a reload
        _vote(service, poll_id, {"q1": "a", "q2": 4, "q3": "Больше урн"})
        _vote(service, poll_id, {"q1": "b", "q2": 5})
        _vote(service, poll_id, {"q1": "a", "q2": 2, "q3": "Фонари <b>ярче</b>"})
        expect(page.locator("#poll-participants")).to_have_text("3", timeout=10_000)
        expect(page.locator('[data-count="q1:a"]')).to_have_text("2")
        expect(page.locator('[data-share="q1:a"]')).to_have_text("66,7 %")
        expect(page.locator('[data-mean="q2"]')).to_have_text("3,67")
        page.reload()
        expect(page.get_by_text("Фонари <b>ярче</b>")).to_be_visible()  # shown as text
        _look(page, tmp_path_factory, "poll-results")

        # the page, the CSV and the API: the same numbers
        api = httpx.get(f"{service.url}/api/v1/polls/{poll_id}/results", timeout=10).json()
        with signed_in(service.url, OPERATOR) as console:
            exported = console.get(f"/console/polls/{poll_id}/results.csv")
            live = console.get(f"/console/polls/{poll_id}/results.json").json()
        assert exported.status_code == 200 and exported.text.startswith("\ufeff")
        counts = _csv(exported.text)
        assert counts.pop(("participants", "")) == api["participants"] == 3
        assert counts == {
            (q, o): n for q, opts in api["questions"].items() for o, n in opts.items()
        }
        assert live["questions"] == api["questions"]
        for (question, option), n in counts.items():
            assert page.locator(f'[data-count="{question}:{option}"]').inner_text() == str(n)
        [exported_event] = [e for e in events(service.db) if e["type"] == "exported"]
        assert exported_event["data"]["poll"] == poll_id
        assert exported_event["data"]["by"] == OPERATOR
        with signed_in(service.url, ADMIN) as admin:  # the audit view shows it
            audit = admin.get("/console/log", params={"view": "audit"})
            assert audit.status_code == 200 and "Выгрузка CSV" in audit.text

        page.goto(service.url + "/console/polls")
        row = page.locator("tr", has_text="Благоустройство сквера")
        expect(row).to_contain_text("опрос")
        expect(row).to_contain_text("идёт")
        expect(row).to_contain_text("(Europe/Moscow)")
        expect(row.locator("td.num")).to_have_text("3")
        _look(page, tmp_path_factory, "polls-list")

        # closed early: no more votes, the list says so
        page.goto(f"{service.url}/console/polls/{poll_id}")
        page.get_by_role("button", name="Завершить досрочно").click()
        expect(page.locator("#notice")).to_have_text("Опрос завершён.")
        expect(page.locator("#poll-state")).to_have_text("завершён")
        late = httpx.post(f"{service.url}/api/v1/polls/{poll_id}/votes",
                          json={"answers": {"q1": "a", "q2": 3}}, timeout=10)  # fmt: skip
        assert late.status_code in (403, 409, 422), late.text
    finally:
        context.close()


@pytest.mark.same_on_every_engine(
    "what the browser shows of a poll; the ballots, counts, comments and moderation it drives are stories of test_polls_api.py and test_postgres_polls.py on PostgreSQL"
)
def test_a_vote_with_pictures_and_the_results_published(city, browser, tmp_path_factory):
    service = city
    with signed_in(service.url, OPERATOR) as console:
        made = console.post_form(
            "/console/polls/new",
            {"org": "demo", "kind": "vote", "title": "Какой двор благоустроить первым?",
             "identity": "anyone", "results": "at_close", "reach": "own",
             "opens_at": "2020-01-01T09:00", "closes_at": "2099-01-01T09:00",
             "q1_type": "single", "q1_text": "Выберите двор",
             "q1_options": "Двор на Ленина, 5 — детская площадка\nДвор на Мира, 12"},
            files=[("picture_1", ("lenina.png", PNG, "image/png")),
                   ("picture_2", ("", b"", "application/octet-stream"))],
        )  # fmt: skip
        assert made.status_code == 303, made.text
        poll_id = made.headers["location"].split("/")[-1].split("?")[0]
        shown = httpx.get(f"{service.url}/api/v1/polls/{poll_id}", timeout=10).json()
        option = shown["questions"][0]["options"][0]
        assert option["description"] == "детская площадка"
        picture = httpx.get(option["picture"], timeout=10)
        assert picture.status_code == 200 and picture.content == PNG
        assert picture.headers["content-type"] == "image/png"
        assert picture.headers["x-content-type-options"] == "nosniff"
        assert "picture" not in shown["questions"][0]["options"][1]
        # the picture is under its own poll only
        file_id = option["picture"].rsplit("/", 1)[1]
        assert httpx.get(f"{service.url}/p/{'0' * 8}/files/{file_id}").status_code == 404
        # results at closing: hidden, until the operator publishes them
        _vote(service, poll_id, {"q1": "b"})
        hidden = httpx.get(f"{service.url}/api/v1/polls/{poll_id}/results", timeout=10)
        assert hidden.status_code == 403
        assert console.get(f"/console/polls/{poll_id}/results.json").json()["participants"] == 1
        published = console.post_form(f"/console/polls/{poll_id}/publish")
        assert published.status_code == 303
        public = httpx.get(f"{service.url}/api/v1/polls/{poll_id}/results", timeout=10).json()
        assert public["questions"] == {"q1": {"a": 0, "b": 1}}
        english = console.get(f"/console/polls/{poll_id}?lang=en")
        assert "Participants" in english.text and "Close early" in english.text
        assert "Polls" in console.get("/console/polls?lang=en").text
        assert "A new poll, vote or discussion" in console.get("/console/polls/new?lang=en").text
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ru-RU")
    page = context.new_page()
    try:
        sign_in_page(page, service.url, OPERATOR, then=f"/console/polls/{poll_id}")
        picture = page.locator("img.option-picture")
        expect(picture).to_have_count(1)
        assert page.evaluate("document.querySelector('img.option-picture').naturalWidth") == 4
        expect(page.locator("#poll-participants")).to_have_text("1")
        _look(page, tmp_path_factory, "poll-vote")
    finally:
        context.close()
    with signed_in(service.url, OPERATOR) as console:
        # a picture that is no picture is refused next to its field, nothing made
        refused = console.post_form(
            "/console/polls/new",
            {"org": "demo", "kind": "vote", "title": "Ещё голосование", "identity": "anyone",
             "results": "live", "reach": "own", "opens_at": "2020-01-01T09:00",
             "closes_at": "2099-01-01T09:00", "q1_type": "single", "q1_text": "Двор",
             "q1_options": "Первый\nВторой"},
            files=[("picture_1", ("evil.png", b"<svg onload=alert(1)>", "image/png")),
                   ("picture_3", ("third.png", PNG, "image/png"))],
        )  # fmt: skip
        assert refused.status_code == 422
        assert "Картинка должна быть в формате JPEG или PNG." in refused.text
        assert "У вопроса нет варианта 3" in refused.text


def test_a_discussion_moderated_and_answered(city, mail_server, browser, tmp_path_factory):
    service = city
    with signed_in(service.url, OPERATOR) as console:
        made = console.post_form(
            "/console/polls/new",
            {"org": "demo", "kind": "discussion", "title": "Проект парка на набережной",
             "description": "Обсуждаем проект парка: дорожки, освещение, площадки.",
             "identity": "anyone", "results": "live", "reach": "own",
             "opens_at": "2020-01-01T09:00", "closes_at": "2099-01-01T09:00"},
            files=[("documents", ("проект.pdf", PDF, "application/pdf"))],
        )  # fmt: skip
        assert made.status_code == 303, made.text
        poll_id = made.headers["location"].split("/")[-1].split("?")[0]
        page_html = console.get(f"/console/polls/{poll_id}").text
        document = re.search(rf'href="(/p/{poll_id}/files/\d+)">проект.pdf', page_html).group(1)
    pdf = httpx.get(service.url + document, timeout=10)
    assert pdf.status_code == 200 and pdf.content == PDF
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"].startswith("attachment;")

    for author, email, text in (
        ("Анна", "anna@example.ru", "Нужны фонари вдоль дорожек."),
        ("Пётр", "petr@example.ru", "<script>alert(1)</script> Всё плохо!!!"),
    ):
        posted = httpx.post(f"{service.url}/api/v1/polls/{poll_id}/comments",
                            json={"author": author, "email": email, "text": text}, timeout=10)  # fmt: skip
        assert posted.status_code == 202, posted.text

    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ru-RU")
    page = context.new_page()
    try:
        sign_in_page(page, service.url, OPERATOR, then="/console/polls")
        expect(page.locator("#polls-pending")).to_contain_text("2")
        page.click("#polls-moderation")
        anna = page.locator("article", has_text="Нужны фонари")
        petr = page.locator("article", has_text="Всё плохо")
        expect(petr.locator(".comment-text")).to_have_text("<script>alert(1)</script> Всё плохо!!!")
        _look(page, tmp_path_factory, "polls-moderation")
        # rejecting without a reason: said next to the reason's field
        petr.get_by_role("button", name="Отклонить").click()
        expect(page.locator(".field-error")).to_have_text(
            "Укажите причину: автор получит её по e-mail."
        )
        petr = page.locator("article", has_text="Всё плохо")
        petr.get_by_label("Причина отклонения").fill("Комментарий не по теме обсуждения.")
        petr.get_by_role("button", name="Отклонить").click()
        expect(page.locator(".notice")).to_contain_text("Комментарий отклонён")
        anna.get_by_role("button", name="Опубликовать").click()
        expect(page.locator("#queue-empty")).to_be_visible()

        shown = httpx.get(f"{service.url}/api/v1/polls/{poll_id}/comments", timeout=10).json()
        assert [c["text"] for c in shown["comments"]] == ["Нужны фонари вдоль дорожек."]
        [rejected] = mail_server.wait_for("petr@example.ru")
        assert "Комментарий не по теме обсуждения." in text_of(rejected)
        [approved] = mail_server.wait_for("anna@example.ru")
        assert "опубликован" in text_of(approved)

        # the organisation replies under the approved comment
        page.goto(f"{service.url}/console/polls/{poll_id}")
        page.get_by_label("Ответ организации", exact=True).fill("Спасибо, фонари есть в проекте.")
        page.get_by_role("button", name="Ответить").click()
        expect(page.locator("#notice")).to_have_text("Ответ опубликован.")
        expect(page.locator("#poll-pending")).to_have_text("ждут модерации: 0")
        _look(page, tmp_path_factory, "poll-discussion")
        shown = httpx.get(f"{service.url}/api/v1/polls/{poll_id}/comments", timeout=10).json()
        assert shown["comments"][0]["reply"] == "Спасибо, фонари есть в проекте."
    finally:
        context.close()


def test_another_organisations_poll_is_missing_on_every_address(city):
    service = city
    with signed_in(service.url, OPERATOR) as console:
        made = console.post_form(
            "/console/polls/new",
            {"org": "demo", "kind": "discussion", "title": "Секретный проект",
             "description": "Описание.", "identity": "anyone", "results": "live",
             "reach": "own", "opens_at": "2020-01-01T09:00", "closes_at": "2099-01-01T09:00"},
        )  # fmt: skip
        poll_id = made.headers["location"].split("/")[-1].split("?")[0]
    comment = httpx.post(f"{service.url}/api/v1/polls/{poll_id}/comments",
                         json={"author": "Анна", "email": "anna@example.ru", "text": "Тайна"})  # fmt: skip
    comment_id = comment.json()["comment"]
    with signed_in(service.url, STRANGER) as stranger:
        for path in (f"/console/polls/{poll_id}", f"/console/polls/{poll_id}/results.json",
                     f"/console/polls/{poll_id}/results.csv"):  # fmt: skip
            answer = stranger.get(path)
            assert answer.status_code == 404, path
            assert "Секретный" not in answer.text
        for path, data in (
            (f"/console/polls/{poll_id}/close", {}),
            (f"/console/polls/{poll_id}/publish", {}),
            (f"/console/polls/{poll_id}/comments/{comment_id}/reply", {"reply": "x"}),
            (f"/console/polls/moderation/{comment_id}", {"action": "approve"}),
            (f"/console/polls/moderation/{comment_id}", {"action": "reject", "reason": "x"}),
        ):
            assert stranger.post_form(path, data).status_code == 404, path
        for path in ("/console/polls", "/console/polls/moderation"):
            listed = stranger.get(path)
            assert listed.status_code == 200
            assert "Секретный" not in listed.text and "Тайна" not in listed.text
        # nor can a poll be made for another organisation
        refused = stranger.post_form(
            "/console/polls/new",
            {"org": "demo", "kind": "discussion", "title": "Чужой", "description": "x",
             "identity": "anyone", "results": "live", "reach": "own",
             "opens_at": "2020-01-01T09:00", "closes_at": "2099-01-01T09:00"},
        )  # fmt: skip
        assert refused.status_code == 422
        # without the CSRF token nothing changes either
        with signed_in(service.url, OPERATOR) as console:
            console.csrf = "forged"
            assert console.post_form(f"/console/polls/{poll_id}/close").status_code == 403
    still = httpx.get(f"{service.url}/api/v1/polls/{poll_id}").json()
    assert still["state"] == "open"
