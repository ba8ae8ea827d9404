"""Messages of the heat board and the statistics pages of the console."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # the heat board
    "board.title": {"ru": "Табло обращений", "en": "Appeals board"},
    "board.focus": {"ru": "Табло: {org}", "en": "Board: {org}"},
    "board.up": {"ru": "← Все организации", "en": "← All organisations"},
    "board.caption": {
        "ru": "Обращения за 24 часа по организациям и темам; цвет и малая цифра — острота",
        "en": "Appeals of the last 24 hours by organisation and topic; colour and the small "
        "figure show acuteness",
    },
    "board.topics": {"ru": "Темы", "en": "Topics"},
    "board.topic-key": {"ru": "Темы по номерам столбцов", "en": "Topics by column number"},
    "board.page": {"ru": "Стр. {page} из {pages}", "en": "Page {page} of {pages}"},
    "board.org": {"ru": "Организация", "en": "Organisation"},
    "board.own": {"ru": "{org} (собственные)", "en": "{org} (own)"},
    "board.cell": {
        "ru": "{org}, {category}: за 24 ч — {count}, острота {score} из 100",
        "en": "{org}, {category}: {count} in 24 h, acuteness {score} of 100",
    },
    "board.score": {"ru": "острота", "en": "acuteness"},
    "board.empty": {
        "ru": "Организаций для табло нет.",
        "en": "There are no organisations to show.",
    },
    "board.wall": {"ru": "Режим для экрана", "en": "Wall mode"},
    "board.wall-exit": {"ru": "Выйти из режима экрана", "en": "Leave wall mode"},
    "board.updated": {"ru": "Обновлено", "en": "Updated"},
    "board.lost": {
        "ru": "Связь потеряна, пробуем снова…",
        "en": "Connection lost, retrying…",
    },
    "board.live": {
        "ru": "Табло обновляется само, без перезагрузки страницы.",
        "en": "The board updates itself, without reloading the page.",
    },
    # the weekly index
    "tension.title": {"ru": "Индекс социальной напряжённости", "en": "Social tension index"},
    "tension.caption": {
        "ru": "За последние 7 дней против 7 дней до них",
        "en": "The last 7 days against the 7 days before them",
    },
    "tension.week": {"ru": "Обращений за неделю", "en": "Appeals this week"},
    "tension.high": {"ru": "Высокая и критическая", "en": "High and critical"},
    "tension.change": {"ru": "К прошлой неделе", "en": "Against last week"},
    "tension.week-short": {"ru": "За 7 дн.", "en": "7 days"},
    "tension.high-short": {"ru": "Выс./крит.", "en": "High+"},
    "tension.change-short": {"ru": "Динамика", "en": "Trend"},
    "tension.new": {"ru": "новые", "en": "new"},
    "tension.up": {"ru": "рост", "en": "up"},
    "tension.down": {"ru": "снижение", "en": "down"},
    "tension.flat": {"ru": "без изменений", "en": "no change"},
    # the legend: how the score is made
    "legend.title": {"ru": "Как считается острота", "en": "How acuteness is scored"},
    "legend.intro": {
        "ru": "Острота клетки — число от 0 до 100, сумма четырёх частей, каждая от 0 до 1:",
        "en": "A cell's acuteness is a number from 0 to 100, the sum of four parts, each 0 to 1:",
    },
    "legend.volume": {
        "ru": "Объём (вес 40): обращения за 24 часа против обычного уровня — среднего за сутки "
        "за 28 полных дней до вчерашнего; 0 на обычном уровне, 1 при втрое большем "
        "(при пустой истории — при двух и более сверх нуля).",
        "en": "Volume (weight 40): appeals of the last 24 hours against the usual level, the "
        "mean per 24 hours over the 28 full days before yesterday; 0 at the usual level, 1 at "
        "three times it (with no history: at two or more).",
    },
    "legend.severity": {
        "ru": "Важность (вес 25): доля обращений с высокой и критической важностью за 7 дней.",
        "en": "Severity (weight 25): the share of high and critical appeals over 7 days.",
    },
    "legend.repeats": {
        "ru": "Повторы (вес 15): доля дубликатов и повторных обращений за 7 дней.",
        "en": "Repeats (weight 15): the share of duplicates and repeated appeals over 7 days.",
    },
    "legend.overdue": {
        "ru": "Просрочка (вес 20): доля открытых обращений, у которых истёк срок ответа "
        "(у обращений без срока — открытых дольше {message} дней для сообщения и {official} "
        "для обращения по 59‑ФЗ).",
        "en": "Overdue (weight 20): the share of open appeals past their answer's due date "
        "(appeals without one: open longer than {message} days for a message, {official} for "
        "an official appeal).",
    },
    "legend.formula": {
        "ru": "острота = 100 × (0,40 × объём + 0,25 × серьёзность + 0,15 × повторы + "
        "0,20 × просрочка); цвет — ступени по 20.",
        "en": "acuteness = 100 × (0.40 × volume + 0.25 × severity + 0.15 × repeats + "
        "0.20 × overdue); colour in steps of 20.",
    },
    "legend.scale": {"ru": "Шкала", "en": "Scale"},
    "legend.level": {
        "ru": "Малая цифра в клетке — ступень остроты от 0 до 5, как на шкале.",
        "en": "The small figure in a cell is the acuteness step from 0 to 5, as on the scale.",
    },
    "legend.heat-0": {"ru": "0 — спокойно", "en": "0 — calm"},
    "legend.heat-1": {"ru": "1–20", "en": "1–20"},
    "legend.heat-2": {"ru": "21–40", "en": "21–40"},
    "legend.heat-3": {"ru": "41–60", "en": "41–60"},
    "legend.heat-4": {"ru": "61–80", "en": "61–80"},
    "legend.heat-5": {"ru": "81–100 — остро", "en": "81–100 — acute"},
    "legend.click": {
        "ru": "Число в клетке — обращения за 24 часа; щелчок открывает их в журнале.",
        "en": "The number in a cell is the appeals of the last 24 hours; a click opens them "
        "in the log.",
    },
    # statistics
    "stats.title": {"ru": "Статистика обращений", "en": "Appeal statistics"},
    "stats.from": {"ru": "С ({zone})", "en": "From ({zone})"},
    "stats.to": {"ru": "По ({zone})", "en": "To ({zone})"},
    "stats.org": {"ru": "Организация", "en": "Organisation"},
    "stats.category": {"ru": "Тема", "en": "Topic"},
    "stats.channel": {"ru": "Канал", "en": "Channel"},
    "stats.status": {"ru": "Статус", "en": "Status"},
    "stats.day": {"ru": "День", "en": "Day"},
    "stats.week": {"ru": "Неделя", "en": "Week"},
    "stats.all": {"ru": "Все", "en": "All"},
    "stats.show": {"ru": "Показать", "en": "Show"},
    "stats.bad-period": {
        "ru": "Период указан неверно; показаны последние 30 дней.",
        "en": "The period is not valid; the last 30 days are shown.",
    },
    "stats.period": {
        "ru": "Период: {first} — {last}, дни по часовому поясу организации: {zone}.",
        "en": "Period: {first} to {last}, days in the organisation's time zone: {zone}.",
    },
    "stats.period-zones": {
        "ru": "Период: {first} — {last}. Обращения каждой организации считаются по дням её "
        "часового пояса ({zones}).",
        "en": "Period: {first} to {last}. Each organisation's appeals are counted on the days "
        "of its own time zone ({zones}).",
    },
    "stats.zones": {"ru": "часовые пояса организаций", "en": "organisations' zones"},
    "stats.total": {"ru": "Обращений", "en": "Appeals"},
    "stats.answered": {"ru": "С ответом", "en": "Answered"},
    "stats.median": {
        "ru": "Медиана времени до первого ответа",
        "en": "Median time to the first answer",
    },
    "stats.minutes": {"ru": "{n} мин", "en": "{n} min"},
    "stats.hours": {"ru": "{n} ч", "en": "{n} h"},
    "stats.days": {"ru": "{n} дн.", "en": "{n} days"},
    "stats.per-day": {"ru": "По дням", "en": "Per day"},
    "stats.per-week": {"ru": "По неделям", "en": "Per week"},
    "stats.per-org": {"ru": "По организациям", "en": "Per organisation"},
    "stats.per-category": {"ru": "По темам", "en": "Per topic"},
    "stats.per-channel": {"ru": "По каналам", "en": "Per channel"},
    "stats.per-status": {"ru": "По статусам", "en": "Per status"},
    "stats.week-of": {"ru": "Неделя с {day}", "en": "Week of {day}"},
    "stats.numbers": {"ru": "Таблица чисел", "en": "The numbers as a table"},
    "stats.appeals": {"ru": "Обращений", "en": "Appeals"},
    "stats.none": {"ru": "Обращений нет.", "en": "No appeals."},
    "stats.channel.api": {"ru": "API", "en": "API"},
    "stats.channel.form": {"ru": "Форма на сайте", "en": "Website form"},
    "stats.channel.open311": {"ru": "Open311 (приложения)", "en": "Open311 (apps)"},
    # the map (console/map.py)
    "map.title": {"ru": "Карта обращений", "en": "Appeals map"},
    "map.filters": {"ru": "Что показать", "en": "What to show"},
    "map.topic": {"ru": "Тема", "en": "Topic"},
    "map.topic-all": {"ru": "Все темы", "en": "All topics"},
    "map.period": {"ru": "Период", "en": "Period"},
    "map.days": {"ru": "{days} дн.", "en": "{days} days"},
    "map.show": {"ru": "Показать", "en": "Show"},
    "map.region": {
        "ru": "Карта районов и обращений",
        "en": "Map of districts and appeals",
    },
    "map.district": {
        "ru": "{org}: острота {score} из 100, обращений за период — {count}",
        "en": "{org}: acuteness {score} of 100, {count} appeals in the period",
    },
    "map.point": {
        "ru": "Обращение {number}, важность: {severity}",
        "en": "Appeal {number}, severity: {severity}",
    },
    "map.cluster": {"ru": "Обращений здесь: {count}", "en": "{count} appeals here"},
    "map.severity-none": {"ru": "не задана", "en": "not set"},
    "map.severity": {"ru": "Важность обращений", "en": "Severity of appeals"},
    "map.no-areas": {
        "ru": "Границы районов не заданы: {command}",
        "en": "No district boundaries yet: {command}",
    },
    "map.legend-more": {
        "ru": "Цвет района — та же острота, что на табло; её составляющие объяснены там:",
        "en": "A district's colour is the board's acuteness; its parts are explained there:",
    },
    "map.legend-period": {
        "ru": "Цвет района — острота сейчас, как на табло (последние сутки, неделя и "
        "просроченные), при любом выбранном периоде; точки и число обращений в таблице — "
        "за выбранный период.",
        "en": "A district's colour is its acuteness now, as on the board (the last day, week "
        "and overdue appeals), whatever period is chosen; the points and the table's count of "
        "appeals cover the chosen period.",
    },
    "map.points-title": {"ru": "Новые обращения на карте", "en": "Newest appeals on the map"},
    "map.points-none": {
        "ru": "За период нет обращений с точкой на карте.",
        "en": "No appeals with a point on the map in this period.",
    },
    "map.points-more": {
        "ru": "Показаны {shown} самых новых из {count}; остальные — на карте и в реестре.",
        "en": "The {shown} newest of {count} are listed; the rest are on the map and in the "
        "register.",
    },
    "map.list": {"ru": "Районы", "en": "Districts"},
    "map.district-col": {"ru": "Район", "en": "District"},
    "map.score-col": {"ru": "Острота", "en": "Acuteness"},
    "map.count-col": {"ru": "Обращений", "en": "Appeals"},
    "map.capped": {
        "ru": "Показаны только самые новые обращения; сузьте период или тему.",
        "en": "Only the newest appeals are shown; narrow the period or topic.",
    },
}
