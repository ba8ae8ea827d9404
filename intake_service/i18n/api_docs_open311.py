"""/docs in Russian for Open311's operations (open311/openapi_paths.py): each English sentence
of the document is its key, as in api_docs.py."""

from __future__ import annotations

from intake_service.i18n.api_docs import sentences

MESSAGES = sentences(
    (
        (
            "Open311: where this endpoint is and what it speaks",
            "Open311: где этот адрес и какие форматы он понимает",
        ),
        (
            "The format: JSON or XML with the specification's element names.",
            "Формат: JSON или XML с именами элементов из спецификации.",
        ),
        ("The discovery document.", "Документ обнаружения (discovery)."),
        ("GeoReport v2 errors.", "Ошибки в формате GeoReport v2."),
        (
            "Open311: an organisation's services (its categories)",
            "Open311: услуги организации (её темы обращений)",
        ),
        ("The organisation's slug.", "Код (slug) организации."),
        ("The services.", "Услуги."),
        (
            "Open311: a service's definition (the category's extra questions)",
            "Open311: описание услуги (дополнительные вопросы темы)",
        ),
        ("The questions.", "Вопросы."),
        (
            "Open311: file a service request (an appeal, channel open311)",
            "Open311: подать заявку (обращение через канал open311)",
        ),
        ("Stored (after the commit).", "Сохранено (после записи в базу)."),
        (
            "Open311: service requests by their ids (no key needed), or the organisation's "
            "(its api_key)",
            "Open311: заявки по их идентификаторам (без ключа) или все заявки организации "
            "(по её api_key)",
        ),
        (
            "The organisation's API key: needed without service_request_id; with it, the "
            "whole of the organisation's requests.",
            "Ключ API организации: нужен, если не передан service_request_id; с ним заявки "
            "организации видны целиком.",
        ),
        (
            "Optional: the organisation's slug. With a key, one of the key's (403); without "
            "one, the requests must be with it.",
            "Необязательный: код организации. С ключом — одна из организаций ключа (иначе 403); "
            "без ключа — показываются только заявки этой организации.",
        ),
        (
            "Comma-separated, at most 50: the status check of the requests an app filed, "
            "without a key too. Each is answered as requests/{id} answers it, those that do "
            "not exist are left out; the other parameters are then not read.",
            "Через запятую, не больше 50: проверка статуса заявок, которые подало приложение, "
            "в том числе без ключа. Каждая показана так же, как в requests/{id}; "
            "несуществующие пропускаются; остальные параметры тогда не учитываются.",
        ),
        (
            "A bad start_date, end_date or status, a period over 90 days, or more than 50 ids.",
            "Неверные start_date, end_date или status, период больше 90 дней или больше 50 "
            "идентификаторов.",
        ),
        (
            "No api_key and no service_request_id, a wrong key, or a jurisdiction_id not the "
            "key's own.",
            "Нет ни api_key, ни service_request_id; неверный ключ; или jurisdiction_id не "
            "организации ключа.",
        ),
        ("Not .json or .xml.", "Формат не .json и не .xml."),
        (
            "No such jurisdiction_id, or not .json or .xml.",
            "Нет такой организации (jurisdiction_id) или формат не .json и не .xml.",
        ),
        ("No jurisdiction_id.", "Не указан jurisdiction_id."),
        (
            "No such jurisdiction_id or service, or not .json or .xml.",
            "Нет такой организации или услуги, или формат не .json и не .xml.",
        ),
        (
            "A parameter missing or not as the service takes it (an answer to its questions "
            "too), or a body that is not a form.",
            "Параметр не передан или неверен (в том числе ответ на вопрос услуги), или тело "
            "запроса — не форма.",
        ),
        (
            "No api_key, a wrong one, or a jurisdiction_id not the key's own.",
            "Нет api_key, ключ неверен, или jurisdiction_id не организации ключа.",
        ),
        (
            "No such jurisdiction_id or service_code, or not .json or .xml.",
            "Нет такой организации или услуги (service_code), или формат не .json и не .xml.",
        ),
        ("A wrong api_key.", "Неверный api_key."),
        (
            "No such request (with the jurisdiction_id, if one is sent), no such "
            "jurisdiction_id, or not .json or .xml.",
            "Нет такой заявки (у организации jurisdiction_id, если он передан), нет такой "
            "организации, или формат не .json и не .xml.",
        ),
        (
            "No such token (with the jurisdiction_id, if one is sent), no such "
            "jurisdiction_id, or not .json or .xml.",
            "Нет такого токена (у организации jurisdiction_id, если он передан), нет такой "
            "организации, или формат не .json и не .xml.",
        ),
        (
            "The organisation's API key (pos-intake org key SLUG).",
            "Ключ API организации (pos-intake org key SLUG).",
        ),
        (
            "ISO 8601 with an offset. Alone: the 90 days from it.",
            "ISO 8601 со смещением. Без end_date — 90 дней начиная с этой даты.",
        ),
        (
            "ISO 8601 with an offset. Alone: the 90 days before it; with start_date, not "
            "before it and at most 90 days after it (400).",
            "ISO 8601 со смещением. Без start_date — 90 дней до этой даты; со start_date — не "
            "раньше неё и не позже чем через 90 дней (иначе 400).",
        ),
        (
            "Newest first, at most 1000, 90 days at most.",
            "Сначала новые; не больше 1000 и не больше чем за 90 дней.",
        ),
        (
            "Open311: one service request (an array of one)",
            "Open311: одна заявка (массив из одного элемента)",
        ),
        (
            "With the organisation's key: the whole request.",
            "С ключом организации — заявка целиком.",
        ),
        (
            "Optional: the organisation's slug; the request must be with it (404).",
            "Необязательный: код организации; заявка должна быть у неё (иначе 404).",
        ),
        ("The request.", "Заявка."),
        (
            "Open311: the service request a token stands for",
            "Open311: заявка, которой соответствует токен",
        ),
        ("The request's id.", "Идентификатор заявки."),
    )
)
