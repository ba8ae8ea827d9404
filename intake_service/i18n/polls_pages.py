"""Polls, votes and discussions: the words of the residents' pages, the badge's tab and the
inline block (the shared ones are in `polls.py`)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # refusals of the pages' own
    "problem.poll-link-expired": {
        "ru": "Ссылка устарела",
        "en": "The link has expired",
    },
    "detail.poll-link-expired": {
        "ru": "Ссылка из письма устарела или уже недействительна: голос по ней не учтён. "
        "Проголосуйте ещё раз на странице опроса — придёт новое письмо.",
        "en": "The link from the e-mail has expired or is no longer valid: no vote was counted "
        "by it. Vote again on the poll's page and a new e-mail will come.",
    },
    "detail.poll-comment-unknown": {
        "ru": "Такого комментария нет: ссылка неполная или неверная.",
        "en": "There is no such comment: the link is incomplete or wrong.",
    },
    # the poll's page
    "pp.fix-fields": {
        "ru": "Проверьте ответы: что исправить, сказано рядом с полями.",
        "en": "Check your answers: what to fix is said beside the fields.",
    },
    "pp.org-head": {"ru": "Организация", "en": "Organisation"},
    "pp.back-to-list": {"ru": "← Все опросы и обсуждения", "en": "← All polls and discussions"},
    "pp.kind.poll": {"ru": "Опрос", "en": "Poll"},
    "pp.kind.vote": {"ru": "Голосование", "en": "Vote"},
    "pp.kind.discussion": {"ru": "Общественное обсуждение", "en": "Public discussion"},
    "pp.org": {"ru": "Проводит", "en": "Held by"},
    "pp.opens": {"ru": "Начало", "en": "Opens"},
    "pp.closes": {"ru": "Окончание", "en": "Closes"},
    "pp.who": {"ru": "Кто участвует", "en": "Who takes part"},
    "pp.who.anyone": {
        "ru": "Любой житель, один голос с одного браузера",
        "en": "Any resident, one vote per browser",
    },
    "pp.who.email": {
        "ru": "Один голос на адрес e-mail: голос учитывается после перехода по ссылке из письма",
        "en": "One vote per e-mail address: it counts once the link in the e-mail is opened",
    },
    "pp.who.identified": {
        "ru": "Только вошедшие через Госуслуги, один голос на человека",
        "en": "Only residents signed in with Gosuslugi, one vote per person",
    },
    "pp.who.anyone-comment": {
        "ru": "Любой житель; комментарии публикуются после проверки",
        "en": "Any resident; comments are published once checked",
    },
    "pp.who.email-comment": {
        "ru": "Любой житель с адресом e-mail; комментарии публикуются после проверки",
        "en": "Any resident with an e-mail address; comments are published once checked",
    },
    "pp.who.identified-comment": {
        "ru": "Любой житель с адресом e-mail; комментарии публикуются после проверки",
        "en": "Any resident with an e-mail address; comments are published once checked",
    },
    "pp.state": {"ru": "Сейчас", "en": "Now"},
    "pp.state.upcoming": {"ru": "ещё не начался", "en": "not open yet"},
    "pp.state.open": {"ru": "идёт приём ответов", "en": "open"},
    "pp.state.closed": {"ru": "завершён", "en": "closed"},
    "pp.state.upcoming-discussion": {"ru": "ещё не началось", "en": "not open yet"},
    "pp.state.open-discussion": {"ru": "идёт обсуждение", "en": "open for comments"},
    "pp.state.closed-discussion": {"ru": "завершено", "en": "closed"},
    "pp.open-full": {
        "ru": "Открыть на отдельной странице",
        "en": "Open on a page of its own",
    },
    "pp.documents": {"ru": "Документы", "en": "Documents"},
    "pp.text-hint": {
        "ru": "Необязательно; до {max} знаков.",
        "en": "Optional; up to {max} characters.",
    },
    "pp.at-most": {"ru": "не больше {max}", "en": "at most {max}"},
    "pp.several": {"ru": "можно выбрать несколько", "en": "you may choose several"},
    "pp.scale-hint": {
        "ru": "1 — очень плохо, 5 — отлично.",
        "en": "1 — very poor, 5 — excellent.",
    },
    "pp.scale-mark": {"ru": "{mark} из 5", "en": "{mark} of 5"},
    "pp.email": {"ru": "Ваш e-mail *", "en": "Your e-mail *"},
    "pp.email-hint": {
        "ru": "Пришлём письмо со ссылкой: голос будет учтён, когда вы её откроете. Адрес нигде "
        "не публикуется.",
        "en": "We will send a link: the vote counts once you open it. The address is never "
        "published.",
    },
    "pp.signed-in": {
        "ru": "Вы вошли через Госуслуги: {name}.",
        "en": "You are signed in with Gosuslugi: {name}.",
    },
    "pp.signin-needed": {
        "ru": "В этом голосовании участвуют только вошедшие через Госуслуги. Войдите, затем "
        "выберите ответ.",
        "en": "Only residents signed in with Gosuslugi take part. Sign in, then choose your "
        "answer.",
    },
    "pp.signin-off": {
        "ru": "Вход через Госуслуги здесь не настроен: проголосовать на этой странице нельзя.",
        "en": "Signing in with Gosuslugi is not set up here: you cannot vote on this page.",
    },
    "pp.submit.poll": {"ru": "Отправить ответы", "en": "Send my answers"},
    "pp.submit.vote": {"ru": "Проголосовать", "en": "Vote"},
    "pp.counted": {"ru": "Ваш голос учтён.", "en": "Your vote is counted."},
    "pp.your-choice": {"ru": "Ваш выбор:", "en": "Your choice:"},
    "pp.held": {
        "ru": "Проверьте почту: голос будет учтён после перехода по ссылке.",
        "en": "Check your e-mail: the vote counts once you open the link.",
    },
    "pp.held-sent": {
        "ru": "Письмо отправлено на {email}. Ссылка действует {hours} ч.",
        "en": "The e-mail went to {email}. The link works for {hours} hours.",
    },
    "pp.not-yet": {
        "ru": "Приём ответов начнётся {when}.",
        "en": "Answers are taken from {when}.",
    },
    "pp.closed": {
        "ru": "Приём ответов завершён.",
        "en": "This poll has closed.",
    },
    "pp.results": {"ru": "Результаты", "en": "Results"},
    "pp.results-live": {"ru": "промежуточные", "en": "so far"},
    "pp.results-page": {"ru": "Страница результатов", "en": "The results page"},
    "pp.results-later": {
        "ru": "Результаты будут опубликованы после завершения.",
        "en": "The results will be published when it closes.",
    },
    "pp.participants": {"ru": "Участников: {n}", "en": "Participants: {n}"},
    # a discussion
    "pp.comments": {"ru": "Комментарии ({n})", "en": "Comments ({n})"},
    "pp.comment-by": {"ru": "Комментарий: {author}", "en": "Comment by {author}"},
    "pp.reply": {"ru": "Ответ: {org}", "en": "Reply from {org}"},
    "pp.reply-short": {"ru": "Ответ организации", "en": "The organisation's reply"},
    "pp.no-comments": {
        "ru": "Опубликованных комментариев пока нет.",
        "en": "No comments are published yet.",
    },
    "pp.comment-write": {"ru": "Ваш комментарий", "en": "Your comment"},
    "pp.comment-moderated": {
        "ru": "Комментарий появится здесь после проверки модератором; решение придёт на почту. "
        "Все поля обязательны.",
        "en": "The comment appears here once a moderator has checked it; the decision comes by "
        "e-mail. Every field is required.",
    },
    "pp.author": {"ru": "Имя (будет опубликовано)", "en": "Name (published)"},
    "pp.comment-email": {"ru": "E-mail", "en": "E-mail"},
    "pp.comment-email-hint": {
        "ru": "Для ответа модератора; не публикуется.",
        "en": "For the moderator's decision; never published.",
    },
    "pp.comment-text": {"ru": "Текст комментария", "en": "The comment"},
    "pp.comment-limit": {
        "ru": "Только текст, до {max} знаков.",
        "en": "Plain text, up to {max} characters.",
    },
    "pp.comment-send": {"ru": "Отправить комментарий", "en": "Send the comment"},
    "pp.comment-sent": {
        "ru": "Комментарий отправлен на модерацию.",
        "en": "The comment is sent for moderation.",
    },
    "pp.comment-own-link": {
        "ru": "Страница вашего комментария — сохраните ссылку",
        "en": "Your comment's page — keep the link",
    },
    "pp.discussion-upcoming": {
        "ru": "Обсуждение ещё не началось.",
        "en": "The discussion has not opened yet.",
    },
    "pp.discussion-closed": {
        "ru": "Обсуждение завершено: новые комментарии не принимаются.",
        "en": "The discussion has closed: no more comments are taken.",
    },
    # the results page
    "pp.results-title": {"ru": "Результаты: {title}", "en": "Results: {title}"},
    "pp.results-when": {
        "ru": "Результаты будут опубликованы после завершения — {when}.",
        "en": "The results will be published when it closes, {when}.",
    },
    "pp.results-state.upcoming": {
        "ru": "Приём ответов ещё не начался.",
        "en": "Answers are not taken yet.",
    },
    "pp.results-state.open": {
        "ru": "Промежуточные результаты: приём ответов идёт до {when}.",
        "en": "Results so far: answers are taken until {when}.",
    },
    "pp.results-state.closed": {
        "ru": "Итоговые результаты.",
        "en": "Final results.",
    },
    "pp.to-poll.poll": {"ru": "К опросу", "en": "To the poll"},
    "pp.to-poll.vote": {"ru": "К голосованию", "en": "To the vote"},
    "pp.to-poll.discussion": {"ru": "К обсуждению", "en": "To the discussion"},
    # the e-mailed links
    "pp.confirm-title": {"ru": "Подтверждение голоса", "en": "Confirming your vote"},
    "pp.confirm-text": {
        "ru": "Нажмите кнопку, чтобы ваш голос был учтён.",
        "en": "Press the button to have your vote counted.",
    },
    "pp.confirm-button": {"ru": "Подтвердить голос", "en": "Confirm my vote"},
    "pp.confirm-counted": {"ru": "Голос учтён.", "en": "The vote is counted."},
    "pp.confirm-already": {
        "ru": "Голос уже был учтён раньше; повторно он не считается.",
        "en": "The vote was counted before; it does not count twice.",
    },
    "pp.own-comment-title": {"ru": "Ваш комментарий", "en": "Your comment"},
    "pp.comment-state": {"ru": "Состояние", "en": "State"},
    "pp.comment-state.pending": {
        "ru": "на модерации",
        "en": "awaiting moderation",
    },
    "pp.comment-state.approved": {"ru": "опубликован", "en": "published"},
    "pp.comment-state.rejected": {"ru": "отклонён", "en": "rejected"},
    "pp.comment-reason": {
        "ru": "Причина, которую указал модератор:",
        "en": "The moderator's reason:",
    },
    # the badge's list and the inline block
    "pp.list-title": {"ru": "Опросы и обсуждения", "en": "Polls and discussions"},
    "pp.until": {"ru": "до {when}", "en": "until {when}"},
    "pp.nothing-open": {
        "ru": "Сейчас нет открытых опросов и обсуждений.",
        "en": "Nothing is open at the moment.",
    },
}
