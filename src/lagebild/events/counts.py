"""Quantities in event reports: killed, injured, arrested, troops, with the group counted.

A number before a people noun with no casualty word ("50 Demonstranten") is a ``people``
count; the event it belongs to decides what it counts (arrests for an arrest).

Reads "18 Sicherheitskräfte getötet und 748 verletzt", "Über 3.000 Friedenstruppen",
"zu Tausenden Festnahmen", "mindestens zwölf Tote", "103 Einheiten".  Vague amounts
("Tausende", "Dutzende") become their lower bound and are marked approximate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from lagebild.nlp.numbers import ARTICLES, CARDINALS

CountKind = Literal["killed", "injured", "arrested", "troops", "people"]

#: Number words that can count people: cardinals without the indefinite article.
_NUMBER_WORDS: dict[str, int] = {word: value for word, value in CARDINALS.items() if word not in ARTICLES} | {
    "tausend": 1000
}
#: Vague plural amounts -> lower bound.
_VAGUE: dict[str, int] = {
    "dutzend": 12,
    "dutzende": 24,
    "dutzenden": 24,
    "hunderte": 200,
    "hunderten": 200,
    "tausende": 2000,
    "tausenden": 2000,
    "zehntausende": 20000,
    "zehntausenden": 20000,
    "dozens": 24,
    "hundreds": 200,
    "thousands": 2000,
}
_MULTIPLIERS: dict[str, int] = {"tausend": 1000, "million": 1_000_000, "millionen": 1_000_000}
_APPROX = (
    "über",
    "mehr als",
    "mindestens",
    "rund",
    "etwa",
    "fast",
    "knapp",
    "bis zu",
    "more than",
    "at least",
)

_NUMBER = r"\d{1,3}(?:[.\u202f ]\d{3})+|\d+(?:,\d+)?"
_WORD_NUMBER = "|".join(sorted(list(_NUMBER_WORDS) + list(_VAGUE), key=len, reverse=True))
_QUANTITY = re.compile(
    rf"(?P<approx>(?:{'|'.join(_APPROX)})\s+)?(?P<num>{_NUMBER}|\b(?:{_WORD_NUMBER})\b)"
    rf"(?:\s+(?P<mult>tausend|Millionen?))?",
    re.IGNORECASE,
)
_WORD = re.compile(r"[\wäöüÄÖÜß-]+")

#: Stems of the word after (or near) a number that say what is counted.
_NOUN_KINDS: tuple[tuple[str, CountKind], ...] = (
    ("tote", "killed"),
    ("toten", "killed"),
    ("todesopfer", "killed"),
    ("getötet", "killed"),
    ("dead", "killed"),
    ("killed", "killed"),
    ("verletzt", "injured"),
    ("verwundet", "injured"),
    ("injured", "injured"),
    ("wounded", "injured"),
    ("festnahme", "arrested"),
    ("festgenommen", "arrested"),
    ("verhaftet", "arrested"),
    ("inhaftiert", "arrested"),
    ("arrest", "arrested"),
    ("detained", "arrested"),
    ("truppe", "troops"),
    ("soldat", "troops"),
    ("friedenssoldat", "troops"),
    ("friedenstruppe", "troops"),
    ("einheit", "troops"),
    ("kämpfer", "troops"),
    ("sicherheitskräfte", "troops"),
    ("fallschirmjäger", "troops"),
    ("troops", "troops"),
    ("soldiers", "troops"),
    ("demonstrant", "people"),
    ("menschen", "people"),
    ("personen", "people"),
    ("aktivist", "people"),
    ("journalist", "people"),
    ("zivilist", "people"),
    ("protesters", "people"),
    ("people", "people"),
)
#: Participles that turn "<n> <group>" into a casualty count ("18 Sicherheitskräfte getötet").
#: A dying verb right before "<n> Menschen" ("Laut Rotem Kreuz starben 32 Menschen").
#: A toll that rose to a number ("Die Zahl der Toten stieg auf sieben", "… auf sieben erhöht").
_TOLL_BEFORE = re.compile(
    r"\bZahl der (?P<noun>Toten|Todesopfer|Getöteten|Verletzten|Festgenommenen)\b[^.;]{0,60}?\bauf\s+$"
)
_TOLL_KINDS: dict[str, CountKind] = {
    "Toten": "killed",
    "Todesopfer": "killed",
    "Getöteten": "killed",
    "Verletzten": "injured",
    "Festgenommenen": "arrested",
}
_DIED_BEFORE = re.compile(r"\b(?:starben|sterben|died)\s+$", re.IGNORECASE)
_PARTICIPLES: tuple[tuple[str, CountKind], ...] = (
    ("getötet", "killed"),
    ("ums leben", "killed"),
    ("starben", "killed"),
    ("verletzt", "injured"),
    ("verwundet", "injured"),
    ("festgenommen", "arrested"),
    ("verhaftet", "arrested"),
    ("killed", "killed"),
    ("injured", "injured"),
    ("wounded", "injured"),
    ("arrested", "arrested"),
)


@dataclass(frozen=True)
class Count:
    """One counted quantity; ``group`` is who was counted ("Sicherheitskräfte")."""

    kind: CountKind
    value: int
    start: int
    end: int
    group: str | None = None
    approximate: bool = False


def _value(number: str, multiplier: str | None) -> tuple[int, bool] | None:
    lowered = number.lower()
    if lowered in _VAGUE:
        return _VAGUE[lowered], True
    if lowered in _NUMBER_WORDS:
        value = _NUMBER_WORDS[lowered]
    else:
        digits = re.sub(r"[.\u202f ]", "", number)
        if "," in digits:
            value_float = float(digits.replace(",", "."))
            value = int(value_float * _MULTIPLIERS.get((multiplier or "").lower(), 1))
            return value, False
        value = int(digits)
    return value * _MULTIPLIERS.get((multiplier or "").lower(), 1), False


def _kind_of(word: str) -> CountKind | None:
    lowered = word.lower()
    for stem, kind in _NOUN_KINDS:
        if stem in lowered:
            return kind
    return None


def _participle_after(text: str, position: int, limit: int = 40) -> CountKind | None:
    window = text[position : position + limit].lower()
    cut = re.search(r"[,;:.]| und \d| und (?:" + "|".join(_NUMBER_WORDS) + r")\b", window)
    if cut:
        window = window[: cut.start()]
    for stem, kind in _PARTICIPLES:
        if stem in window:
            return kind
    return None


def find_counts(text: str) -> list[Count]:
    """All casualty, arrest and troop counts in ``text``, in order."""
    counts: list[Count] = []
    last_group: str | None = None
    for match in _QUANTITY.finditer(text):
        before = text[max(0, match.start() - 1) : match.start()]
        after_text = text[match.end() :]
        if before in {".", ":"} and match.group("num").isdigit() and len(match.group("num")) <= 2:
            continue  # a date or time ("21.11.", "13:00")
        if re.match(
            r"\.\s*(?:Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|"
            r"November|Dezember)|\s*(?:%|Prozent|Uhr|Jahre?n?\b|km|Kilometer)",
            after_text,
        ):
            continue
        parsed = _value(match.group("num"), match.group("mult"))
        if parsed is None:
            continue
        value, vague = parsed
        approximate = vague or bool(match.group("approx"))
        words = list(_WORD.finditer(after_text[:60]))
        noun = words[0].group() if words else ""
        noun_end = match.end() + (words[0].end() if words else 0)
        participle = _participle_after(text, noun_end)
        noun_kind = _kind_of(noun) if noun else None
        toll = _TOLL_BEFORE.search(text[max(0, match.start() - 100) : match.start()])
        if toll:
            counts.append(
                Count(_TOLL_KINDS[toll.group("noun")], value, match.start(), match.end(), None, approximate)
            )
        elif (
            noun
            and participle
            and noun_kind not in ("killed", "injured", "arrested")
            and (noun[0].isupper() or noun_kind == "people")
        ):
            counts.append(Count(participle, value, match.start(), noun_end, noun, approximate))
            last_group = noun
        elif noun_kind == "people" and _DIED_BEFORE.search(text[max(0, match.start() - 20) : match.start()]):
            counts.append(Count("killed", value, match.start(), noun_end, noun, approximate))
        elif noun_kind is not None:
            group = noun if noun_kind in ("troops", "people") else (last_group if noun.islower() else None)
            counts.append(Count(noun_kind, value, match.start(), noun_end, group, approximate))
        elif participle is not None and (not noun or noun.islower()):
            # "18 Sicherheitskräfte getötet und 748 verletzt": the group carries over
            counts.append(Count(participle, value, match.start(), match.end(), last_group, approximate))
    return counts
