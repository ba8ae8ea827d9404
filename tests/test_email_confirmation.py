"""An organisation that asks citizens to confirm their e-mail: the appeal waits, unnumbered and
unforwarded, until the link in the e-mail is opened; a link confirms once and expires."""

from __future__ import annotations

import re
import time

import httpx
import pytest
from mail_server import text_of

from conftest import Service, events, form_fields, form_token, make_org, run_cli, store

ORIGIN = "https://manturovo.example.ru"


@pytest.fixture
def city(tmp_path, mail_server, request):
    marker = request.node.get_closest_marker("service_env")
    db = tmp_path / "pos.db"
    org = make_org(db, "manturovo", ORIGIN)
    run_cli(db, "org", "set", "manturovo", "--identity-message", "email")
    env = {**mail_server.env, "POS_FORM_MIN_SECONDS": "0", **(marker.kwargs if marker else {})}
    service = Service(db, env=env).start()
    yield db, org, service
    service.stop()


def _file(service: Service, **changes: str) -> httpx.Response:
    token = form_token(service.url, ORIGIN, "manturovo")
    return httpx.post(
        f"{service.url}/w/manturovo/appeals",
        data=form_fields(token, **{"email": "anna@example.ru", "name": "Анна", **changes}),
        headers={"Origin": service.url, "Accept": "application/json"},
    )


def _queue(service: Service, key: str) -> list[dict]:
    reply = httpx.get(f"{service.url}/api/v1/queue", headers={"Authorization": f"Bearer {key}"})
    return reply.json()["messages"]


def _link(mail_server) -> str:
    [mail] = [m for m in mail_server.wait_for("anna@example.ru") if "Подтвердите" in m["Subject"]]
    return re.search(r"http://\S+/c/\S+", text_of(mail)).group(0)


def test_an_appeal_waits_for_its_email_link_and_is_filed_once(city, mail_server):
    db, org, service = city
    held = _file(service)
    assert held.status_code == 202, held.text
    assert held.json() == {"status": "held", "email": "an**@example.ru"}
    assert _queue(service, org.key) == []  # not forwarded, no number
    assert "held" in [e["type"] for e in events(db)]
    link = _link(mail_server)
    with httpx.Client(headers={"Origin": service.url, "Accept": "text/html"}) as browser:
        page = browser.get(link)
        assert page.status_code == 200 and "Подтвердить и отправить" in page.text
        assert _queue(service, org.key) == []  # looking at the link confirms nothing
        confirmed = browser.post(link)
        assert confirmed.status_code == 303
        tracking = browser.get(service.url + confirmed.headers["location"])
        number = re.search(r"MANTUROVO-2026-\d+", tracking.text).group(0)
        again = browser.post(link)
        assert again.status_code == 409 and number in again.text
    [message] = _queue(service, org.key)
    assert message["body"]["number"] == number
    assert len([e for e in events(db) if e["type"] == "accepted"]) == 1
    assert "confirm-reused" in [e["reason"] for e in events(db) if e["type"] == "rejected"]
    registered = mail_server.wait_for("anna@example.ru", 2)
    assert any(number in m["Subject"] for m in registered)


def test_an_expired_or_forged_link_files_nothing(city, mail_server):
    db, org, service = city
    assert _file(service).status_code == 202
    link = _link(mail_server)
    with store(db) as conn:  # the clock moves past the link's life
        conn.execute("UPDATE held_appeals SET expires_at = 0")
    with httpx.Client(headers={"Origin": service.url, "Accept": "text/html"}) as browser:
        expired = browser.post(link)
        assert expired.status_code == 410 and "истёк" in expired.text
        forged = browser.get(link[:-3] + "xyz")
        assert forged.status_code == 404
    deadline = time.monotonic() + 10
    while "unconfirmed" not in [e["type"] for e in events(db)] and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _queue(service, org.key) == []
    logged = events(db)
    reasons = [e["reason"] for e in logged if e["type"] == "rejected"]
    assert "confirm-expired" in reasons and "confirm-forged" in reasons
    assert "unconfirmed" in [e["type"] for e in logged]


@pytest.mark.service_env(POS_EMAIL_CONFIRM_HOURS="36")
def test_the_citizen_is_told_how_long_the_link_works(city, mail_server):
    """An unconfirmed appeal is dropped when its link expires: the citizen must learn that
    deadline where they act on it — the page after sending, the form's own screen and the
    e-mail — not only from the refusal once it is too late."""
    _db, _org, service = city
    token = form_token(service.url, ORIGIN, "manturovo")
    held = httpx.post(
        f"{service.url}/w/manturovo/appeals",
        data=form_fields(token, email="anna@example.ru", name="Анна"),
        headers={"Origin": service.url, "Accept": "text/html"},
    )
    assert held.status_code == 200 and "в течение 36 ч." in held.text
    form = httpx.get(f"{service.url}/w/manturovo/form", params={"origin": ORIGIN})
    assert "в течение 36 ч." in form.text
    [mail] = [m for m in mail_server.wait_for("anna@example.ru") if "Подтвердите" in m["Subject"]]
    assert "Ссылка действует 36 ч." in text_of(mail)


def test_email_mode_needs_an_email_and_oidc_needs_a_sign_in(city, tmp_path):
    db, _org, service = city
    no_email = _file(service, email="", phone="+7 900 123-45-67")
    assert no_email.status_code == 422
    assert "ссылка для подтверждения" in no_email.text
    run_cli(db, "org", "set", "manturovo", "--identity-message", "none")
    time.sleep(1.5)  # the directory reloads
    assert _file(service).status_code == 201


@pytest.mark.service_env(POS_OIDC_ISSUER="https://id.example.ru", POS_OIDC_CLIENT_ID="pos")
def test_an_official_appeal_needs_the_identity_provider_when_there_is_one(city):
    db, _org, service = city
    unsigned = _file(service, kind="official", surname="Смирнова", first_name="Анна")
    assert unsigned.status_code == 422 and "Войдите" in unsigned.text
    forged = _file(service, kind="official", identity="not-a-token")
    assert forged.status_code == 422
    reasons = [e["reason"] for e in events(db) if e["type"] == "rejected"]
    assert any("identity:identity-missing" in r for r in reasons)


def _maildir_messages(folder, deadline: float) -> list:
    """The messages the service has written to its Maildir, waiting for the first."""
    import email
    import email.policy
    import mailbox

    def made() -> bool:  # the service makes tmp/, new/ and cur/ one after the other
        return all((folder / part).is_dir() for part in ("tmp", "new", "cur"))

    while time.monotonic() < deadline and not (made() and len(mailbox.Maildir(folder))):
        time.sleep(0.1)
    box = mailbox.Maildir(
        folder,
        factory=lambda f: email.message_from_binary_file(f, policy=email.policy.default),
        create=False,
    )
    return list(box)


def test_the_confirmation_link_never_follows_the_requests_host(tmp_path):
    """A form post whose Host and Origin both name another site is self-consistent, so it is
    taken; the link the citizen is mailed must still lead to this service (its settings), or
    the official sender would mail her a link to that site carrying her confirmation token."""
    db = tmp_path / "pos.db"
    make_org(db, "manturovo", ORIGIN)
    run_cli(db, "org", "set", "manturovo", "--identity-message", "email")
    folder = tmp_path / "mail"  # no SMTP server and no POS_BASE_URL: mail goes to the Maildir
    service = Service(db, env={"POS_MAILDIR": str(folder), "POS_FORM_MIN_SECONDS": "0"}).start()
    try:
        token = form_token(service.url, ORIGIN, "manturovo")
        held = httpx.post(
            f"{service.url}/w/manturovo/appeals",
            data=form_fields(token, email="anna@example.ru", name="Анна"),
            headers={
                "Host": "pos.attacker.example",
                "Origin": "http://pos.attacker.example",
                "Accept": "application/json",
            },
        )
        assert held.status_code == 202, held.text
        [mail] = _maildir_messages(folder, time.monotonic() + 10)
    finally:
        service.stop()
    body = text_of(mail)
    assert "attacker" not in body
    link = re.search(r"http://\S+/c/\S+", body).group(0)
    assert link.startswith(service.url + "/c/")


def test_a_service_mailing_through_smtp_will_not_start_without_its_base_url(tmp_path, mail_server):
    db = tmp_path / "pos.db"
    make_org(db, "manturovo", ORIGIN)
    service = Service(db, env={**mail_server.env, "POS_BASE_URL": ""})
    with pytest.raises(AssertionError, match="the service exited at start"):
        service.start()
    assert "base_url (POS_BASE_URL) must be set when mail is sent through SMTP" in service.log()


def test_a_held_sending_repeated_under_its_key_is_held_once(city, mail_server):
    """The form's script sends again under the same Idempotency-Key when the first answer was
    lost (form.js): the repeat gets the same answer, and one appeal waits, with one e-mail."""
    db, _, service = city
    token = form_token(service.url, ORIGIN, "manturovo")

    def send() -> httpx.Response:
        return httpx.post(
            f"{service.url}/w/manturovo/appeals",
            data=form_fields(token, email="anna@example.ru", name="Анна"),
            headers={
                "Origin": service.url,
                "Accept": "application/json",
                "Idempotency-Key": "draft-held-1",
            },
        )

    first, again = send(), send()
    assert first.status_code == again.status_code == 202, again.text
    assert again.json() == first.json() == {"status": "held", "email": "an**@example.ru"}
    assert again.headers["idempotent-replayed"] == "true"
    assert [e["type"] for e in events(db)].count("held") == 1
    _link(mail_server)  # one confirmation e-mail (_link takes exactly one)


def test_an_official_appeal_from_the_form_reaches_the_agency_with_the_name_in_parts(
    city, mail_server
):
    """The form's official appeal (59-ФЗ): once the citizen opens the link, the document the
    agency receives carries the surname, first name, patronymic and postal address as fields,
    `name` the whole name."""
    db, org, service = city
    run_cli(db, "org", "set", "manturovo", "--identity-official", "email")
    parts = {
        "kind": "official",
        "name": "",
        "surname": "Смирнова",
        "first_name": "Анна",
        "patronymic": "Сергеевна",
        "postal": "156000, Кострома, ул. Советская, 1",
    }
    held = _file(service, **parts)
    assert held.status_code == 202, held.text
    with httpx.Client(headers={"Origin": service.url, "Accept": "text/html"}) as browser:
        assert browser.post(_link(mail_server)).status_code == 303
    [message] = _queue(service, org.key)
    assert message["body"]["kind"] == "official"
    assert message["body"]["contact"] == {
        "name": "Смирнова Анна Сергеевна",
        "surname": "Смирнова",
        "first_name": "Анна",
        "patronymic": "Сергеевна",
        "postal": "156000, Кострома, ул. Советская, 1",
        "email": "anna@example.ru",
    }
