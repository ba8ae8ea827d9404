"""The operators' console: sign-in, navigation and what every console page shares."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "console.title": {"ru": "Консоль оператора", "en": "Operator console"},
}
MESSAGES.update(
    {
        "console.skip": {"ru": "К содержанию", "en": "Skip to content"},
        "console.nav.label": {"ru": "Разделы консоли", "en": "Console sections"},
        "console.nav.register": {"ru": "Обращения", "en": "Appeals"},
        "console.nav.log": {"ru": "Журнал", "en": "Log"},
        "console.nav.board": {"ru": "Табло", "en": "Board"},
        "console.nav.map": {"ru": "Карта", "en": "Map"},
        "console.nav.stats": {"ru": "Статистика", "en": "Statistics"},
        "console.nav.site": {"ru": "Сайт и виджет", "en": "Site and badge"},
        "console.nav.users": {"ru": "Пользователи", "en": "Users"},
        "console.lang.en": {"ru": "English", "en": "English"},
        "console.lang.ru": {"ru": "Русский", "en": "Русский"},
        "console.signout": {"ru": "Выйти", "en": "Sign out"},
        "console.signin.title": {"ru": "Вход в консоль", "en": "Sign in to the console"},
        "console.signin.email": {"ru": "Электронная почта", "en": "E-mail"},
        "console.signin.password": {"ru": "Пароль", "en": "Password"},
        "console.signin.submit": {"ru": "Войти", "en": "Sign in"},
        "console.idle.warning": {
            "ru": "Сеанс скоро завершится из-за бездействия. Несохранённое на странице пропадёт.",
            "en": "The session will end soon for lack of activity. What is not saved will be lost.",
        },
        "console.idle.stay": {"ru": "Остаться в системе", "en": "Stay signed in"},
        "console.idle.signin": {"ru": "Войти снова", "en": "Sign in again"},
        "console.idle.ended": {
            "ru": "Сеанс завершён. Чтобы продолжить, войдите снова.",
            "en": "The session has ended. Sign in again to go on.",
        },
        "console.signin.expired": {
            "ru": "Сеанс завершён после бездействия, и отправленное не сохранено. Войдите снова: "
            "вы вернётесь на страницу, где были.",
            "en": "The session ended after a time without activity, and what was sent is not "
            "saved. Sign in again to return to the page you were on.",
        },
        "console.signin.failed": {
            "ru": "Неверная почта или пароль.",
            "en": "Wrong e-mail or password.",
        },
        "console.signin.email-too-long": {
            "ru": "Адрес электронной почты длиннее 320 символов: такой учётной записи нет.",
            "en": "The e-mail address is longer than 320 characters: there is no such account.",
        },
        "console.signin.throttled": {
            "ru": "Слишком много попыток входа. Попробуйте через {minutes} мин.",
            "en": "Too many sign-in attempts. Try again in {minutes} min.",
        },
        "console.signed-out": {"ru": "Вы вышли из консоли.", "en": "You have signed out."},
        "console.password.title": {"ru": "Смена пароля", "en": "Change password"},
        "console.password.link": {"ru": "Сменить пароль", "en": "Change password"},
        "console.password.one-time": {
            "ru": "Вы вошли с временным паролем. Задайте свой пароль, чтобы продолжить.",
            "en": "You signed in with a one-time password. Choose your own to go on.",
        },
        "console.password.current": {"ru": "Текущий пароль", "en": "Current password"},
        "console.password.new": {"ru": "Новый пароль", "en": "New password"},
        "console.password.repeat": {"ru": "Новый пароль ещё раз", "en": "New password again"},
        "console.password.hint": {
            "ru": "Не короче 10 символов и не совпадает с адресом почты.",
            "en": "At least 10 characters, not the e-mail address.",
        },
        "console.password.submit": {"ru": "Сохранить пароль", "en": "Save password"},
        "console.password.too-short": {
            "ru": "Пароль должен быть не короче 10 символов.",
            "en": "The password must have at least 10 characters.",
        },
        "console.password.is-email": {
            "ru": "Пароль не должен совпадать с адресом почты.",
            "en": "The password must not be the e-mail address.",
        },
        "console.password.mismatch": {
            "ru": "Новые пароли не совпадают.",
            "en": "The new passwords differ.",
        },
        "console.password.wrong": {
            "ru": "Текущий пароль указан неверно.",
            "en": "The current password is wrong.",
        },
        "console.password.changed": {"ru": "Пароль изменён.", "en": "Password changed."},
    }
)
