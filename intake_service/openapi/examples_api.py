"""The JSON API's examples (see examples.py): an agency's app files an appeal, the citizen
follows it by its token and acts on the answer, the organisation's system moves it, answers
it and pulls it from the queue."""

from __future__ import annotations

from typing import Any

from intake_service.openapi.examples import MORE, Answer, Example, Values

APPEAL = {
    "category": "street_lighting",
    "text": "Не горит фонарь у дома 5 по улице Ленина",
    "address": "ул. Ленина, 5",
    "lat": 58.3265,
    "lon": 44.7652,
    "contact": {"name": "Анна", "email": "anna@example.ru"},
    "consent": True,
}
FILED_AT = "2026-12-07T01:12:22.843Z"
ANSWERED_AT = "2026-12-07T09:40:05.120Z"
ANSWER = "Фонарь заменён."


QUESTION = "Какой номер опоры?"


def _step(at: str, status: str, title: str, detail: str | None = None) -> dict[str, Any]:
    return {"at": at, "status": status, "title": title, "detail": detail}


def status_view(v: Values, **changes: Any) -> dict[str, Any]:
    """The status as GET /api/v1/status/{token} answers it for the story's appeal, just filed;
    `changes` say what a later step changed."""
    view: dict[str, Any] = {
        "number": v.number,
        "status": "accepted",
        "status_title": "Принято",
        "status_type": "open",
        "status_reason": None,
        "answer": None,
        "original": None,
        "kind": "message",
        "category": {"code": "street_lighting", "title": "Уличное освещение"},
        "text": APPEAL["text"],
        "address": APPEAL["address"],
        "org": {"slug": v.org, "name": "Демонстрационная организация"},
        "created_at": FILED_AT,
        "register_due": None,
        "answer_due": "2026-12-21",
        "overdue": False,
        "extension_reason": None,
        "question": None,
        "verdict": None,
        "can_rate": False,
        "can_repeat": False,
        "repeat_of": None,
        "repeats": [],
        "history": [_step(FILED_AT, "accepted", "Принято")],
    }
    return {**view, **changes}


def _receipt(v: Values, status: str) -> Answer:
    return Answer(200, {"id": v.id, "number": v.number, "status": status})


def _page_action(v: Values, action: str, form: dict[str, Any], after: str) -> Example:
    token = v.token if action != "repeat" else "01a24e0f44b17d0c8e2f9a6b3c5d7e10.Qm9yZXBlYXQ"
    return Example(
        "post",
        f"/s/{{token}}/{action}",
        Answer(303, media_type=None, headers={"Location": f"/s/{token}?done={action}&lang=ru"}),
        params={"token": v.token},
        headers={"Origin": v.base},
        form=form,
        after=after,
    )


def examples(v: Values) -> list[Example]:
    answered = status_view(
        v,
        status="resolved",
        status_title="Решено",
        status_type="resolved",
        answer={"text": ANSWER, "at": ANSWERED_AT},
        verdict={"solved": True, "rating": 5, "comment": None, "at": "2026-12-07T10:02:51.310Z"},
        can_repeat=True,
        history=[
            _step(FILED_AT, "accepted", "Принято"),
            _step(ANSWERED_AT, "answered", "Дан ответ"),
            _step("2026-12-07T10:02:51.310Z", "resolved", "Решено"),
            _step("2026-12-07T10:02:51.310Z", "rated", "Ваша оценка: 5 из 5"),
        ],
    )
    repeat_at = "2026-12-09T07:30:00.000Z"
    repeat = status_view(
        v,
        number="DEMO-2026-000003",
        text="Фонарь снова не горит третий день.",
        created_at=repeat_at,
        answer_due="2026-12-23",
        repeat_of=v.number,
        history=[_step(repeat_at, "accepted", "Принято")],
    )
    clarified = status_view(
        v,
        status="in_progress",
        status_title="В работе",
        history=[
            _step(FILED_AT, "accepted", "Принято"),
            _step("2026-12-07T08:00:00.000Z", "clarifying", "Запрошено уточнение", QUESTION),
            _step("2026-12-07T08:20:00.000Z", "in_progress", "В работе"),
        ],
    )
    document = {
        "schema": "pos-intake/appeal@2",
        "id": v.id,
        "number": v.number,
        "kind": "message",
        "status": "accepted",
        "category": {"code": "street_lighting", "title": "Уличное освещение"},
        "text": APPEAL["text"],
        "address": APPEAL["address"],
        "location": {"lat": APPEAL["lat"], "lon": APPEAL["lon"]},
        "contact": APPEAL["contact"],
        "photos": [],
        "media_url": None,
        "attributes": {},
        "org": {"slug": v.org, "name": "Демонстрационная организация"},
        "origin_org": {"slug": v.org, "name": "Демонстрационная организация"},
        "source": {
            "channel": "api",
            "page_url": None,
            "embed_origin": None,
            "loader_version": None,
        },
        "created_at": FILED_AT,
    }
    return [
        Example(
            "post",
            "/api/v1/appeals",
            Answer(
                201,
                {
                    "id": v.id,
                    "number": v.number,
                    "status": "accepted",
                    "tracking_url": f"{v.base}/s/{v.token}",
                },
            ),
            headers={"Idempotency-Key": "crm-4711"},
            key=True,
            json=APPEAL,
        ),
        Example(
            "get",
            "/api/v1/categories",
            Answer(
                200,
                {
                    "categories": [
                        {"code": "housing", "title": "ЖКХ"},
                        {"code": "improvement", "title": "Благоустройство"},
                        MORE,
                    ]
                },
            ),
            key=True,
        ),
        Example(
            "get",
            "/api/v1/status/{token}",
            Answer(200, status_view(v)),
            params={"token": v.token},
            after="filed",
        ),
        Example(
            "get",
            "/s/{token}",
            Answer(200, media_type="text/html", excerpt='<!doctype html>\n<html lang="ru">'),
            params={"token": v.token},
            headers={"Accept": "text/html"},
            after="filed",
        ),
        Example(
            "post",
            "/api/v1/status/{token}/verdict",
            Answer(200, answered),
            params={"token": v.token},
            json={"solved": True, "rating": 5},
            after="answered",
        ),
        Example(
            "post",
            "/api/v1/status/{token}/repeat",
            Answer(200, repeat),
            params={"token": v.token},
            json={"text": "Фонарь снова не горит третий день."},
            after="answered",
        ),
        Example(
            "post",
            "/api/v1/status/{token}/clarification",
            Answer(200, clarified),
            params={"token": v.token},
            json={"text": "Опора № 17, у второго подъезда."},
            after="asked",
        ),
        _page_action(v, "verdict", {"solved": "yes", "rating": 5}, "answered"),
        _page_action(v, "repeat", {"text": "Фонарь снова не горит третий день."}, "answered"),
        _page_action(v, "clarification", {"text": "Опора № 17."}, "asked"),
        Example(
            "post",
            "/api/v1/appeals/{appeal}/status",
            _receipt(v, "in_progress"),
            params={"appeal": v.number},
            headers={"Idempotency-Key": "crm-4711-status"},
            key=True,
            json={"status": "in_progress"},
            after="filed",
        ),
        Example(
            "post",
            "/api/v1/appeals/{appeal}/answer",
            _receipt(v, "answered"),
            params={"appeal": v.number},
            headers={"Idempotency-Key": "crm-4711-answer"},
            key=True,
            json={"text": ANSWER},
            after="filed",
        ),
        Example(
            "get",
            "/api/v1/queue",
            Answer(
                200,
                {
                    "messages": [
                        {
                            "message_id": v.id,
                            "receipt": v.receipt,
                            "delivery_count": 1,
                            "body": document,
                        },
                        MORE,
                    ]
                },
            ),
            query={"max": "10", "wait": "5"},
            key=True,
            after="queued",
        ),
        Example(
            "post",
            "/api/v1/queue/ack",
            Answer(200, {"acked": [v.receipt], "unknown": []}),
            key=True,
            json={"receipts": [v.receipt]},
            after="pulled",
        ),
        Example(
            "get",
            "/api/v1/appeals/{id}/photos/{n}",
            Answer(200, media_type="image/jpeg"),
            params={"id": v.id, "n": "1"},
            key=True,
            after="photo",
        ),
        Example(
            "get",
            "/s/{token}/photos/{n}",
            Answer(200, media_type="image/jpeg"),
            params={"token": v.token, "n": "1"},
            after="photo",
        ),
    ]
