"""Polls, votes and discussions: what every surface of them says — refusals, the checks of a
definition and of a ballot, the e-mails, the log's words. The residents' pages and the console's
pages keep their own words in `polls_pages.py` and `console_polls.py`."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # problems
    "problem.poll-not-open": {"ru": "Голосование сейчас не идёт", "en": "This poll is not open"},
    "problem.already-voted": {"ru": "Вы уже проголосовали", "en": "You have voted already"},
    "problem.results-hidden": {
        "ru": "Результаты пока не опубликованы",
        "en": "The results are not published yet",
    },
    "problem.identity-required": {
        "ru": "Нужно подтвердить личность",
        "en": "Your identity must be confirmed",
    },
    "detail.poll-unknown": {
        "ru": "Такого опроса нет.",
        "en": "There is no such poll.",
    },
    "detail.poll-closed": {
        "ru": "Приём ответов завершён.",
        "en": "This poll has closed.",
    },
    "detail.poll-upcoming": {
        "ru": "Приём ответов ещё не начался.",
        "en": "This poll has not opened yet.",
    },
    "detail.already-voted": {
        "ru": "Голос с этого адреса, браузера или учётной записи уже учтён; повторный голос не "
        "засчитывается, результаты не изменились.",
        "en": "A vote with this address, browser or account is counted already; a second one "
        "is not, and the results have not changed.",
    },
    "detail.results-hidden": {
        "ru": "Результаты будут опубликованы после завершения голосования.",
        "en": "The results will be published when the poll closes.",
    },
    "detail.poll-identity-required": {
        "ru": "В этом голосовании участвуют только вошедшие через Госуслуги: войдите и "
        "проголосуйте снова.",
        "en": "Only residents signed in through the identity provider take part in this "
        "poll: sign in and vote again.",
    },
    "detail.poll-identity-forged": {
        "ru": "Вход устарел или не подтверждён: войдите снова.",
        "en": "The sign-in has expired or cannot be verified: sign in again.",
    },
    "detail.poll-not-yours": {
        "ru": "Опрос принадлежит другой организации.",
        "en": "The poll belongs to another organisation.",
    },
    # the checks of a definition and of a ballot
    "field.poll-choice": {"ru": "Допустимо: {allowed}.", "en": "One of: {allowed}."},
    "field.poll-time": {
        "ru": "Время в формате ISO 8601 с часовым поясом, например 2026-12-01T09:00:00+03:00.",
        "en": "A time in ISO 8601 with its offset, such as 2026-12-01T09:00:00+03:00.",
    },
    "field.poll-id": {
        "ru": "Латинские строчные буквы, цифры, «-» и «_», до 32 знаков.",
        "en": "Lower-case Latin letters, digits, '-' and '_', up to 32 characters.",
    },
    "field.poll-too-many": {"ru": "Не больше {max}.", "en": "At most {max}."},
    "field.poll-duplicate": {"ru": "Такой идентификатор уже есть.", "en": "This id is taken."},
    "field.poll-discussion": {
        "ru": "У обсуждения нет вопросов: жители пишут комментарии.",
        "en": "A discussion has no questions: residents write comments.",
    },
    "field.poll-vote-one": {
        "ru": "У голосования один вопрос: варианты — то, за что голосуют.",
        "en": "A vote has one question: its options are what is voted for.",
    },
    "field.poll-max-choices": {
        "ru": "Целое число от 1 до числа вариантов.",
        "en": "A whole number from 1 to the number of options.",
    },
    "field.poll-closes-before": {
        "ru": "Окончание должно быть позже начала.",
        "en": "The closing time must be after the opening time.",
    },
    "field.poll-closes-past": {
        "ru": "Окончание уже прошло.",
        "en": "The closing time has passed.",
    },
    "field.poll-question": {
        "ru": "В опросе нет такого вопроса.",
        "en": "The poll has no such question.",
    },
    "field.poll-option": {
        "ru": "Выберите один из предложенных вариантов.",
        "en": "Choose one of the options given.",
    },
    "field.poll-too-many-choices": {
        "ru": "Можно выбрать не больше {max}.",
        "en": "Choose at most {max}.",
    },
    "field.poll-scale": {
        "ru": "Оценка — целое число от 1 до 5.",
        "en": "A mark is a whole number from 1 to 5.",
    },
    "field.poll-identity-off": {
        "ru": "Вход через Госуслуги на этом сервисе не настроен: выберите другой способ участия.",
        "en": "Sign-in at an identity provider is not set up here: choose another level.",
    },
    "field.poll-email-required": {
        "ru": "Укажите e-mail: голос будет учтён, когда вы откроете ссылку из письма.",
        "en": "Give your e-mail: the vote counts once you open the link we send.",
    },
    # the e-mails
    "mail.subject.vote": {
        "ru": "Подтвердите свой голос: {title}",
        "en": "Confirm your vote: {title}",
    },
    "mail.body.vote": {
        "ru": "Вы проголосовали в опросе «{title}». Чтобы голос был учтён, откройте ссылку ниже. "
        "Если вы не голосовали, просто удалите письмо — без подтверждения голос не считается.",
        "en": "You voted in “{title}”. To have the vote counted, open the link below. If you "
        "did not vote, just delete this e-mail — without confirmation nothing is counted.",
    },
    "mail.vote-link": {"ru": "Подтвердить голос", "en": "Confirm my vote"},
    "mail.subject.comment": {
        "ru": "Ваш комментарий к обсуждению «{title}»",
        "en": "Your comment on “{title}”",
    },
    "mail.body.comment": {
        "ru": "Ваш комментарий к обсуждению «{title}» {outcome}",
        "en": "Your comment on “{title}” {outcome}",
    },
    "mail.comment.approved": {"ru": "опубликован.", "en": "is published."},
    "mail.comment.rejected": {
        "ru": "не опубликован. Причина, которую указал модератор:",
        "en": "was not published. The moderator's reason:",
    },
    "mail.comment-link": {"ru": "Ваш комментарий", "en": "Your comment"},
    # the log's words
    "log.type.poll_created": {"ru": "Опрос создан", "en": "Poll created"},
    "log.type.poll_closed": {"ru": "Опрос завершён досрочно", "en": "Poll closed early"},
    "log.type.poll_published": {"ru": "Результаты опубликованы", "en": "Results published"},
    "log.type.vote_held": {
        "ru": "Голос ждёт подтверждения почты",
        "en": "Vote awaiting e-mail confirmation",
    },
    "log.type.vote_counted": {"ru": "Голос учтён", "en": "Vote counted"},
    "log.type.comment_posted": {
        "ru": "Комментарий на модерации",
        "en": "Comment awaiting moderation",
    },
    "log.type.comment_approved": {"ru": "Комментарий опубликован", "en": "Comment approved"},
    "log.type.comment_rejected": {"ru": "Комментарий отклонён", "en": "Comment rejected"},
    "log.type.comment_replied": {"ru": "Ответ на комментарий", "en": "Reply to a comment"},
}
