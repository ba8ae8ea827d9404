"""Messages of identity: the e-mail confirmation link and the form's identity checks
(followup/held.py, followup/confirm_routes.py, form/submission.py)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "confirm.title": {"ru": "Подтверждение обращения", "en": "Confirm your appeal"},
    "confirm.text": {
        "ru": "Нажмите кнопку, чтобы подтвердить адрес электронной почты и отправить обращение.",
        "en": "Press the button to confirm your e-mail address and send the appeal.",
    },
    "confirm.button": {"ru": "Подтвердить и отправить", "en": "Confirm and send"},
    "confirm.reused": {
        "ru": "Обращение уже подтверждено и зарегистрировано под номером {number}.",
        "en": "The appeal is confirmed already and registered as {number}.",
    },
    "confirm.expired": {
        "ru": "Срок действия ссылки истёк, и обращение не отправлено. Подайте его заново.",
        "en": "The link has expired and the appeal was not sent. Please file it again.",
    },
    "confirm.missing": {
        "ru": "Такого обращения нет. Подайте его заново.",
        "en": "There is no such appeal. Please file it again.",
    },
    "confirm.check-title": {"ru": "Проверьте почту", "en": "Check your e-mail"},
    "confirm.check-text": {
        "ru": "Мы отправили письмо на {email}. Откройте ссылку из письма в течение {hours} ч., "
        "чтобы подтвердить адрес — только тогда обращение будет зарегистрировано и отправлено "
        "в организацию. Неподтверждённое за это время обращение не будет отправлено.",
        "en": "We sent a message to {email}. Open its link within {hours} h to confirm the "
        "address — only then is the appeal registered and sent to the organisation. Not "
        "confirmed by then, the appeal is not sent.",
    },
    "problem.confirm-refused": {
        "ru": "Ссылка подтверждения не действует",
        "en": "The confirmation link does not work",
    },
    "detail.confirm-unknown": {
        "ru": "Ссылка подтверждения не найдена или повреждена.",
        "en": "The confirmation link is unknown or damaged.",
    },
    "field.confirm-email": {
        "ru": "Укажите электронную почту: на неё придёт ссылка для подтверждения обращения.",
        "en": "Give your e-mail: the link to confirm the appeal is sent there.",
    },
    "field.identity-missing": {
        "ru": "Войдите через Госуслуги, чтобы подать обращение.",
        "en": "Sign in with the identity provider to file the appeal.",
    },
    "field.identity-forged": {
        "ru": "Вход устарел или недействителен — войдите ещё раз.",
        "en": "The sign-in has expired or is not valid; please sign in again.",
    },
    "form.email-copies": {
        "ru": "Присылать копии ответа и уведомлений на электронную почту",
        "en": "Send copies of the answer and notices to my e-mail",
    },
    # following an appeal another filed (followup/follows.py, form/similar.py)
    "follow.title": {"ru": "Обращение {number}", "en": "Appeal {number}"},
    "follow.text": {
        "ru": "Подтвердите, что хотите получать на эту почту новости об обращении {number}: "
        "смену статуса и закрытие.",
        "en": "Confirm that you want news of appeal {number} at this address: its status and "
        "its closing.",
    },
    "follow.button": {"ru": "Следить за обращением", "en": "Follow the appeal"},
    "follow.following": {
        "ru": "Готово: новости об обращении {number} будут приходить на вашу почту. Отписаться "
        "можно по ссылке в каждом письме.",
        "en": "Done: news of appeal {number} will come to your e-mail. Each message has a link "
        "to stop.",
    },
    "follow.stop-text": {
        "ru": "Больше не присылать новости об обращении {number}?",
        "en": "Stop sending news of appeal {number}?",
    },
    "follow.stop-button": {"ru": "Не присылать", "en": "Stop"},
    "follow.stopped": {
        "ru": "Новости об обращении {number} больше не будут приходить.",
        "en": "No more news of appeal {number} will come.",
    },
    "detail.follow-unknown": {
        "ru": "Ссылка не найдена, повреждена или устарела.",
        "en": "The link is unknown, damaged or out of date.",
    },
    "detail.follow-closed": {
        "ru": "Такого открытого обращения у организации нет.",
        "en": "The organisation has no such open appeal.",
    },
    "form.similar.follow": {"ru": "Следить", "en": "Follow"},
    "form.similar.follow-needs-email": {
        "ru": "Укажите e-mail ниже — на него придут новости об обращении.",
        "en": "Give your e-mail below: the news of the appeal will come there.",
    },
    "form.similar.follow-sent": {
        "ru": "Мы отправили ссылку на {email}: откройте её, чтобы следить за обращением {number}.",
        "en": "We sent a link to {email}: open it to follow appeal {number}.",
    },
}
