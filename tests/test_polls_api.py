"""Polls through the JSON API, as an app («Госуслуги. Решаем вместе») and an agency's own system
use it: a poll created with the organisation's key, listed for its badge, voted on at each
identity level — one vote per person, a second refused and nothing counted twice —, an
e-mail-level vote counted only once its link is opened, results hidden until closing and then
the same numbers everywhere, and every refusal a problem in words and a `rejected` event."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from mail_server import text_of

from conftest import Service, bearer, events, make_org

HOUR = timedelta(hours=1)
# the stories share one server and store, each reading only its own polls (starting a server
# costs more than most of them)
# An identity provider named (never asked: these stories sign nobody in), for identified polls
IDP = "http://127.0.0.1:9/idp"
pytestmark = pytest.mark.shared_service(
    POS_RATE_LIMIT_ADDRESS="0", POS_RATE_LIMIT_POLL="0", POS_OIDC_ISSUER=IDP
)


def _at(delta: timedelta) -> str:
    return (datetime.now(UTC) + delta).astimezone().isoformat(timespec="seconds")


def courtyard_vote(**changes: object) -> dict[str, object]:
    """Which courtyard the comfortable-urban-environment programme improves first."""
    body: dict[str, object] = {
        "kind": "poll",
        "title": "Благоустройство дворов 2027",
        "description": "Какой двор благоустроить первым и что в нём нужнее всего.",
        "identity": "anyone",
        "opens_at": _at(-HOUR),
        "closes_at": _at(24 * HOUR),
        "results": "live",
        "questions": [
            {
                "id": "q1",
                "type": "single",
                "text": "Какой двор первым?",
                "options": [
                    {"id": "a", "title": "ул. Ленина, 5"},
                    {"id": "b", "title": "ул. Мира, 12"},
                ],
            },
            {
                "id": "q2",
                "type": "multiple",
                "text": "Что нужнее?",
                "max_choices": 2,
                "options": [
                    {"id": "light", "title": "Освещение"},
                    {"id": "bench", "title": "Скамейки"},
                    {"id": "play", "title": "Детская площадка"},
                ],
            },
            {"id": "q3", "type": "scale", "text": "Как вы оцениваете двор сейчас?"},
            {"id": "q4", "type": "text", "text": "Что ещё?"},
        ],
    }
    body.update(changes)
    return body


@pytest.fixture
def city(db, org, service):
    return db, org, service


@pytest.fixture
def mailing_city(db, org, mail_server):
    env = {**mail_server.env, "POS_RATE_LIMIT_ADDRESS": "0", "POS_RATE_LIMIT_POLL": "0"}
    env["POS_OIDC_ISSUER"] = IDP
    service = Service(db, env=env).start()
    yield db, org, service
    service.stop()


def _of(db, poll_id: str, kind: str | None = None) -> list[dict]:
    """The log's events of one poll (its own, and refusals on its paths)."""
    return [
        e
        for e in events(db)
        if (e["data"].get("poll") == poll_id or poll_id in e["data"].get("path", ""))
        and (kind is None or e["type"] == kind)
    ]


def _create(service: Service, key: str, **changes: object) -> str:
    reply = httpx.post(
        f"{service.url}/api/v1/polls", json=courtyard_vote(**changes), headers=bearer(key)
    )
    assert reply.status_code == 201, reply.text
    return reply.json()["id"]


def _vote(service: Service, poll_id: str, body: dict, **headers: str) -> httpx.Response:
    return httpx.post(f"{service.url}/api/v1/polls/{poll_id}/votes", json=body, headers=headers)


def _results(service: Service, poll_id: str) -> httpx.Response:
    return httpx.get(f"{service.url}/api/v1/polls/{poll_id}/results")


ANSWERS = {"q1": "a", "q2": ["light", "play"], "q3": 4, "q4": "Парковку бы"}


def test_an_app_creates_a_poll_residents_vote_once_and_everyone_reads_the_same_counts(city):
    db, org, service = city
    poll_id = _create(service, org.key)

    listed = httpx.get(f"{service.url}/api/v1/polls", params={"org": org.slug}).json()
    assert poll_id in [p["id"] for p in listed["polls"]]
    shown = httpx.get(f"{service.url}/api/v1/polls/{poll_id}").json()
    assert shown["state"] == "open" and shown["url"].endswith(f"/p/{poll_id}")
    assert [o["title"] for o in shown["questions"][0]["options"]] == [
        "ул. Ленина, 5",
        "ул. Мира, 12",
    ]

    first = _vote(service, poll_id, {"answers": ANSWERS})
    assert first.status_code == 201, first.text
    voter = first.json()["voter"]  # the app keeps it: one vote per install
    again = _vote(service, poll_id, {"answers": {**ANSWERS, "q1": "b"}, "voter": voter})
    assert again.status_code == 409
    assert again.json()["title"] == "Вы уже проголосовали"
    assert again.json()["answers"]["q1"] == "a"  # their own choice, shown back to them
    second = _vote(service, poll_id, {"answers": {"q1": "b", "q2": "bench", "q3": "5"}})
    assert second.status_code == 201, second.text

    results = _results(service, poll_id).json()
    assert results == {
        "id": poll_id,
        "participants": 2,
        "questions": {
            "q1": {"a": 1, "b": 1},
            "q2": {"light": 1, "bench": 1, "play": 1},
            "q3": {"1": 0, "2": 0, "3": 0, "4": 1, "5": 1},
        },
    }
    kinds = [e["type"] for e in _of(db, poll_id)]
    assert kinds.count("vote_counted") == 2 and "poll_created" in kinds
    assert [e["reason"] for e in _of(db, poll_id, "rejected")] == ["already-voted"]


@pytest.mark.parametrize(
    ("answers", "field", "words"),
    [
        ({"q1": "zzz", "q2": ["light"], "q3": 3}, "answers.q1", "Выберите один из"),
        ({"q1": "a", "q2": ["light", "bench", "play"], "q3": 3}, "answers.q2", "не больше 2"),
        ({"q1": "a", "q2": ["light"], "q3": 7}, "answers.q3", "от 1 до 5"),
        ({"q1": "a", "q2": ["light"], "q3": True}, "answers.q3", "от 1 до 5"),
        ({"q2": ["light"], "q3": 3}, "answers.q1", "Обязательное"),
        ({"q1": "a", "q2": ["light"], "q3": 3, "q9": "x"}, "answers.q9", "нет такого вопроса"),
        ({"q1": "a", "q2": ["light"], "q3": 3, "q4": "я" * 1001}, "answers.q4", "1000"),
    ],
)
def test_a_ballot_outside_the_poll_is_refused_in_words_and_counts_nothing(
    city, answers, field, words
):
    db, org, service = city
    poll_id = _create(service, org.key)
    reply = _vote(service, poll_id, {"answers": answers})
    assert reply.status_code == 422, reply.text
    [error] = [e for e in reply.json()["errors"] if e["field"] == field]
    assert words.lower() in error["detail"].lower()
    assert _results(service, poll_id).json()["participants"] == 0
    assert len(_of(db, poll_id, "rejected")) == 1


def test_an_option_of_another_poll_is_not_an_option_of_this_one(city):
    _db, org, service = city
    first = _create(service, org.key)
    other = _create(
        service,
        org.key,
        questions=[
            {"id": "q1", "type": "single", "text": "?", "options": [{"id": "x", "title": "X"}]}
        ],
    )
    assert (
        _vote(service, first, {"answers": {"q1": "x", "q2": "light", "q3": 2}}).status_code == 422
    )
    assert _vote(service, other, {"answers": {"q1": "x"}}).status_code == 201


def test_no_vote_before_opening_or_after_closing_and_results_wait_for_the_close(city):
    db, org, service = city
    later = _create(service, org.key, opens_at=_at(2 * HOUR), closes_at=_at(5 * HOUR))
    refused = _vote(service, later, {"answers": ANSWERS})
    assert refused.status_code == 409 and "ещё не начался" in refused.json()["detail"]

    running = _create(service, org.key, results="at_close")
    assert _vote(service, running, {"answers": ANSWERS}).status_code == 201
    hidden = _results(service, running)
    assert hidden.status_code == 403
    assert hidden.json()["title"] == "Результаты пока не опубликованы"
    closed = httpx.post(f"{service.url}/api/v1/polls/{running}/close", headers=bearer(org.key))
    assert closed.json() == {"id": running, "state": "closed"}
    assert _results(service, running).json()["participants"] == 1  # published at closing
    late = _vote(service, running, {"answers": ANSWERS})
    assert late.status_code == 409 and late.json()["detail"] == "Приём ответов завершён."
    listed = httpx.get(f"{service.url}/api/v1/polls", params={"org": org.slug}).json()["polls"]
    assert {later, running}.isdisjoint(p["id"] for p in listed)  # neither is on the badge
    assert [e["reason"] for e in _of(db, later, "rejected")] == ["poll-not-yet-open"]
    assert [e["reason"] for e in _of(db, running, "rejected")] == ["results-hidden", "poll-closed"]


@pytest.mark.own_service  # its mail goes to a server of its own
def test_an_email_vote_counts_once_its_link_is_opened_and_once_per_address(
    mailing_city, mail_server
):
    _db, org, service = mailing_city
    poll_id = _create(service, org.key, identity="email")
    missing = _vote(service, poll_id, {"answers": ANSWERS})
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "email"

    held = _vote(service, poll_id, {"answers": ANSWERS, "email": "anna@example.ru"})
    assert held.status_code == 202 and held.json()["status"] == "held"
    assert _results(service, poll_id).json()["participants"] == 0  # not before the link
    [mail] = mail_server.wait_for("anna@example.ru")
    assert "Подтвердите свой голос" in mail["Subject"]
    link = re.search(r"http://\S+/v/\S+", text_of(mail)).group(0)
    token = link.rsplit("/v/", 1)[1]
    assert httpx.get(link).status_code == 200  # a mail scanner's fetch counts nothing
    assert _results(service, poll_id).json()["participants"] == 0
    confirmed = httpx.post(
        f"{service.url}/v/{token}", headers={"Origin": service.url}, follow_redirects=True
    )
    assert confirmed.status_code == 200, confirmed.text
    assert _results(service, poll_id).json()["participants"] == 1

    capitals = _vote(service, poll_id, {"answers": ANSWERS, "email": "ANNA@Example.RU"})
    assert capitals.status_code == 409
    assert "answers" not in capitals.json()  # an address anyone can type shows no choice
    assert _results(service, poll_id).json()["participants"] == 1


def test_an_identified_poll_refuses_a_vote_without_a_sign_in(city):
    db, org, service = city
    poll_id = _create(service, org.key, identity="identified")
    bare = _vote(service, poll_id, {"answers": ANSWERS, "email": "anna@example.ru"})
    assert bare.status_code == 403 and "Госуслуги" in bare.json()["detail"]
    forged = _vote(service, poll_id, {"answers": ANSWERS, "identity": "eyJmYWtlIjoxfQ.x.y"})
    assert forged.status_code == 403
    reasons = [e["reason"] for e in _of(db, poll_id, "rejected")]
    assert reasons == ["identity-missing", "identity-forged"]


@pytest.mark.service_env(POS_RATE_LIMIT_ADDRESS="0")
def test_an_identified_poll_is_refused_where_no_identity_provider_is_set_up(org, service):
    reply = httpx.post(
        f"{service.url}/api/v1/polls",
        json=courtyard_vote(identity="identified"),
        headers=bearer(org.key),
    )
    assert reply.status_code == 422
    [error] = reply.json()["errors"]
    assert error["field"] == "identity" and "не настроен" in error["detail"]


def test_only_the_polls_organisation_or_one_above_it_may_close_it(city):
    db, org, service = city
    poll_id = _create(service, org.key)
    stranger = make_org(db, f"sharya-{poll_id[-6:]}", "https://sharya.example.ru")
    refused = httpx.post(
        f"{service.url}/api/v1/polls/{poll_id}/close", headers=bearer(stranger.key)
    )
    assert refused.status_code == 404
    assert httpx.post(f"{service.url}/api/v1/polls/{poll_id}/close").status_code == 401
    assert httpx.get(f"{service.url}/api/v1/polls/{poll_id}").json()["state"] == "open"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "referendum"}, "kind"),
        ({"title": ""}, "title"),
        ({"title": "Я" * 201}, "title"),
        ({"closes_at": "2026-01-01T10:00:00"}, "closes_at"),  # no zone: whose ten o'clock?
        ({"opens_at": _at(3 * HOUR), "closes_at": _at(2 * HOUR)}, "closes_at"),
        ({"questions": []}, "questions"),
        (
            {
                "questions": [
                    {
                        "id": "Q 1",
                        "type": "single",
                        "text": "?",
                        "options": [{"id": "a", "title": "A"}],
                    }
                ]
            },
            "questions.0.id",
        ),
        (
            {
                "questions": [
                    {
                        "id": "q",
                        "type": "multiple",
                        "text": "?",
                        "max_choices": 5,
                        "options": [{"id": "a", "title": "A"}],
                    }
                ]
            },
            "questions.0.max_choices",
        ),
        ({"kind": "discussion"}, "questions"),
        ({"shape": "round"}, "shape"),
    ],
)
def test_a_poll_described_wrongly_is_refused_field_by_field(city, changes, field):
    _db, org, service = city
    reply = httpx.post(
        f"{service.url}/api/v1/polls", json=courtyard_vote(**changes), headers=bearer(org.key)
    )
    assert reply.status_code == 422, reply.text
    assert field in [e["field"] for e in reply.json()["errors"]]


@pytest.mark.service_env(POS_RATE_LIMIT_ADDRESS="0", POS_RATE_LIMIT_POLL="3")
def test_a_flood_of_ballots_from_one_address_is_stopped(db, org, service):
    poll_id = _create(service, org.key)
    answers = [_vote(service, poll_id, {"answers": ANSWERS}).status_code for _ in range(6)]
    assert answers[:3] == [201, 201, 201] and set(answers[3:]) == {429}
    assert _results(service, poll_id).json()["participants"] == 3
    assert {e["reason"] for e in _of(db, poll_id, "rejected")} == {"rate-limited poll"}


def test_a_discussion_takes_comments_for_moderation_and_shows_none_before(city):
    db, org, service = city
    poll_id = _create(
        service, org.key, kind="discussion", questions=None,
        title="Проект реконструкции парка", description="Обсуждаем проект: схема в приложении.",
    )  # fmt: skip
    posted = httpx.post(
        f"{service.url}/api/v1/polls/{poll_id}/comments",
        json={"author": "Анна", "email": "anna@example.ru", "text": "<b>Нужны</b> фонари"},
    )
    assert posted.status_code == 202 and posted.json()["status"] == "pending"
    listed = httpx.get(f"{service.url}/api/v1/polls/{poll_id}/comments").json()
    assert listed["comments"] == []  # pre-moderated
    too_long = httpx.post(
        f"{service.url}/api/v1/polls/{poll_id}/comments",
        json={"author": "Анна", "email": "anna@example.ru", "text": "я" * 2001},
    )
    assert too_long.status_code == 422
    assert _vote(service, poll_id, {"answers": {}}).status_code == 404  # no ballots here
    assert [e["type"] for e in _of(db, poll_id, "comment_posted")] == ["comment_posted"]


def test_an_outsiders_ballots_are_refused_in_words_whatever_their_shape(city):
    """A body of fifty thousand made-up questions, a choice listed a hundred thousand times,
    answers nested as deep as the parser takes, a mark in Unicode digits: refused, nothing
    counted, the service answering the next resident at once."""
    _db, org, service = city
    poll_id = _create(service, org.key)
    url = f"{service.url}/api/v1/polls/{poll_id}/votes"
    many = {f"q{n}x": "a" for n in range(50_000)}
    refused = httpx.post(url, json={"answers": many}, timeout=30)
    assert refused.status_code in (413, 422), refused.text
    if refused.status_code == 422:
        assert len(refused.json()["errors"]) <= 13  # ten unknown, and the three unanswered
    repeated = httpx.post(url, json={"answers": {**ANSWERS, "q2": ["light"] * 100_000}}, timeout=30)
    assert repeated.status_code in (413, 422)
    deep: object = "a"
    for _ in range(40):
        deep = [deep]
    assert httpx.post(url, json={"answers": {"q1": deep}}, timeout=30).status_code == 400
    assert _vote(service, poll_id, {"answers": {**ANSWERS, "q3": "٤"}}).status_code == 422
    assert _results(service, poll_id).json()["participants"] == 0
    assert _vote(service, poll_id, {"answers": ANSWERS}).status_code == 201
