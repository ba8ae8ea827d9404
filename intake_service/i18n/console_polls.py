"""Polls, votes and discussions: the words of the console's pages for operators (the shared ones are in `polls.py`)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "console.nav.polls": {"ru": "Опросы", "en": "Polls"},
    "console.polls.title": {
        "ru": "Опросы, голосования и обсуждения",
        "en": "Polls, votes and discussions",
    },
    "console.polls.new": {"ru": "Новый опрос", "en": "New poll"},
    "console.polls.new-title": {
        "ru": "Новый опрос, голосование или обсуждение",
        "en": "A new poll, vote or discussion",
    },
    "console.polls.back": {"ru": "← Все опросы", "en": "← All polls"},
    "console.polls.none": {"ru": "Опросов пока нет.", "en": "No polls yet."},
    "console.polls.moderation": {"ru": "Модерация комментариев", "en": "Comment moderation"},
    "console.polls.pending": {"ru": "ждут модерации: {n}", "en": "awaiting moderation: {n}"},
    # the list's columns
    "console.polls.col.title": {"ru": "Название", "en": "Title"},
    "console.polls.col.kind": {"ru": "Вид", "en": "Kind"},
    "console.polls.col.state": {"ru": "Состояние", "en": "State"},
    "console.polls.col.participants": {"ru": "Участников", "en": "Participants"},
    "console.polls.col.closes": {"ru": "Завершение", "en": "Closes"},
    "console.polls.col.org": {"ru": "Организация", "en": "Organisation"},
    "console.polls.col.option": {"ru": "Вариант", "en": "Option"},
    "console.polls.col.mark": {"ru": "Оценка", "en": "Mark"},
    "console.polls.col.bar": {"ru": "Доля на графике", "en": "Share as a bar"},
    "console.polls.col.count": {"ru": "Голосов", "en": "Votes"},
    "console.polls.col.share": {"ru": "Доля", "en": "Share"},
    # kinds, states and choices in words
    "console.polls.kind.poll": {"ru": "опрос", "en": "poll"},
    "console.polls.kind.vote": {"ru": "голосование", "en": "vote"},
    "console.polls.kind.discussion": {"ru": "общественное обсуждение", "en": "public discussion"},
    "console.polls.state.upcoming": {"ru": "запланирован", "en": "scheduled"},
    "console.polls.state.open": {"ru": "идёт", "en": "open"},
    "console.polls.state.closed": {"ru": "завершён", "en": "closed"},
    "console.polls.identity.anyone": {
        "ru": "любой посетитель (один голос с браузера)",
        "en": "anyone (one vote per browser)",
    },
    "console.polls.identity.email": {
        "ru": "подтвердившие e-mail (один голос на адрес)",
        "en": "confirmed e-mail (one vote per address)",
    },
    "console.polls.identity.identified": {
        "ru": "вошедшие через Госуслуги (один голос на человека)",
        "en": "signed in through the identity provider (one vote per person)",
    },
    "console.polls.identity.hint": {
        "ru": "Повторный голос того же человека сервер не засчитает.",
        "en": "The server does not count a second vote of the same person.",
    },
    "console.polls.results.live": {"ru": "видны во время голосования", "en": "shown while it runs"},
    "console.polls.results.at_close": {
        "ru": "публикуются по завершении",
        "en": "published at closing",
    },
    "console.polls.reach.own": {
        "ru": "только на сайтах своей организации",
        "en": "own organisation's sites only",
    },
    "console.polls.reach.children": {
        "ru": "также на сайтах подведомственных организаций",
        "en": "also on the sites of the organisations below",
    },
    "console.polls.type.single": {"ru": "один вариант", "en": "single choice"},
    "console.polls.type.multiple": {"ru": "несколько вариантов", "en": "multiple choice"},
    "console.polls.type.scale": {"ru": "оценка от 1 до 5", "en": "1–5 scale"},
    "console.polls.type.text": {"ru": "короткий ответ", "en": "short answer"},
    # the form
    "console.polls.failed": {
        "ru": "Опрос не создан. Исправьте отмеченное:",
        "en": "The poll was not created. Correct what is marked:",
    },
    "console.polls.field.org": {"ru": "Организация", "en": "Organisation"},
    "console.polls.field.kind": {"ru": "Что создаём", "en": "What it is"},
    "console.polls.field.title": {"ru": "Название", "en": "Title"},
    "console.polls.field.description": {"ru": "Описание", "en": "Description"},
    "console.polls.field.identity": {"ru": "Кто участвует", "en": "Who takes part"},
    "console.polls.field.opens_at": {"ru": "Начало", "en": "Opens"},
    "console.polls.field.closes_at": {"ru": "Окончание", "en": "Closes"},
    "console.polls.field.results": {"ru": "Результаты", "en": "Results"},
    "console.polls.field.reach": {"ru": "Где показывать", "en": "Where it is shown"},
    "console.polls.field.type": {"ru": "Тип вопроса", "en": "Question type"},
    "console.polls.field.text": {"ru": "Текст вопроса", "en": "Question"},
    "console.polls.field.options": {"ru": "Варианты ответа", "en": "Options"},
    "console.polls.field.max": {"ru": "Сколько можно выбрать", "en": "Most choices"},
    "console.polls.field.documents": {"ru": "Документы", "en": "Documents"},
    "console.polls.field.questions": {"ru": "Вопросы", "en": "Questions"},
    "console.polls.description.hint": {
        "ru": "Для обсуждения обязательно: опишите проект, который обсуждают жители.",
        "en": "Required for a discussion: describe the project residents discuss.",
    },
    "console.polls.times": {"ru": "Сроки", "en": "Dates"},
    "console.polls.zone": {
        "ru": "Время указывается по часовому поясу организации: {zone}.",
        "en": "Times are in the organisation's time zone: {zone}.",
    },
    "console.polls.zone-org": {
        "ru": "Время указывается по часовому поясу выбранной организации (указан рядом с её названием).",
        "en": "Times are in the chosen organisation's time zone (shown beside its name).",
    },
    "console.polls.questions": {"ru": "Вопросы", "en": "Questions"},
    "console.polls.questions.hint": {
        "ru": "Заполните нужные блоки, пустые не учитываются. У голосования — один вопрос, у "
        "обсуждения вопросов нет.",
        "en": "Fill in the blocks you need; empty ones are ignored. A vote has one question, a "
        "discussion none.",
    },
    "console.polls.question-n": {"ru": "Вопрос {n}", "en": "Question {n}"},
    "console.polls.options.hint": {
        "ru": "Варианты — по одному в строке: «название» или «название — описание». Для оценки "
        "и короткого ответа варианты не нужны.",
        "en": "Options one per line: “title” or “title — description”. A scale and a short "
        "answer need none.",
    },
    "console.polls.max.hint": {
        "ru": "Только для вопроса с несколькими вариантами; пусто — без ограничения.",
        "en": "Multiple choice only; empty means no limit.",
    },
    "console.polls.pictures": {
        "ru": "Картинки вариантов голосования",
        "en": "Pictures of a vote's options",
    },
    "console.polls.pictures.hint": {
        "ru": "JPEG или PNG до 10 МБ, по порядку вариантов вопроса.",
        "en": "JPEG or PNG up to 10 MB, in the order of the question's options.",
    },
    "console.polls.picture-n": {"ru": "Картинка варианта {n}", "en": "Picture of option {n}"},
    "console.polls.documents": {"ru": "Документы обсуждения", "en": "Discussion documents"},
    "console.polls.documents.label": {"ru": "Файлы", "en": "Files"},
    "console.polls.documents.hint": {
        "ru": "PDF, JPEG или PNG, до 10 файлов по 10 МБ.",
        "en": "PDF, JPEG or PNG, up to 10 files of 10 MB.",
    },
    "console.polls.create": {"ru": "Создать", "en": "Create"},
    "console.polls.org-unknown": {
        "ru": "Выберите организацию из списка.",
        "en": "Choose an organisation from the list.",
    },
    "console.polls.time-bad": {
        "ru": "Укажите дату и время, например 07.12.2026 09:00.",
        "en": "Give a date and time, such as 07.12.2026 09:00.",
    },
    "console.polls.questions-required": {
        "ru": "Заполните хотя бы один вопрос.",
        "en": "Fill in at least one question.",
    },
    "console.polls.file-too-large": {"ru": "Файл больше 10 МБ.", "en": "The file is over 10 MB."},
    "console.polls.file-type-picture": {
        "ru": "Картинка должна быть в формате JPEG или PNG.",
        "en": "A picture must be a JPEG or a PNG.",
    },
    "console.polls.file-type-document": {
        "ru": "Документ должен быть в формате PDF, JPEG или PNG.",
        "en": "A document must be a PDF, a JPEG or a PNG.",
    },
    "console.polls.vote-type": {
        "ru": "В голосовании выбирают один или несколько вариантов.",
        "en": "A vote is a single or a multiple choice.",
    },
    "console.polls.picture-no-option": {
        "ru": "У вопроса нет варианта {n}: добавьте его или уберите картинку.",
        "en": "The question has no option {n}: add it or remove the picture.",
    },
    "console.polls.too-many-documents": {"ru": "Не больше 10 файлов.", "en": "At most 10 files."},
    # one poll
    "console.polls.public": {"ru": "опубликованы", "en": "published"},
    "console.polls.page": {"ru": "Страница для жителей", "en": "Residents' page"},
    "console.polls.close": {"ru": "Завершить досрочно", "en": "Close early"},
    "console.polls.publish": {"ru": "Опубликовать результаты", "en": "Publish the results"},
    "console.polls.csv": {"ru": "Выгрузить CSV", "en": "Export CSV"},
    "console.polls.results-title": {"ru": "Результаты", "en": "Results"},
    "console.polls.participants": {"ru": "Участников", "en": "Participants"},
    "console.polls.share-hint": {
        "ru": "Доля — от числа участников.",
        "en": "Shares are of the participants.",
    },
    "console.polls.live-hint": {
        "ru": "Числа обновляются сами, пока страница открыта.",
        "en": "The numbers refresh by themselves while this page is open.",
    },
    "console.polls.multiple-hint": {
        "ru": "Можно было выбрать несколько вариантов: сумма долей больше 100 %.",
        "en": "Several options could be chosen: the shares add up to more than 100%.",
    },
    "console.polls.mean": {"ru": "Средняя оценка", "en": "Mean mark"},
    "console.polls.no-answers": {"ru": "Ответов пока нет.", "en": "No answers yet."},
    "console.polls.comments": {"ru": "Опубликованные комментарии", "en": "Published comments"},
    "console.polls.no-comments": {
        "ru": "Опубликованных комментариев пока нет.",
        "en": "No published comments yet.",
    },
    "console.polls.reply": {"ru": "Ответ организации", "en": "The organisation's reply"},
    "console.polls.reply-change": {"ru": "Изменить ответ организации", "en": "Change the reply"},
    "console.polls.reply-shown": {"ru": "Ответ организации:", "en": "The organisation's reply:"},
    "console.polls.reply-send": {"ru": "Ответить", "en": "Reply"},
    # moderation
    "console.polls.approve": {"ru": "Опубликовать", "en": "Approve"},
    "console.polls.reject": {"ru": "Отклонить", "en": "Reject"},
    "console.polls.reason": {
        "ru": "Причина отклонения (придёт автору по e-mail)",
        "en": "Reason for rejecting (e-mailed to the author)",
    },
    "console.polls.reason-required": {
        "ru": "Укажите причину: автор получит её по e-mail.",
        "en": "Give a reason: the author receives it by e-mail.",
    },
    "console.polls.moderation-failed": {
        "ru": "Комментарий не отклонён: укажите причину.",
        "en": "The comment was not rejected: give a reason.",
    },
    "console.polls.queue-empty": {"ru": "Новых комментариев нет.", "en": "No new comments."},
    # what was done
    "console.polls.done.created": {"ru": "Опрос создан.", "en": "The poll is created."},
    "console.polls.done.closed": {"ru": "Опрос завершён.", "en": "The poll is closed."},
    "console.polls.done.published": {
        "ru": "Результаты опубликованы.",
        "en": "The results are published.",
    },
    "console.polls.done.replied": {"ru": "Ответ опубликован.", "en": "The reply is published."},
    "console.polls.done.reply-empty": {
        "ru": "Ответ пуст или слишком длинный.",
        "en": "The reply is empty or too long.",
    },
    "console.polls.done.approved": {
        "ru": "Комментарий опубликован.",
        "en": "The comment is published.",
    },
    "console.polls.done.rejected": {
        "ru": "Комментарий отклонён, автору отправлена причина.",
        "en": "The comment is rejected; its author is sent the reason.",
    },
    "console.polls.done.decided": {
        "ru": "Этот комментарий уже рассмотрен.",
        "en": "This comment has been decided already.",
    },
    # the statistics page's participation section (console/stats.py)
    "stats.polls": {
        "ru": "Опросы и обсуждения за период",
        "en": "Polls and discussions in the period",
    },
    "stats.polls-summary": {
        "ru": "Опросов и обсуждений: {polls}, участников голосований: {participants}.",
        "en": "Polls and discussions: {polls}; participants in votes: {participants}.",
    },
    "stats.poll": {"ru": "Опрос", "en": "Poll"},
    "stats.poll-participants": {"ru": "Участников", "en": "Participants"},
    "stats.poll-comments": {"ru": "комментариев: {n}", "en": "comments: {n}"},
    "stats.polls-none": {
        "ru": "В этот период опросов и обсуждений не было.",
        "en": "No polls or discussions in this period.",
    },
}
