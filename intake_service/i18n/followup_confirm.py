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
}
