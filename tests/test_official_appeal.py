"""An official appeal as 59-ФЗ (art. 7 p. 1) describes it: the citizen's surname, first name
and patronymic, and the address the answer goes to — an e-mail or a postal address. Filed
through the API, it reaches the operator with the name in its parts and the consumer's document
with them too, `name` still the whole name for readers of the older schema."""

from __future__ import annotations

import httpx
import pytest
from console_helpers import add_user, signed_in, unique

from conftest import appeal, bearer

pytestmark = pytest.mark.shared_service(
    POS_RATE_LIMIT_KEY="0", POS_RATE_LIMIT_ADDRESS="0", POS_CONSOLE_SIGNIN_ADDRESS="0"
)

CITIZEN = {
    "surname": "Смирнова",
    "first_name": "Анна",
    "patronymic": "Сергеевна",
    "postal": "156000, г. Кострома, ул. Советская, д. 1, кв. 2",
}


def _file(service, key: str, **changes: object) -> dict:
    reply = httpx.post(
        service.url + "/api/v1/appeals", json=appeal(**changes), headers=bearer(key), timeout=10
    )
    assert reply.status_code == 201, reply.text
    return reply.json()


def _document(service, key: str, appeal_id: str) -> dict:
    reply = httpx.get(
        service.url + "/api/v1/queue", params={"max": 100}, headers=bearer(key), timeout=30
    )
    assert reply.status_code == 200, reply.text
    [message] = [m for m in reply.json()["messages"] if m["message_id"] == appeal_id]
    return message["body"]


def test_an_official_appeal_with_the_name_in_parts_and_a_postal_address(db, org, service, request):
    filed = _file(service, org.key, kind="official", contact=CITIZEN)
    body = _document(service, org.key, filed["id"])
    assert body["schema"] == "pos-intake/appeal@2"
    assert body["kind"] == "official"
    assert body["contact"] == {**CITIZEN, "name": "Смирнова Анна Сергеевна"}

    operator = add_user(db, unique(request, "ops@demo.example.ru"), "demo")
    with signed_in(service.url, operator) as console:
        shown = console.post_form(f"/console/appeals/{filed['id']}/contact")
        assert shown.status_code == 200
        for label, value in (
            ("Фамилия", "Смирнова"),
            ("Имя", "Анна"),
            ("Отчество", "Сергеевна"),
            ("Почтовый адрес", CITIZEN["postal"]),
        ):
            assert f"<dt>{label}</dt><dd>{value}</dd>" in shown.text


def test_the_patronymic_is_optional_and_an_e_mail_is_an_address_too(org, service):
    contact = {"surname": "Ли", "first_name": "Виктор", "email": "li@example.ru"}
    filed = _file(service, org.key, kind="official", contact=contact)
    body = _document(service, org.key, filed["id"])
    assert body["contact"] == {**contact, "name": "Ли Виктор"}


def test_an_api_client_of_before_still_files_an_official_appeal_by_name(org, service):
    contact = {"name": "Петров Иван", "email": "ivan@example.ru"}
    filed = _file(service, org.key, kind="official", contact=contact)
    assert _document(service, org.key, filed["id"])["contact"] == contact


@pytest.mark.parametrize(
    ("contact", "field", "code"),
    [
        ({"surname": "Смирнова", "postal": "Кострома"}, "contact.first_name", "required"),
        ({"first_name": "Анна", "email": "a@example.ru"}, "contact.surname", "required"),
        (
            {"surname": "Смирнова", "first_name": "Анна", "phone": "+79001234567"},
            "contact.postal",
            "official-address",
        ),
    ],
)
def test_what_the_law_asks_for_is_named_when_missing(org, service, contact, field, code):
    reply = httpx.post(
        service.url + "/api/v1/appeals",
        json=appeal(kind="official", contact=contact),
        headers=bearer(org.key),
        timeout=10,
    )
    assert reply.status_code == 422
    assert {"field": field, "code": code} in [
        {"field": e["field"], "code": e["code"]} for e in reply.json()["errors"]
    ]
