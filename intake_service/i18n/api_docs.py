"""Words of /docs, the API reference for people: the page's own, and each operation's summary,
description, parameters and answers from /openapi.json in Russian (the schemas' field texts
and the answers every operation shares are in api_docs_fields.py).

/openapi.json is written in English where it is built (openapi/, followup/openapi_paths.py,
open311/openapi_paths.py), and its English sentence is the key here (`api.` + the sentence),
as gettext's msgid is: a sentence changed there has no Russian here until someone writes it,
and the page's test, which wants every sentence of the Russian page in Russian, says so."""

from __future__ import annotations


def sentences(pairs: tuple[tuple[str, str], ...]) -> dict[str, dict[str, str]]:
    """The catalogue's entries for (English, Russian) pairs of the document's sentences."""
    entries = {f"api.{en}": {"ru": ru, "en": en} for en, ru in pairs}
    if len(entries) != len(pairs):
        raise RuntimeError("an English sentence of the API is translated twice")
    return entries


PAGE: dict[str, dict[str, str]] = {
    "docs.title": {"ru": "Справочник API pos-intake", "en": "pos-intake API reference"},
    "docs.language-name": {"ru": "Русский", "en": "English"},
    "docs.intro": {
        "ru": "HTTP API сервиса для разработчиков: JSON API для приложений и систем "
        "организаций, Open311 GeoReport v2 для приложений граждан, форма и значок для сайтов. "
        "Машиночитаемое описание с теми же примерами:",
        "en": "The service's HTTP API for developers: the JSON API for apps and the "
        "organisations' systems, Open311 GeoReport v2 for citizens' apps, the form and the "
        "badge for websites. The same, with the same examples, for machines:",
    },
    "docs.key-note": {
        "ru": "Примеры — готовые команды curl для этого сервиса. Ключ API организации они "
        "берут из переменной оболочки: `export KEY=…` (ключ выдаёт `pos-intake org key SLUG`).",
        "en": "The examples are curl commands for this service, ready to paste. They read the "
        "organisation's API key from the shell: `export KEY=…` (`pos-intake org key SLUG` "
        "makes one).",
    },
    "docs.contents": {"ru": "Содержание", "en": "Contents"},
    "docs.group.api": {
        "ru": "JSON API: обращения, статусы, очередь",
        "en": "JSON API: appeals, status, queue",
    },
    "docs.group.open311": {
        "ru": "Open311 GeoReport v2 для приложений граждан",
        "en": "Open311 GeoReport v2 for citizens' apps",
    },
    "docs.group.pages": {"ru": "Страницы, форма и значок", "en": "Pages, the form and the badge"},
    "docs.group.service": {"ru": "Работа сервиса", "en": "Running the service"},
    "docs.parameters": {"ru": "Параметры", "en": "Parameters"},
    "docs.body": {"ru": "Поля тела запроса", "en": "Request body fields"},
    "docs.example-request": {"ru": "Пример запроса", "en": "Example request"},
    "docs.example-answer": {"ru": "Его ответ", "en": "Its answer"},
    "docs.responses": {"ru": "Ответы", "en": "Answers"},
    "docs.required": {"ru": "обязательный", "en": "required"},
    "docs.auth": {"ru": "с ключом API", "en": "with an API key"},
    "docs.in.path": {"ru": "в пути", "en": "in the path"},
    "docs.in.query": {"ru": "в строке запроса", "en": "in the query"},
    "docs.in.header": {"ru": "заголовок", "en": "header"},
    "docs.no-body": {"ru": "(байты фотографии)", "en": "(the photo's bytes)"},
    "docs.also": {"ru": "И общие ответы:", "en": "And the common answers:"},
    "docs.and-common": {"ru": "и общие", "en": "and the common ones"},
    "docs.common": {"ru": "Общие ответы", "en": "Common answers"},
    "docs.common-intro": {
        "ru": "Так может ответить любая операция; у каждой выше перечислено, какие из этих "
        "ответов к ней относятся. Отказ приходит как `application/problem+json` (RFC 9457), "
        "браузеру — страницей, а под `/open311/` — списком ошибок GeoReport.",
        "en": "Any operation may answer so; each above lists which of these answers apply to "
        "it. A refusal comes as `application/problem+json` (RFC 9457), as a page to a "
        "browser, and under `/open311/` as GeoReport's list of errors.",
    },
    "docs.schemas": {"ru": "Схемы", "en": "Schemas"},
    "docs.schemas-intro": {
        "ru": "Схемы, на которые ссылаются операции; откройте, чтобы увидеть поля.",
        "en": "The schemas the operations refer to; open one to see its fields.",
    },
    "docs.after.filed": {
        "ru": "Для обращения, поданного первым примером (`POST /api/v1/appeals`).",
        "en": "For the appeal the first example files (`POST /api/v1/appeals`).",
    },
    "docs.after.answered": {
        "ru": "После ответа организации (`POST /api/v1/appeals/{appeal}/answer`).",
        "en": "After the organisation's answer (`POST /api/v1/appeals/{appeal}/answer`).",
    },
    "docs.after.asked": {
        "ru": "Когда оператор задал гражданину вопрос в консоли.",
        "en": "When an operator has asked the citizen a question in the console.",
    },
    "docs.after.queued": {
        "ru": "Когда в очереди организации есть обращения.",
        "en": "When the organisation's queue holds appeals.",
    },
    "docs.after.pulled": {
        "ru": "`receipt` — из ответа на `GET /api/v1/queue`.",
        "en": "The `receipt` is from the answer to `GET /api/v1/queue`.",
    },
    "docs.after.form": {
        "ru": "`token` — со страницы формы (`GET /w/{org}/form`).",
        "en": "The `token` is from the form page (`GET /w/{org}/form`).",
    },
    "docs.after.poll": {
        "ru": "`poll_id` — из ответа `POST /api/v1/polls` (пример выше).",
        "en": "The `poll_id` is from `POST /api/v1/polls`'s answer (the example above).",
    },
    "docs.after.discussion": {
        "ru": '`poll_id` — обсуждения, созданного `POST /api/v1/polls` с `"kind": "discussion"`.',
        "en": 'The `poll_id` of a discussion `POST /api/v1/polls` made with `"kind": "discussion"`.',
    },
    "docs.after.follow": {
        "ru": "`token` — со страницы формы, `number` — из списка `POST /w/{org}/similar`.",
        "en": "The `token` is from the form page, the `number` from `POST /w/{org}/similar`'s "
        "list.",
    },
    "docs.after.photo": {
        "ru": "Для обращения, поданного через форму с фотографией.",
        "en": "For an appeal filed through the form with a photo.",
    },
    "docs.after.question": {
        "ru": "Когда организация задаёт вопрос по теме: `pos-intake org attribute demo "
        "street_lighting lamp --type singlevaluelist --value led=Светодиодная …`.",
        "en": "When the organisation asks a question about the topic: `pos-intake org attribute "
        "demo street_lighting lamp --type singlevaluelist --value led=… …`.",
    },
}

OPERATIONS = sentences(
    (
        # the JSON API
        ("File an appeal to the key's organisation", "Подать обращение в организацию ключа"),
        (
            "The same key and body return the first answer again; the same key with another "
            "body is refused (422).",
            "Тот же ключ с тем же телом вернёт первый ответ ещё раз; тот же ключ с другим телом "
            "будет отклонён (422).",
        ),
        ("Stored; sent after the commit.", "Сохранено; отправляется после записи в базу."),
        ("The organisation's category catalogue", "Темы обращений организации"),
        ("The catalogue.", "Список тем."),
        (
            "Status and history of an appeal by its tracking token",
            "Статус и история обращения по его токену отслеживания",
        ),
        ("The appeal's status.", "Статус обращения."),
        (
            "The citizen's verdict on the answer, once: solved (resolved) or not solved "
            "(files a repeat appeal)",
            "Оценка ответа гражданином, один раз: решено (resolved) или не решено "
            "(подаётся повторное обращение)",
        ),
        (
            "The status after the action (a repeat's own).",
            "Статус после действия (у повторного обращения — его собственный).",
        ),
        (
            "The problem is back: a repeat appeal linked to this one (within the repeat period)",
            "Проблема вернулась: повторное обращение, связанное с этим (в пределах срока повтора)",
        ),
        (
            "The citizen's answer to an operator's open question",
            "Ответ гражданина на открытый вопрос оператора",
        ),
        (
            "An agency's system moves the appeal (as a console action; the citizen is told)",
            "Система организации меняет статус обращения (как действие в консоли; гражданин "
            "получает уведомление)",
        ),
        (
            "An agency's system gives the public answer (the citizen is told once)",
            "Система организации даёт публичный ответ (гражданин получает одно уведомление)",
        ),
        ("The appeal's id or number.", "Идентификатор или номер обращения."),
        (
            "Required: a retry under the same key returns the first answer and changes "
            "nothing; the same key with another body is refused (422).",
            "Обязателен: повтор с тем же ключом вернёт первый ответ и ничего не изменит; тот же "
            "ключ с другим телом будет отклонён (422).",
        ),
        (
            "Applied (or replayed: `Idempotent-Replayed: true`).",
            "Выполнено (или повтор: `Idempotent-Replayed: true`).",
        ),
        (
            "Pull the organisation's appeals from the embedded queue",
            "Забрать обращения организации из встроенной очереди",
        ),
        (
            "Seconds to wait for a message (POS_QUEUE_MAX_WAIT).",
            "Сколько секунд ждать сообщения (не дольше POS_QUEUE_MAX_WAIT).",
        ),
        (
            "Seconds a pulled message stays hidden from others.",
            "Сколько секунд выданное сообщение скрыто от других получателей.",
        ),
        (
            "Messages, invisible to others until acknowledged or timed out.",
            "Сообщения; другим они не видны, пока их не подтвердят или не истечёт время.",
        ),
        (
            "Acknowledge pulled messages by receipt",
            "Подтвердить полученные сообщения по их квитанциям (receipt)",
        ),
        (
            "Which receipts were acknowledged; unknown ones had expired.",
            "Какие квитанции подтверждены; неизвестные уже истекли.",
        ),
        (
            "A photo of an appeal, for the organisation it went to",
            "Фотография обращения — для организации, которой оно адресовано",
        ),
        ("The photo as uploaded.", "Фотография в том виде, в каком её загрузили."),
        # the tracking page and its forms
        (
            "The tracking page (a browser, `Accept: text/html`) or the status as JSON",
            "Страница отслеживания (браузеру, `Accept: text/html`) или статус в JSON",
        ),
        (
            "The page, or the appeal's status as JSON.",
            "Страница или статус обращения в JSON.",
        ),
        (
            "The tracking page's form: the citizen's verdict on the answer, once: solved "
            "(resolved) or not solved (files a repeat appeal)",
            "Форма страницы отслеживания: оценка ответа гражданином, один раз: решено "
            "(resolved) или не решено (подаётся повторное обращение)",
        ),
        (
            "The tracking page's form: the problem is back: a repeat appeal linked to this one "
            "(within the repeat period)",
            "Форма страницы отслеживания: проблема вернулась — повторное обращение, связанное "
            "с этим (в пределах срока повтора)",
        ),
        (
            "The tracking page's form: the citizen's answer to an operator's open question",
            "Форма страницы отслеживания: ответ гражданина на открытый вопрос оператора",
        ),
        (
            "From the service's own pages only: their `Origin`, or `Sec-Fetch-Site: "
            "same-origin` (403 otherwise).",
            "Только со страниц самого сервиса: их `Origin` или `Sec-Fetch-Site: same-origin` "
            "(иначе 403).",
        ),
        (
            "Done: to the tracking page (a repeat's own).",
            "Выполнено: переход на страницу отслеживания (у повторного обращения — на его).",
        ),
        ("Not now: the page, saying why.", "Сейчас нельзя: страница с объяснением причины."),
        ("The page, saying what to fix.", "Страница с тем, что нужно исправить."),
        # the badge and the form
        (
            "The loader host pages include (ETag, gzip, cached 5 minutes)",
            "Загрузчик, который подключают сайты (ETag, gzip, кэш на 5 минут)",
        ),
        ("JavaScript.", "Скрипт на JavaScript."),
        ("Not modified.", "Не изменился."),
        (
            "The appeal form page, framed by an allowed origin or as a full page",
            "Страница формы обращения: во фрейме разрешённого сайта или целиком",
        ),
        (
            "The embedding page's origin; must be allowed.",
            "Источник (origin) встраивающей страницы; он должен быть разрешён.",
        ),
        ("Loader version.", "Версия загрузчика."),
        # the old ПОС banner's numbers (openapi/form_paths.py)
        (
            "The number the old POS banner's Widget(url, id) call gives.",
            "Номер, с которым баннер ПОС вызывает Widget(url, id).",
        ),
        (
            "The same page under the organisation's slug, with the same query.",
            "Та же страница по короткому имени организации, с теми же параметрами.",
        ),
        (
            "No organisation has the number: whom to ask instead.",
            "Ни у одной организации нет такого номера: страница говорит, к кому обратиться.",
        ),
        (
            "The appeal form of the organisation with a POS number",
            "Форма обращения организации по номеру ПОС",
        ),
        (
            "The framed polls of the organisation with a POS number",
            "Опросы организации во фрейме по номеру ПОС",
        ),
        (
            "The count of open polls of the organisation with a POS number",
            "Число открытых опросов организации по номеру ПОС",
        ),
        ("The form.", "Форма."),
        (
            "The origin is not allowed: the page says what to do.",
            "Источник не разрешён: страница объясняет, что делать.",
        ),
        (
            "Renew the form's token while the citizen writes (form page only)",
            "Продлить токен формы, пока гражданин пишет (только со страницы формы)",
        ),
        (
            "The form's script asks before its token runs out: the new one keeps the time the "
            "form was opened, with a new one-time nonce. Only the form page may ask, as for the "
            "submission; a token used or signed over a day ago gets none.",
            "Скрипт формы просит новый токен до того, как истечёт старый: новый хранит время "
            "открытия формы и получает новый одноразовый nonce. Просить может только страница "
            "формы, как и при отправке; токен уже использованный или подписанный больше суток "
            "назад не продлевается.",
        ),
        ("The new token.", "Новый токен."),
        (
            "A photo of an appeal, for the holder of its tracking link",
            "Фотография обращения — для того, у кого ссылка на его страницу",
        ),
        (
            "The citizen's own photos on the tracking page: only with the appeal's tracking "
            "token; never cached by shared caches.",
            "Собственные фотографии гражданина на странице обращения: только по токену этой "
            "страницы; общие кэши их не хранят.",
        ),
        (
            "Open appeals of a topic at a place, for the form (form page only)",
            "Открытые обращения темы в этом месте, для формы (только со страницы формы)",
        ),
        (
            "Once the citizen has chosen a topic and a place, the form shows at most three open "
            "appeals of the organisation of that topic within 200 m or at the same address, "
            "filed in the last 30 days: number, topic, status, date and address only. Only the "
            "form page may ask, with its token.",
            "Когда гражданин выбрал тему и место, форма показывает не больше трёх открытых "
            "обращений организации этой темы в пределах 200 м или по тому же адресу, поданных "
            "за последние 30 дней: только номер, тему, статус, дату и адрес. Просить может "
            "только страница формы, со своим токеном.",
        ),
        ("The open appeals there, nearest first.", "Открытые обращения там, ближайшие первыми."),
        (
            "Follow an open appeal listed in the form (form page only)",
            "Следить за открытым обращением из списка в форме (только со страницы формы)",
        ),
        (
            "Instead of reporting the same problem again, the citizen follows the appeal "
            "already filed: an e-mail asks to confirm, then its moves are mailed — number, "
            "organisation and status only. At most one such e-mail an hour per appeal and "
            "address.",
            "Вместо того чтобы сообщать о той же проблеме ещё раз, гражданин следит за уже "
            "поданным обращением: письмо просит подтвердить, затем приходят его изменения — "
            "только номер, организация и статус. Не больше одного такого письма в час на "
            "обращение и адрес.",
        ),
        (
            "The e-mail to confirm is on its way (the address masked).",
            "Письмо для подтверждения отправлено (адрес скрыт частично).",
        ),
        (
            "Submit the form (from the form page's own origin only)",
            "Отправить форму (только со страницы самой формы)",
        ),
        (
            "Only the service's own form page may post: its `Origin` is the service's, or "
            "`Sec-Fetch-Site: same-origin` (403 otherwise). A browser (`Accept: text/html`) "
            "gets pages; the form's script gets JSON.",
            "Отправлять может только страница формы самого сервиса: её `Origin` — адрес "
            "сервиса, или `Sec-Fetch-Site: same-origin` (иначе 403). Браузер "
            "(`Accept: text/html`) получает страницы, скрипт формы — JSON.",
        ),
        (
            "Held until the citizen opens the link e-mailed to them (a browser).",
            "Ждёт, пока гражданин откроет ссылку из письма (браузеру).",
        ),
        ("Stored (for the form's script).", "Сохранено (скрипту формы)."),
        (
            "Held until the citizen opens the link e-mailed to them (the form's script).",
            "Ждёт, пока гражданин откроет ссылку из письма (скрипту формы).",
        ),
        (
            "Stored; to the tracking page (browsers without JavaScript).",
            "Сохранено; переход на страницу отслеживания (браузеры без JavaScript).",
        ),
        # running the service
        ("Liveness", "Жив ли процесс"),
        ("The process answers.", "Процесс отвечает."),
        (
            "Readiness: the writer runs and the database takes writes",
            "Готовность: запись работает, и база данных принимает изменения",
        ),
        ("Ready.", "Готов."),
        ("Not ready, with the failing check.", "Не готов; указана проверка, которая не прошла."),
        ("Prometheus metrics", "Метрики для Prometheus"),
        (
            "With POS_METRICS_TOKEN set, send it as a Bearer token; without one, only clients "
            "on the service's own host are answered.",
            "Если задан POS_METRICS_TOKEN, передайте его как Bearer-токен; без него отвечают "
            "только клиентам на той же машине, что и сервис.",
        ),
        ("Prometheus text format.", "Текстовый формат Prometheus."),
        ("This document", "Это описание"),
        ("OpenAPI 3.1.", "Описание в формате OpenAPI 3.1."),
        (
            "This document as a page for people (ru/en)",
            "Это описание в виде страницы для людей (ru/en)",
        ),
        ("Every operation and schema.", "Все операции и схемы."),
    )
)

MESSAGES: dict[str, dict[str, str]] = {**PAGE, **OPERATIONS}
