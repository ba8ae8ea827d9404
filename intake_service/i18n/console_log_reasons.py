"""The console log's reasons for a refusal in words (console/log_reasons.py): the slugs the
service writes, the fields a validation names and what was wrong with each, and what a rate
limit counted. The log shows the words and keeps the code as a tooltip."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "log.why.bad-password": {"ru": "неверный пароль", "en": "wrong password"},
    "log.why.unknown-user": {"ru": "нет такой учётной записи", "en": "no such account"},
    "log.why.disabled": {"ru": "учётная запись отключена", "en": "the account is disabled"},
    "log.why.throttled": {
        "ru": "слишком много попыток входа",
        "en": "too many sign-in attempts",
    },
    "log.why.service-unknown": {
        "ru": "неизвестная услуга (тема) Open311",
        "en": "unknown Open311 service (topic)",
    },
    "log.why.not-admin": {
        "ru": "действие доступно только администратору",
        "en": "only an administrator may do this",
    },
    "log.why.no-route": {"ru": "нет такой страницы", "en": "no such page"},
    "log.why.not-found": {"ru": "нет такой страницы", "en": "no such page"},
    "log.why.appeal-unknown": {"ru": "нет такого обращения", "en": "no such appeal"},
    "log.why.org-unknown": {"ru": "нет такой организации", "en": "no such organisation"},
    "log.why.pos-id-unknown": {
        "ru": "баннер ПОС с номером, которого нет ни у одной организации",
        "en": "a ПОС banner with a number no organisation has",
    },
    "log.why.tracking-erased": {
        "ru": "обращение с уже стёртыми данными",
        "en": "an appeal whose data is erased",
    },
    "log.why.tracking": {"ru": "ссылка на обращение не подходит", "en": "a bad tracking link"},
    "log.why.token": {"ru": "форма недействительна", "en": "the form is not valid"},
    "log.why.confirm": {
        "ru": "ссылка подтверждения не подходит",
        "en": "a bad confirmation link",
    },
    "log.why.photo-unknown": {"ru": "нет такой фотографии", "en": "no such photo"},
    "log.why.request-unknown": {"ru": "нет такой заявки Open311", "en": "no such Open311 request"},
    "log.why.jurisdiction": {
        "ru": "неизвестная юрисдикция Open311",
        "en": "unknown Open311 jurisdiction",
    },
    "log.why.open311-format": {
        "ru": "формат ответа Open311 не поддерживается",
        "en": "Open311 format not supported",
    },
    "log.why.reply": {"ru": "ответ ведомства не принят", "en": "the agency's reply was refused"},
    "log.why.bad-form": {"ru": "форма заполнена неверно", "en": "the form was not valid"},
    "log.why.unavailable": {"ru": "сервис был недоступен", "en": "the service was unavailable"},
    "log.why.signin-off": {"ru": "вход отключён", "en": "sign-in is off"},
    "log.why.contact-not-yours": {
        "ru": "контакт принадлежит другому человеку",
        "en": "the contact belongs to someone else",
    },
    "log.why.audit-admins-only": {
        "ru": "журнал аудита доступен только администраторам",
        "en": "the audit log is for administrators only",
    },
    "log.why.metrics-not-local": {
        "ru": "метрики доступны только изнутри",
        "en": "metrics are for local requests only",
    },
    # the fields a validation names
    "log.field.category": {"ru": "тема", "en": "topic"},
    "log.field.text": {"ru": "текст", "en": "text"},
    "log.field.kind": {"ru": "вид обращения", "en": "kind"},
    "log.field.address": {"ru": "адрес", "en": "address"},
    "log.field.lat": {"ru": "широта", "en": "latitude"},
    "log.field.lon": {"ru": "долгота", "en": "longitude"},
    "log.field.contact": {"ru": "контакты", "en": "contact"},
    "log.field.contact.email": {"ru": "эл. почта", "en": "e-mail"},
    "log.field.contact.phone": {"ru": "телефон", "en": "phone"},
    "log.field.contact.name": {"ru": "имя", "en": "name"},
    "log.field.consent": {"ru": "согласие на обработку данных", "en": "consent"},
    "log.field.page_url": {"ru": "адрес страницы", "en": "page address"},
    "log.field.media_url": {"ru": "ссылка на фото", "en": "media link"},
    "log.field.photos": {"ru": "фотографии", "en": "photos"},
    "log.field.attributes": {"ru": "дополнительные вопросы", "en": "extra questions"},
    # what was wrong with a field
    "log.check.required": {"ru": "не заполнено", "en": "missing"},
    "log.check.too-long": {"ru": "слишком длинно", "en": "too long"},
    "log.check.too-short": {"ru": "слишком коротко", "en": "too short"},
    "log.check.email": {"ru": "неверный адрес почты", "en": "not an e-mail address"},
    "log.check.phone": {"ru": "неверный номер", "en": "not a phone number"},
    "log.check.url": {"ru": "неверная ссылка", "en": "not a web address"},
    "log.check.category-unknown": {"ru": "нет такой темы", "en": "no such topic"},
    "log.check.not-string": {"ru": "не текст", "en": "not text"},
    "log.check.not-number": {"ru": "не число", "en": "not a number"},
    "log.check.not-object": {"ru": "неверный формат", "en": "wrong format"},
    "log.check.bad-characters": {"ru": "недопустимые символы", "en": "characters not allowed"},
    "log.check.consent": {"ru": "нет согласия", "en": "not given"},
    "log.check.unknown": {"ru": "неизвестное поле", "en": "unknown field"},
    # what a rate limit counted
    "log.limit.key": {"ru": "по ключу API", "en": "per API key"},
    "log.limit.address": {"ru": "с одного адреса", "en": "per address"},
    "log.limit.org": {"ru": "по организации", "en": "per organisation"},
    "log.limit.live-session": {
        "ru": "слишком много открытых живых журналов в одном сеансе",
        "en": "too many live logs open in one session",
    },
    "log.limit.live-address": {
        "ru": "слишком много живых журналов с одного адреса",
        "en": "too many live logs from one address",
    },
}
