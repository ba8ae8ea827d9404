"""The console's page of one appeal, its handling, the answer templates, and what the citizen's
tracking page adds for a handled appeal."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "console.nav.templates": {"ru": "Шаблоны ответов", "en": "Answer templates"},
    "console.appeal.title": {"ru": "Обращение {number}", "en": "Appeal {number}"},
    "console.appeal.facts": {"ru": "Сведения", "en": "Details"},
    "console.appeal.status": {"ru": "Статус", "en": "Status"},
    "console.appeal.kind": {"ru": "Вид", "en": "Kind"},
    "console.appeal.kind.message": {"ru": "Сообщение", "en": "Message"},
    "console.appeal.kind.official": {
        "ru": "Официальное обращение (59-ФЗ)",
        "en": "Official appeal (59-FZ)",
    },
    "console.appeal.category": {"ru": "Тема", "en": "Topic"},
    "console.appeal.severity": {"ru": "Важность", "en": "Severity"},
    "console.appeal.severity.none": {"ru": "не задана", "en": "not set"},
    "console.appeal.assignee": {"ru": "Исполнитель", "en": "Assignee"},
    "console.appeal.nobody": {"ru": "не назначен", "en": "nobody"},
    "console.appeal.created": {"ru": "Поступило", "en": "Received"},
    "console.appeal.org": {"ru": "Адресат", "en": "To"},
    "console.appeal.reason": {
        "ru": "Причина (видна заявителю)",
        "en": "Reason (the citizen sees it)",
    },
    "console.appeal.duplicate-of": {"ru": "Дубликат обращения", "en": "Duplicate of"},
    "console.appeal.duplicates": {"ru": "Его дубликаты", "en": "Its duplicates"},
    "console.appeal.text": {"ru": "Текст", "en": "Text"},
    "console.appeal.address": {"ru": "Адрес", "en": "Address"},
    "console.appeal.point": {"ru": "Точка", "en": "Point"},
    "console.appeal.map": {
        "ru": "Открыть на карте OpenStreetMap (новая вкладка)",
        "en": "Open on OpenStreetMap (new tab)",
    },
    "console.appeal.photos": {"ru": "Фотографии", "en": "Photos"},
    "console.appeal.photo": {"ru": "Фотография {n}", "en": "Photo {n}"},
    "console.appeal.contact": {"ru": "Контакт заявителя", "en": "The citizen's contact"},
    "console.appeal.contact.show": {"ru": "Показать контакт", "en": "Show contact"},
    "console.appeal.contact.hint": {
        "ru": "Каждый просмотр контакта записывается в журнал.",
        "en": "Every view of the contact is recorded in the log.",
    },
    "console.appeal.contact.hidden": {
        "ru": "Контакт виден только операторам организации-адресата.",
        "en": "Only the addressed organisation's operators see the contact.",
    },
    "console.appeal.contact.name": {"ru": "Имя", "en": "Name"},
    "console.appeal.contact.surname": {"ru": "Фамилия", "en": "Surname"},
    "console.appeal.contact.first_name": {"ru": "Имя", "en": "First name"},
    "console.appeal.contact.patronymic": {"ru": "Отчество", "en": "Patronymic"},
    "console.appeal.contact.email": {"ru": "E-mail", "en": "E-mail"},
    "console.appeal.contact.phone": {"ru": "Телефон", "en": "Phone"},
    "console.appeal.source": {"ru": "Откуда", "en": "Source"},
    "console.appeal.origin-org": {"ru": "Организация сайта", "en": "Site's organisation"},
    "console.appeal.embed-origin": {"ru": "Сайт", "en": "Site"},
    "console.appeal.page-url": {"ru": "Страница", "en": "Page"},
    "console.appeal.loader": {"ru": "Версия загрузчика", "en": "Loader version"},
    "console.appeal.channel": {"ru": "Канал", "en": "Channel"},
    # how an appeal came (appeals.channel), in words
    "console.appeal.channel.form": {"ru": "Форма на сайте", "en": "Website form"},
    "console.appeal.channel.page": {
        "ru": "Страница обращения сервиса",
        "en": "The service's own appeal page",
    },
    "console.appeal.channel.api": {"ru": "API", "en": "API"},
    "console.appeal.channel.open311": {"ru": "Open311 (приложение)", "en": "Open311 (an app)"},
    "console.appeal.channel.repeat": {
        "ru": "Повторное обращение со страницы отслеживания",
        "en": "A repeat appeal from the tracking page",
    },
    # where an appeal goes (the outbox's sinks), in words
    "console.appeal.sink.embedded": {
        "ru": "Очередь для системы организации",
        "en": "The organisation's system's queue",
    },
    "console.appeal.sink.mail": {"ru": "Письмо заявителю", "en": "E-mail to the citizen"},
    "console.appeal.sink.webhook": {"ru": "Веб-хук № {number}", "en": "Webhook no. {number}"},
    "console.appeal.sink.rabbitmq": {
        "ru": "Очередь RabbitMQ № {number}",
        "en": "RabbitMQ exchange no. {number}",
    },
    "console.appeal.sink.removed": {
        "ru": "Получатель № {number} (удалён)",
        "en": "Sink no. {number} (removed)",
    },
    "console.appeal.name-placeholder": {"ru": "‹имя заявителя›", "en": "‹the citizen's name›"},
    "console.appeal.greeting-placeholder": {
        "ru": "‹обращение к заявителю›",
        "en": "‹the greeting to the citizen›",
    },
    "console.appeal.answer": {"ru": "Ответ заявителю", "en": "Answer to the citizen"},
    "console.appeal.answered-at": {"ru": "Ответ дан", "en": "Answered"},
    "console.appeal.deliveries": {"ru": "Передача", "en": "Forwarding"},
    "console.appeal.sink": {"ru": "Получатель", "en": "Sink"},
    "console.appeal.state": {"ru": "Состояние", "en": "State"},
    "console.appeal.attempts": {"ru": "Попытки", "en": "Attempts"},
    "console.appeal.last-error": {"ru": "Последняя ошибка", "en": "Last error"},
    "console.appeal.no-deliveries": {
        "ru": "Обращение никуда не передаётся.",
        "en": "The appeal is forwarded nowhere.",
    },
    "console.appeal.state.pending": {"ru": "ожидает", "en": "waiting"},
    "console.appeal.state.inflight": {"ru": "выдано получателю", "en": "handed out"},
    "console.appeal.state.failed": {"ru": "ошибка, будет повтор", "en": "failed, will retry"},
    "console.appeal.state.done": {"ru": "подтверждено", "en": "confirmed"},
    "console.appeal.state.dead": {"ru": "не доставлено", "en": "gave up"},
    "console.appeal.state.expired": {"ru": "не забрано вовремя", "en": "expired"},
    "console.appeal.state.withdrawn": {
        "ru": "отозвано: передано другой организации",
        "en": "withdrawn: forwarded elsewhere",
    },
    "console.appeal.history": {"ru": "История", "en": "History"},
    "console.appeal.when": {"ru": "Когда", "en": "When"},
    "console.appeal.event": {"ru": "Событие", "en": "Event"},
    "console.appeal.who": {"ru": "Кто", "en": "Who"},
    "console.appeal.details": {"ru": "Подробности", "en": "Details"},
    "console.appeal.handling": {"ru": "Работа с обращением", "en": "Handling"},
    "console.appeal.move": {"ru": "Сменить статус", "en": "Change status"},
    "console.appeal.move.to": {"ru": "Статус", "en": "Status"},
    "console.appeal.move.current": {"ru": "{status} (сейчас)", "en": "{status} (now)"},
    "console.appeal.reason.hint": {
        "ru": "Пишется при смене статуса. Заявитель прочтёт её на странице отслеживания и в "
        "письме. Чтобы отклонить обращение, она обязательна.",
        "en": "Goes with a change of status. The citizen reads it on the tracking page and in "
        "the e-mail. A rejection must have one.",
    },
    "console.appeal.panel.hint": {
        "ru": "Поля заполнены так, как обращение стоит сейчас: в историю попадёт только то, что "
        "вы измените.",
        "en": "The fields show the appeal as it stands: only what you change goes into the "
        "history.",
    },
    "console.appeal.draft-restored": {
        "ru": "Восстановлен текст, который вы набрали здесь раньше и не сохранили.",
        "en": "Restored what you typed here earlier and did not save.",
    },
    "console.appeal.other": {"ru": "Другие действия", "en": "Other actions"},
    "console.appeal.move.none": {
        "ru": "Из этого статуса нет других переходов.",
        "en": "No other moves from this status.",
    },
    "console.appeal.note": {"ru": "Внутренняя заметка", "en": "Internal note"},
    "console.appeal.note.hint": {
        "ru": "Заявитель её не увидит.",
        "en": "The citizen never sees it.",
    },
    "console.appeal.note.add": {"ru": "Добавить заметку", "en": "Add note"},
    "console.appeal.save": {"ru": "Сохранить", "en": "Save"},
    "console.appeal.assign": {"ru": "Назначить", "en": "Assign"},
    "console.appeal.assign.me": {"ru": "мне", "en": "me"},
    "console.appeal.assign.nobody": {"ru": "— никому —", "en": "— nobody —"},
    "console.appeal.assign.gone": {"ru": "{email} (отключён)", "en": "{email} (disabled)"},
    "console.appeal.duplicate": {"ru": "Отметить как дубликат", "en": "Mark as duplicate"},
    "console.appeal.duplicate.number": {
        "ru": "Номер исходного обращения",
        "en": "Number of the original appeal",
    },
    "console.appeal.duplicate.hint": {
        "ru": "Заявитель будет видеть статус и ответ исходного обращения.",
        "en": "The citizen will see the original's status and answer.",
    },
    "console.appeal.reply": {"ru": "Ответить заявителю", "en": "Answer the citizen"},
    "console.appeal.reply.template": {"ru": "Шаблон", "en": "Template"},
    "console.appeal.reply.no-template": {"ru": "— без шаблона —", "en": "— no template —"},
    "console.appeal.reply.use": {"ru": "Подставить шаблон", "en": "Use template"},
    "console.appeal.reply.text": {"ru": "Текст ответа", "en": "Answer"},
    "console.appeal.reply.hint": {
        "ru": "Ответ сразу появится на странице отслеживания. {number} и {name} заменяются "
        "номером обращения и именем заявителя, {greeting} — обращением по имени: «Уважаемая "
        "Анна Сергеевна!», «Уважаемый Иван Петрович!» или «Здравствуйте!».",
        "en": "The answer shows on the tracking page at once. {number} and {name} become the "
        "appeal's number and the citizen's name, {greeting} a greeting by name in Russian: "
        "«Уважаемая Анна Сергеевна!», «Уважаемый Иван Петрович!» or «Здравствуйте!».",
    },
    "console.appeal.reply.send": {"ru": "Отправить ответ", "en": "Send answer"},
    "console.appeal.reply.optional": {
        "ru": "Оставьте поле пустым, если отвечать пока не нужно. Отправленный ответ переводит "
        "обращение в статус «Дан ответ».",
        "en": "Leave it empty when there is nothing to answer yet. A sent answer moves the "
        "appeal to 'Answered'.",
    },
    "console.appeal.reply.name": {
        "ru": "{name} в тексте — имя заявителя: оно будет подставлено в письме и на странице "
        "отслеживания.",
        "en": "{name} in the text is the citizen's name: it is filled in in the e-mail and on "
        "the tracking page.",
    },
    "console.appeal.again": {"ru": "Отправить ещё один ответ", "en": "Send another answer"},
    "console.appeal.again.hint": {
        "ru": "Ответ уже отправлен {when}. Новый заменит его на странице отслеживания, "
        "и заявитель получит ещё одно письмо.",
        "en": "An answer was sent {when}. A new one replaces it on the tracking page, and the "
        "citizen gets another e-mail.",
    },
    "console.appeal.reply.not-now": {
        "ru": "Из статуса «{status}» ответить нельзя: сначала верните обращение в работу.",
        "en": "No answer from the status '{status}': move the appeal back into progress first.",
    },
    "console.appeal.templates.manage": {"ru": "Шаблоны ответов", "en": "Answer templates"},
    "console.appeal.done.status": {"ru": "Статус изменён.", "en": "Status changed."},
    "console.appeal.done.handle": {"ru": "Сохранено.", "en": "Saved."},
    "console.appeal.done.nothing": {
        "ru": "Изменений нет: форма сохранена без правок.",
        "en": "Nothing changed: the form was saved as it stood.",
    },
    "console.appeal.done.assign": {"ru": "Исполнитель изменён.", "en": "Assignee changed."},
    "console.appeal.done.severity": {"ru": "Важность изменена.", "en": "Severity changed."},
    "console.appeal.done.note": {"ru": "Заметка добавлена.", "en": "Note added."},
    "console.appeal.done.duplicate": {
        "ru": "Обращение отмечено как дубликат.",
        "en": "The appeal is marked as a duplicate.",
    },
    "console.appeal.done.answer": {
        "ru": "Ответ отправлен заявителю.",
        "en": "The answer is sent to the citizen.",
    },
    # the events of an appeal's history, as operators read them
    "console.event.accepted": {"ru": "Принято", "en": "Accepted"},
    "console.event.delivered": {"ru": "Выдано из очереди", "en": "Handed out"},
    "console.event.forwarded": {"ru": "Передано", "en": "Forwarded"},
    "console.event.acked": {"ru": "Подтверждено получателем", "en": "Acknowledged"},
    "console.event.failed": {"ru": "Ошибка передачи", "en": "Forwarding failed"},
    "console.event.dead": {"ru": "Передача прекращена", "en": "Forwarding gave up"},
    "console.event.expired": {"ru": "Не забрано из очереди", "en": "Expired in the queue"},
    "console.event.withdrawn": {
        "ru": "Отозвано из очереди: передано другой организации",
        "en": "Withdrawn from the queue: forwarded elsewhere",
    },
    "console.event.erased": {
        "ru": "Персональные данные удалены",
        "en": "Personal data erased",
    },
    "console.event.citizen_exported": {
        "ru": "Данные гражданина выгружены",
        "en": "Citizen's data exported",
    },
    "console.event.status": {"ru": "Статус", "en": "Status"},
    "console.event.answered": {"ru": "Ответ", "en": "Answer"},
    "console.event.assigned": {"ru": "Назначение", "en": "Assignment"},
    "console.event.severity": {"ru": "Важность", "en": "Severity"},
    "console.event.note": {"ru": "Заметка", "en": "Note"},
    "console.event.contact_viewed": {"ru": "Просмотр контакта", "en": "Contact viewed"},
    "console.event.exported": {"ru": "Выгрузка", "en": "Export"},
    "console.event.notified": {"ru": "Письмо заявителю", "en": "E-mail sent"},
    "console.event.held": {"ru": "Ждёт подтверждения почты", "en": "Awaiting e-mail confirmation"},
    "console.event.routed": {"ru": "Передано по компетенции", "en": "Routed to the competent body"},
    "console.event.clarify_asked": {"ru": "Запрошено уточнение", "en": "Clarification asked"},
    "console.event.clarified": {"ru": "Уточнение получено", "en": "Clarification received"},
    "console.event.extended": {"ru": "Срок продлён", "en": "Deadline extended"},
    "console.event.rated": {"ru": "Оценка заявителя", "en": "Citizen's verdict"},
    "console.event.repeated": {"ru": "Повторное обращение", "en": "Repeat appeal filed"},
    "console.event.unconfirmed": {"ru": "Почта не подтверждена", "en": "E-mail not confirmed"},
    "console.event.reason": {"ru": "причина: {reason}", "en": "reason: {reason}"},
    "console.event.note-text": {"ru": "заметка: {note}", "en": "note: {note}"},
    "console.event.original": {"ru": "дубликат {number}", "en": "duplicate of {number}"},
    "console.event.sink": {"ru": "получатель: {sink}", "en": "sink: {sink}"},
    "console.event.channel": {"ru": "канал: {channel}", "en": "channel: {channel}"},
    "console.event.template": {"ru": "шаблон: {title}", "en": "template: {title}"},
    # refusals of a change
    "handling.missing": {"ru": "Обращение не найдено.", "en": "No such appeal."},
    "handling.bad-move": {
        "ru": "Переход из статуса «{current}» в «{new}» не разрешён.",
        "en": "The move from '{current}' to '{new}' is not allowed.",
    },
    "handling.bad-status": {"ru": "Нет такого статуса.", "en": "No such status."},
    "handling.use-own-form": {
        "ru": "Ответ, дубликат и вопрос заявителю задаются своими формами ниже.",
        "en": "The answer, the duplicate and a question to the citizen have their own forms below.",
    },
    "handling.reason-required": {
        "ru": "Чтобы отклонить обращение, укажите причину — её увидит заявитель.",
        "en": "To reject the appeal, give a reason: the citizen will see it.",
    },
    "handling.no-colleague": {
        "ru": "{email} — не действующий сотрудник организации-адресата.",
        "en": "{email} is not an active user of the addressed organisation.",
    },
    "handling.bad-severity": {"ru": "Нет такой важности.", "en": "No such severity."},
    "handling.note-empty": {"ru": "Заметка пуста.", "en": "The note is empty."},
    "handling.reason-without-move": {
        "ru": "Причина пишется к смене статуса: выберите новый статус или очистите поле причины.",
        "en": "A reason goes with a change of status: choose a new status or clear the reason.",
    },
    "handling.answer-again": {
        "ru": "Ответ уже отправлен. Чтобы отправить ещё один, отметьте «Отправить ещё один ответ».",
        "en": "An answer was sent already. To send another, tick 'Send another answer'.",
    },
    "handling.answer-empty": {"ru": "Ответ пуст.", "en": "The answer is empty."},
    "handling.duplicate-unknown": {
        "ru": "Обращения с номером «{number}» нет.",
        "en": "There is no appeal numbered '{number}'.",
    },
    "handling.duplicate-self": {
        "ru": "Обращение не может быть дубликатом самого себя.",
        "en": "An appeal cannot duplicate itself.",
    },
    "handling.duplicate-other-org": {
        "ru": "Исходное обращение адресовано другой организации.",
        "en": "The original appeal is addressed to another organisation.",
    },
    "handling.duplicate-loop": {
        "ru": "Обращение {number} само следует за этим: получился бы круг.",
        "en": "Appeal {number} itself follows this one: that would be a loop.",
    },
    "handling.template-unknown": {"ru": "Нет такого шаблона.", "en": "No such template."},
    "handling.contact-not-yours": {
        "ru": "Контакт заявителя виден только операторам организации-адресата.",
        "en": "Only the addressed organisation's operators may see the contact.",
    },
    # the answer templates page
    "templates.title": {"ru": "Шаблоны ответов", "en": "Answer templates"},
    "templates.lead": {
        "ru": "Оператор выбирает шаблон на странице обращения и может поправить текст перед "
        "отправкой. {number} заменяется номером обращения, {name} — именем заявителя, "
        "{greeting} — обращением по имени в роде заявителя («Уважаемая Анна Сергеевна!»).",
        "en": "An operator picks a template on the appeal's page and may edit it before "
        "sending. {number} becomes the appeal's number, {name} the citizen's name, {greeting} "
        "a greeting in the citizen's gender («Уважаемая Анна Сергеевна!»).",
    },
    "templates.none": {"ru": "Шаблонов пока нет.", "en": "No templates yet."},
    "templates.org": {"ru": "Организация", "en": "Organisation"},
    "templates.category": {"ru": "Тема", "en": "Topic"},
    "templates.any": {"ru": "любая", "en": "any"},
    "templates.name": {"ru": "Название", "en": "Title"},
    "templates.body": {"ru": "Текст", "en": "Text"},
    "templates.add": {"ru": "Добавить шаблон", "en": "Add template"},
    "templates.delete": {"ru": "Удалить", "en": "Delete"},
    "templates.added": {"ru": "Шаблон добавлен.", "en": "Template added."},
    "templates.deleted": {"ru": "Шаблон удалён.", "en": "Template deleted."},
    "templates.edited": {"ru": "Шаблон изменён.", "en": "Template changed."},
    "templates.edit": {"ru": "Изменить", "en": "Edit"},
    "templates.save": {"ru": "Сохранить", "en": "Save"},
    "templates.empty": {
        "ru": "Заполните название и текст шаблона.",
        "en": "Give the template a title and a text.",
    },
    "templates.bad-category": {
        "ru": "У организации нет темы «{category}».",
        "en": "The organisation has no topic '{category}'.",
    },
    # the citizen's tracking page
    "status.reason": {"ru": "Причина", "en": "Reason"},
    "status.answer": {"ru": "Ответ", "en": "Answer"},
    "status.answered-at": {"ru": "Ответ дан {when}", "en": "Answered {when}"},
    "status.original": {
        "ru": "Ваше обращение объединено с обращением {number}. Его статус и ответ:",
        "en": "Your appeal was merged with appeal {number}. Its status and answer:",
    },
}
