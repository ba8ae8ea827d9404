"""The console's organisations page for platform admins: the tree, its search, what each
organisation has received, and the form that adds or edits one."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "console.nav.orgs": {"ru": "Организации", "en": "Organisations"},
    "console.orgs.title": {"ru": "Организации", "en": "Organisations"},
    "console.orgs.intro": {
        "ru": "Все организации платформы деревом: под каждой — подчинённые. «Обращений не было» "
        "— вероятнее всего, код кнопки ещё не вставлен на сайт организации.",
        "en": "Every organisation of the platform as a tree, each with those below it. "
        "“No appeals yet” most likely means the badge's code is not on the organisation's "
        "site yet.",
    },
    "console.orgs.search": {"ru": "Найти", "en": "Search"},
    "console.orgs.search-label": {
        "ru": "Название, код (slug), ОКТМО или номер ПОС",
        "en": "Name, slug, ОКТМО or ПОС id",
    },
    "console.orgs.never-filter": {
        "ru": "Только те, кому обращений не было",
        "en": "Only those with no appeals yet",
    },
    "console.orgs.reset": {"ru": "Показать все", "en": "Show all"},
    "console.orgs.add": {"ru": "Добавить организацию", "en": "Add an organisation"},
    "console.orgs.add-child": {"ru": "Добавить подчинённую", "en": "Add one below"},
    "console.orgs.edit": {"ru": "Изменить", "en": "Edit"},
    "console.orgs.count": {
        "ru": "Найдено: {found} из {total}. Без обращений: {never}.",
        "en": "Found: {found} of {total}. With no appeals yet: {never}.",
    },
    "console.orgs.nothing": {
        "ru": "Ничего не найдено.",
        "en": "Nothing found.",
    },
    "console.orgs.ancestor": {
        "ru": "(показана как вышестоящая)",
        "en": "(shown as a parent of a match)",
    },
    "console.orgs.children": {"ru": "подчинённых: {n}", "en": "below it: {n}"},
    "console.orgs.never": {"ru": "Обращений не было", "en": "No appeals yet"},
    "console.orgs.received": {
        "ru": "Обращений: {n}, последнее {day}",
        "en": "Appeals: {n}, the last on {day}",
    },
    "console.orgs.slug": {"ru": "Код (slug)", "en": "Slug"},
    "console.orgs.name": {"ru": "Название", "en": "Name"},
    "console.orgs.parent": {"ru": "Вышестоящая организация", "en": "Parent organisation"},
    "console.orgs.no-parent": {"ru": "— нет (верхний уровень) —", "en": "— none (top level) —"},
    "console.orgs.pos-id": {"ru": "Номер ПОС", "en": "ПОС id"},
    "console.orgs.oktmo": {"ru": "ОКТМО", "en": "ОКТМО"},
    "console.orgs.timezone": {"ru": "Часовой пояс", "en": "Time zone"},
    "console.orgs.origins": {"ru": "Разрешённые адреса сайтов", "en": "Allowed site addresses"},
    "console.orgs.none": {"ru": "нет", "en": "none"},
    "console.orgs.phone": {"ru": "Телефон", "en": "Phone"},
    "console.orgs.email": {"ru": "Электронная почта", "en": "E-mail"},
    "console.orgs.website": {"ru": "Сайт", "en": "Website"},
    "console.orgs.new-title": {"ru": "Новая организация", "en": "New organisation"},
    "console.orgs.edit-title": {"ru": "Организация {name}", "en": "Organisation {name}"},
    "console.orgs.slug-hint": {
        "ru": "Латинские строчные буквы, цифры и дефис, например mo-manturovo. "
        "Потом не меняется: его называет код кнопки на сайтах.",
        "en": "Lower-case Latin letters, digits and hyphens, e.g. mo-manturovo. It cannot be "
        "changed later: the badge's code on the sites names it.",
    },
    "console.orgs.slug-fixed": {
        "ru": "Код не меняется: его называет код кнопки на сайтах.",
        "en": "The slug stays: the badge's code on the sites names it.",
    },
    "console.orgs.origins-hint": {
        "ru": "По одному на строку, например https://manturovo.ru или https://*.manturovo.ru",
        "en": "One a line, e.g. https://manturovo.ru or https://*.manturovo.ru",
    },
    "console.orgs.timezone-hint": {
        "ru": "Имя из базы IANA, например Europe/Moscow; пусто — Europe/Moscow.",
        "en": "An IANA name such as Europe/Moscow; empty: Europe/Moscow.",
    },
    "console.orgs.oktmo-hint": {
        "ru": "8 цифр для муниципального образования, 11 — для поселения.",
        "en": "8 digits for a municipality, 11 for a settlement.",
    },
    "console.orgs.pos-id-hint": {
        "ru": 'Число из вызова старого виджета: Widget("https://pos.gosuslugi.ru/form", 224510).',
        "en": "The number the old widget is called with: "
        'Widget("https://pos.gosuslugi.ru/form", 224510).',
    },
    "console.orgs.failed": {
        "ru": "Не сохранено — исправьте отмеченные поля.",
        "en": "Not saved: correct the fields marked.",
    },
    "console.orgs.save": {"ru": "Сохранить", "en": "Save"},
    "console.orgs.create": {"ru": "Добавить", "en": "Add"},
    "console.orgs.back": {"ru": "К списку организаций", "en": "Back to the organisations"},
    "console.orgs.done-added": {"ru": "Организация добавлена.", "en": "Organisation added."},
    "console.orgs.done-saved": {"ru": "Сохранено.", "en": "Saved."},
    # why a field is refused (console/orgs_queries.py): the rule in words, with what was typed
    "console.orgs.bad.slug": {
        "ru": "Код «{value}» не подходит: от 2 до 40 строчных латинских букв, цифр и дефисов, "
        "например mo-manturovo (код all занят).",
        "en": "The code '{value}' will not do: 2 to 40 lower-case Latin letters, digits and "
        "hyphens, e.g. mo-manturovo (all is reserved).",
    },
    "console.orgs.bad.slug-taken": {
        "ru": "Организация с кодом «{value}» уже есть.",
        "en": "There already is an organisation '{value}'.",
    },
    "console.orgs.bad.name": {
        "ru": "Укажите название организации обычным текстом, не длиннее 300 знаков.",
        "en": "Give the organisation a name in plain text, up to 300 characters.",
    },
    "console.orgs.bad.origins-many": {
        "ru": "Не больше {max} адресов, по одному на строку.",
        "en": "At most {max} addresses, one a line.",
    },
    "console.orgs.bad.origins": {
        "ru": "Адрес «{value}» не подходит. Пишите адрес сайта без пути: https://manturovo.ru, "
        "https://*.manturovo.ru (все поддомены) или http://localhost:8080; звёздочка не может "
        "стоять прямо перед .ru или другим общим доменом.",
        "en": "The address '{value}' will not do. Write the site's address without a path: "
        "https://manturovo.ru, https://*.manturovo.ru (every subdomain) or "
        "http://localhost:8080; a star cannot stand right before .ru or another public suffix.",
    },
    "console.orgs.bad.timezone": {
        "ru": "Часового пояса «{value}» нет: выберите из списка, например Europe/Moscow, "
        "Europe/Samara или Asia/Yekaterinburg.",
        "en": "There is no time zone '{value}': pick one from the list, e.g. Europe/Moscow, "
        "Europe/Samara or Asia/Yekaterinburg.",
    },
    "console.orgs.bad.phone": {
        "ru": "Телефон «{value}» не подходит: цифры, пробелы, скобки и дефисы, например "
        "+7 (49442) 2-12-34.",
        "en": "The phone '{value}' will not do: digits, spaces, brackets and hyphens, e.g. "
        "+7 (49442) 2-12-34.",
    },
    "console.orgs.bad.email": {
        "ru": "Адрес почты «{value}» не подходит: например priemnaya@manturovo.ru.",
        "en": "The e-mail '{value}' will not do: e.g. priemnaya@manturovo.ru.",
    },
    "console.orgs.bad.website": {
        "ru": "Сайт «{value}» не подходит: полный адрес с https://, например https://manturovo.ru.",
        "en": "The website '{value}' will not do: a whole address with https://, e.g. "
        "https://manturovo.ru.",
    },
    "console.orgs.bad.oktmo": {
        "ru": "ОКТМО «{value}» не подходит: 8 цифр (34714000) или 11 (34714000001).",
        "en": "The ОКТМО code '{value}' will not do: 8 digits (34714000) or 11 (34714000001).",
    },
    "console.orgs.bad.pos_id": {
        "ru": "Номер ПОС «{value}» не подходит: целое положительное число до 12 цифр, например "
        "224510.",
        "en": "The ПОС number '{value}' will not do: a positive whole number of up to 12 "
        "digits, e.g. 224510.",
    },
    "console.orgs.bad.pos-taken": {
        "ru": "Номер ПОС {value} уже у организации {holder}: сначала уберите его там.",
        "en": "The ПОС number {value} already belongs to {holder}: remove it there first.",
    },
    "console.orgs.bad.parent-missing": {
        "ru": "Организации «{value}» нет.",
        "en": "There is no organisation '{value}'.",
    },
    "console.orgs.bad.parent-self": {
        "ru": "Организация не может быть вышестоящей для самой себя.",
        "en": "An organisation cannot be above itself.",
    },
    "console.orgs.bad.parent-circle": {
        "ru": "Так организации замкнутся в круг: {chain}.",
        "en": "The organisations would go round in a circle: {chain}.",
    },
    "console.orgs.bad.form": {
        "ru": "Не сохранено: организацию только что изменили в другом месте. Откройте форму заново.",
        "en": "Not saved: the organisation was changed elsewhere just now. Open the form again.",
    },
}
