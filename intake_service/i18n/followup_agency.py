"""Messages of the citizen's follow-through: answers from the agencies' own systems
(followup/replies.py, api/replies.py, followup/reply_queue.py)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "problem.reply-key": {
        "ru": "Нужен ключ идемпотентности",
        "en": "An idempotency key is required",
    },
    "detail.reply-key": {
        "ru": "Передайте заголовок Idempotency-Key (в очереди — message_id): по нему повтор "
        "запроса не применит изменение второй раз.",
        "en": "Send an Idempotency-Key header (message_id on the queue): a retry under it never "
        "applies the change twice.",
    },
    "problem.reply-refused": {
        "ru": "Изменение не разрешено",
        "en": "The change is not allowed",
    },
    "detail.reply-appeal": {
        "ru": "Обращение не найдено среди обращений вашей организации.",
        "en": "No such appeal among your organisation's appeals.",
    },
    "field.reply-status": {
        "ru": "Неизвестный статус: см. список статусов в документации.",
        "en": "Unknown status: see the list of statuses in the documentation.",
    },
    "field.reply-reason": {
        "ru": "Для отклонения нужна причина, которую увидит заявитель.",
        "en": "A rejection needs a reason the citizen will read.",
    },
    "field.reply-type": {
        "ru": "Тип ответа: status или answer.",
        "en": "The reply's type: status or answer.",
    },
}
