"""E-mails to citizens and operators (forward/mail_render.py).

The organisation is named in the case its Russian sentence needs (`org_gent`, `org_accs`,
`org_loct`, declension.py) and without quotes of its own: «направлено в Администрацию
г. Мантурово»; a name the dictionary cannot decline (МФЦ …, «…») reads as written."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "mail.greeting": {"ru": "Здравствуйте!", "en": "Hello,"},
    # by the citizen's name (declension.greeting): the gender its first name or patronymic tells
    "mail.greeting.masc": {"ru": "Уважаемый {name}!", "en": "Dear {name},"},
    "mail.greeting.femn": {"ru": "Уважаемая {name}!", "en": "Dear {name},"},
    "mail.greeting.named": {"ru": "Здравствуйте, {name}!", "en": "Hello {name},"},
    "mail.signature": {
        "ru": "Платформа обратной связи. Это письмо отправлено автоматически, отвечать на него не нужно.",
        "en": "Feedback platform. This message was sent automatically; please do not reply.",
    },
    # the plain part: the label, then the address on a line of its own
    "mail.tracking-label": {
        "ru": "Статус обращения и ответ — на его странице:",
        "en": "The status of your appeal and the answer are on its page:",
    },
    # the HTML part: a sentence, then a link whose text says where it goes
    "mail.tracking-intro": {
        "ru": "Статус обращения и ответ — на его странице.",
        "en": "The status of your appeal and the answer are on its page.",
    },
    "mail.tracking-link": {"ru": "Посмотреть обращение", "en": "View the appeal"},
    "mail.confirm-link": {
        "ru": "Подтвердить адрес и отправить обращение",
        "en": "Confirm the address and send the appeal",
    },
    "mail.confirm-expires": {
        "ru": "Ссылка действует {hours} ч. Если не подтвердить адрес за это время, обращение "
        "не будет отправлено.",
        "en": "The link works for {hours} h. If the address is not confirmed by then, the appeal "
        "is not sent.",
    },
    "mail.subject.confirm": {
        "ru": "Подтвердите адрес электронной почты",
        "en": "Confirm your e-mail address",
    },
    "mail.body.confirm": {
        "ru": "Вы написали обращение в {org_accs}. Чтобы оно было отправлено, подтвердите адрес "
        "электронной почты по ссылке ниже. Если вы не писали обращение, просто удалите это письмо.",
        "en": "You wrote an appeal to “{org_name}”. To send it, confirm your e-mail address with "
        "the link below. If you did not write it, just delete this message.",
    },
    "mail.subject.follow": {
        "ru": "Подтвердите: следить за обращением {number}",
        "en": "Confirm: follow appeal {number}",
    },
    "mail.body.follow": {
        "ru": "Вы хотите получать новости об обращении {number}, поданном в {org_accs} другим "
        "жителем. Чтобы подписаться, откройте ссылку ниже. Если вы этого не просили, просто "
        "удалите письмо.",
        "en": "You asked for news of appeal {number}, which another resident sent to "
        "“{org_name}”. To follow it, open the link below. If you did not ask, just delete "
        "this message.",
    },
    "mail.subject.followed": {
        "ru": "Обращение {number}: {status_word}",
        "en": "Appeal {number}: {status_word}",
    },
    "mail.body.followed": {
        "ru": "Обращение {number}, за которым вы следите, в {org_loct}: {status_word}.",
        "en": "Appeal {number} you follow, at “{org_name}”: {status_word}.",
    },
    "mail.follow-link": {
        "ru": "Подтвердить и следить за обращением",
        "en": "Confirm and follow the appeal",
    },
    "mail.follow-stop": {
        "ru": "Больше не присылать новости об этом обращении",
        "en": "Stop sending news of this appeal",
    },
    "mail.subject.registered": {
        "ru": "Обращение {number} зарегистрировано",
        "en": "Appeal {number} registered",
    },
    "mail.body.registered": {
        "ru": "Ваше обращение зарегистрировано под номером {number} и направлено в {org_accs}. "
        "Срок ответа — до {answer_due}",  # a date in Russian ends with "г.", the sentence too
        "en": "Your appeal is registered as {number} and sent to “{org_name}”. "
        "The answer is due by {answer_due}.",
    },
    "mail.subject.routed": {
        "ru": "Обращение {number} передано в {org_accs}",
        "en": "Appeal {number} forwarded to “{org_name}”",
    },
    "mail.body.routed": {
        "ru": "Ваше обращение {number} передано по компетенции в {org_accs}.",
        "en": "Your appeal {number} was forwarded to the competent body, “{org_name}”.",
    },
    "mail.subject.clarify": {
        "ru": "По обращению {number} нужно уточнение",
        "en": "Appeal {number}: a question for you",
    },
    "mail.body.clarify": {
        "ru": "{org_name} просит уточнить обращение {number}. Ответьте на странице обращения "
        "до {clarify_due}, иначе оно будет закрыто.",
        "en": "“{org_name}” asks a question about appeal {number}. Answer it on the appeal's "
        "page by {clarify_due}, or the appeal will be closed.",
    },
    "mail.subject.answered": {
        "ru": "Ответ на обращение {number}",
        "en": "Answer to appeal {number}",
    },
    "mail.body.answered": {
        "ru": "Ответ {org_gent} на ваше обращение {number}:",
        "en": "“{org_name}” answered your appeal {number}:",
    },
    "mail.subject.extended": {
        "ru": "Срок ответа на обращение {number} продлён",
        "en": "Appeal {number}: the answer's deadline is extended",
    },
    "mail.body.extended": {
        "ru": "Срок ответа на обращение {number} продлён до {answer_due} Причина:",
        "en": "The deadline for the answer to appeal {number} is extended to {answer_due}. "
        "The reason:",
    },
    "mail.subject.status": {
        "ru": "Обращение {number}: {status_title}",
        "en": "Appeal {number}: {status_title}",
    },
    "mail.body.status": {
        "ru": "Статус обращения {number} изменён: {status_word}. Причина:",
        "en": "The status of appeal {number} changed: {status_word}. The reason:",
    },
    "mail.subject.closed": {
        "ru": "Обращение {number} закрыто",
        "en": "Appeal {number} closed",
    },
    "mail.body.closed": {
        "ru": "Обращение {number} закрыто: {status_word}.",
        "en": "Appeal {number} is closed: {status_word}.",
    },
    "mail.subject.digest": {
        "ru": "Просроченные обращения: {overdue}",
        "en": "Overdue appeals: {overdue}",
    },
    "mail.body.digest": {
        "ru": "В {org_loct} просрочено обращений: {overdue}, срок истекает сегодня или завтра: "
        "{due_soon}.",
        "en": "“{org_name}” has {overdue} overdue appeal(s), and {due_soon} due today or tomorrow.",
    },
    "mail.digest.due": {"ru": "срок", "en": "due"},
}
