"""The one message catalogue: every string a person reads, Russian first, English second.

API problem titles and details, field errors, category titles, the widget's pages and the
operators' console all come from here, so that nobody meets two wordings of one thing. Intake's
refusals (problems, details, fields) and the statuses are below; the pages for people (the
loader, the form, its answers, the front page) are in `pages.py`, and each later surface keeps
its own in a module of this package (`console.py`, …), all merged into the one `MESSAGES` at
import — a key defined twice is an error.
"""

from __future__ import annotations

from intake_service.i18n import (
    api_docs,
    api_docs_fields,
    api_docs_open311,
    api_docs_polls,
    console,
    console_appeal,
    console_board,
    console_citizen,
    console_log,
    console_log_reasons,
    console_orgs,
    console_polls,
    console_register,
    console_settings,
    console_site,
    console_taken,
    followup_agency,
    followup_confirm,
    followup_deadlines,
    followup_identity,
    followup_mail,
    followup_tracking,
    open311,
    pages,
    polls,
    polls_pages,
)

LANGUAGES = ("ru", "en")
DEFAULT_LANGUAGE = "ru"
# Of an Accept-Language header, what is read: a browser's is under a hundred characters, and
# the header's size is bounded by no HTTP parser the service runs on (10 MB took 3.6 s to sort).
ACCEPT_LANGUAGE_READ = 256

MESSAGES: dict[str, dict[str, str]] = {
    # problem titles
    "problem.unauthorized": {
        "ru": "Нужен действующий ключ API",
        "en": "A valid API key is required",
    },
    "problem.sign-in-required": {"ru": "Нужно войти в консоль", "en": "Sign in to the console"},
    "problem.password-change-required": {
        "ru": "Сначала задайте свой пароль",
        "en": "Choose your own password first",
    },
    "problem.csrf": {
        "ru": "Запрос отклонён: устаревшая или чужая форма",
        "en": "Request refused: the form is stale or from another site",
    },
    "detail.sign-in-required": {
        "ru": "Сессия не найдена или истекла. Войдите снова.",
        "en": "No session, or it has expired. Sign in again.",
    },
    "detail.csrf": {
        "ru": "Обновите страницу и повторите действие.",
        "en": "Reload the page and try again.",
    },
    "problem.bad-json": {"ru": "Тело запроса — не JSON", "en": "The request body is not JSON"},
    "problem.headers-too-large": {
        "ru": "Заголовки запроса слишком велики",
        "en": "Request headers too large",
    },
    "detail.headers-too-large": {
        "ru": "Заголовки запроса больше {limit} байт.",
        "en": "The request's headers are over {limit} bytes.",
    },
    "problem.bad-form": {
        "ru": "Форму не удалось прочитать: слишком длинное поле или неверный формат",
        "en": "The form could not be read: a field too long or a malformed body",
    },
    "problem.unsupported-media-type": {
        "ru": "Неподдерживаемый тип содержимого",
        "en": "Unsupported content type",
    },
    "problem.payload-too-large": {"ru": "Запрос слишком большой", "en": "Request too large"},
    "problem.validation": {
        "ru": "Обращение заполнено с ошибками",
        "en": "The appeal has errors",
    },
    "problem.idempotency-conflict": {
        "ru": "Ключ идемпотентности уже использован с другим запросом",
        "en": "Idempotency key already used with another request",
    },
    "problem.rate-limited": {"ru": "Слишком много запросов", "en": "Too many requests"},
    "problem.not-found": {"ru": "Не найдено", "en": "Not found"},
    "problem.method-not-allowed": {"ru": "Метод не поддерживается", "en": "Method not allowed"},
    "problem.unavailable": {"ru": "Сервис временно недоступен", "en": "Service unavailable"},
    "problem.internal": {"ru": "Внутренняя ошибка сервиса", "en": "Internal server error"},
    "problem.bad-parameter": {
        "ru": "Неверные параметры запроса к очереди",
        "en": "Invalid queue request parameters",
    },
    "problem.queue-off": {
        "ru": "Встроенная очередь организации выключена",
        "en": "The organisation's embedded queue is off",
    },
    "problem.metrics-unauthorized": {
        "ru": "Нужен токен доступа к метрикам",
        "en": "A metrics access token is required",
    },
    # problem details
    "detail.key-missing": {
        "ru": "Передайте ключ API в заголовке Authorization: Bearer <ключ>.",
        "en": "Send the API key in the header Authorization: Bearer <key>.",
    },
    "detail.key-unknown": {"ru": "Такого ключа API нет.", "en": "No such API key."},
    "detail.key-revoked": {"ru": "Ключ API отозван.", "en": "The API key has been revoked."},
    "detail.bad-json": {
        "ru": "Не удалось разобрать JSON: {error}.",
        "en": "Could not parse the JSON: {error}.",
    },
    "detail.media-type": {
        "ru": "Отправьте тело как application/json, а не {got}.",
        "en": "Send the body as application/json, not {got}.",
    },
    "detail.too-large": {
        "ru": "Тело запроса больше {limit} байт.",
        "en": "The request body is larger than {limit} bytes.",
    },
    "detail.validation": {
        "ru": "Исправьте поля: {fields}.",
        "en": "Correct these fields: {fields}.",
    },
    "detail.idempotency-conflict": {
        "ru": "Ключ «{key}» уже использован для другого обращения; возьмите новый ключ.",
        "en": "Key '{key}' was already used for another appeal; use a new key.",
    },
    "detail.rate-limited": {
        "ru": "Повторите через {seconds} с.",
        "en": "Try again in {seconds} s.",
    },
    "detail.too-many-streams": {
        "ru": "Открыто слишком много живых лент ({limit}): закройте лишние вкладки консоли.",
        "en": "Too many live streams are open ({limit}): close other console tabs.",
    },
    "detail.tracking-unknown": {
        "ru": "Ссылка для отслеживания недействительна.",
        "en": "The tracking link is not valid.",
    },
    "detail.no-route": {"ru": "Адреса {path} нет.", "en": "There is nothing at {path}."},
    "detail.receipts": {
        "ru": "Передайте список квитанций в поле receipts.",
        "en": "Send a list of receipts in the field receipts.",
    },
    "detail.bad-parameter": {
        "ru": "Исправьте параметры: {names}.",
        "en": "Correct these parameters: {names}.",
    },
    "detail.queue-off": {
        "ru": "Организация «{org}» получает обращения не из встроенной очереди, и сообщений в ней "
        "не осталось. Если ваша система должна забирать их отсюда, попросите администратора "
        "платформы включить встроенную очередь организации.",
        "en": "The organisation '{org}' does not receive its appeals through the embedded queue, "
        "and no messages are left in it. If your system should pull them here, ask the "
        "platform's administrator to turn the organisation's embedded queue on.",
    },
    "detail.metrics-token": {
        "ru": "Передайте токен метрик в заголовке Authorization: Bearer <токен>.",
        "en": "Send the metrics token in the header Authorization: Bearer <token>.",
    },
    "detail.metrics-local": {
        "ru": "Метрики доступны только с этого же узла или по токену (POS_METRICS_TOKEN).",
        "en": "Metrics are served only to this host, or with a token (POS_METRICS_TOKEN).",
    },
    # parameters of the queue API
    "parameter.whole-range": {
        "ru": "{name}: целое число от {low} до {high}.",
        "en": "{name}: a whole number from {low} to {high}.",
    },
    "parameter.number-range": {
        "ru": "{name}: число от {low} до {high}.",
        "en": "{name}: a number from {low} to {high}.",
    },
    "parameter.receipts": {
        "ru": "receipts: список от 1 до {max} квитанций — строк до 64 символов.",
        "en": "receipts: a list of 1 to {max} receipts, strings of up to 64 characters.",
    },
    # field errors
    "field.required": {"ru": "Обязательное поле.", "en": "This field is required."},
    "field.unknown": {"ru": "Неизвестное поле.", "en": "Unknown field."},
    "field.not-object": {
        "ru": "Ожидается JSON-объект.",
        "en": "A JSON object is expected.",
    },
    "field.form-fields": {
        "ru": "Форма пришла с полями, которых в ней нет: откройте страницу заново.",
        "en": "The form came with fields it does not have: open the page again.",
    },
    "field.not-string": {"ru": "Ожидается строка.", "en": "A string is expected."},
    "field.not-number": {"ru": "Ожидается число.", "en": "A number is expected."},
    "field.too-short": {
        "ru": "Не короче {min} символов.",
        "en": "At least {min} characters.",
    },
    "field.too-long": {"ru": "Не длиннее {max} символов.", "en": "At most {max} characters."},
    "field.bad-characters": {
        "ru": "Недопустимые управляющие символы.",
        "en": "Contains control characters that are not allowed.",
    },
    "field.category-unknown": {
        "ru": "Такой категории нет у организации; выберите из справочника.",
        "en": "The organisation has no such category; pick one from its catalogue.",
    },
    "field.kind": {
        "ru": "Тип — «message» (сообщение) или «official» (обращение по 59-ФЗ).",
        "en": "Kind is 'message' or 'official' (an appeal under 59-FZ).",
    },
    "field.consent": {
        "ru": "Нужно согласие на обработку персональных данных (152-ФЗ).",
        "en": "Consent to personal-data processing (152-FZ) is required.",
    },
    "field.lat-range": {
        "ru": "Широта от −90 до 90.",
        "en": "Latitude must be between -90 and 90.",
    },
    "field.lon-range": {
        "ru": "Долгота от −180 до 180.",
        "en": "Longitude must be between -180 and 180.",
    },
    "field.lat-lon-pair": {
        "ru": "Укажите и широту, и долготу.",
        "en": "Give both latitude and longitude.",
    },
    "field.email": {"ru": "Неверный адрес e-mail.", "en": "Not a valid e-mail address."},
    "field.phone": {"ru": "Неверный номер телефона.", "en": "Not a valid phone number."},
    "field.contact-channel": {
        "ru": "Укажите e-mail или телефон, чтобы получить ответ.",
        "en": "Give an e-mail or a phone number to receive the answer.",
    },
    "field.official-address": {
        "ru": "Для обращения по 59-ФЗ укажите почтовый адрес или e-mail для ответа.",
        "en": "An official appeal under 59-FZ needs a postal address or an e-mail for the answer.",
    },
    "field.url": {
        "ru": "Ожидается адрес http(s)://…",
        "en": "An http(s):// URL is expected.",
    },
    # statuses
    "status.accepted": {"ru": "Принято", "en": "Accepted"},
    "status.registered": {"ru": "Зарегистрировано", "en": "Registered"},
    "status.in_progress": {"ru": "В работе", "en": "In progress"},
    "status.forwarded": {
        "ru": "Направлено в компетентный орган",
        "en": "Forwarded to the competent body",
    },
    "status.answered": {"ru": "Дан ответ", "en": "Answered"},
    "status.resolved": {"ru": "Решено", "en": "Resolved"},
    "status.not_resolved": {"ru": "Не решено", "en": "Not resolved"},
    "status.duplicate": {
        "ru": "Объединено с другим обращением",
        "en": "Merged with another appeal",
    },
    "status.rejected": {"ru": "Отклонено", "en": "Rejected"},
    "status.clarifying": {"ru": "Запрошено уточнение", "en": "Clarification requested"},
    "status.not_clarified": {
        "ru": "Закрыто: уточнение не получено",
        "en": "Closed: no clarification received",
    },
    "severity.low": {"ru": "Низкий", "en": "Low"},
    "severity.medium": {"ru": "Средний", "en": "Medium"},
    "severity.high": {"ru": "Высокий", "en": "High"},
    "severity.critical": {"ru": "Критический", "en": "Critical"},
    # problems of the form
    "problem.forbidden": {"ru": "Доступ запрещён", "en": "Forbidden"},
    "problem.form-expired": {"ru": "Форма устарела", "en": "The form has expired"},
    "problem.form-invalid": {"ru": "Форма недействительна", "en": "The form is not valid"},
    "problem.spam": {
        "ru": "Похоже на автоматическую отправку",
        "en": "This looks like an automated submission",
    },
    "detail.org-unknown": {
        "ru": "Организации «{org}» нет на платформе.",
        "en": "There is no organisation '{org}' on the platform.",
    },
    "detail.pos-id-unknown": {
        "ru": "Ни у одной организации на платформе нет номера ПОС {pos_id}.",
        "en": "No organisation on the platform has the ПОС number {pos_id}.",
    },
    # For webmasters and API callers (the problem's detail); citizens read "unavailable.*" and
    # "gone.*" instead.
    "detail.origin-not-allowed": {
        "ru": "Сайт {origin} не может показывать форму организации «{org}».",
        "en": "The site {origin} may not show the form of '{org}'.",
    },
    "detail.cross-origin-post": {
        "ru": "Форму можно отправить только со страницы формы.",
        "en": "The form can only be sent from the form page.",
    },
    "detail.form-expired": {
        "ru": "Форма была открыта слишком давно. Обновите её и отправьте снова — текст сохранится.",
        "en": "The form was opened too long ago. Reload it and send again.",
    },
    "detail.form-invalid": {
        "ru": "Форма повреждена или уже была отправлена. Откройте её заново.",
        "en": "The form is damaged or was already sent. Open it again.",
    },
    "detail.form-other-node": {
        "ru": "Форма была открыта на другом сервере. Обновите форму и отправьте обращение снова.",
        "en": "The form was opened on another server. Reload the form and send it again.",
    },
    "detail.too-fast": {
        "ru": "Форма отправлена слишком быстро. Подождите несколько секунд и отправьте ещё раз.",
        "en": "The form was sent too quickly. Wait a few seconds and send it again.",
    },
    "detail.honeypot": {
        "ru": "Форма заполнена автоматически.",
        "en": "The form was filled in automatically.",
    },
    "field.photos-count": {"ru": "Не больше {max} фотографий.", "en": "At most {max} photos."},
    "field.photo-size": {
        "ru": "Файл «{name}» больше 5 МБ.",
        "en": "The file '{name}' is larger than 5 MB.",
    },
    "field.photo-type": {
        "ru": "Файл «{name}» — не фотография JPEG, PNG или WebP.",
        "en": "The file '{name}' is not a JPEG, PNG or WebP photo.",
    },
}


def _merge(*surfaces: dict[str, dict[str, str]]) -> None:
    for surface in surfaces:
        twice = MESSAGES.keys() & surface.keys()
        if twice:
            raise RuntimeError(f"message keys defined twice: {sorted(twice)}")
        MESSAGES.update(surface)


_merge(
    pages.MESSAGES,
    console.MESSAGES,
    console_log.MESSAGES,
    console_log_reasons.MESSAGES,
    console_register.MESSAGES,
    console_site.MESSAGES,
    console_settings.MESSAGES,
    console_orgs.MESSAGES,
    console_citizen.MESSAGES,
    console_taken.MESSAGES,
    console_appeal.MESSAGES,
    console_board.MESSAGES,
    followup_mail.MESSAGES,
    followup_confirm.MESSAGES,
    followup_identity.MESSAGES,
    followup_tracking.MESSAGES,
    followup_agency.MESSAGES,
    followup_deadlines.MESSAGES,
    open311.MESSAGES,
    api_docs.MESSAGES,
    api_docs_fields.MESSAGES,
    api_docs_open311.MESSAGES,
    api_docs_polls.MESSAGES,
    polls.MESSAGES,
    polls_pages.MESSAGES,
    console_polls.MESSAGES,
)


def negotiate(accept_language: str | None) -> str:
    """The first supported language of an Accept-Language header, else Russian."""
    if not accept_language:
        return DEFAULT_LANGUAGE
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept_language[:ACCEPT_LANGUAGE_READ].split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        ranked.append((-quality, index, tag.strip().lower()[:2]))
    for quality, _, lang in sorted(ranked):
        if quality < 0 and lang in LANGUAGES:
            return lang
    return DEFAULT_LANGUAGE


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **values: object) -> str:
    """The message `key` in `lang` (Russian if missing), with `{name}` fields filled in."""
    entry = MESSAGES[key]
    text = entry.get(lang) or entry[DEFAULT_LANGUAGE]
    return text.format(**values) if values else text
