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
}
