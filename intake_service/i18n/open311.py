"""Messages of Open311 and of a category's extra questions (open311/, category_attributes.py),
and the front page's way to the API docs (whose own words are in api_docs.py)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "field.attribute-unknown": {
        "ru": "Эта тема не задаёт такого вопроса.",
        "en": "This topic asks no such question.",
    },
    "field.attribute-choice": {
        "ru": "Выберите один из предложенных вариантов.",
        "en": "Choose one of the values offered.",
    },
    "field.attribute-datetime": {
        "ru": "Укажите дату и время в формате ISO 8601, например 2026-12-03T10:15:00+03:00.",
        "en": "Give a date and time in ISO 8601, e.g. 2026-12-03T10:15:00+03:00.",
    },
    "open311.location": {
        "ru": "Укажите место: lat и long или address_string.",
        "en": "Give the place: lat and long, or address_string.",
    },
    "open311.address-id": {
        "ru": "address_id не поддерживается: у сервиса нет адресного реестра. "
        "Передайте lat и long или address_string.",
        "en": "address_id is not supported: the service keeps no address register. "
        "Send lat and long, or address_string.",
    },
    "open311.jurisdiction-missing": {
        "ru": "Укажите jurisdiction_id — код организации.",
        "en": "Give jurisdiction_id: the organisation's code.",
    },
    "open311.jurisdiction-unknown": {
        "ru": "Организации «{slug}» нет.",
        "en": "There is no organisation '{slug}'.",
    },
    "open311.jurisdiction-other": {
        "ru": "Ключ API выдан другой организации, а не «{slug}».",
        "en": "The api_key belongs to another organisation, not '{slug}'.",
    },
    "open311.service-missing": {"ru": "Укажите service_code.", "en": "Give service_code."},
    "open311.service-unknown": {
        "ru": "У организации нет темы «{code}».",
        "en": "The organisation has no service '{code}'.",
    },
    "open311.request-unknown": {
        "ru": "Обращения «{id}» нет.",
        "en": "There is no request '{id}'.",
    },
    "open311.token-unknown": {
        "ru": "Токен не найден или подпись неверна.",
        "en": "The token is unknown or its signature is wrong.",
    },
    "open311.date": {
        "ru": "Дата и время в ISO 8601 с часовым поясом, например 2026-12-03T10:15:00+03:00.",
        "en": "A date and time in ISO 8601 with its offset, e.g. 2026-12-03T10:15:00+03:00.",
    },
    "open311.window": {
        "ru": "Период от start_date до end_date — не больше {days} дней, и начало не позже конца.",
        "en": "From start_date to end_date is at most {days} days, and the start is not after the end.",
    },
    "open311.status": {
        "ru": "status — open или closed (можно через запятую).",
        "en": "status is open or closed (comma-separated for both).",
    },
    "open311.key-needed": {
        "ru": "Список обращений доступен только организации: передайте её api_key. Статус "
        "своих заявок можно узнать и без ключа, перечислив их в service_request_id.",
        "en": "The list of requests is the organisation's own: send its api_key. The status "
        "of the requests you filed needs no key: name them in service_request_id.",
    },
    "open311.ids-too-many": {
        "ru": "Не больше {max} заявок за один запрос (через запятую).",
        "en": "At most {max} requests at a time (comma-separated).",
    },
    "open311.key-missing": {
        "ru": "Передайте api_key — ключ API организации (его выдаёт её администратор).",
        "en": "Send api_key: the organisation's API key (its administrator issues it).",
    },
    "open311.format": {
        "ru": "Формат — .json или .xml.",
        "en": "The format is .json or .xml.",
    },
    "open311.media-type": {
        "ru": "Отправьте форму: application/x-www-form-urlencoded или multipart/form-data.",
        "en": "Send a form: application/x-www-form-urlencoded or multipart/form-data.",
    },
    "open311.notice": {
        "ru": "Обращение № {number} принято. Ответ — до {due}.",
        "en": "Request {number} received. The answer is due by {due}.",
    },
    "open311.key-service": {
        "ru": "Ключ API выдаёт администратор организации (pos-intake org key SLUG); "
        "передавайте его в api_key.",
        "en": "An organisation's administrator issues its API key (pos-intake org key SLUG); "
        "send it as api_key.",
    },
    "console.appeal.answers": {
        "ru": "Ответы на вопросы темы",
        "en": "Answers to the topic's questions",
    },
    "console.appeal.media": {
        "ru": "Фотография по ссылке приложения (откроется на чужом сайте)",
        "en": "Photo linked by the app (opens on another site)",
    },
    "form.questions": {"ru": "Уточните по теме «{topic}»", "en": "About '{topic}'"},
    "form.choose": {"ru": "Выберите", "en": "Choose"},
    "home.api-docs": {
        "ru": "Описание API для разработчиков (JSON API и Open311)",
        "en": "The API for developers (JSON API and Open311)",
    },
}
