"""Messages of the citizen's follow-through in the console: deadlines, extension,
clarification, the verdict and repeats on an appeal's page."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "console.appeal.due": {"ru": "Срок ответа", "en": "Answer due"},
    "console.appeal.register-due": {"ru": "Срок регистрации", "en": "Registration due"},
    "console.appeal.forward-due": {
        "ru": "Срок переадресации",
        "en": "Forward by",
    },
    "console.appeal.forward-due.hint": {
        "ru": "Если вопрос не в компетенции организации, обращение переадресуется в "
        "компетентный орган в течение 7 дней со дня регистрации (59-ФЗ, ст. 8).",
        "en": "An appeal outside the organisation's competence goes to the competent body "
        "within 7 days of its registration (59-FZ, art. 8).",
    },
    "console.event.forward-due": {
        "ru": "переадресовать до {date}, если не в компетенции",
        "en": "forward by {date} if outside the competence",
    },
    "console.event.forward-late": {
        "ru": "переадресовано позже 7 дней со дня регистрации",
        "en": "forwarded later than 7 days after registration",
    },
    "console.appeal.overdue": {"ru": "Просрочено", "en": "Overdue"},
    "console.appeal.extended": {"ru": "Продлён", "en": "Extended"},
    "console.appeal.repeat-of": {"ru": "Повторное к", "en": "Repeats"},
    "console.appeal.repeats": {"ru": "Повторные", "en": "Repeat appeals"},
    "console.appeal.question": {"ru": "Вопрос заявителю", "en": "Question to the citizen"},
    "console.appeal.clarify-answer": {"ru": "Ответ заявителя", "en": "The citizen's answer"},
    "console.appeal.clarify-due": {"ru": "Ждём ответа до {date}", "en": "Awaited by {date}"},
    "console.appeal.verdict": {"ru": "Оценка заявителя", "en": "Citizen's verdict"},
    "console.appeal.verdict.solved": {"ru": "решено", "en": "solved"},
    "console.appeal.verdict.not-solved": {"ru": "не решено", "en": "not solved"},
    "console.appeal.clarify": {"ru": "Запросить уточнение", "en": "Ask the citizen"},
    "console.appeal.clarify.hint": {
        "ru": "Заявитель увидит вопрос на странице обращения и в письме; без ответа обращение "
        "закроется как неуточнённое.",
        "en": "The citizen reads the question on the tracking page and by e-mail; without an "
        "answer the appeal closes as not clarified.",
    },
    "console.appeal.clarify.send": {"ru": "Отправить вопрос", "en": "Send the question"},
    "console.appeal.extend": {"ru": "Продлить срок на 30 дней", "en": "Extend by 30 days"},
    "console.appeal.extend.hint": {
        "ru": "Один раз для официального обращения; причину увидит заявитель.",
        "en": "Once per official appeal; the citizen reads the reason.",
    },
    "console.appeal.extend.send": {"ru": "Продлить", "en": "Extend"},
    "console.appeal.done.clarify": {
        "ru": "Вопрос отправлен заявителю.",
        "en": "The question is sent to the citizen.",
    },
    "console.appeal.done.extend": {"ru": "Срок продлён.", "en": "The deadline is extended."},
    "clarify.question-empty": {"ru": "Напишите вопрос.", "en": "Write the question."},
    "extend.reason-required": {
        "ru": "Укажите причину продления — её увидит заявитель.",
        "en": "Give the reason for the extension; the citizen reads it.",
    },
    "extend.not-official": {
        "ru": "Продлить можно только срок официального обращения.",
        "en": "Only an official appeal's deadline can be extended.",
    },
    "extend.once": {
        "ru": "Срок уже продлевался: продлить можно один раз.",
        "en": "The deadline was extended already; it can be extended once.",
    },
    "extend.closed": {
        "ru": "Обращение закрыто: срок не продлевается.",
        "en": "The appeal is closed: its deadline is not extended.",
    },
    "console.appeal.forward": {
        "ru": "Передать по компетенции",
        "en": "Forward to the competent body",
    },
    "console.appeal.forward.hint": {
        "ru": "Обращение перейдёт в выбранную организацию; заявителю придёт уведомление.",
        "en": "The appeal moves to the chosen organisation; the citizen is told.",
    },
    "console.appeal.forward.send": {"ru": "Передать", "en": "Forward"},
    "console.appeal.done.forward": {
        "ru": "Обращение передано по компетенции.",
        "en": "The appeal is forwarded.",
    },
    "routing.closed": {
        "ru": "Закрытое обращение не передаётся.",
        "en": "A closed appeal is not forwarded.",
    },
    "routing.same": {
        "ru": "Обращение уже в этой организации.",
        "en": "The appeal is with this organisation already.",
    },
    "routing.unknown": {
        "ru": "Выберите организацию из списка.",
        "en": "Choose an organisation from the list.",
    },
}
