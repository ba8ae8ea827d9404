"""The console's settings page for an organisation's admins (time zone, public contacts,
categories' default severity, extra questions, routing rules)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "console.nav.settings": {"ru": "Настройки", "en": "Settings"},
    "console.settings.title": {"ru": "Настройки организации", "en": "Organisation settings"},
    "console.settings.pick": {
        "ru": "Выберите организацию, чтобы изменить её настройки.",
        "en": "Choose an organisation to change its settings.",
    },
    "console.settings.general": {"ru": "Часовой пояс и контакты", "en": "Time zone and contacts"},
    "console.settings.timezone": {"ru": "Часовой пояс", "en": "Time zone"},
    "console.settings.timezone-hint": {
        "ru": "В этом поясе консоль и страницы граждан показывают время обращений.",
        "en": "The console and the citizens' pages show appeals' times in this zone.",
    },
    "console.settings.phone": {"ru": "Телефон", "en": "Phone"},
    "console.settings.email": {"ru": "Электронная почта", "en": "E-mail"},
    "console.settings.website": {"ru": "Сайт", "en": "Website"},
    "console.settings.contacts-hint": {
        "ru": "Контакты видит гражданин, когда форма на сайте недоступна. Пустое поле — не показывать.",
        "en": "A citizen sees the contacts when the form is not available on a site. "
        "Leave a field empty to show nothing.",
    },
    "console.settings.save": {"ru": "Сохранить", "en": "Save"},
    "console.settings.categories-hint": {
        "ru": "Выключенную тему форма больше не предлагает. Важность по умолчанию получают "
        "новые обращения этой темы.",
        "en": "The form no longer offers a topic that is off. New appeals of a topic start "
        "with its default severity.",
    },
    "console.settings.severity": {"ru": "Важность по умолчанию", "en": "Default severity"},
    "console.settings.severity-none": {"ru": "не задана", "en": "none"},
    "console.settings.questions": {"ru": "Дополнительные вопросы", "en": "Extra questions"},
    "console.settings.questions-hint": {
        "ru": "Вопросы по теме задаются обращениям через API и Open311. Вопросы со списком "
        "значений добавляются командой pos-intake org attribute.",
        "en": "A topic's questions are asked of its appeals through the API and Open311. "
        "Questions with a list of values are added with pos-intake org attribute.",
    },
    "console.settings.questions-none": {"ru": "Вопросов нет.", "en": "No questions."},
    "console.settings.question-add": {"ru": "Добавить вопрос", "en": "Add a question"},
    "console.settings.question-code": {
        "ru": "Код вопроса (латиница, цифры, _ или -)",
        "en": "Question code (Latin letters, digits, _ or -)",
    },
    "console.settings.question-type": {"ru": "Тип ответа", "en": "Answer type"},
    "console.settings.question-ru": {"ru": "Вопрос по-русски", "en": "Question in Russian"},
    "console.settings.question-en": {"ru": "Вопрос по-английски", "en": "Question in English"},
    "console.settings.required": {"ru": "обязательный", "en": "required"},
    "console.settings.category": {"ru": "Тема", "en": "Topic"},
    "console.settings.remove": {"ru": "Удалить", "en": "Remove"},
    "console.settings.routes": {"ru": "Маршрутизация", "en": "Routing"},
    "console.settings.routes-hint": {
        "ru": "Обращения темы уходят в другую организацию — ту, что отвечает за вопрос.",
        "en": "Appeals of a topic go to another organisation, the one competent for it.",
    },
    "console.settings.routes-none": {
        "ru": "Правил нет: все обращения остаются у организации.",
        "en": "No rules: every appeal stays with the organisation.",
    },
    "console.settings.route-to": {"ru": "Передавать в", "en": "Send to"},
    "console.settings.route-add": {"ru": "Добавить правило", "en": "Add a rule"},
}
