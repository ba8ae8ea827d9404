"""The examples (see examples.py) of what a browser and the people running the service ask:
the badge's loader, the appeal form and its submission, health, readiness, metrics and this
description itself."""

from __future__ import annotations

from intake_service import __version__
from intake_service.openapi.examples import MORE, PROBLEM_JSON, Answer, Example, Values

HTML = "text/html"
PAGE = '<!doctype html>\n<html lang="ru">'


def examples(v: Values) -> list[Example]:
    return [
        Example(
            "get",
            "/embed.js",
            Answer(200, media_type="text/javascript", excerpt="'use strict';"),
        ),
        Example(
            "get",
            "/w/{org}/form",
            Answer(200, media_type=HTML, excerpt=PAGE),
            params={"org": v.org},
            query={"origin": v.origin},
        ),
        Example(
            "get",
            "/w/pos/{pos_id}/form",
            Answer(404, media_type=HTML, excerpt=PAGE),
            params={"pos_id": "987654"},
        ),
        Example(
            "get",
            "/w/pos/{pos_id}/polls",
            Answer(404, media_type=HTML, excerpt=PAGE),
            params={"pos_id": "987654"},
        ),
        Example(
            "get",
            "/w/pos/{pos_id}/polls.json",
            Answer(
                404,
                {
                    "type": "tag:pos-intake,2026:problem/not-found",
                    "title": "Не найдено",
                    "status": 404,
                    "detail": "Ни у одной организации на платформе нет номера ПОС 987654.",
                    "instance": "/w/pos/987654/polls.json",
                    "request_id": "0f3c9a1b2d4e5f60",
                },
                media_type=PROBLEM_JSON,
            ),
            params={"pos_id": "987654"},
        ),
        Example(
            "post",
            "/w/{org}/form/token",
            Answer(200, {"token": v.form_token, "max_age": 7200}),
            params={"org": v.org},
            headers={"Origin": v.base},
            multipart={"token": v.form_token},
            after="form",
        ),
        Example(
            "post",
            "/w/{org}/similar",
            Answer(200, {"appeals": []}),
            params={"org": v.org},
            headers={"Origin": v.base},
            multipart={
                "token": v.form_token,
                "category": "street_lighting",
                "address": "ул. Мира, 1",
            },
            after="form",
        ),
        Example(
            "post",
            "/w/{org}/follow",
            Answer(202, {"status": "check-mail", "email": "so***@example.ru", "number": v.number}),
            params={"org": v.org},
            headers={"Origin": v.base},
            multipart={"token": v.form_token, "number": v.number, "email": "sosed@example.ru"},
            after="follow",
        ),
        Example(
            "post",
            "/w/{org}/appeals",
            Answer(
                201,
                {
                    "id": v.id,
                    "number": v.number,
                    "status": "accepted",
                    "tracking_url": f"{v.base}/s/{v.token}",
                },
            ),
            params={"org": v.org},
            headers={"Origin": v.base},
            multipart={
                "token": v.form_token,
                "kind": "message",
                "category": "roads",
                "text": "Яма на дороге у школы номер 3.",
                "name": "Мария",
                "email": "maria@example.ru",
                "consent": "on",
            },
            after="form",
        ),
        Example("get", "/healthz", Answer(200, {"status": "ok", "version": __version__})),
        Example(
            "get",
            "/readyz",
            Answer(
                200,
                {
                    "status": "ready",
                    "checks": {
                        "writer": "ok",
                        "database": "writable",
                        "sinks": "ok",
                        "mail": "ok",
                    },
                    "outbox_backlog": 0,
                    "mail_backlog": 0,
                },
            ),
        ),
        Example(
            "get",
            "/metrics",
            Answer(
                200,
                media_type="text/plain",
                excerpt="# TYPE pos_appeals_accepted_total counter\n"
                f'pos_appeals_accepted_total{{org="{v.org}"}}',
            ),
        ),
        Example(
            "get",
            "/openapi.json",
            Answer(
                200,
                {
                    "openapi": "3.1.0",
                    "info": {"title": "pos-intake", "version": __version__},
                    "servers": [{"url": v.base}],
                    "components": MORE,
                    "paths": MORE,
                },
            ),
        ),
        Example(
            "get",
            "/docs",
            Answer(200, media_type=HTML, excerpt=PAGE),
            query={"lang": "ru"},
        ),
    ]
