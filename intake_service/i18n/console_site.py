"""The console's site page (snippet, badge preview, origins, API keys, categories, refusals)
and the users page."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # the front page's way in
    "home.console": {
        "ru": "Консоль оператора — для сотрудников организаций",
        "en": "Operator console — for organisations' staff",
    },
    "console.site.title": {"ru": "Сайт и виджет", "en": "Site and badge"},
    # how long the citizen's data is kept (POS_RETENTION_YEARS, retention.py): Russian counts
    # 1 год, 2–4 года, 5 лет (console/site.py picks the form)
    "console.site.retention.one": {
        "ru": "Персональные данные в обращениях хранятся {years} год после закрытия",
        "en": "Personal data in appeals is kept for {years} year after closing",
    },
    "console.site.retention.few": {
        "ru": "Персональные данные в обращениях хранятся {years} года после закрытия",
        "en": "Personal data in appeals is kept for {years} years after closing",
    },
    "console.site.retention.many": {
        "ru": "Персональные данные в обращениях хранятся {years} лет после закрытия",
        "en": "Personal data in appeals is kept for {years} years after closing",
    },
    "console.site.retention.off": {
        "ru": "Персональные данные в обращениях хранятся бессрочно",
        "en": "Personal data in appeals is kept with no time limit",
    },
    "console.site.org": {"ru": "Организация", "en": "Organisation"},
    "console.site.choose": {"ru": "Показать", "en": "Show"},
    "console.site.pick": {
        "ru": "Выберите организацию, чтобы увидеть её код для сайта.",
        "en": "Choose an organisation to see its code for the site.",
    },
    "console.site.snippet": {"ru": "Код для сайта", "en": "Code for the site"},
    "console.site.snippet-hint": {
        "ru": "Вставьте эту строку в страницы сайта — перед закрывающим тегом </body>. "
        "Сайт должен быть в списке разрешённых адресов ниже. Если внизу сайта закреплена "
        'полоса (подвал, уведомление), добавьте в строку data-offset="высота полосы в '
        'пикселях" — кнопка встанет над ней.',
        "en": "Paste this line into the site's pages, before the closing </body> tag. "
        "The site must be among the allowed addresses below. If the site has a bar fixed to "
        "the bottom of the screen (a footer, a notice), add data-offset=\"the bar's height in "
        'pixels" to the line: the badge will stand above it.',
    },
    "console.site.copy": {"ru": "Скопировать код", "en": "Copy the code"},
    "console.site.copied": {"ru": "Скопировано", "en": "Copied"},
    "console.site.preview": {"ru": "Так выглядит кнопка", "en": "How the badge looks"},
    "console.site.preview-hint": {
        "ru": "Нажатие открывает форму на отдельной вкладке; на сайте форма откроется "
        "в окне поверх страницы.",
        "en": "A click opens the form in a new tab; on the site it opens in a dialog over "
        "the page.",
    },
    "console.site.origins": {"ru": "Разрешённые адреса сайтов", "en": "Allowed site addresses"},
    "console.site.origins-hint": {
        "ru": "Только на этих сайтах кнопка открывает форму. Пример: https://admin.example.ru "
        "или https://*.example.ru для всех поддоменов.",
        "en": "Only on these sites does the badge open the form. Example: "
        "https://admin.example.ru, or https://*.example.ru for every subdomain.",
    },
    "console.site.origins-none": {
        "ru": "Ни одного адреса: кнопка нигде не откроет форму.",
        "en": "No address: the badge opens the form nowhere.",
    },
    "console.site.origin": {"ru": "Адрес сайта", "en": "Site address"},
    "console.site.origin-add": {"ru": "Добавить адрес", "en": "Add the address"},
    "console.site.origin-remove": {"ru": "Убрать", "en": "Remove"},
    "console.site.origin-remove-confirm": {
        "ru": "Убрать адрес {origin}? Кнопка на этом сайте перестанет открывать форму.",
        "en": "Remove {origin}? The badge on that site will stop opening the form.",
    },
    "console.site.keys": {"ru": "Ключи API", "en": "API keys"},
    "console.site.keys-hint": {
        "ru": "Ключ нужен системе, которая передаёт обращения через API. Полный ключ "
        "показывается один раз — при создании.",
        "en": "A key is for a system that files appeals through the API. The whole key is "
        "shown once, when it is made.",
    },
    "console.site.keys-none": {"ru": "Ключей нет.", "en": "No keys."},
    "console.site.key-id": {"ru": "Ключ", "en": "Key"},
    "console.site.key-label": {"ru": "Назначение", "en": "Label"},
    "console.site.key-created": {"ru": "Создан", "en": "Created"},
    "console.site.key-state": {"ru": "Состояние", "en": "State"},
    "console.site.key-active": {"ru": "действует", "en": "active"},
    "console.site.key-revoked": {"ru": "отозван {at}", "en": "revoked {at}"},
    "console.site.key-create": {"ru": "Создать ключ", "en": "Create a key"},
    "console.site.key-revoke": {"ru": "Отозвать", "en": "Revoke"},
    "console.site.key-revoke-confirm": {
        "ru": "Отозвать ключ {key_id}? Запросы с ним сразу перестанут приниматься.",
        "en": "Revoke the key {key_id}? Requests with it will be refused at once.",
    },
    "console.site.key-new": {
        "ru": "Новый ключ. Скопируйте его сейчас: больше он показан не будет.",
        "en": "The new key. Copy it now: it will not be shown again.",
    },
    "console.site.key-copy": {"ru": "Скопировать ключ", "en": "Copy the key"},
    "console.site.categories": {"ru": "Темы обращений", "en": "Topics of appeals"},
    "console.site.category-code": {"ru": "Код", "en": "Code"},
    "console.site.category-ru": {"ru": "Название по-русски", "en": "Russian title"},
    "console.site.category-en": {"ru": "Название по-английски", "en": "English title"},
    "console.site.category-state": {"ru": "В форме", "en": "In the form"},
    "console.site.category-on": {"ru": "показывается", "en": "shown"},
    "console.site.category-off": {"ru": "выключена", "en": "turned off"},
    "console.site.category-enable": {"ru": "Включить", "en": "Turn on"},
    "console.site.category-disable": {"ru": "Выключить", "en": "Turn off"},
    "console.site.category-add": {"ru": "Добавить тему", "en": "Add a topic"},
    "console.site.category-code-hint": {
        "ru": "Латинские строчные буквы, цифры и _, например {example}. Код не меняется.",
        "en": "Lower-case Latin letters, digits and _, e.g. {example}. The code stays.",
    },
    "console.site.refusals": {"ru": "Отклонённые запросы", "en": "Refused requests"},
    "console.site.refusals-hint": {
        "ru": "Последние {count} отказов: почему кнопка или запрос к API не были приняты.",
        "en": "The last {count} refusals: why the badge or an API call was not accepted.",
    },
    "console.site.refusals-none": {"ru": "Отказов не было.", "en": "No refusals."},
    "console.site.when": {"ru": "Время", "en": "Time"},
    "console.site.reason": {"ru": "Причина", "en": "Reason"},
    "console.site.path": {"ru": "Адрес запроса", "en": "Path"},
    "console.site.failed": {"ru": "Не выполнено: {error}", "en": "Not done: {error}"},
    "console.site.done": {"ru": "Сохранено.", "en": "Saved."},
    "console.site.read-only": {
        "ru": "Менять адреса, ключи и темы может администратор организации.",
        "en": "The organisation's admin can change addresses, keys and topics.",
    },
    "console.users.title": {"ru": "Пользователи", "en": "Users"},
    "console.users.email": {"ru": "Почта", "en": "E-mail"},
    "console.users.name": {"ru": "Имя", "en": "Name"},
    "console.users.org": {"ru": "Организация", "en": "Organisation"},
    "console.users.role": {"ru": "Роль", "en": "Role"},
    "console.users.state": {"ru": "Состояние", "en": "State"},
    "console.users.actions": {"ru": "Действия", "en": "Actions"},
    "console.users.role.operator": {"ru": "оператор", "en": "operator"},
    "console.users.role.admin": {"ru": "администратор", "en": "admin"},
    "console.users.role.platform": {"ru": "администратор платформы", "en": "platform admin"},
    "console.users.active": {"ru": "активен", "en": "active"},
    "console.users.disabled": {"ru": "отключён", "en": "disabled"},
    "console.users.must-change": {
        "ru": "ещё не сменил временный пароль",
        "en": "has not changed the one-time password",
    },
    "console.users.you": {"ru": "это вы", "en": "you"},
    "console.users.add": {"ru": "Добавить пользователя", "en": "Add a user"},
    "console.users.add-submit": {"ru": "Добавить", "en": "Add"},
    "console.users.disable": {"ru": "Отключить", "en": "Disable"},
    "console.users.disable-confirm": {
        "ru": "Отключить {email}? Все его сеансы сразу закончатся.",
        "en": "Disable {email}? All their sessions end at once.",
    },
    "console.users.enable": {"ru": "Включить", "en": "Enable"},
    "console.users.reset": {"ru": "Сбросить пароль", "en": "Reset password"},
    "console.users.reset-confirm": {
        "ru": "Выдать {email} новый временный пароль? Его сеансы закончатся.",
        "en": "Give {email} a new one-time password? Their sessions end.",
    },
    "console.users.set-role": {"ru": "Сменить роль", "en": "Change role"},
    "console.users.one-time": {
        "ru": "Временный пароль для {email}. Передайте его человеку: он покажется только сейчас "
        "и должен быть сменён при первом входе.",
        "en": "The one-time password for {email}. Hand it to them: it is shown only now and "
        "must be changed at the first sign-in.",
    },
    "console.users.copy": {"ru": "Скопировать пароль", "en": "Copy the password"},
    "console.users.self": {
        "ru": "Свою учётную запись здесь менять нельзя; пароль меняется на странице смены пароля.",
        "en": "You cannot change your own account here; change your password on its page.",
    },
    "console.users.failed": {"ru": "Не выполнено: {error}", "en": "Not done: {error}"},
    "console.users.done": {"ru": "Сохранено.", "en": "Saved."},
}
