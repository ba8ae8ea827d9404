"""/docs in Russian for the polls' operations (polls/openapi_paths.py): each English sentence
of the document is its key, as in api_docs.py."""

from __future__ import annotations

from intake_service.i18n.api_docs import sentences

MESSAGES = sentences(
    (
        (
            "How many polls the organisation's badge shows open, for its count",
            "Сколько опросов открыто на значке организации — для счётчика на значке",
        ),
        (
            "No cookie is read or set; cached for a minute; CORS for the organisation's allowed "
            "sites only.",
            "Cookie не читаются и не ставятся; ответ кэшируется на минуту; CORS — только для "
            "разрешённых сайтов организации.",
        ),
        (
            "The number of open polls, votes and discussions.",
            "Число открытых опросов, голосований и обсуждений.",
        ),
        (
            "Create a poll, a vote or a public discussion",
            "Создать опрос, голосование или общественное обсуждение",
        ),
        (
            "With the organisation's key; the poll is its organisation's.",
            "С ключом организации; опрос принадлежит ей.",
        ),
        ("Created: its id and its page.", "Создан: его идентификатор и страница."),
        ("What an organisation's badge shows open now", "Что сейчас открыто на значке организации"),
        (
            "The open polls, soonest closing first.",
            "Открытые опросы, первыми — те, что закончатся раньше.",
        ),
        ("A poll: its questions, options and state", "Опрос: вопросы, варианты и состояние"),
        ("The poll, its questions and its state.", "Опрос, его вопросы и состояние."),
        (
            "The poll's id, as its creation answered it.",
            "Идентификатор опроса из ответа на его создание.",
        ),
        ("Close a poll now", "Завершить опрос сейчас"),
        (
            "With the key of its organisation or one above it.",
            "С ключом его организации или вышестоящей.",
        ),
        ("Closed (or closed already).", "Завершён (или был завершён раньше)."),
        ("Publish a poll's results before it closes", "Опубликовать результаты до завершения"),
        ("The results are shown from now on.", "Результаты видны с этого момента."),
        (
            "A poll's results: counts per option and participants",
            "Результаты: голоса по вариантам и число участников",
        ),
        (
            "Per question, per option (a scale's marks 1–5): how many chose it.",
            "По каждому вопросу и варианту (для шкалы — оценки 1–5): сколько его выбрали.",
        ),
        (
            "Vote: one ballot per person at the poll's identity level",
            "Проголосовать: один голос на человека на уровне подтверждения опроса",
        ),
        (
            "A second ballot of the same person changes nothing (409).",
            "Повторный голос того же человека ничего не меняет (409).",
        ),
        ("Counted.", "Учтён."),
        (
            "Held: counted once the e-mailed link is opened.",
            "Ожидает: будет учтён, когда откроют ссылку из письма.",
        ),
        (
            "Anyone level: send it with the next.",
            "Уровень «любой»: передайте его со следующим голосом.",
        ),
        (
            "Anyone level: the voter id the first vote answered, sent again.",
            "Уровень «любой»: идентификатор голосующего из ответа на первый голос.",
        ),
        (
            "E-mail level: where the link that counts the vote goes.",
            "Уровень «e-mail»: куда придёт ссылка, по которой голос будет учтён.",
        ),
        (
            "Identified level: the token the sign-in at the identity provider gave (the sign-in popup hands it over).",
            "Уровень «подтверждённая личность»: токен входа через поставщика идентификации (его передаёт окно входа).",
        ),
        (
            "Per question id: an option id (single), a list of option ids (multiple), a mark 1–5 (scale) or text (a free answer, optional).",
            "По идентификатору вопроса: идентификатор варианта (один выбор), список идентификаторов (несколько), оценка 1–5 (шкала) или текст (свободный ответ, необязателен).",
        ),
        (
            "A discussion's published comments and the organisation's replies",
            "Опубликованные комментарии обсуждения и ответы организации",
        ),
        ("Approved comments, oldest first.", "Одобренные комментарии, сначала старые."),
        (
            "Comment on a discussion (published once a moderator approves it)",
            "Прокомментировать обсуждение (публикуется после одобрения модератором)",
        ),
        ("Waiting for moderation.", "Ожидает модерации."),
        ("The name shown with the comment.", "Имя, которое показывается с комментарием."),
        (
            "Where the moderator's decision goes; never shown.",
            "Куда придёт решение модератора; не показывается.",
        ),
        ("Plain text: markup is shown as text.", "Обычный текст: разметка показывается как текст."),
        ("A picture the console uploaded.", "Изображение, загруженное в консоли."),
        (
            "A poll's questions; a vote has exactly one, a discussion none.",
            "Вопросы опроса; у голосования ровно один, у обсуждения — ни одного.",
        ),
        (
            "Multiple choice: at most this many options (at most their number).",
            "Несколько вариантов: не больше стольких (не больше их числа).",
        ),
        (
            "Single and multiple choice: the options (ids unique).",
            "Один или несколько вариантов: варианты (идентификаторы не повторяются).",
        ),
        (
            "Required for a discussion: the project residents comment on.",
            "Обязательно для обсуждения: проект, который обсуждают жители.",
        ),
        (
            "Who may take part: anyone (one per browser or app install), email (one per confirmed address), identified (one per subject of the identity provider).",
            "Кто участвует: anyone — любой (один голос на браузер или установку приложения), email — по подтверждённому адресу (один на адрес), identified — вошедшие через поставщика идентификации (один на учётную запись).",
        ),
        (
            "With its offset; after opens_at and not yet past.",
            "С часовым поясом; позже opens_at и ещё не наступило.",
        ),
        (
            "live: shown while it runs; at_close: published at closing.",
            "live — видны во время опроса; at_close — публикуются при завершении.",
        ),
        (
            "Whose badges show it: its organisation's, or also those below it.",
            "На чьих значках показывать: своей организации или также подчинённых.",
        ),
    )
)
