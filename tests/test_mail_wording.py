"""What the citizen reads in the e-mails: the organisation named in the case the sentence needs
(«направлено в Администрацию г. Мантурово»), a greeting that agrees with her name («Уважаемая
Анна Сергеевна!»), paragraphs one blank line apart and links that read as links."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import httpx
from console_helpers import add_user, signed_in
from mail_server import html_of, text_of

from conftest import Service, appeal, bearer, run_cli


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._in: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "a":
            self._in = []

    def handle_data(self, data: str) -> None:
        if self._in is not None:
            self._in.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._in is not None:
            self.texts.append("".join(self._in).strip())
            self._in = None


def link_texts(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.texts


def _org(db, slug: str, name: str) -> str:
    run_cli(db, "org", "add", slug, "--name", name, "--origin", f"https://{slug}.example.ru")
    return run_cli(db, "org", "key", slug).stdout.strip().splitlines()[-1]


def _file(service: Service, key: str, name: str, email: str, lang: str = "ru") -> dict:
    reply = httpx.post(
        f"{service.url}/api/v1/appeals",
        json=appeal(contact={"name": name, "email": email}),
        headers={**bearer(key), "Accept-Language": lang},
    )
    assert reply.status_code == 201, reply.text
    return reply.json()


def test_the_citizen_reads_her_name_and_the_body_in_correct_russian(db, mail_server):
    manturovo = _org(db, "manturovo", "Администрация г. Мантурово")
    mfc = _org(db, "mfc", "МФЦ г. Костромы")
    service = Service(db, env=mail_server.env).start()
    try:
        anna = _file(service, manturovo, "Иванова Анна Сергеевна", "anna@example.ru")
        ivan = _file(service, mfc, "Иван Петрович", "ivan@example.ru")
        sasha = _file(service, manturovo, "Саша", "sasha@example.ru")
        nameless = _file(service, manturovo, "И. И.", "ii@example.ru")
        [to_anna] = mail_server.wait_for("anna@example.ru")
        text = text_of(to_anna)
        assert text.startswith("Уважаемая Анна Сергеевна!\n\n"), text
        assert (
            f"Ваше обращение зарегистрировано под номером {anna['number']} и направлено "
            "в Администрацию г. Мантурово. Срок ответа — до "
        ) in text
        assert "\n\n\n" not in text  # one blank line between paragraphs, never a run of them
        assert f"Статус обращения и ответ — на его странице:\n{anna['tracking_url']}\n" in text
        html = html_of(to_anna)
        assert "<p>Уважаемая Анна Сергеевна!</p>" in html
        assert link_texts(html) == ["Посмотреть обращение"]  # says where it goes, no colon

        [to_ivan] = mail_server.wait_for("ivan@example.ru")
        assert text_of(to_ivan).startswith("Уважаемый Иван Петрович!\n")
        assert f"{ivan['number']} и направлено в МФЦ г. Костромы." in text_of(to_ivan)
        [to_sasha] = mail_server.wait_for("sasha@example.ru")
        assert text_of(to_sasha).startswith("Здравствуйте, Саша!\n"), sasha
        [to_nameless] = mail_server.wait_for("ii@example.ru")
        assert text_of(to_nameless).startswith("Здравствуйте!\n"), nameless

        add_user(db, "op@manturovo.example.ru", org="manturovo")
        with signed_in(service.url, "op@manturovo.example.ru") as console:
            # {greeting}: what templates wrote as «Уважаемый(ая) {name}!»
            answered = console.post_form(
                f"/console/appeals/{anna['id']}/answer", {"text": "{greeting} Фонарь заменён."}
            )
            assert answered.status_code in (200, 303), answered.text
            shown = console.get(f"/console/appeals/{anna['id']}").text
            assert "‹обращение к заявителю› Фонарь заменён." in shown  # no name in the console
        answer = mail_server.wait_for("anna@example.ru", 2)[1]
        body = text_of(answer)
        assert f"Ответ Администрации г. Мантурово на ваше обращение {anna['number']}:" in body
        assert "\n\n\n" not in body
        assert re.search(
            r"\n\nУважаемая Анна Сергеевна! Фонарь заменён.\n\nСтатус обращения", body
        ), body
        page = httpx.get(anna["tracking_url"], headers={"Accept": "text/html"}).text
        assert "Уважаемая Анна Сергеевна! Фонарь заменён." in page
    finally:
        service.stop()


def test_english_mail_names_the_organisation_as_written(db, mail_server):
    key = _org(db, "manturovo", "Администрация г. Мантурово")
    service = Service(db, env=mail_server.env).start()
    try:
        filed = _file(service, key, "Anna Smith", "anna@example.ru", lang="en")
        [mail] = mail_server.wait_for("anna@example.ru")
        text = text_of(mail)
        assert text.startswith("Hello,\n\n")
        assert f"registered as {filed['number']} and sent to “Администрация г. Мантурово”" in text
        assert link_texts(html_of(mail)) == ["View the appeal"]
    finally:
        service.stop()
