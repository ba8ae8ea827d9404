"""Russian words in the case a sentence needs: an organisation's name after a preposition
(«направлено в Администрацию г. Мантурово», «в Министерстве здравоохранения»), and a greeting
that agrees with the citizen's gender when the name tells it («Уважаемая Анна Сергеевна!»).

The forms come from a morphological dictionary (pymorphy3 with the OpenCorpora dictionary for
Russian), never from hand-written endings: endings guessed from the last letters decline
«Мантурово», «Думу» and «Сергеевна» wrongly in as many ways as there are rules. The library
(~90 ms to import) and its dictionaries (~15 MB, ~0.1 s more) load once per process, on first
use or earlier by `warm()` — the service calls it in a thread at start, so that the first
e-mail rendered on the event loop does not hold it for them.

Only what the dictionary knows is changed, and only the head of a name: the leading adjectives
and the noun they agree with («Государственная жилищная инспекция» + «Костромской области»,
the genitive tail, left as written). A name that starts with an abbreviation («МФЦ г.
Костромы», «МБОУ «Школа № 5»»), a quote, a number or a word the dictionary does not know is
returned as written — an official name is better undeclined than misdeclined.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from intake_service.i18n import t

if TYPE_CHECKING:
    import pymorphy3

# the cases a message names an organisation in: nominative, genitive («от …»), dative («к …»),
# accusative («в …» of direction), prepositional («в …» of place)
Case = Literal["nomn", "gent", "datv", "accs", "loct"]
Gender = Literal["masc", "femn"]

_WORD = re.compile(r"[А-Яа-яЁё]+(?:-[А-Яа-яЁё]+)*")
MAX_HEAD_WORDS = 6  # «Муниципальное бюджетное общеобразовательное учреждение» and a little more
_ADJECTIVES = {"ADJF", "PRTF"}


_loading = threading.Lock()
_morph: pymorphy3.MorphAnalyzer | None = None


def _analyzer() -> pymorphy3.MorphAnalyzer:
    global _morph
    if _morph is None:
        with _loading:  # the start's warm-up thread and a first use wait for one another
            if _morph is None:
                import pymorphy3

                _morph = pymorphy3.MorphAnalyzer(lang="ru")
    return _morph


def warm() -> None:
    """Load the dictionary now (the service's start does, in a thread)."""
    _analyzer()


def _known(word: str) -> bool:
    """In the dictionary, or hyphenated of words that are («Контрольно-счётная»)."""
    morph = _analyzer()
    return all(morph.word_is_known(part) for part in word.lower().split("-") if part)


def _nominatives(word: str) -> list[pymorphy3.analyzer.Parse]:
    return [p for p in _analyzer().parse(word) if p.tag.case == "nomn"]


def _styled(form: str, like: str) -> str:
    """`form` written as `like` is: capitalised or not, «е» where the original had no «ё»."""
    if "ё" not in like.lower():
        form = form.replace("ё", "е").replace("Ё", "Е")
    if like[:1].isupper():
        form = form[:1].upper() + form[1:]
    return form


def _head(words: list[str]) -> tuple[list[pymorphy3.analyzer.Parse], pymorphy3.analyzer.Parse]:
    """The agreeing adjectives and the noun that start a name, or ValueError when the name
    does not start so (an abbreviation, a number, a word the dictionary lacks). A word that may
    be either («Городской», «Главное») is an adjective when the next word goes on the phrase."""
    adjectives: list[pymorphy3.analyzer.Parse] = []
    words = words[:MAX_HEAD_WORDS]
    for i, word in enumerate(words):
        if (word.isupper() and len(word) > 1) or not _known(word):
            break
        parses = _nominatives(word)
        nouns = [
            p
            for p in parses
            if p.tag.POS == "NOUN"
            and "Abbr" not in p.tag
            and all(_agrees(a, p) for a in adjectives)
        ]
        attributes = [
            p for p in parses if p.tag.POS in _ADJECTIVES and all(_agrees(a, p) for a in adjectives)
        ]
        if attributes and i + 1 < len(words) and _continues(words[i + 1], attributes):
            adjectives.append(attributes[0])
            continue
        if nouns:
            return adjectives, nouns[0]
        if not attributes:
            break
        adjectives.append(attributes[0])
    raise ValueError("no declinable head")


def _continues(word: str, attributes: list[pymorphy3.analyzer.Parse]) -> bool:
    """Whether `word` goes on the phrase an adjective (one of `attributes`) starts: an agreeing
    noun or adjective in the nominative."""
    if (word.isupper() and len(word) > 1) or not _known(word):
        return False
    return any(
        p.tag.POS in {"NOUN", *_ADJECTIVES} and _agrees(a, p)
        for p in _nominatives(word)
        for a in attributes
    )


def _agrees(adjective: pymorphy3.analyzer.Parse, noun: pymorphy3.analyzer.Parse) -> bool:
    if noun.tag.number == "plur" or adjective.tag.number == "plur":
        return noun.tag.number == adjective.tag.number
    return adjective.tag.gender == noun.tag.gender


# Declining is ~0.3 ms a name and every notice names its organisation in three cases; the
# organisations are few and their names rarely change, so the forms are kept.
@lru_cache(maxsize=2048)
def org_name_in(case: Case, name: str) -> str:
    """`name` (an organisation's, as written in the nominative) in `case`: «Администрация
    города Мантурово» → accs «Администрацию города Мантурово», loct «Администрации города
    Мантурово». What cannot be declined safely comes back as written."""
    name = name.strip()
    if case == "nomn" or not name or not re.match(r"[А-Яа-яЁё]", name):
        return name
    spans = [(m.start(), m.end()) for m in _WORD.finditer(name)]
    prefix = name[: spans[0][0]] if spans else name
    if prefix.strip() or not spans:
        return name
    words = [name[a:b] for a, b in spans]
    try:
        adjectives, noun = _head(words)
    except ValueError:
        return name
    wanted = {case}
    if noun.tag.number == "plur":
        wanted.add("plur")
    forms: list[str] = []
    for parse in [*adjectives, noun]:
        extra = set()
        if parse is not noun and noun.tag.number != "plur":
            extra.add(noun.tag.gender)
        if parse is not noun and case == "accs":
            extra.add(noun.tag.animacy or "inan")
        inflected = parse.inflect(wanted | extra) or (parse.inflect(wanted) if extra else None)
        if parse is noun and case == "loct":  # after «в»: «в Детском саду», not «саде»
            inflected = parse.inflect((wanted - {"loct"}) | {"loc2"}) or inflected
        if inflected is None:
            return name
        forms.append(inflected.word)
    out, last = [], 0
    for (start, end), form in zip(spans, forms, strict=False):
        out += [name[last:start], _styled(form, name[start:end])]
        last = end
    out.append(name[last:])
    return "".join(out)


@lru_cache(maxsize=8192)  # first names and patronymics repeat: most citizens share a few hundred
def _gender_of(word: str, grammeme: str) -> Gender | Literal[False] | None:
    """The gender a first name (`Name`), patronymic (`Patr`) or surname (`Surn`) tells; None
    when the word is one but tells no gender (Саша, Женя); False when it is none of them."""
    if len(word) < 2:  # an initial («И. И.») tells nothing
        return False
    genders = {p.tag.gender for p in _nominatives(word) if grammeme in p.tag}
    if not genders:
        return False
    if genders == {"masc"}:
        return "masc"
    if genders == {"femn"}:
        return "femn"
    return None


def _capitalised(word: str) -> str:
    return word if not word.islower() else word[:1].upper() + word[1:]


def address(name: str) -> tuple[str, Gender | None]:
    """How to address a person by the name they gave: («Анна Сергеевна», "femn") from
    «Иванова Анна Сергеевна», («Иван Петров», "masc") from «Иван Петров»; («Саша», None) — a name that tells no gender; ("", None) when no
    first name is recognised (a surname alone, initials, a name in Latin letters)."""
    words = _WORD.findall(name)[:4]
    for i, word in enumerate(words):
        first = _gender_of(word, "Name")
        if first is False:
            continue
        after = words[i + 1] if i + 1 < len(words) else ""
        patronymic = _gender_of(after, "Patr") if after else False
        if patronymic is not False:
            return f"{_capitalised(word)} {_capitalised(after)}", patronymic or first
        surname = _gender_of(after, "Surn") if after else False
        if surname is not False:  # «Иван Петров» as written; «Женя Иванов» is a man
            return f"{_capitalised(word)} {_capitalised(after)}", first or surname
        return _capitalised(word), first
    return "", None


def greeting(name: str | None, lang: str) -> str:
    """The first line of a letter to a citizen. Russian: «Уважаемая Анна Сергеевна!» /
    «Уважаемый Иван Петрович!» when the name tells the gender, «Здравствуйте, Саша!» when it
    does not, «Здравствуйте!» without a recognised first name; English: «Hello,» as ever."""
    whom, gender = address(name or "") if lang == "ru" else ("", None)
    if not whom:
        return t("mail.greeting", lang)
    return t(f"mail.greeting.{gender or 'named'}", lang, name=whom)
