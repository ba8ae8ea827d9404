"""An appeal's history as its console page shows it, and the page's words for codes: the channel
an appeal came by, the sinks it went to, the `{name}` an answer greets the citizen with.

The history is every event of the appeal as this operator may read it (another organisation's
internal events stay with it), each with its details in the operator's words — never a bare
code an operator would have to look up.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from intake_service.console.auth import Operator
from intake_service.directory import OrgDirectory
from intake_service.events import PUBLIC_TYPES, Event, EventType
from intake_service.forward.outbox import EMBEDDED_SINK
from intake_service.i18n import t
from intake_service.lifecycle.changes import GREETING_PLACEHOLDER, NAME_PLACEHOLDER
from intake_service.lifecycle.notices import MAIL_SINK
from intake_service.pages import human_date


def _word(key: str, lang: str, fallback: str, **values: object) -> str:
    try:
        return t(key, lang, **values)
    except KeyError:
        return fallback


def channel_word(channel: object, lang: str) -> str:
    """How the appeal came, in words (`form` → «Форма на сайте»); an unknown code as it is."""
    return _word(f"console.appeal.channel.{channel}", lang, str(channel))


def taken_by(history: list[Event]) -> str | None:
    """The operator who took the appeal by phone, letter or visit (console/taken.py), from its
    accepted event; None for one the citizen filed themselves."""
    accepted = next((e for e in history if e.type == EventType.ACCEPTED), None)
    by = accepted.data.get("by") if accepted is not None else None
    return str(by) if by else None


def sink_word(sink: str, kinds: dict[str, str], lang: str) -> str:
    """A sink of the outbox in words: the organisation's queue, the citizen's e-mail, a webhook
    or a RabbitMQ exchange by its number (`kinds`: sink name → kind, of the sinks that exist)."""
    if sink == EMBEDDED_SINK:
        return t("console.appeal.sink.embedded", lang)
    if sink == MAIL_SINK:
        return t("console.appeal.sink.mail", lang)
    number = sink.removeprefix("sink:")
    kind = kinds.get(sink)
    if kind is None:
        return _word("console.appeal.sink.removed", lang, sink, number=number)
    return _word(f"console.appeal.sink.{kind}", lang, sink, number=number)


def shown_answer(text: str, lang: str) -> str:
    """An answer as the console shows it: `{name}` stays in the stored text (the citizen's own
    page fills it in) but reads as what it is — the citizen's name, which operators above the
    organisation may not see."""
    return text.replace(NAME_PLACEHOLDER, t("console.appeal.name-placeholder", lang)).replace(
        GREETING_PLACEHOLDER, t("console.appeal.greeting-placeholder", lang)
    )


def history_rows(
    history: list[Event],
    operator: Operator,
    directory: OrgDirectory,
    kinds: dict[str, str],
    lang: str,
) -> list[dict[str, Any]]:
    """The rows of the page's history table, oldest first."""
    return [
        {
            "at": e.at,
            "type": e.type,
            "title": _event_title(e, lang),
            "by": e.data.get("by", ""),
            "details": _details(e, lang, kinds),
        }
        for e in _shown_history(history, operator, directory)
    ]


def _details(event: Event, lang: str, kinds: dict[str, str]) -> list[str]:
    """What an event of the history says beyond its type, in the operator's words."""
    data, out = event.data, []
    if event.type in (EventType.STATUS, EventType.SEVERITY):
        prefix = "status" if event.type == EventType.STATUS else "severity"
        names = [
            t(f"{prefix}.{v}", lang) if v else t("console.appeal.severity.none", lang)
            for v in (data.get("from"), data.get("to"))
        ]
        out.append(" → ".join(names))
    if event.type == EventType.ASSIGNED:
        out.append("→ " + (data.get("to") or t("console.appeal.nobody", lang)))
    if data.get("original"):
        out.append(t("console.event.original", lang, number=data["original"]))
    if data.get("reason"):
        out.append(t("console.event.reason", lang, reason=data["reason"]))
    if event.reason:
        out.append(t("console.event.reason", lang, reason=event.reason))
    if data.get("note"):
        out.append(t("console.event.note-text", lang, note=data["note"]))
    if event.type == EventType.NOTE and data.get("text"):
        out.append(str(data["text"]))
    if event.type == EventType.ANSWERED and data.get("text"):
        out.append(shown_answer(str(data["text"]), lang))
    if data.get("template"):
        out.append(t("console.event.template", lang, title=data["template"]))
    if data.get("sink"):
        out.append(t("console.event.sink", lang, sink=sink_word(str(data["sink"]), kinds, lang)))
    if data.get("forward_due"):
        out.append(t("console.event.forward-due", lang, date=human_date(data["forward_due"], lang)))
    if data.get("late"):
        out.append(t("console.event.forward-late", lang))
    if event.type == EventType.ACCEPTED and data.get("channel"):
        out.append(t("console.event.channel", lang, channel=channel_word(data["channel"], lang)))
    return out


# What an appeal's page keeps of another organisation's data in an event: never its internal
# note or its operators' e-mails (`by`; assignments are not shown at all).
_INTERNAL = ("by", "note")


def _shown_history(
    history: list[Event], operator: Operator, directory: OrgDirectory
) -> list[Event]:
    """The history as this operator may read it. Events of an organisation they do not see —
    the one that forwarded the appeal to theirs — are shown only where the citizen sees them
    too (PUBLIC_TYPES: filed, status, answer, routed…), signed with that organisation's name
    instead of its operator's e-mail and without internal notes; their notes, assignments,
    contact views and deliveries stay with that organisation."""
    shown = []
    for event in history:
        if event.org_id is None or operator.sees(event.org_id):
            shown.append(event)
            continue
        if event.type not in PUBLIC_TYPES:
            continue
        data = {k: v for k, v in event.data.items() if k not in _INTERNAL}
        try:
            data["by"] = directory.org(event.org_id).name
        except KeyError:
            data["by"] = event.org or ""
        shown.append(replace(event, data=data))
    return shown


def _event_title(event: Event, lang: str) -> str:
    key = f"console.event.{event.type}"
    try:
        return t(key, lang)
    except KeyError:
        return event.type
