"""The polls' examples (see examples.py): an organisation's system creates a poll on its
courtyards, an app lists what is open, shows it, votes, and reads the results; a discussion
takes a comment for moderation."""

from __future__ import annotations

from typing import Any

from intake_service.openapi.examples import MORE, Answer, Example, Values

POLL: dict[str, Any] = {
    "kind": "poll",
    "title": "Благоустройство дворов 2027",
    "description": "Какой двор благоустроить первым по программе «Комфортная городская среда».",
    "identity": "anyone",
    "opens_at": "2026-12-01T09:00:00+03:00",
    "closes_at": "2030-12-31T18:00:00+03:00",
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
        {"id": "q2", "type": "scale", "text": "Как вы оцениваете двор сейчас?"},
    ],
}
DISCUSSION: dict[str, Any] = {
    "kind": "discussion",
    "title": "Проект реконструкции парка",
    "description": "Обсуждаем проект: схема парка и пояснительная записка приложены.",
    "identity": "anyone",
    "opens_at": "2026-12-01T09:00:00+03:00",
    "closes_at": "2030-12-31T18:00:00+03:00",
}
OPENS = "2026-12-01T06:00:00.000Z"
CLOSES = "2030-12-31T15:00:00.000Z"


def poll_view(v: Values) -> dict[str, Any]:
    return {
        "id": v.poll,
        "kind": "poll",
        "title": POLL["title"],
        "description": POLL["description"],
        "identity": "anyone",
        "opens_at": OPENS,
        "closes_at": CLOSES,
        "state": "open",
        "results": "live",
        "results_shown": True,
        "url": f"{v.base}/p/{v.poll}",
        "questions": [
            {
                "id": "q1",
                "type": "single",
                "text": "Какой двор первым?",
                "options": [
                    {"id": "a", "title": "ул. Ленина, 5", "description": ""},
                    {"id": "b", "title": "ул. Мира, 12", "description": ""},
                ],
            },
            {"id": "q2", "type": "scale", "text": "Как вы оцениваете двор сейчас?", "options": []},
        ],
    }


def examples(v: Values) -> list[Example]:
    poll = {"poll_id": v.poll}
    return [
        Example(
            "post",
            "/api/v1/polls",
            Answer(201, {"id": v.poll, "url": f"{v.base}/p/{v.poll}"}),
            key=True,
            json=POLL,
        ),
        Example(
            "get",
            "/api/v1/polls",
            Answer(200, {"org": v.org, "polls": [poll_view(v), MORE]}),
            query={"org": v.org},
            after="poll",
        ),
        Example(
            "get", "/api/v1/polls/{poll_id}", Answer(200, poll_view(v)), params=poll, after="poll"
        ),
        Example(
            "post",
            "/api/v1/polls/{poll_id}/votes",
            Answer(201, {"poll": v.poll, "status": "counted", "voter": "WyJicm93c2VyIiwi…"}),
            params=poll,
            json={"answers": {"q1": "a", "q2": 4}},
            after="poll",
        ),
        Example(
            "get",
            "/api/v1/polls/{poll_id}/results",
            Answer(
                200,
                {
                    "id": v.poll,
                    "participants": 0,
                    "questions": {
                        "q1": {"a": 0, "b": 0},
                        "q2": {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0},
                    },
                },
            ),
            params=poll,
            after="poll",
        ),
        Example(
            "post",
            "/api/v1/polls/{poll_id}/publish",
            Answer(200, {"id": v.poll, "results_shown": True}),
            params=poll,
            key=True,
            after="poll",
        ),
        Example(
            "post",
            "/api/v1/polls/{poll_id}/close",
            Answer(200, {"id": v.poll, "state": "closed"}),
            params=poll,
            key=True,
            after="poll",
        ),
        Example(
            "post",
            "/api/v1/polls/{poll_id}/comments",
            Answer(202, {"poll": v.poll, "comment": 1, "status": "pending"}),
            params=poll,
            json={"author": "Анна", "email": "anna@example.ru", "text": "Нужно больше фонарей."},
            after="discussion",
        ),
        Example(
            "get",
            "/w/{org}/polls.json",
            Answer(200, {"open": 1}),
            params={"org": v.org},
            after="poll",
        ),
        Example(
            "get",
            "/api/v1/polls/{poll_id}/comments",
            Answer(200, {"poll": v.poll, "comments": []}),
            params=poll,
            after="discussion",
        ),
    ]
