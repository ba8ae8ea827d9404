"""The residents' poll pages, as a resident meets them: a vote on the full page without
JavaScript on a phone, counted once and shown back; an e-mail-level vote counted only after the
mailed link's button, and not again in another browser with the address in capitals; a public
discussion's comment sent for moderation and shown on its author's page; the public results page
with the API's numbers; every bad ballot a readable page and a `rejected` event; the badge's
framed pages only on the organisation's own sites. Real server, real Chromium."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape
from urllib.parse import urlencode

import httpx
import pytest
from mail_server import text_of
from playwright.sync_api import expect

from intake_service.participation.comments import decide_op, reply_op
from intake_service.participation.store import poll_by_id

from conftest import Service, bearer, events, screenshot, serious_violations, store

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
ORIGIN = "https://demo.example.ru"


def _when(**delta: float) -> str:
    return (datetime.now(UTC) + timedelta(**delta)).isoformat(timespec="seconds")


COURTYARDS = {
    "kind": "vote",
    "title": "Какой двор благоустроить первым",
    "description": "Программа «Формирование комфортной городской среды», 2027 год.",
    "identity": "anyone",
    "results": "live",
    "questions": [
        {
            "id": "yard",
            "type": "single",
            "text": "Выберите двор",
            "options": [
                {"id": "lenina5", "title": "Двор дома 5 по ул. Ленина",
                 "description": "Детская площадка, освещение, лавочки."},
                {"id": "mira12", "title": "Двор дома 12 по ул. Мира",
                 "description": "Парковка, тротуар, озеленение."},
            ],
        }
    ],
}  # fmt: skip

SURVEY = {
    "kind": "poll",
    "title": "Качество уборки улиц",
    "identity": "anyone",
    "results": "live",
    "questions": [
        {"id": "where", "type": "single", "text": "Где вы живёте?",
         "options": [{"id": "centre", "title": "Центр"}, {"id": "north", "title": "Север"}]},
        {"id": "what", "type": "multiple", "text": "Что убирают плохо?", "max_choices": 2,
         "options": [{"id": "snow", "title": "Снег"}, {"id": "leaves", "title": "Листья"},
                     {"id": "trash", "title": "Мусор"}]},
        {"id": "mark", "type": "scale", "text": "Оцените уборку"},
        {"id": "note", "type": "text", "text": "Что ещё сказать?"},
    ],
}  # fmt: skip


def create(service: Service, key: str, definition: dict, **changes: object) -> str:
    body = {"opens_at": _when(minutes=-5), "closes_at": _when(days=7), **definition, **changes}
    made = httpx.post(f"{service.url}/api/v1/polls", json=body, headers=bearer(key))
    assert made.status_code == 201, made.text
    return made.json()["id"]


def api_results(service: Service, poll_id: str) -> dict:
    answer = httpx.get(f"{service.url}/api/v1/polls/{poll_id}/results")
    assert answer.status_code == 200, answer.text
    return answer.json()


def page_post(service: Service, path: str, data: dict | list, client: httpx.Client | None = None):
    """A POST as the page's own form sends it (our Origin, a browser asking for HTML)."""
    headers = {
        "Origin": service.url,
        "Accept": "text/html",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    body = urlencode(data)  # a list keeps a field given several times (multiple choice)
    if client is not None:
        return client.post(path, content=body, headers=headers)
    return httpx.post(service.url + path, content=body, headers=headers)


@pytest.fixture
def no_js(browser):
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale="ru-RU",
        device_scale_factor=2, java_script_enabled=False,
    )  # fmt: skip
    yield context.new_page()
    context.close()


@pytest.mark.same_on_every_engine(
    "what the browser shows of a poll; the ballots, counts, comments and moderation it drives are stories of test_polls_api.py and test_postgres_polls.py on PostgreSQL"
)
def test_a_vote_on_the_full_page_without_javascript_counts_once(
    service, org, db, no_js, browser, tmp_path_factory
):
    poll_id = create(service, org.key, COURTYARDS)
    no_js.goto(f"{service.url}/p/{poll_id}")
    expect(no_js.locator("h1")).to_have_text("Какой двор благоустроить первым")
    expect(no_js.locator("#poll-facts")).to_contain_text("Europe/Moscow")
    expect(no_js.locator("#poll-who")).to_contain_text("один голос с одного браузера")
    screenshot(no_js, tmp_path_factory, "poll-phone")

    no_js.get_by_label("Двор дома 12 по ул. Мира").check()
    no_js.get_by_role("button", name="Проголосовать").click()
    outcome = no_js.locator("#poll-outcome")
    expect(outcome).to_contain_text("Ваш голос учтён")
    expect(outcome.locator("#own-choice")).to_contain_text("Двор дома 12 по ул. Мира")
    expect(no_js.locator("#results li[data-option='mira12'] .bar-n")).to_have_text("1")
    assert api_results(service, poll_id)["questions"] == {"yard": {"lenina5": 0, "mira12": 1}}
    screenshot(no_js, tmp_path_factory, "poll-voted-phone")

    # the same browser again: its cookie names the voter, the count stays, her choice is shown
    no_js.goto(f"{service.url}/p/{poll_id}")
    no_js.get_by_label("Двор дома 5 по ул. Ленина").check()
    no_js.get_by_role("button", name="Проголосовать").click()
    expect(no_js.locator("#poll-summary")).to_contain_text("уже учтён")
    expect(no_js.locator("#own-choice")).to_contain_text("Двор дома 12 по ул. Мира")
    assert api_results(service, poll_id)["participants"] == 1
    assert any(e["reason"] == "already-voted" for e in events(db) if e["type"] == "rejected")

    # axe-core runs as a script: the same page in tabs that run scripts, phone and desktop
    for size, name in ((PHONE, None), (DESKTOP, "poll-desktop")):
        page = browser.new_context(viewport=size, locale="ru-RU").new_page()
        page.goto(f"{service.url}/p/{poll_id}")
        assert serious_violations(page) == []
        if name:
            screenshot(page, tmp_path_factory, name)
        page.get_by_role("button", name="Проголосовать").click()  # nothing chosen
        expect(page.locator("#answers-yard-error")).to_have_text("Обязательное поле.")
        expect(page.locator("#q-yard")).to_have_attribute("aria-invalid", "true")
        assert serious_violations(page) == []
        page.context.close()


def test_an_email_vote_counts_after_the_mailed_button_and_never_twice(
    db, org, mail_server, browser
):
    service = Service(db, env=mail_server.env).start()
    try:
        poll_id = create(service, org.key, COURTYARDS, identity="email")
        page = page_post(
            service, f"/p/{poll_id}", {"q.yard": "lenina5", "email": "olga@example.ru"}
        )
        assert page.status_code == 200, page.text
        assert "Проверьте почту: голос будет учтён после перехода по ссылке" in page.text
        assert "o***@example.ru" in page.text
        [mail] = mail_server.wait_for("olga@example.ru")
        link = re.search(r"http://\S+/v/\S+", text_of(mail)).group(0)
        assert api_results(service, poll_id)["participants"] == 0

        shown = httpx.get(link)  # a mail scanner's fetch: one button, nothing counted
        assert shown.status_code == 200 and "Подтвердить голос" in shown.text
        assert api_results(service, poll_id)["participants"] == 0
        page = browser.new_context(viewport=PHONE, locale="ru-RU").new_page()
        page.goto(link)
        assert serious_violations(page) == []
        page.get_by_role("button", name="Подтвердить голос").click()
        expect(page.locator("#confirm-result")).to_contain_text("Голос учтён")
        expect(page.locator("#own-choice")).to_contain_text("Двор дома 5 по ул. Ленина")
        assert serious_violations(page) == []
        page.context.close()
        assert api_results(service, poll_id)["questions"]["yard"]["lenina5"] == 1

        with httpx.Client(base_url=service.url) as other_browser:
            again = page_post(
                service, f"/p/{poll_id}", {"q.yard": "mira12", "email": "OLGA@EXAMPLE.RU"},
                other_browser,
            )  # fmt: skip
        assert again.status_code == 409
        assert "уже учтён" in unescape(again.text)
        assert "own-choice" not in again.text  # at the e-mail level nobody's choice is shown
        assert api_results(service, poll_id)["questions"]["yard"] == {"lenina5": 1, "mira12": 0}

        forged = httpx.post(link[:-3] + "xyz", headers={"Origin": service.url})
        assert forged.status_code == 410 and "Ссылка устарела" in forged.text
    finally:
        service.stop()


def _moderate(
    db, poll_id: str, comment_id: int, *, approve: bool, reason: str = "", reply: str | None = None
) -> None:
    """What the console's moderation queue does (participation/comments.py), run on the store."""
    with store(db) as conn:
        poll = poll_by_id(conn, poll_id)
        assert decide_op(poll, comment_id, approve=approve, reason=reason, by="op:test")(conn)
        if reply:
            assert reply_op(poll, comment_id, reply=reply, by="op:test")(conn)


@pytest.mark.same_on_every_engine(
    "what the browser shows of a poll; the ballots, counts, comments and moderation it drives are stories of test_polls_api.py and test_postgres_polls.py on PostgreSQL"
)
def test_a_discussion_comment_waits_for_moderation_on_its_authors_page(
    service, org, db, browser, tmp_path_factory
):
    poll_id = create(
        service, org.key,
        {"kind": "discussion", "title": "Проект реконструкции парка Победы",
         "description": "Обсуждаем проект: новые дорожки, освещение, сцена.\nДо 15 января.",
         "identity": "anyone"},
    )  # fmt: skip
    sent = page_post(
        service, f"/p/{poll_id}",
        {"author": "Пётр", "email": "petr@example.ru", "text": "Нужна <b>велодорожка</b>."},
    )  # fmt: skip
    assert sent.status_code == 200, sent.text
    assert "Комментарий отправлен на модерацию" in sent.text
    own = unescape(re.search(r'href="(/p/c/[^"]+)"', sent.text).group(1))
    mine = httpx.get(service.url + own)
    assert mine.status_code == 200
    assert "на модерации" in mine.text and "Нужна &lt;b&gt;велодорожка&lt;/b&gt;." in mine.text
    public = httpx.get(f"{service.url}/p/{poll_id}")
    assert "велодорожка" not in public.text  # not before a moderator approves it

    empty = page_post(service, f"/p/{poll_id}", {"author": "", "email": "x", "text": "a" * 2001})
    assert empty.status_code == 422
    assert empty.text.count('class="field-error"') == 3

    rude = page_post(
        service, f"/p/{poll_id}", {"author": "Аноним", "email": "a@example.ru", "text": "Реклама"}
    )
    rude_link = unescape(re.search(r'href="(/p/c/[^"]+)"', rude.text).group(1))
    with store(db) as conn:
        ids = [r["id"] for r in conn.execute(
            "SELECT id FROM poll_comments WHERE poll_id = ? ORDER BY id", (poll_id,))]  # fmt: skip
    _moderate(db, poll_id, ids[0], approve=True, reply="Велодорожка есть в проекте, лист 4.")
    _moderate(db, poll_id, ids[1], approve=False, reason="Реклама не по теме обсуждения.")
    assert "опубликован" in httpx.get(service.url + own).text
    rejected = httpx.get(service.url + rude_link).text
    assert "отклонён" in rejected and "Реклама не по теме обсуждения." in rejected
    public = httpx.get(f"{service.url}/p/{poll_id}").text
    assert "Нужна &lt;b&gt;велодорожка&lt;/b&gt;." in public and "лист 4" in public
    assert "Реклама" not in public and "petr@example.ru" not in public

    for size, name in ((PHONE, "discussion-phone"), (DESKTOP, "discussion-desktop")):
        page = browser.new_context(viewport=size, locale="ru-RU").new_page()
        page.goto(f"{service.url}/p/{poll_id}")
        expect(page.locator("#comments article")).to_have_count(1)
        expect(page.locator("#comment-form")).to_be_visible()
        assert serious_violations(page) == []
        screenshot(page, tmp_path_factory, name)
        page.goto(service.url + rude_link)
        assert serious_violations(page) == []
        page.context.close()
    assert any(e["type"] == "comment_posted" for e in events(db))


@pytest.mark.same_on_every_engine(
    "what the browser shows of a poll; the ballots, counts, comments and moderation it drives are stories of test_polls_api.py and test_postgres_polls.py on PostgreSQL"
)
def test_the_results_page_shows_the_apis_numbers(service, org, browser, tmp_path_factory):
    poll_id = create(service, org.key, SURVEY)
    for answers in (
        {"where": "centre", "what": ["snow", "trash"], "mark": 4, "note": "Спасибо"},
        {"where": "north", "what": ["snow"], "mark": 2},
        {"where": "centre", "what": ["leaves"], "mark": 4},
    ):
        voted = httpx.post(f"{service.url}/api/v1/polls/{poll_id}/votes", json={"answers": answers})
        assert voted.status_code == 201, voted.text
    api = api_results(service, poll_id)
    for size, name in ((PHONE, "results-phone"), (DESKTOP, "results-desktop")):
        page = browser.new_context(viewport=size, locale="ru-RU").new_page()
        page.goto(f"{service.url}/p/{poll_id}/results")
        expect(page.locator("#participants")).to_have_text("Участников: 3")
        for question, counts in api["questions"].items():
            for option, n in counts.items():
                cell = page.locator(f"#result-{question} + ul li[data-option='{option}'] .bar-n")
                expect(cell).to_have_text(str(n))
        expect(page.locator("li[data-option='snow']")).to_contain_text("67 %")
        assert serious_violations(page) == []
        screenshot(page, tmp_path_factory, name)
        page.context.close()
    assert "Спасибо" not in httpx.get(f"{service.url}/p/{poll_id}/results").text

    hidden = create(service, org.key, SURVEY, results="at_close")
    refused = httpx.get(f"{service.url}/p/{hidden}/results", headers={"Accept": "text/html"})
    assert refused.status_code == 403
    assert "Результаты пока не опубликованы" in refused.text and "Europe/Moscow" in refused.text


@pytest.mark.service_env(POS_RATE_LIMIT_POLL="5")
def test_bad_ballots_are_readable_pages_and_logged(service, org, db):
    survey = create(service, org.key, SURVEY)
    other = create(service, org.key, COURTYARDS)
    path = f"/p/{survey}"
    base = [("q.where", "centre"), ("q.what", "snow"), ("q.mark", "3")]

    foreign = page_post(service, path, [("q.where", "lenina5"), *base[1:]])
    assert foreign.status_code == 422
    assert "Выберите один из предложенных вариантов" in foreign.text
    assert 'id="answers-where-error"' in foreign.text

    scale = page_post(service, path, [*base[:2], ("q.mark", "7")])
    assert scale.status_code == 422 and "Оценка — целое число от 1 до 5" in scale.text
    assert 'value="centre" checked' in scale.text  # what she chose is kept

    many = page_post(service, path, [*base, ("q.what", "leaves"), ("q.what", "trash")])
    assert many.status_code == 422 and "Можно выбрать не больше 2" in many.text

    closed = httpx.post(f"{service.url}/api/v1/polls/{other}/close", headers=bearer(org.key))
    assert closed.status_code == 200
    late = page_post(service, f"/p/{other}", {"q.yard": "lenina5"})
    assert late.status_code == 409 and "Приём ответов завершён" in late.text

    statuses = [page_post(service, path, base).status_code for _ in range(4)]
    assert statuses[-1] == 429, statuses
    flooded = page_post(service, path, base)
    assert flooded.status_code == 429 and "Retry-After" in flooded.headers
    assert api_results(service, survey)["participants"] == statuses.count(200)

    reasons = [e["reason"] for e in events(db) if e["type"] == "rejected"]
    assert "validation answers.where:poll-option" in reasons, reasons
    assert "validation answers.mark:poll-scale" in reasons
    assert "validation answers.what:poll-too-many-choices" in reasons
    assert "poll-closed" in reasons
    assert "rate-limited poll" in reasons


def test_a_post_from_another_site_counts_nothing(service, org, db):
    poll_id = create(service, org.key, COURTYARDS)
    forged = httpx.post(
        f"{service.url}/p/{poll_id}", data={"q.yard": "lenina5"},
        headers={"Origin": "https://evil.example", "Accept": "text/html"},
    )  # fmt: skip
    assert forged.status_code == 403
    assert api_results(service, poll_id)["participants"] == 0
    assert any((e["reason"] or "").startswith("cross-origin-post") for e in events(db))

    own = page_post(service, f"/p/{poll_id}", {"q.yard": "lenina5"})
    assert own.status_code == 200 and api_results(service, poll_id)["participants"] == 1
    cookie = own.headers["set-cookie"]  # the browser's voter id, for its one vote
    assert cookie.startswith("pos_voter=") and "HttpOnly" in cookie and "Path=/p;" in cookie
    assert "samesite=lax" in cookie.lower() and "Max-Age=31536000" in cookie
    assert "Secure" not in cookie  # the service here is plain http


def test_every_state_reads_in_both_languages(service, org):
    """Not open yet, closed, a discussion closed, an unknown link: words, never a server error,
    in Russian and in English."""
    upcoming = create(service, org.key, SURVEY, opens_at=_when(days=1), closes_at=_when(days=2))
    closing = create(service, org.key, COURTYARDS, identity="email", results="at_close")
    talk = create(
        service, org.key,
        {"kind": "discussion", "title": "Сквер", "description": "Проект сквера.", "identity": "anyone"},
    )  # fmt: skip
    for poll in (closing, talk):
        assert httpx.post(
            f"{service.url}/api/v1/polls/{poll}/close", headers=bearer(org.key)
        ).status_code == 200  # fmt: skip
    expected = {
        (upcoming, "ru"): "Приём ответов начнётся",
        (upcoming, "en"): "Answers are taken from",
        (closing, "ru"): "Приём ответов завершён",
        (closing, "en"): "This poll has closed",
        (talk, "ru"): "Обсуждение завершено",
        (talk, "en"): "The discussion has closed",
    }
    for (poll, lang), words in expected.items():
        page = httpx.get(f"{service.url}/p/{poll}", params={"lang": lang})
        assert page.status_code == 200 and words in page.text, (poll, lang)
        results = httpx.get(f"{service.url}/p/{poll}/results", params={"lang": lang})
        assert results.status_code in (200, 403, 404), (poll, lang, results.status_code)
    closed_results = httpx.get(f"{service.url}/p/{closing}/results", params={"lang": "en"})
    assert closed_results.status_code == 200 and "Final results." in closed_results.text
    for lang in ("ru", "en"):
        for path in ("/v/forged", "/p/c/forged", "/p/not-a-poll"):
            gone = httpx.get(service.url + path, params={"lang": lang},
                             headers={"Accept": "text/html"})  # fmt: skip
            assert gone.status_code in (404, 410) and "<h1>" in gone.text, (path, lang)
