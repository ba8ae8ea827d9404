"""The console's page for appeals taken by phone, letter or visit, the channels' words, and the
appeal page's list of similar appeals."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # how an appeal came (appeals.channel): the appeal page's words and the register's
    "console.appeal.channel.phone": {"ru": "Телефон", "en": "Phone"},
    "console.appeal.channel.letter": {"ru": "Письмо", "en": "Letter"},
    "console.appeal.channel.visit": {"ru": "Личный приём", "en": "Visit in person"},
    "stats.channel.phone": {"ru": "Телефон", "en": "Phone"},
    "stats.channel.letter": {"ru": "Письмо", "en": "Letter"},
    "stats.channel.visit": {"ru": "Личный приём", "en": "Visit in person"},
    # the channels the day counts keep no column for (the form's own page, a repeat)
    "stats.channel.other": {"ru": "Другие каналы", "en": "Other channels"},
    "field.contact-postal": {
        "ru": "Укажите e-mail, телефон или почтовый адрес, чтобы заявитель получил ответ.",
        "en": "Give an e-mail, a phone number or a postal address to answer to.",
    },
    "console.appeal.contact.postal": {"ru": "Почтовый адрес", "en": "Postal address"},
    "console.appeal.taken-by": {"ru": "Принял", "en": "Taken by"},
    "console.appeal.done.taken": {
        "ru": "Обращение зарегистрировано.",
        "en": "The appeal is registered.",
    },
    # the page
    "taken.link": {"ru": "Принять обращение", "en": "Take an appeal"},
    "taken.title": {
        "ru": "Обращение по телефону, письмом или на приёме",
        "en": "An appeal by phone, letter or in person",
    },
    "taken.intro": {
        "ru": "Зарегистрируйте обращение со слов или из письма заявителя. Оно получит номер и "
        "сроки, как поданное через сайт; вы будете записаны как принявший его.",
        "en": "Register an appeal as the citizen told it or wrote it. It gets a number and "
        "deadlines as one filed on the website does; you are recorded as the one who took it.",
    },
    "taken.failed": {
        "ru": "Обращение не зарегистрировано — исправьте отмеченные поля:",
        "en": "The appeal is not registered — correct the fields marked:",
    },
    "taken.org": {"ru": "Организация", "en": "Organisation"},
    "taken.org-unknown": {
        "ru": "Выберите организацию из списка.",
        "en": "Choose an organisation from the list.",
    },
    "taken.channel": {"ru": "Как поступило", "en": "How it came"},
    "taken.channel-unknown": {
        "ru": "Выберите, как поступило обращение.",
        "en": "Choose how the appeal came.",
    },
    "taken.kind": {"ru": "Вид обращения", "en": "Kind of appeal"},
    "taken.kind.message": {"ru": "Сообщение", "en": "Message"},
    "taken.kind.official": {
        "ru": "Официальное обращение (59-ФЗ), письменное",
        "en": "Official appeal (59-FZ), in writing",
    },
    "taken.kind.hint": {
        "ru": "Официальное обращение регистрируется по письму: нужны фамилия, имя, отчество "
        "(при наличии) и почтовый адрес или e-mail для ответа; срок ответа — 30 дней.",
        "en": "An official appeal is registered from a letter: it needs the surname, first "
        "name, patronymic (if any) and a postal address or an e-mail for the answer; it is "
        "answered within 30 days.",
    },
    "taken.official-letter": {
        "ru": "Официальное обращение по 59-ФЗ регистрируется только по письму.",
        "en": "An official appeal under 59-FZ is registered from a letter only.",
    },
    "taken.category": {"ru": "Тема", "en": "Topic"},
    "taken.category.choose": {"ru": "— выберите тему —", "en": "— choose a topic —"},
    "taken.text": {"ru": "Текст обращения", "en": "The appeal's text"},
    "taken.text.hint": {
        "ru": "Как сказал или написал заявитель, не короче 10 символов.",
        "en": "As the citizen said or wrote it, at least 10 characters.",
    },
    "taken.address": {"ru": "Адрес проблемы", "en": "Where the problem is"},
    "taken.contact": {"ru": "Контакты заявителя", "en": "The citizen's contact"},
    "taken.contact.hint": {
        "ru": "Что заявитель сообщил о себе: для сообщения достаточно имени и одного способа "
        "связи. На e-mail придёт номер обращения и ответ.",
        "en": "What the citizen gave: a message needs a name and one way to reach them. An "
        "e-mail gets the appeal's number and the answer.",
    },
    "taken.surname": {"ru": "Фамилия", "en": "Surname"},
    "taken.first_name": {"ru": "Имя", "en": "First name"},
    "taken.patronymic": {"ru": "Отчество (при наличии)", "en": "Patronymic (if any)"},
    "taken.phone": {"ru": "Телефон", "en": "Phone"},
    "taken.email": {"ru": "E-mail", "en": "E-mail"},
    "taken.postal": {"ru": "Почтовый адрес для ответа", "en": "Postal address for the answer"},
    "taken.consent": {
        "ru": "Заявитель согласился на обработку персональных данных (152-ФЗ)",
        "en": "The citizen agreed to the processing of personal data (152-FZ)",
    },
    "taken.submit": {"ru": "Зарегистрировать", "en": "Register"},
    "taken.again": {
        "ru": "Это обращение уже зарегистрировано: номер {number}.",
        "en": "This appeal is registered already: number {number}.",
    },
    "taken.conflict": {
        "ru": "Форма уже отправлена с другими данными. Откройте страницу заново.",
        "en": "This form was sent already with other details. Open the page again.",
    },
    "taken.unavailable": {
        "ru": "Сервис сейчас не может сохранить обращение. Попробуйте ещё раз через минуту.",
        "en": "The service cannot store the appeal now. Try again in a minute.",
    },
    # similar appeals on the appeal's page
    "similar.title": {"ru": "Похожие обращения", "en": "Similar appeals"},
    "similar.hint": {
        "ru": "За 30 дней: та же тема в пределах 200 м или по тому же адресу, или похожий текст.",
        "en": "Within 30 days: the same topic within 200 m or at the same address, "
        "or a similar text.",
    },
    "similar.similar-text": {"ru": "похожий текст", "en": "similar text"},
    "similar.none": {"ru": "Похожих обращений нет.", "en": "No similar appeals."},
    "similar.distance": {"ru": "{metres} м", "en": "{metres} m"},
    "similar.same-address": {"ru": "тот же адрес", "en": "same address"},
    "similar.mark": {"ru": "Отметить дубликатом", "en": "Mark as a duplicate"},
    "similar.mark.label": {
        "ru": "Отметить это обращение дубликатом {number}",
        "en": "Mark this appeal as a duplicate of {number}",
    },
}
