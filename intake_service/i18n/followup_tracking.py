"""Messages of the citizen's tracking page: the timeline, the verdict, repeats and
clarification (followup/tracking.py, followup/tracking_routes.py)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # the organisation in the accusative in Russian (declension.py), as written in English
    "track.step.routed": {"ru": "Передано в {org}", "en": "Forwarded to “{org}”"},
    "track.step.clarify_asked": {"ru": "Запрошено уточнение", "en": "A question for you"},
    "track.step.clarified": {"ru": "Вы ответили на вопрос", "en": "You answered the question"},
    "track.step.extended": {
        "ru": "Срок ответа продлён до {date}",
        "en": "The answer is now due by {date}",
    },
    "track.step.rated": {"ru": "Ваша оценка: {rating} из 5", "en": "Your rating: {rating} of 5"},
    "track.step.repeated": {
        "ru": "Подано повторное обращение {number}",
        "en": "Repeat appeal {number} filed",
    },
    "track.due": {"ru": "Срок ответа", "en": "Answer due"},
    "track.register-due": {"ru": "Срок регистрации", "en": "Registration due"},
    "track.overdue": {"ru": "срок нарушен", "en": "overdue"},
    "track.extension": {"ru": "Срок продлён", "en": "Deadline extended"},
    "track.repeat-of": {"ru": "Повторное к обращению", "en": "Repeats appeal"},
    "track.repeats": {"ru": "Повторные обращения", "en": "Repeat appeals"},
    "track.question": {"ru": "Вопрос к вам", "en": "A question for you"},
    "track.question-due": {
        "ru": "Ответьте до {date}, иначе обращение будет закрыто.",
        "en": "Answer by {date}, or the appeal will be closed.",
    },
    "track.answer-label": {"ru": "Ваш ответ", "en": "Your answer"},
    "track.answer-send": {"ru": "Отправить ответ", "en": "Send the answer"},
    "track.verdict": {"ru": "Решена ли проблема?", "en": "Is the problem solved?"},
    "track.solved": {"ru": "Да, решена", "en": "Yes, solved"},
    "track.not-solved": {
        "ru": "Нет, не решена — подать повторное обращение",
        "en": "No, not solved — file a repeat appeal",
    },
    "track.rating-title": {"ru": "Оценка ответа", "en": "Your verdict on the answer"},
    "track.rating": {"ru": "Оцените ответ", "en": "Rate the answer"},
    "track.rating-n": {"ru": "{n} из 5", "en": "{n} of 5"},
    "track.comment": {"ru": "Комментарий (необязательно)", "en": "Comment (optional)"},
    "track.verdict-send": {"ru": "Отправить оценку", "en": "Send"},
    "track.verdict-given": {
        "ru": "Ваша оценка: {rating} из 5, {solved}.",
        "en": "Your rating: {rating} of 5, {solved}.",
    },
    "track.solved-word": {"ru": "проблема решена", "en": "solved"},
    "track.not-solved-word": {"ru": "проблема не решена", "en": "not solved"},
    "track.back": {"ru": "Проблема вернулась?", "en": "Is the problem back?"},
    "track.back-text": {"ru": "Что случилось снова", "en": "What happened again"},
    "track.back-send": {"ru": "Подать повторное обращение", "en": "File a repeat appeal"},
    "track.repeat-default": {
        "ru": "Проблема по обращению {number} не решена.",
        "en": "The problem of appeal {number} is not solved.",
    },
    "track.refused.early": {
        "ru": "Оценить можно только после ответа.",
        "en": "You can rate only after the answer.",
    },
    "track.refused.twice": {
        "ru": "Оценка уже дана — повторно её не изменить.",
        "en": "The rating is given already; it cannot be changed.",
    },
    "track.refused.late": {
        "ru": "Срок для повторного обращения по этому ответу истёк. Подайте новое обращение.",
        "en": "The period for a repeat of this answer has passed. Please file a new appeal.",
    },
    "track.refused.repeat-open": {
        "ru": "Повторное обращение по этой проблеме уже подано и ещё рассматривается.",
        "en": "A repeat appeal about this problem is filed already and still being handled.",
    },
    "track.refused.no-question": {
        "ru": "Вопрос уже закрыт: ответ не требуется.",
        "en": "The question is closed: no answer is needed.",
    },
    "track.refused.erased": {
        "ru": "Персональные данные этого обращения стёрты: добавить к нему ничего нельзя. Если "
        "проблема не решена, напишите новое обращение.",
        "en": "This appeal's personal data has been erased: nothing can be added to it. If the "
        "problem is not solved, write a new appeal.",
    },
    "track.erased": {
        "ru": "Персональные данные этого обращения стёрты (по запросу или по истечении срока "
        "хранения): остались номер, тема, даты и статус.",
        "en": "This appeal's personal data has been erased (on request or when its keeping "
        "period ended): its number, topic, dates and status remain.",
    },
    "track.refused.rating": {
        "ru": "Выберите оценку от 1 до 5.",
        "en": "Choose a rating from 1 to 5.",
    },
    "problem.tracking-refused": {
        "ru": "Действие недоступно",
        "en": "Not possible now",
    },
    "track.done.verdict": {"ru": "Спасибо за оценку.", "en": "Thank you for your rating."},
    "track.done.clarification": {
        "ru": "Ответ передан в организацию.",
        "en": "Your answer is passed to the organisation.",
    },
    # the page's header, the photos, a repeat just filed (tracking_page.py)
    "track.org-head": {"ru": "Организация", "en": "Organisation"},
    "track.photos": {"ru": "Ваши фотографии", "en": "Your photos"},
    "track.photo": {"ru": "Фотография {n}, открыть целиком", "en": "Photo {n}, open in full"},
    "track.filed.verdict": {
        "ru": "Спасибо за оценку. Подано повторное обращение {number} к обращению {first} — "
        "это его страница.",
        "en": "Thank you for your rating. Repeat appeal {number} to appeal {first} is filed — "
        "this is its page.",
    },
    "track.filed.repeat": {
        "ru": "Подано повторное обращение {number} к обращению {first} — это его страница.",
        "en": "Repeat appeal {number} to appeal {first} is filed — this is its page.",
    },
    "track.filed-keep": {
        "ru": "Ответ на него появится здесь, сохраните ссылку:",
        "en": "Its answer will appear here; keep the link:",
    },
    "track.done.repeat": {
        "ru": "Повторное обращение подано.",
        "en": "The repeat appeal is filed.",
    },
}
