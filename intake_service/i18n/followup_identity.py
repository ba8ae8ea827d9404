"""Messages of sign-in at the identity provider and "my appeals" (followup/signin_routes.py)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "signin.button": {"ru": "Войти через Госуслуги", "en": "Sign in with Gosuslugi"},
    "signin.why": {
        "ru": "Официальное обращение принимается от подтверждённого заявителя: войдите через "
        "Госуслуги — имя и почта подставятся сами.",
        "en": "An official appeal needs an identified citizen: sign in with Gosuslugi and your "
        "name and e-mail are filled in.",
    },
    "signin.as": {"ru": "Вы вошли как {name}.", "en": "Signed in as {name}."},
    "signin.failed.short": {
        "ru": "Войти не удалось — попробуйте ещё раз.",
        "en": "The sign-in did not work; please try again.",
    },
    "signin.blocked": {
        "ru": "Браузер не открыл окно входа.",
        "en": "The browser did not open the sign-in window.",
    },
    "signin.blocked.link": {"ru": "Открыть вход в новой вкладке", "en": "Sign in in a new tab"},
    "signin.done.title": {"ru": "Вход выполнен", "en": "Signed in"},
    "signin.done.text": {
        "ru": "{name}, вы вошли. Вернитесь к форме обращения — это окно можно закрыть.",
        "en": "{name}, you are signed in. Go back to the appeal form; this window can be closed.",
    },
    "signin.failed.title": {"ru": "Вход не выполнен", "en": "Not signed in"},
    "signin.failed.oidc-cancelled": {
        "ru": "Вход отменён. Чтобы подать обращение, войдите ещё раз.",
        "en": "The sign-in was cancelled. To file the appeal, sign in again.",
    },
    "signin.failed.oidc-error": {
        "ru": "Сервис входа не ответил как нужно. Попробуйте позже.",
        "en": "The sign-in service did not answer as it should. Please try later.",
    },
    "signin.failed.oidc-state": {
        "ru": "Вход устарел или начат в другом окне. Начните его заново.",
        "en": "The sign-in expired or was started in another window. Please start again.",
    },
    "signin.failed": {"ru": "Вход не выполнен.", "en": "Not signed in."},
    "detail.signin-off": {
        "ru": "Вход через поставщика удостоверений здесь не настроен.",
        "en": "Sign-in with an identity provider is not set up here.",
    },
    "my.title": {"ru": "Мои обращения", "en": "My appeals"},
    "my.intro": {
        "ru": "Войдите через Госуслуги, чтобы увидеть все свои обращения и ответы на них.",
        "en": "Sign in with Gosuslugi to see all your appeals and their answers.",
    },
    "my.off": {
        "ru": "Личный кабинет недоступен: вход через Госуслуги здесь не настроен.",
        "en": "The cabinet is not available: sign-in is not set up here.",
    },
    # without a cabinet: where a citizen's appeals are all the same
    "my.off.how": {
        "ru": "Каждое ваше обращение открывается по своей ссылке для отслеживания: она была на "
        "экране после отправки и есть в письмах о нём («{link}»). Откройте её или вставьте на "
        "главной странице сервиса — там видны статус и ответ.",
        "en": "Each of your appeals opens at its own tracking link: it was on the screen after "
        "sending and is in the e-mails about it (“{link}”). Open it, or paste it on the "
        "service's front page, to see the status and the answer.",
    },
    "my.off.home": {
        "ru": "На главную страницу сервиса",
        "en": "To the service's front page",
    },
    "my.none": {
        "ru": "Обращений пока нет: здесь видны поданные после входа и подтверждённые по "
        "ссылке из письма на адрес, который подтвердили Госуслуги.",
        "en": "No appeals yet: this page lists those filed signed in and those confirmed by "
        "the e-mailed link at the address your sign-in vouches for.",
    },
    "my.filed": {"ru": "подано", "en": "filed"},
    "my.signout": {"ru": "Выйти", "en": "Sign out"},
    "my.export": {
        "ru": "Скачать всё, что о вас хранится",
        "en": "Download everything held about you",
    },
    "my.export.what": {
        "ru": "(архив ZIP: ваши обращения, фотографии и ответы на них)",
        "en": "(a ZIP archive: your appeals, their photos and the answers)",
    },
}
