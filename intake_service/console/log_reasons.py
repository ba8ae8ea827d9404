"""A refusal's reason in words for the console's log: the stored reason is a slug with an
optional detail (`validation category:required,text:too-long`, `rate-limited live-session`,
`bad-password`), written for machines and kept as it is in the log's JSON and CSV. The page
reads it as a person would: the slug's words from the catalogue (`log.why.<slug>`, or of its
longest hyphenated prefix that has some: `confirm-expired` → `log.why.confirm`), and for a
validation the fields and what was wrong with each, for a rate limit what was counted. Where the
catalogue has no words the code is shown as it is."""

from __future__ import annotations

from intake_service.i18n import MESSAGES, t


def _words(prefix: str, code: str, lang: str) -> str | None:
    """The catalogue's words for `code` under `prefix`, or for its longest hyphenated prefix."""
    parts = code.split("-")
    while parts:
        key = f"{prefix}.{'-'.join(parts)}"
        if key in MESSAGES:
            return t(key, lang)
        parts.pop()
    return None


def _word(prefix: str, code: str, lang: str) -> str:
    key = f"{prefix}.{code}"
    return t(key, lang) if key in MESSAGES else code


def _validation(detail: str, lang: str) -> str:
    """`category:required,text:too-long` → «тема — не заполнено; текст — слишком длинный»."""
    found = []
    for item in detail.split(","):
        field, _, check = item.partition(":")
        if field:
            name = _word("log.field", field, lang)
            found.append(f"{name} — {_word('log.check', check, lang)}" if check else name)
    return "; ".join(found)


def reason_words(reason: str | None, lang: str) -> str | None:
    """The reason as a person reads it, or None when the catalogue has no words for it."""
    if not reason:
        return None
    slug, _, detail = reason.partition(" ")
    words = _words("log.why", slug, lang)
    if words is None:
        return None
    if slug == "validation" and detail:
        return f"{words}: {_validation(detail, lang)}"
    if slug == "rate-limited" and detail:
        return f"{words} ({_word('log.limit', detail, lang)})"
    return words
