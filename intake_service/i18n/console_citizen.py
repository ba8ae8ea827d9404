"""The console's page for a citizen's request about their data (console/citizen_requests.py)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "console.nav.citizen": {"ru": "Запросы граждан", "en": "Citizens' requests"},
    "console.citizen.title": {
        "ru": "Запрос гражданина о его данных",
        "en": "A citizen's request about their data",
    },
    "console.citizen.intro": {
        "ru": "Найдите всё, что хранится о человеке в обращениях ваших организаций, по e-mail, "
        "телефону, номеру обращения или идентификатору Госуслуг; выгрузите архив (ст. 14 "
        "152-ФЗ) или сотрите персональные данные (ст. 21). Каждое действие записывается в журнал.",
        "en": "Find everything held about a person in your organisations' appeals by e-mail, "
        "phone, appeal number or identity provider's subject; download it as an archive "
        "(152-ФЗ art. 14) or erase the personal data (art. 21). Every action is logged.",
    },
    "console.citizen.email": {"ru": "E-mail", "en": "E-mail"},
    "console.citizen.phone": {"ru": "Телефон", "en": "Phone"},
    "console.citizen.number": {"ru": "Номер обращения", "en": "Appeal number"},
    "console.citizen.subject": {
        "ru": "Идентификатор Госуслуг (subject)",
        "en": "Identity provider's subject",
    },
    "console.citizen.subject-hint": {
        "ru": "Если человек входил через Госуслуги и назвал его.",
        "en": "If the person signed in and gave it.",
    },
    "console.citizen.find": {"ru": "Найти", "en": "Find"},
    "console.citizen.give": {
        "ru": "Укажите e-mail, телефон, номер обращения или идентификатор.",
        "en": "Give an e-mail, a phone, an appeal number or a subject.",
    },
    "console.citizen.none": {
        "ru": "В обращениях ваших организаций об этом человеке ничего нет (у обращения, данные "
        "которого уже стёрты, контактов не осталось: его находит только номер).",
        "en": "Nothing is held about this person in your organisations' appeals (an appeal "
        "already erased has no contact left: only its number finds it).",
    },
    "console.citizen.several": {
        "ru": "По этому телефону писали разные люди (имена или e-mail отличаются): уточните "
        "e-mail или номер обращения.",
        "en": "Different people wrote with this phone (names or e-mails differ): add the e-mail "
        "or an appeal number.",
    },
    "console.citizen.found": {"ru": "Найдено обращений: {n}", "en": "Appeals found: {n}"},
    "console.citizen.already": {"ru": "данные уже стёрты", "en": "already erased"},
    "console.citizen.export": {
        "ru": "Выгрузить архив (ZIP)",
        "en": "Download the archive (ZIP)",
    },
    "console.citizen.erase-title": {
        "ru": "Стереть персональные данные",
        "en": "Erase the personal data",
    },
    "console.citizen.erase-what": {
        "ru": "Уйдут имя, контакты, адрес, координаты, фотографии и слова гражданина; "
        "останутся организация, тема, даты, статусы и оценка — для статистики. Системы, "
        "получившие обращение, получат сообщение о стирании. Отменить нельзя.",
        "en": "The name, contacts, address, place, photos and the citizen's own words go; the "
        "organisation, topic, dates, statuses and rating stay, for statistics. Systems that "
        "received the appeal are told. This cannot be undone.",
    },
    "console.citizen.reason": {
        "ru": "Основание (номер запроса гражданина)",
        "en": "Reason (the request's reference)",
    },
    "console.citizen.confirm": {
        "ru": "Да, стереть данные во всех найденных обращениях ({n})",
        "en": "Yes, erase the data of every appeal found ({n})",
    },
    "console.citizen.erase": {"ru": "Стереть", "en": "Erase"},
    "console.citizen.reason-needed": {
        "ru": "Не стёрто: укажите основание.",
        "en": "Nothing erased: give the reason.",
    },
    "console.citizen.confirm-needed": {
        "ru": "Не стёрто: подтвердите стирание галочкой.",
        "en": "Nothing erased: tick the box to confirm.",
    },
    "console.citizen.erased": {
        "ru": "Данные стёрты в обращениях: {n}.",
        "en": "Data erased from appeals: {n}.",
    },
    "console.citizen.erased-one": {"ru": "стёрто", "en": "erased"},
}
