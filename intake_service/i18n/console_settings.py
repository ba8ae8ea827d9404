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
        "ru": "Форма спрашивает их, когда гражданин выбрал тему; API и Open311 принимают ответы "
        "на них. Вопрос с тем же кодом заменяет прежний.",
        "en": "The form asks them once a citizen has chosen the topic; the API and Open311 take "
        "answers to them. A question with the same code replaces the earlier one.",
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
    "console.settings.type.string": {"ru": "Строка", "en": "A line of text"},
    "console.settings.type.text": {"ru": "Текст в несколько строк", "en": "Longer text"},
    "console.settings.type.number": {"ru": "Число", "en": "A number"},
    "console.settings.type.datetime": {"ru": "Дата и время", "en": "Date and time"},
    "console.settings.type.singlevaluelist": {
        "ru": "Один вариант из списка",
        "en": "One value of a list",
    },
    "console.settings.type.multivaluelist": {
        "ru": "Несколько вариантов из списка",
        "en": "Several values of a list",
    },
    "console.settings.values": {"ru": "Варианты ответа", "en": "Values to choose from"},
    "console.settings.values-hint": {
        "ru": "Только для ответа из списка: по одному варианту в строке, «Название» или "
        "«Название | Name» (название по-английски). Код варианта для API составляется из "
        "названия; свой код — «led=Светодиодный». Не больше {max} вариантов.",
        "en": "Only for an answer from a list: one value a line, «Название» or «Название | "
        "Name» (the name in Russian, then in English). The value's code for the API is made "
        "from the name; give your own as «led=Светодиодный». At most {max} values.",
    },
    "console.settings.values-empty": {
        "ru": "Для ответа из списка нужны варианты ответа: впишите их по одному в строке.",
        "en": "An answer from a list needs its values: write them one a line.",
    },
    "console.settings.values-unasked": {
        "ru": "Варианты ответа задаются только для ответа из списка: выберите такой тип или "
        "очистите поле вариантов.",
        "en": "Values are only for an answer from a list: choose such a type or empty the "
        "values box.",
    },
    "console.settings.values-too-many": {
        "ru": "Вариантов {count}, а можно не больше {max}.",
        "en": "There are {count} values; at most {max} are allowed.",
    },
    "console.settings.values-too-long": {
        "ru": "Список вариантов длиннее {max} знаков.",
        "en": "The list of values is longer than {max} characters.",
    },
    "console.settings.values-no-name": {
        "ru": "Строка {line}: нет названия варианта по-русски.",
        "en": "Line {line}: the value has no name in Russian.",
    },
    "console.settings.values-name-long": {
        "ru": "Строка {line}: название длиннее {max} знаков.",
        "en": "Line {line}: a name is longer than {max} characters.",
    },
    "console.settings.values-no-key": {
        "ru": "Строка {line}: из названия не составить код — задайте его сами, например "
        "«led=Светодиодный».",
        "en": "Line {line}: no code can be made from the name; give one, for example "
        "«led=Светодиодный».",
    },
    "console.settings.values-same-key": {
        "ru": "Строка {line}: тот же код варианта, что в строке {other}. Задайте свой, например "
        "«led=Светодиодный».",
        "en": "Line {line}: the same value code as line {other}. Give one of them its own, for "
        "example «led=Светодиодный».",
    },
    "console.settings.values-same-name": {
        "ru": "Строка {line}: тот же вариант, что в строке {other}.",
        "en": "Line {line}: the same value as line {other}.",
    },
}
