"""What the pages for people say: the loader's badge (embed.js gets these when served), the
badge's form and its answer, the status page, the notice a site that may not show the form gets
instead, the organisation's contacts and the service's front page.

Apart from the intake's refusals in `__init__.py`, which the API speaks too: these are read
only on pages.
"""

from __future__ import annotations

NBH = "\u2011"  # non-breaking hyphen

MESSAGES: dict[str, dict[str, str]] = {
    # the loader (embed.js gets these when served)
    "loader.badge": {"ru": "Обратная связь · Госуслуги", "en": "Feedback · Gosuslugi"},
    "loader.title": {"ru": "Обратная связь — Госуслуги", "en": "Feedback — Gosuslugi"},
    "loader.close": {"ru": "Закрыть", "en": "Close"},
    "loader.appeal": {"ru": "Написать обращение", "en": "Write an appeal"},
    "loader.polls": {"ru": "Опросы и обсуждения", "en": "Polls and discussions"},
    # what is open, in the badge's accessible name («…: 2 опроса открыто»), by the language's
    # plural form (Intl.PluralRules: Russian one/few/many; English one, and other read as many)
    "loader.open-one": {"ru": "{n} опрос открыт", "en": "{n} poll open"},
    "loader.open-few": {"ru": "{n} опроса открыто", "en": "{n} polls open"},
    "loader.open-many": {"ru": "{n} опросов открыто", "en": "{n} polls open"},
    # data-mode="banner": a wide block with a slogan, a line (data-text replaces it) and a button
    "loader.slogan": {"ru": "Решаем вместе", "en": "Solving it together"},
    "loader.banner": {
        "ru": "Не горит фонарь, яма на дороге, не вывезли мусор?",
        "en": "A street lamp out, a pothole, rubbish not collected?",
    },
    "loader.banner-small": {
        "ru": "Сообщите о проблеме — вам ответят и расскажут, что сделано.",
        "en": "Report it: you will get an answer saying what was done.",
    },
    "loader.report": {"ru": "Сообщить о проблеме", "en": "Report a problem"},
    # the form
    "form.title": {"ru": "Сообщить о проблеме", "en": "Report a problem"},
    "form.to": {"ru": "Адресат: {org}", "en": "To: {org}"},
    "form.required-note": {
        "ru": "Поля со звёздочкой (*) обязательны.",
        "en": "Fields marked with an asterisk (*) are required.",
    },
    "form.kind": {"ru": "Что вы отправляете", "en": "What you are sending"},
    "form.kind.message": {"ru": "Сообщение", "en": "Message"},
    "form.kind.message-hint": {
        "ru": "Быстрый ответ в течение 30 дней, по срочным темам — 10 дней.",
        "en": "Answered within 30 days, urgent topics within 10.",
    },
    # Form texts write "59‑ФЗ" and "e‑mail" with a non-breaking hyphen (U+2011, NBH below):
    # a narrow form must not break a line after "59-".
    "form.kind.official": {
        "ru": f"Официальное обращение (59{NBH}ФЗ)",
        "en": f"Official appeal (59{NBH}FZ)",
    },
    "form.kind.official-hint": {
        "ru": f"Регистрация до 3 дней, ответ до 30 дней. Нужны фамилия, имя и e{NBH}mail или "
        "почтовый адрес для ответа.",
        "en": f"Registered within 3 days, answered within 30. Needs the full name and an "
        f"e{NBH}mail or postal address for the answer.",
    },
    "form.category": {"ru": "Тема", "en": "Topic"},
    "form.category.choose": {"ru": "Выберите тему", "en": "Choose a topic"},
    "form.text": {"ru": "Опишите проблему", "en": "Describe the problem"},
    "form.text.counter": {"ru": "{count} из {max} символов", "en": "{count} of {max} characters"},
    # the counter's warnings: near the limit (90 %), at it, past it (the text is never cut)
    "form.text.near": {"ru": "Осталось символов: {left}.", "en": "Characters left: {left}."},
    "form.text.full": {
        "ru": "Достигнут предел в {max} символов.",
        "en": "You have reached the limit of {max} characters.",
    },
    "form.text.over": {
        "ru": "Текст длиннее {max} символов — сократите на {over}.",
        "en": "The text is longer than {max} characters: shorten it by {over}.",
    },
    "form.address": {"ru": "Адрес места", "en": "Address of the place"},
    "form.location": {"ru": "Указать моё местоположение", "en": "Use my location"},
    "form.location.set": {
        "ru": "Местоположение указано: {lat}, {lon}",
        "en": "Location set: {lat}, {lon}",
    },
    "form.location.failed": {
        "ru": "Не удалось определить местоположение. Укажите адрес.",
        "en": "Could not get your location. Please give the address.",
    },
    "form.photos": {"ru": "Фотографии", "en": "Photos"},
    "form.photos.hint": {
        "ru": "До 3 файлов JPEG, PNG или WebP, каждый до 5 МБ.",
        "en": "Up to 3 JPEG, PNG or WebP files, 5 MB each.",
    },
    "form.contact": {"ru": "Как с вами связаться", "en": "How to reach you"},
    "form.name": {"ru": "Ваше имя", "en": "Your name"},
    "form.similar.title": {
        "ru": "Возможно, об этом уже сообщили",
        "en": "This may have been reported already",
    },
    "form.similar.hint": {
        "ru": "Если это та же проблема, организация уже занимается ею. Если другая — просто "
        "отправьте форму.",
        "en": "If it is the same problem, the organisation is already on it. If it is another, "
        "just send the form.",
    },
    "form.similar.away": {"ru": "в {metres} м", "en": "{metres} m away"},
    "form.name-parts.hint": {
        "ru": "Официальное обращение по 59-ФЗ называет заявителя полностью: фамилия, имя и "
        "отчество (если есть).",
        "en": "An official appeal under 59-FZ names the citizen in full: surname, first name "
        "and patronymic (if any).",
    },
    "form.surname": {"ru": "Фамилия", "en": "Surname"},
    "form.first_name": {"ru": "Имя", "en": "First name"},
    "form.patronymic": {"ru": "Отчество", "en": "Patronymic"},
    "form.postal": {"ru": "Почтовый адрес для ответа", "en": "Postal address for the answer"},
    "form.postal.hint": {
        "ru": "Если ответ нужен письмом. Официальному обращению нужен e-mail или почтовый адрес.",
        "en": "If the answer should come by post. An official appeal needs an e-mail or a "
        "postal address.",
    },
    "form.email": {"ru": "E-mail", "en": "E-mail"},
    "form.phone": {"ru": "Телефон", "en": "Phone"},
    # how the answer comes: by e-mail with the tracking link, or, to a phone alone, only at
    # the tracking link the success screen shows (the service sends no SMS)
    "form.contact.hint": {
        "ru": "Укажите e-mail или телефон. С e-mail ответ придёт на почту вместе со ссылкой для "
        "отслеживания. Если указан только телефон, ответ можно будет прочитать только по "
        "ссылке, которую мы покажем после отправки, — сохраните её.",
        "en": "Give an e-mail or a phone number. With an e-mail, the answer comes by e-mail "
        "with the tracking link. With a phone alone, the answer can be read only at the "
        "tracking link shown after sending: keep it.",
    },
    "form.consent": {
        "ru": "Я согласен(на) на обработку моих персональных данных",
        "en": "I agree to the processing of my personal data",
    },
    "form.policy": {
        "ru": "Условия обработки персональных данных",
        "en": "How personal data is processed",
    },
    "form.policy.text": {
        "ru": "Оператор — {org}. Данные (имя, контакты, текст, адрес, фотографии) обрабатываются "
        "для рассмотрения обращения и ответа на него в соответствии с Федеральным законом "
        f"от 27.07.2006 № 152{NBH}ФЗ «О персональных данных» и хранятся в течение срока, "
        "установленного для обращений граждан. Согласие можно отозвать, написав оператору.",
        "en": "The controller is {org}. Your data (name, contacts, text, address, photos) is "
        f"processed to consider and answer the appeal under Russian Federal Law No. 152{NBH}FZ "
        "on Personal Data and kept for the period set for citizens' appeals. You may withdraw "
        "consent by writing to the controller.",
    },
    # the draft the form keeps in the tab (form.js), and a sending the connection lost
    "form.draft.restored": {"ru": "Черновик восстановлен", "en": "Draft restored"},
    "form.draft.clear": {"ru": "очистить", "en": "clear"},
    "form.offline": {
        "ru": "Нет соединения — обращение пока не отправлено. Оно отправится само, как только "
        "связь вернётся; ничего не пропадёт.",
        "en": "No connection: the appeal has not been sent yet. It will be sent by itself as soon "
        "as the connection is back; nothing is lost.",
    },
    "form.retry": {"ru": "Отправить ещё раз", "en": "Send again"},
    "form.submit": {"ru": "Отправить", "en": "Send"},
    "form.sending": {"ru": "Отправляем…", "en": "Sending…"},
    "form.errors": {
        "ru": "Проверьте поля, отмеченные ниже.",
        "en": "Please check the fields marked below.",
    },
    "form.failed": {
        "ru": "Не удалось отправить. Проверьте соединение и попробуйте ещё раз.",
        "en": "Could not send. Check your connection and try again.",
    },
    "form.honeypot": {"ru": "Не заполняйте это поле", "en": "Leave this field empty"},
    "success.title": {"ru": "Обращение принято", "en": "Your appeal has been accepted"},
    "success.number": {"ru": "Номер обращения", "en": "Appeal number"},
    "success.link": {
        "ru": "Следить за статусом",
        "en": "Follow its status",
    },
    "success.note": {
        "ru": "Сохраните номер и ссылку: по ним можно узнать статус и прочитать ответ.",
        "en": "Keep the number and the link: they show the status and the answer.",
    },
    # the success screen and the tracking page's first showing, when no e-mail was given
    "success.no-email": {
        "ru": "Вы не указали e-mail, поэтому писем о нём не будет: статус и ответ появятся "
        "только по ссылке «Следить за статусом». Сохраните её — без неё обращение не найти.",
        "en": "You gave no e-mail, so no messages about it will come: the status and the answer "
        "appear only at the «Follow its status» link. Keep it — without it the appeal cannot "
        "be found.",
    },
    "status.new-no-email": {
        "ru": "Вы не указали e-mail, поэтому писем о нём не будет: статус и ответ появятся "
        "только на этой странице. Сохраните ссылку на неё — без неё обращение не найти.",
        "en": "You gave no e-mail, so no messages about it will come: the status and the answer "
        "appear only on this page. Keep its link — without it the appeal cannot be found.",
    },
    "success.close": {"ru": "Закрыть", "en": "Close"},
    "success.another": {"ru": "Написать ещё", "en": "Write another"},
    "status.page-title": {"ru": "Обращение {number}", "en": "Appeal {number}"},
    "status.current": {"ru": "Статус", "en": "Status"},
    "status.history": {"ru": "История", "en": "History"},
    "status.to": {"ru": "Адресат", "en": "To"},
    "status.category": {"ru": "Тема", "en": "Topic"},
    "status.text": {"ru": "Текст обращения", "en": "Your text"},
    "status.filed": {"ru": "Подано", "en": "Filed"},
    "status.new": {
        "ru": "Обращение принято. Сохраните ссылку на эту страницу.",
        "en": "Your appeal has been accepted. Keep the link to this page.",
    },
    "page.error": {"ru": "Ошибка", "en": "Error"},
    # what a citizen reads when the site may not (or no longer) show the organisation's form
    "unavailable.title": {
        "ru": "Форма недоступна на этом сайте",
        "en": "The form is not available on this site",
    },
    "unavailable.text": {
        "ru": "Организация «{org}» сейчас не принимает обращения через этот сайт. "
        "Свяжитесь с ней напрямую.",
        "en": "{org} does not take appeals through this site at the moment. "
        "Please contact it directly.",
    },
    "unavailable.kept": {
        "ru": "Ваш текст не потерян — вот он. Скопируйте его, чтобы отправить другим способом:",
        "en": "Your text is not lost — here it is. Copy it to send it another way:",
    },
    # a ПОС banner whose id no organisation has (form/pos_banner.py)
    "pos-unknown.title": {
        "ru": "Обратная связь на этом сайте ещё не подключена",
        "en": "Feedback is not set up on this site yet",
    },
    "pos-unknown.text": {
        "ru": "Баннер на этом сайте передал номер организации {id}, но организации с таким номером "
        "на платформе пока нет, поэтому написать обращение здесь нельзя. Сообщите об этом "
        "администратору сайта или обратитесь в поддержку платформы.",
        "en": "The banner on this site gave the organisation number {id}, but no organisation "
        "on the platform has that number yet, so an appeal cannot be written here. Please tell "
        "the site's administrator, or contact the platform's support.",
    },
    "pos-unknown.contacts": {"ru": "Поддержка платформы", "en": "The platform's support"},
    "pos-unknown.none": {
        "ru": "Обратитесь в организацию по контактам на её официальном сайте.",
        "en": "Please contact the organisation through its official website.",
    },
    "gone.title": {"ru": "Обращение не отправлено", "en": "Your appeal was not sent"},
    "gone.text": {
        "ru": "Организация «{org}» больше не принимает обращения через этот сайт. Ваш текст "
        "не потерян: он остался в форме ниже. Скопируйте его и свяжитесь с организацией напрямую.",
        "en": "{org} no longer takes appeals through this site. Your text is not lost: it is "
        "still in the form below. Copy it and contact the organisation directly.",
    },
    "contacts.title": {"ru": "Контакты организации", "en": "How to reach the organisation"},
    "contacts.phone": {"ru": "Телефон", "en": "Phone"},
    "contacts.email": {"ru": "E-mail", "en": "E-mail"},
    "contacts.website": {"ru": "Сайт", "en": "Website"},
    "contacts.none": {
        "ru": "Контакты организации указаны на её официальном сайте.",
        "en": "The organisation's contacts are on its official website.",
    },
    # the service's own front page
    "home.title": {"ru": "Платформа обратной связи", "en": "Feedback platform"},
    "home.lead": {
        "ru": "Приём обращений граждан для органов власти и организаций. На сайте организации "
        "кнопка «Обратная связь» открывает форму; обращение сразу получает номер и ссылку "
        "для отслеживания и попадает в организацию.",
        "en": "Citizens' appeals for public bodies and organisations. On an organisation's site "
        "the Feedback badge opens the form; the appeal gets a number and a tracking link at "
        "once and goes to the organisation.",
    },
    "home.track": {"ru": "Узнать статус обращения", "en": "Check an appeal's status"},
    "home.track.hint": {
        "ru": "Вставьте ссылку для отслеживания, которую вы получили после отправки обращения. "
        "По одному номеру статус не показывается: номер могут знать и другие люди.",
        "en": "Paste the tracking link you got when you sent the appeal. The number alone does "
        "not show the status: other people may know it too.",
    },
    "home.track.label": {"ru": "Ссылка для отслеживания", "en": "Tracking link"},
    "home.track.submit": {"ru": "Открыть", "en": "Open"},
    "home.track.invalid": {
        "ru": "Это не ссылка для отслеживания, или она повреждена. Скопируйте её целиком "
        "с экрана, который вы увидели после отправки.",
        "en": "This is not a tracking link, or it is damaged. Copy the whole link from the "
        "screen you saw after sending.",
    },
    "home.developers": {
        "ru": "Для организаций и разработчиков",
        "en": "For organisations and developers",
    },
    "home.api": {"ru": "Описание API (OpenAPI, JSON)", "en": "API description (OpenAPI, JSON)"},
    "home.other-language": {"ru": "English", "en": "Русский"},
}
