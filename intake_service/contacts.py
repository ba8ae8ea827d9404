"""What a public contact may look like: a phone, an e-mail, a website shown to citizens.

One check for the organisations' contacts (`org set --phone …`, org_settings.py) and the
service's own (POS_SUPPORT_*, settings.py, shown where no organisation answers), so that both
are refused for the same reasons. Values are bounded before a pattern reads them.
"""

from __future__ import annotations

import re
import unicodedata

CONTACTS = ("phone", "email", "website")
VALUE_MAX = 400  # the longest value checked at all (a web address is held to 300 below)
_PATTERNS = {
    "phone": re.compile(r"^\+?[0-9 ()\-]{5,30}$"),
    "email": re.compile(r"^[^@\s<>\"]{1,64}@[^@\s<>\"]{1,190}\.[^@\s<>\"]{2,63}$"),
    "website": re.compile(r"^https?://[^\s<>\"]{3,300}$"),
}
_EXAMPLES = {
    "phone": "+7 (49442) 2-12-34",
    "email": "priemnaya@manturovo.ru",
    "website": "https://manturovo.ru",
}


def plain_problem(value: str) -> str | None:
    """Control and bidirectional-format characters make a shown link read as another."""
    if any(unicodedata.category(c) in ("Cc", "Cf") for c in value) or "\\" in value:
        return f"{value!r} has control or direction characters or a backslash; type it plainly"
    return None


def contact_problem(kind: str, value: str) -> str | None:
    """Why `value` (stripped, non-empty) cannot be shown as a `kind` contact, or None."""
    if len(value) > VALUE_MAX:
        return f"takes at most {VALUE_MAX} characters"
    if problem := plain_problem(value):
        return problem
    if not _PATTERNS[kind].match(value):
        article = "an" if kind == "email" else "a"
        return f"{value!r} is not {article} {kind}; write it as {_EXAMPLES[kind]}"
    return None
