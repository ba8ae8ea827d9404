"""Words of /docs, continued (api_docs.py): the sentences of /openapi.json's schemas — the
components' fields and the request bodies' — and of the answers every operation shares
(openapi/answers.py), English to Russian, keyed by the English sentence as there."""

from __future__ import annotations

from intake_service.i18n.api_docs import sentences

MESSAGES = sentences(
    (
        # the answers every operation shares (openapi/answers.py)
        ("No API key, or not a valid one.", "Нет ключа API, или он недействителен."),
        ("The body is larger than the service takes.", "Тело запроса больше допустимого."),
        (
            "The body is not JSON (`Content-Type: application/json`).",
            "Тело запроса — не JSON (нужен `Content-Type: application/json`).",
        ),
        (
            "Too many requests from this address or key: try again after `Retry-After` seconds.",
            "Слишком много запросов с этого адреса или ключа: повторите через `Retry-After` "
            "секунд.",
        ),
        ("Seconds to wait before trying again.", "Через сколько секунд можно повторить."),
        ("The form's current token.", "Текущий токен формы."),
        (
            "The request's headers are larger than the service takes (64 KiB).",
            "Заголовки запроса больше допустимого (64 КиБ).",
        ),
        (
            "The store is unavailable for a moment: try again after `Retry-After` seconds.",
            "Хранилище ненадолго недоступно: повторите через `Retry-After` секунд.",
        ),
        # an operation's own refusals, and its common parameters (openapi/schemas.py)
        (
            "The request cannot be taken as it is: the problem (RFC 9457) says why.",
            "Запрос нельзя принять в таком виде: причина — в ответе problem+json (RFC 9457).",
        ),
        (
            "No valid token: the problem (RFC 9457) says which one is asked for.",
            "Нет действующего токена: какой нужен — в ответе problem+json (RFC 9457).",
        ),
        (
            "Refused for where the request comes from: the problem (RFC 9457) says why.",
            "Отказ из-за того, откуда пришёл запрос: причина — в ответе problem+json (RFC 9457).",
        ),
        (
            "Nothing here, or not the caller's to see (a problem, RFC 9457).",
            "Здесь ничего нет, или это видеть не вам (problem+json, RFC 9457).",
        ),
        (
            "Not now: the present state does not allow it (a problem, RFC 9457, says why).",
            "Сейчас нельзя: текущее состояние не позволяет (причина — в problem+json, RFC 9457).",
        ),
        (
            "Fields with errors, each in the problem's `errors` (RFC 9457).",
            "Поля с ошибками — каждое в списке `errors` ответа problem+json (RFC 9457).",
        ),
        (
            "The tracking token: the last part of the appeal's `tracking_url`.",
            "Токен отслеживания: последняя часть `tracking_url` обращения.",
        ),
        (
            "The language of the answer's words; without it, Accept-Language's.",
            "Язык слов в ответе; без него — язык из Accept-Language.",
        ),
        # the components' fields (openapi/schemas.py, input_schemas.py, open311/openapi_paths.py)
        (
            "An organisation API key from `pos-intake org key SLUG`.",
            "Ключ API организации от `pos-intake org key SLUG`.",
        ),
        (
            "The query or request parameter (bad-parameter).",
            "Параметр строки или тела запроса (bad-parameter).",
        ),
        ("A code from GET /api/v1/categories.", "Код темы из GET /api/v1/categories."),
        (
            "The name, whole or in parts (an official appeal gives the parts, 59-FZ art. 7 "
            "p. 1; `name` is then the parts joined), and a way to answer: an e-mail or a "
            "phone; for an official appeal an e-mail or a postal address.",
            "Имя целиком или по частям (официальное обращение называет фамилию, имя и отчество, "
            "59-ФЗ ст. 7 ч. 1; `name` тогда — они через пробел) и способ ответа: e-mail или "
            "телефон, для официального обращения — e-mail или почтовый адрес.",
        ),
        (
            "7 to 15 digits, an optional leading +; spaces, brackets, dashes and dots between "
            "them are ignored.",
            "От 7 до 15 цифр, в начале может быть +; пробелы, скобки, дефисы и точки между "
            "ними не учитываются.",
        ),
        (
            "Answers to the category's extra questions (Open311: GET "
            "/open311/v2/services/{code}.json): a string, or a number for a number, or a list "
            "of keys for a multivaluelist.",
            "Ответы на дополнительные вопросы темы (Open311: GET "
            "/open311/v2/services/{code}.json): строка, число для числового вопроса или список "
            "ключей для multivaluelist.",
        ),
        (
            "A photo the citizen's app keeps; shown to operators as a link.",
            "Фотография, которую хранит приложение гражданина; операторы видят её как ссылку.",
        ),
        ("The address the link went to, masked.", "Адрес, на который ушла ссылка, со звёздочками."),
        (
            "The versioned appeal document, schema `pos-intake/appeal@2`.",
            "Документ обращения с версией схемы `pos-intake/appeal@2`.",
        ),
        (
            "The citizen's personal data left this appeal: erase your copy. Schema "
            "`pos-intake/erased@1`; its message_id is `erased:` and the appeal's id.",
            "Персональные данные гражданина удалены из этого обращения: удалите свою копию. "
            "Схема `pos-intake/erased@1`; message_id такого сообщения — `erased:` и id обращения.",
        ),
        ("Relative to the service; Bearer key.", "Относительно адреса сервиса; с ключом Bearer."),
        (
            "A photo the citizen's app keeps (Open311 media_url), not fetched.",
            "Фотография, которую хранит приложение гражданина (media_url в Open311); сервис её "
            "не скачивает.",
        ),
        (
            "Answers to the category's extra questions by code: a string, a number, or a list "
            "of keys (pos-intake org attributes SLUG names them).",
            "Ответы на дополнительные вопросы темы по их кодам: строка, число или список "
            "ключей (их перечисляет pos-intake org attributes SLUG).",
        ),
        (
            "The reason the operator gave the citizen for the current status "
            "(always for rejected; null when none was given).",
            "Причина, которую оператор написал заявителю к текущему статусу "
            "(у rejected — всегда; null, если её не указали).",
        ),
        (
            "The organisation's public answer, once given.",
            "Публичный ответ организации, когда он дан.",
        ),
        (
            "For a duplicate: the appeal it follows, with its status and answer.",
            "Для дубликата: исходное обращение с его статусом и ответом.",
        ),
        (
            "Official appeals: the date by which it is registered.",
            "Официальные обращения: дата, до которой его зарегистрируют.",
        ),
        (
            "The date by which the answer is due (organisation's zone).",
            "Дата, до которой нужно ответить (по часовому поясу организации).",
        ),
        (
            "An operator's open question: answer it with POST …/clarification.",
            "Открытый вопрос оператора: ответ — POST …/clarification.",
        ),
        ("A verdict may be given now.", "Сейчас можно оценить ответ."),
        ("A repeat appeal may be filed now.", "Сейчас можно подать повторное обращение."),
        ("The number this one repeats.", "Номер обращения, которое это повторяет."),
        (
            "The status the appeal reached at this step.",
            "Статус, которого обращение достигло на этом шаге.",
        ),
        (
            "GeoReport v2 errors (XML: <errors><error><code/><description/></error>).",
            "Ошибки GeoReport v2 (в XML: <errors><error><code/><description/></error>).",
        ),
        ("Also opens the tracking page /s/…", "Открывает и страницу отслеживания /s/…"),
        ("Only with the organisation's api_key.", "Только с api_key организации."),
        ("The appeal's number.", "Номер обращения."),
        # the request bodies' fields (followup/, open311/, openapi/form_paths.py)
        (
            "Not solved: the repeat appeal's text, if at least 10 characters long.",
            "Не решено: текст повторного обращения, если в нём не меньше 10 символов.",
        ),
        ("yes: solved; anything else: not solved.", "yes — решено; любое другое — не решено."),
        ("Public; for rejected.", "Публичная; для статуса rejected."),
        ("Internal.", "Внутренняя заметка."),
        ("The key's organisation.", "Организация ключа."),
        ("Not supported: no address register.", "Не поддерживается: адресного реестра нет."),
        (
            "attribute[CODE]: the answer to a question of the service.",
            "attribute[КОД]: ответ на вопрос услуги.",
        ),
        ("Comma-separated.", "Через запятую."),
        (
            "The signed form token the form page carries (single use).",
            "Подписанный токен со страницы формы (одноразовый).",
        ),
        ("Official appeals: copies by e-mail.", "Официальные обращения: копии по e-mail."),
        (
            "The identity provider's signed token, where the organisation asks citizens to "
            "sign in.",
            "Подписанный токен поставщика идентификации, если организация просит граждан войти.",
        ),
        (
            "Left empty: a field only robots fill in.",
            "Оставьте пустым: это поле заполняют только роботы.",
        ),
        ("JPEG, PNG or WebP.", "JPEG, PNG или WebP."),
        (
            "attr.CATEGORY.CODE: the answer to a question of the category.",
            "attr.ТЕМА.КОД: ответ на вопрос темы.",
        ),
    )
)
