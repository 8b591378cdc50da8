"""Temporal expressions in German and English news text, normalised TIMEX3-style.

``find_times`` finds dates, relative dates, weekdays, durations, ranges and sets with regular
expressions over a small lexicon (``time_lexicon``) and anchors them to the document
creation time (DCT, the publication date).  Anchoring rules, chosen for news reports:

* a date without a year takes the year that puts it nearest the DCT ("am 21. Dezember" in an
  article of 2022-01-07 is 2021-12-21); "dieses/letzten Jahres" fix the year explicitly;
* a bare month ("im September") is the most recent such month on or before the DCT's month,
  the next one on or after it when its sentence is in the future tense;
* a bare weekday ("am Mittwoch") is the most recent such day on or before the DCT (the DCT's
  own weekday counts), the next one on or after it in a future-tense sentence; "letzten"
  excludes the DCT's day, "nächsten"/"kommenden" look strictly ahead;
* "am Vortag"/"am Folgetag" count from the last day-precise date before them, else the DCT;
* when the DCT is coarser than an expression needs (a weekday with DCT "2022-03"), the value
  is the DCT at its own precision with qualifier ``approx``;
* without a DCT, a yearless date takes its year from the first full date (day, month, year)
  written in the text; without one the year stays unknown (``XXXX-11-21``), a weekday becomes
  ``XXXX-WXX-4`` and other relative expressions get no value.

Spans leave out leading prepositions ("am", "im", "in", "on") but keep range words ("bis zum
19. Januar", "vom 6. bis 8. Januar").  A range has kind ``range`` with ``value`` as its start
and ``range_end`` as its end, either of which may be None.  Times of day, seasons and
references such as "derzeit" or "seit Beginn des Einsatzes" are not reported.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal, NamedTuple

from lagebild.models import TimeExpression, TimePrecision
from lagebild.nlp import time_lexicon as lex

logger = logging.getLogger(__name__)

Direction = Literal["past", "before", "future", "after"]
_PRECISION_RANK = {"day": 3, "week": 3, "month": 2, "year": 1, "unknown": 0}


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation of ``words``, longest first, any whitespace between their parts."""
    return "|".join(re.escape(word).replace(r"\ ", r"\s+") for word in sorted(words, key=len, reverse=True))


_YEAR = r"(?:19|20)\d\d"
_MONTH_FULL = _alternation(lex.MONTHS)
_MONTH_ANY = rf"(?:{_MONTH_FULL}|(?:{_alternation(lex.MONTH_ABBREVIATIONS)})\.?)(?![a-zäöüß])"
_MONTH_EN = rf"(?:{_alternation(lex.ENGLISH_MONTHS)}|(?:{_alternation(lex.MONTH_ABBREVIATIONS)})\.?)(?![a-z])"
_WEEKDAY = _alternation(lex.WEEKDAYS)
_NUMBER = rf"(?:\d{{1,3}}|{_alternation(lex.NUMBER_WORDS)})"
_VAGUE = _alternation(lex.VAGUE_QUANTITIES)
_UNIT = rf"(?:{_alternation(lex.UNITS)})"
_QUALIFIER = r"(?:Anfang|Beginn|Mitte|Ende|early|mid-?|late)"
_YEAR_RELATIVE = (
    r"(?P<yrel>dieses|diesen|des|vergangenen|letzten|vorigen|nächsten|kommenden)\s+Jahre?s"
    r"|(?P<yrel_en>this|last|next)\s+year"
)
_DAY_MONTH = (
    rf"(?<![\d.,])(?P<day>[0-3]?\d)(?:\.\s*|(?:st|nd|rd|th)?\s+(?:of\s+)?)(?P<month>{_MONTH_ANY})"
    rf"(?:,?\s*(?P<year>{_YEAR})(?![\d.,]\d)|\s+(?:{_YEAR_RELATIVE}))?"
)
_PERIOD_DETERMINER = rf"(?:{_alternation(lex.PERIOD_OFFSETS)})(?:en|em|er|es|e)?"  # German inflection
_URL = re.compile(r"https?://\S+|www\.\S+|\b[\w.-]+\.(?:com|org|net|de|ru|kz)/\S*", re.I)
_SENTENCE_END = re.compile(r"[.!?\n]")
_WORD = re.compile(r"[\w']+")


class _Norm(NamedTuple):
    value: str | None
    precision: TimePrecision
    kind: Literal["date", "duration", "range", "set"] = "date"
    range_end: str | None = None
    qualifier: str | None = None


@dataclass(frozen=True)
class Anchor:
    """The reference date (DCT) as far as it is known."""

    year: int | None = None
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, dct: str | None, precision: str = "day") -> Anchor:
        """Read ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``, cut to ``precision``."""
        if not dct:
            return cls()
        match = re.match(r"\s*(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", dct)
        if not match:
            logger.warning("unreadable document date %r; anchoring nothing", dct)
            return cls()
        rank = _PRECISION_RANK.get(precision, 3)
        year = int(match[1])
        month = int(match[2]) if match[2] and rank >= 2 and 1 <= int(match[2]) <= 12 else None
        day = int(match[3]) if match[3] and month and rank >= 3 else None
        if day is not None and _valid_date(year, month or 0, day) is None:
            day = None
        return cls(year, month, day)

    @property
    def date(self) -> date | None:
        if self.year is None or self.month is None or self.day is None:
            return None
        return date(self.year, self.month, self.day)


@dataclass
class _Context:
    text: str
    anchor: Anchor
    month_first: bool = False
    text_anchor: Anchor = Anchor()
    last_day: date | None = None

    @property
    def year_anchor(self) -> Anchor:
        """The DCT, or the first full date of the text where there is no DCT."""
        return self.anchor if self.anchor.year is not None else self.text_anchor


@dataclass
class _Spec:
    start: int
    end: int
    normalise: Callable[[_Context], _Norm]
    full_date: date | None = None


Handler = Callable[[re.Match[str], _Context], list[_Spec] | None]


def _valid_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month_number(word: str) -> int:
    key = word.casefold().rstrip(".")
    return lex.MONTHS.get(key) or lex.MONTH_ABBREVIATIONS[key]


def _number(word: str) -> int | None:
    key = word.casefold()
    return int(key) if key.isdigit() else lex.NUMBER_WORDS.get(key)


def _two_digit_year(text: str) -> int:
    year = int(text)
    if len(text) == 4:
        return year
    return 2000 + year if year < 70 else 1900 + year


def _iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def _approx(anchor: Anchor) -> _Norm:
    """The anchor at its own precision, for expressions finer than the anchor."""
    if anchor.month is not None:
        return _Norm(f"{anchor.year:04d}-{anchor.month:02d}", "month", qualifier="approx")
    if anchor.year is not None:
        return _Norm(f"{anchor.year:04d}", "year", qualifier="approx")
    return _Norm(None, "unknown")


def _shift(anchor: Anchor, unit: str, amount: int, qualifier: str | None = None) -> _Norm:
    """The day, week, weekend, month or year ``amount`` units away from the anchor."""
    reference = anchor.date
    if unit in ("day", "hour") and reference:
        return _Norm((reference + timedelta(days=amount)).isoformat(), "day", qualifier=qualifier)
    if unit in ("week", "weekend") and reference:
        week = _iso_week(reference + timedelta(weeks=amount))
        return _Norm(week + ("-WE" if unit == "weekend" else ""), "week", qualifier=qualifier)
    if unit == "month" and anchor.month is not None and anchor.year is not None:
        year, month0 = divmod(anchor.year * 12 + anchor.month - 1 + amount, 12)
        return _Norm(f"{year:04d}-{month0 + 1:02d}", "month", qualifier=qualifier)
    if unit == "year" and anchor.year is not None:
        return _Norm(f"{anchor.year + amount:04d}", "year", qualifier=qualifier)
    return _approx(anchor)


def _sentence(text: str, start: int, end: int) -> str:
    left = max(text.rfind(mark, 0, start) for mark in ".!?\n") + 1
    right_match = _SENTENCE_END.search(text, end)
    return text[left : right_match.start() if right_match else len(text)]


def _future_tense(ctx: _Context, start: int, end: int) -> bool:
    """A future auxiliary and no past one in the sentence around the span."""
    words = {w.casefold() for w in _WORD.findall(_sentence(ctx.text, start, end))}
    return bool(words & lex.FUTURE_AUXILIARIES) and not words & lex.PAST_AUXILIARIES


def _direction(determiner: str | None, ctx: _Context, start: int, end: int) -> Direction:
    key = (determiner or "").casefold()
    if key in lex.PAST_DETERMINERS:
        return "before"
    if key in lex.FUTURE_DETERMINERS:
        return "after"
    return "future" if _future_tense(ctx, start, end) else "past"


def _nearest_year(month: int, day: int, anchor: Anchor) -> int | None:
    """The year that puts day/month nearest to the anchor."""
    if anchor.year is None:
        return None
    if anchor.month is None:
        return anchor.year
    reference = date(anchor.year, anchor.month, anchor.day or 15)
    candidates = [
        (abs((candidate - reference).days), candidate.year)
        for year in (anchor.year - 1, anchor.year, anchor.year + 1)
        if (candidate := _valid_date(year, month, day))
    ]
    return min(candidates)[1] if candidates else None


def _month_year(month: int, anchor: Anchor, direction: Direction) -> int | None:
    if anchor.year is None:
        return None
    if anchor.month is None:
        return anchor.year
    if direction == "past":
        return anchor.year if month <= anchor.month else anchor.year - 1
    if direction == "before":
        return anchor.year if month < anchor.month else anchor.year - 1
    if direction == "future":
        return anchor.year if month >= anchor.month else anchor.year + 1
    return anchor.year if month > anchor.month else anchor.year + 1


def _weekday_date(weekday: int, reference: date, direction: Direction) -> date:
    back = (reference.isoweekday() - weekday) % 7
    ahead = (weekday - reference.isoweekday()) % 7
    if direction == "past":
        return reference - timedelta(days=back)
    if direction == "before":
        return reference - timedelta(days=back or 7)
    if direction == "future":
        return reference + timedelta(days=ahead)
    return reference + timedelta(days=ahead or 7)


def _determiner_offset(word: str) -> int | None:
    """-1, 0 or 1 for "vergangenen", "dieser", "nächste", "last" ...; None for other words."""
    key = word.casefold()
    if key in lex.PERIOD_OFFSETS:
        return lex.PERIOD_OFFSETS[key]
    return lex.PERIOD_OFFSETS.get(re.sub(r"(?:en|em|er|es|e)$", "", key))


def _year_offset(match: re.Match[str]) -> int | None:
    """The year offset stated by "dieses/letzten Jahres", "last year" ("des Jahres": 0), or None."""
    word = match["yrel"] or match["yrel_en"]
    if not word:
        return None
    offset = _determiner_offset(word)
    return 0 if offset is None else offset


def _day_month_norm(
    day: int, month: int, year: int | None, year_offset: int | None
) -> Callable[[_Context], _Norm]:
    """Normaliser for a calendar day whose year may be missing."""

    def normalise(ctx: _Context) -> _Norm:
        resolved = year
        if resolved is None and year_offset is not None and ctx.year_anchor.year is not None:
            resolved = ctx.year_anchor.year + year_offset
        if resolved is None:
            resolved = _nearest_year(month, day, ctx.year_anchor)
        if resolved is None:
            return _Norm(f"XXXX-{month:02d}-{day:02d}", "day")
        return _Norm(f"{resolved:04d}-{month:02d}-{day:02d}", "day")

    return normalise


def _constant(norm: _Norm) -> Callable[[_Context], _Norm]:
    return lambda _ctx: norm


# --- handlers: each turns a regex match into specs, or rejects it with None ---------------


def _absolute(day: int, month: int, year: int, start: int, end: int) -> list[_Spec] | None:
    found = _valid_date(year, month, day)
    if found is None:
        return None
    return [_Spec(start, end, _constant(_Norm(found.isoformat(), "day")), full_date=found)]


def _on_day_month(match: re.Match[str], ctx: _Context) -> list[_Spec] | None:
    day, month = int(match["day"]), _month_number(match["month"])
    if not match["month"][0].isupper() or _valid_date(2000, month, day) is None:
        return None  # lower case: "only 5 may attend"
    if match["year"]:
        return _absolute(day, month, int(match["year"]), *match.span())
    return [_Spec(*match.span(), _day_month_norm(day, month, None, _year_offset(match)))]


def _on_month_day(match: re.Match[str], ctx: _Context) -> list[_Spec] | None:
    day, month = int(match["day"]), _month_number(match["month"])
    if not match["month"][0].isupper() or _valid_date(2000, month, day) is None:
        return None
    if match["year"]:
        return _absolute(day, month, int(match["year"]), *match.span())
    return [_Spec(*match.span(), _day_month_norm(day, month, None, None))]


def _on_numeric(match: re.Match[str], ctx: _Context) -> list[_Spec] | None:
    first, second = int(match["a"]), int(match["b"])
    day, month = (second, first) if match["sep"] == "/" and ctx.month_first else (first, second)
    return _absolute(day, month, _two_digit_year(match["y"]), *match.span())


def _on_iso(match: re.Match[str], ctx: _Context) -> list[_Spec] | None:
    year, month = int(match["y"]), int(match["m"])
    if match["d"]:
        return _absolute(int(match["d"]), month, year, *match.span())
    if not 1 <= month <= 12:
        return None
    return [_Spec(*match.span(), _constant(_Norm(f"{year:04d}-{month:02d}", "month")))]


def _day_list(match: re.Match[str], ctx: _Context) -> list[_Spec] | None:
    """ "19. und 21. November" (two dates) or "vom 6. bis 8. Januar" (one range)."""
    if not match["month"][0].isupper():
        return None
    month = _month_number(match["month"])
    year = int(match["year"]) if match["year"] else None
    offset = match.start("days")
    days = [
        (offset + m.start(), offset + m.end(), int(m[1])) for m in re.finditer(r"(\d{1,2})\.?", match["days"])
    ]
    days.append((match.start("last"), match.end(), int(match["last"])))
    if any(_valid_date(2000, month, day) is None for _, _, day in days):
        return None
    connectors = re.sub(r"[\d.\s]", " ", match["days"]).split()
    if match["pre"] or any(c.casefold() in {"bis", "to", "-", "–"} for c in connectors):
        if len(days) != 2 or days[0][2] >= days[1][2]:
            return None
        first = _day_month_norm(days[0][2], month, year, None)
        last = _day_month_norm(days[1][2], month, year, None)
        return [_Spec(*match.span(), lambda c: _Norm(first(c).value, "day", "range", last(c).value))]
    return [_Spec(start, end, _day_month_norm(day, month, year, None)) for start, end, day in days]


def _on_month_range_en(match: re.Match[str], ctx: _Context) -> list[_Spec] | None:
    month = _month_number(match["month"])
    first, last = int(match["d1"]), int(match["d2"])
    if not match["month"][0].isupper() or first >= last or _valid_date(2000, month, last) is None:
        return None
    year = int(match["year"]) if match["year"] else None
    start_norm, end_norm = _day_month_norm(first, month, year, None), _day_month_norm(last, month, year, None)
    return [_Spec(*match.span(), lambda c: _Norm(start_norm(c).value, "day", "range", end_norm(c).value))]


def _qualifier(word: str | None) -> str | None:
    return lex.QUALIFIERS.get(word.casefold().rstrip("-")) if word else None


def _on_month_year(match: re.Match[str], ctx: _Context) -> list[_Spec] | None:
    if not match["month"][0].isupper():
        return None
    norm = _Norm(
        f"{int(match['year']):04d}-{_month_number(match['month']):02d}",
        "month",
        qualifier=_qualifier(match["q"]),
    )
    return [_Spec(*match.span("expr"), _constant(norm))]


def _on_month(match: re.Match[str], ctx: _Context) -> list[_Spec] | None:
    if not match["month"][0].isupper() or not (match["cue"] or match["q"] or match["det"]):
        return None
    month = _month_number(match["month"])
    qualifier = _qualifier(match["q"])
    start, end = match.span("expr")

    def normalise(c: _Context) -> _Norm:
        year = _month_year(month, c.year_anchor, _direction(match["det"], c, start, end))
        prefix = f"{year:04d}" if year is not None else "XXXX"
        return _Norm(f"{prefix}-{month:02d}", "month", qualifier=qualifier)

    return [_Spec(start, end, normalise)]


def _on_qualified_year(match: re.Match[str], ctx: _Context) -> list[_Spec] | None:
    norm = _Norm(f"{int(match['year']):04d}", "year", qualifier=_qualifier(match["q"]))
    return [_Spec(*match.span(), _constant(norm))]


def _on_year(match: re.Match[str], ctx: _Context) -> list[_Spec] | None:
    """A bare year after a temporal cue ("im Jahr 2022", "seit 2014"), in brackets, on its own line
    or opening a sentence before a lower-case word ("1991 erklärte ...")."""
    following = ctx.text[match.end("year") : match.end("year") + 12].split()
    if following and following[0].casefold().strip(".,;:") in lex.COUNT_NOUNS:
        return None
    return [_Spec(*match.span("year"), _constant(_Norm(match["year"], "year")))]


def _on_year_range(match: re.Match[str], ctx: _Context) -> list[_Spec] | None:
    if int(match["y1"]) >= int(match["y2"]):
        return None
    return [_Spec(*match.span(), _constant(_Norm(match["y1"], "year", "range", match["y2"])))]


def _on_decade(match: re.Match[str], ctx: _Context) -> list[_Spec] | None:
    return [_Spec(*match.span("expr"), _constant(_Norm((match["d1"] or match["d2"])[:3], "decade")))]


def _starts_clause(text: str, match: re.Match[str]) -> bool:
    """The match opens a sentence and a lower-case word (a verb) follows it."""
    before = text[: match.start()].rstrip()
    following = text[match.end() :].split(maxsplit=1)
    return (not before or before[-1] in '.!?:"„“') and bool(following) and following[0][:1].islower()


def _on_relative_day(match: re.Match[str], ctx: _Context) -> list[_Spec] | None:
    word = match["w"]
    if word.casefold() == "morgen" and not word.islower() and not _starts_clause(ctx.text, match):
        return None  # "Morgen" is also the noun "morning" ("am Morgen")
    offset = lex.RELATIVE_DAYS[word.casefold()]
    return [_Spec(*match.span(), lambda c: _shift(c.anchor, "day", offset))]


def _on_anaphoric_offset(match: re.Match[str], ctx: _Context) -> list[_Spec] | None:
    """ "drei Tage später", "two weeks earlier": counted from the last day-precise date, else the DCT."""
    amount = _number(match["n"])
    if amount is None:
        return None
    unit = lex.UNITS[match["unit"].casefold()]
    sign = lex.ANAPHORIC_DIRECTIONS[match["dir"].casefold()]

    def normalise(c: _Context) -> _Norm:
        anchor = Anchor(c.last_day.year, c.last_day.month, c.last_day.day) if c.last_day else c.anchor
        return _shift(anchor, unit, sign * (0 if unit == "hour" else amount))

    return [_Spec(*match.span(), normalise)]


def _on_anaphoric_day(match: re.Match[str], ctx: _Context) -> list[_Spec] | None:
    offset = lex.ANAPHORIC_DAYS[re.sub(r"\s+", " ", match["w"].casefold())]

    def normalise(c: _Context) -> _Norm:
        if c.last_day is not None:
            return _Norm((c.last_day + timedelta(days=offset)).isoformat(), "day")
        return _shift(c.anchor, "day", offset)

    return [_Spec(*match.span("w"), normalise)]


def _on_weekday(match: re.Match[str], ctx: _Context) -> list[_Spec] | None:
    weekday = lex.WEEKDAYS[match["wd"].casefold()]
    if match["plural"]:
        return [_Spec(*match.span(), _constant(_Norm(f"XXXX-WXX-{weekday}", "day", "set")))]
    start, end = match.span()

    def normalise(c: _Context) -> _Norm:
        reference = c.anchor.date
        if reference is None:
            return _approx(c.anchor) if c.anchor.year is not None else _Norm(f"XXXX-WXX-{weekday}", "day")
        found = _weekday_date(weekday, reference, _direction(match["det"], c, start, end))
        return _Norm(found.isoformat(), "day")

    return [_Spec(start, end, normalise)]


def _weekend(ctx: _Context, direction: Direction) -> _Norm:
    """ "am Wochenende": the weekend of the Saturday that a bare "Samstag" would name."""
    reference = ctx.anchor.date
    if reference is None:
        return _approx(ctx.anchor)
    return _Norm(_iso_week(_weekday_date(6, reference, direction)) + "-WE", "week")


# first and last ISO weekday of the early, middle and late part of a week
_WEEK_PARTS = {"early": (1, 2), "mid": (3, 4), "late": (5, 7)}


def _part_of_week(ctx: _Context, qualifier: str | None, direction: Direction) -> _Norm:
    """ "Anfang der Woche": this week's, or the last one's when that part is still to come in a past
    sentence (the next one's when it is over in a future sentence)."""
    first, last = _WEEK_PARTS.get(qualifier or "", (1, 7))
    reference = ctx.anchor.date
    weekday = reference.isoweekday() if reference else 0
    amount = 0
    if direction in ("past", "before") and weekday and weekday < first:
        amount = -1
    elif direction in ("future", "after") and weekday > last:
        amount = 1
    return _shift(ctx.anchor, "week", amount, qualifier)


def _on_period(match: re.Match[str], ctx: _Context) -> list[_Spec] | None:
    """ "vergangene Woche", "im vergangenen Jahr", "Anfang der Woche", "next month"."""
    unit = lex.PERIOD_NOUNS[match["unit"].casefold()]
    determiner = (match["det"] or "").casefold()
    if determiner in ("", "der", "des", "the"):
        if unit == "weekend" and match["cue"] and not match["q"]:
            start, end = match.span("expr")
            return [_Spec(start, end, lambda c: _weekend(c, _direction(None, c, start, end)))]
        if not match["q"]:
            return None
        if unit == "week":
            start, end = match.span("expr")
            qualifier = _qualifier(match["q"])
            return [_Spec(start, end, lambda c: _part_of_week(c, qualifier, _direction(None, c, start, end)))]
        amount = 0
    else:
        offset = _determiner_offset(determiner)
        if offset is None:
            return None
        amount = offset
    qualifier = _qualifier(match["q"])
    return [_Spec(*match.span("expr"), lambda c: _shift(c.anchor, unit, amount, qualifier))]


def _on_previous_period(match: re.Match[str], ctx: _Context) -> list[_Spec] | None:
    unit = lex.PREVIOUS_PERIODS[match["w"].casefold()]
    return [_Spec(*match.span("w"), lambda c: _shift(c.anchor, unit, -1))]


def _on_relative_offset(match: re.Match[str], ctx: _Context) -> list[_Spec] | None:
    """ "vor drei Tagen", "in zwei Wochen", "three days ago"."""
    amount = _number(match["n"])
    if amount is None:
        return None
    unit = lex.UNITS[match["unit"].casefold()]
    sign = 1 if (match.groupdict().get("pre") or "").casefold() == "in" else -1
    qualifier = "approx" if unit == "hour" or match.groupdict().get("approx") else None
    return [
        _Spec(
            *match.span(),
            lambda c: _shift(c.anchor, unit, sign * (0 if unit == "hour" else amount), qualifier),
        )
    ]


def _duration_value(amount: int | None, unit: str) -> str:
    quantity = "X" if amount is None else str(amount)
    return f"PT{quantity}H" if unit == "hour" else f"P{quantity}{lex.ISO_UNIT[unit]}"


_UNIT_PRECISION: dict[str, TimePrecision] = {
    "hour": "day",
    "day": "day",
    "week": "week",
    "month": "month",
    "year": "year",
}


def _on_duration(match: re.Match[str], ctx: _Context) -> list[_Spec] | None:
    unit = lex.UNITS[match["unit"].casefold()]
    quantity = re.sub(r"\s+", " ", match["n"]).casefold()
    amount = None if quantity in lex.VAGUE_QUANTITIES else _number(quantity)
    if amount is None and quantity not in lex.VAGUE_QUANTITIES:
        return None
    singular = match["unit"].casefold() in {
        "tag",
        "woche",
        "monat",
        "jahr",
        "stunde",
        "day",
        "week",
        "month",
        "year",
        "hour",
    }
    if (amount == 1) != singular:
        return None  # "ein Jahre", "zwei Jahr": not a measure
    norm = _Norm(_duration_value(amount, unit), _UNIT_PRECISION[unit], "duration")
    return [_Spec(*match.span("expr"), _constant(norm))]


def _on_vague_span(match: re.Match[str], ctx: _Context) -> list[_Spec] | None:
    """ "in den letzten Tagen", "tagelang", "the past few weeks"."""
    word = match["w"].casefold()
    unit = lex.VAGUE_DURATION_ADVERBS.get(word) or lex.UNITS[word]
    norm = _Norm(_duration_value(None, unit), _UNIT_PRECISION[unit], "duration")
    return [_Spec(*match.span("expr"), _constant(norm))]


def _on_set(match: re.Match[str], ctx: _Context) -> list[_Spec] | None:
    unit = lex.SETS[re.sub(r"\s+", " ", match[0].casefold())]
    return [_Spec(*match.span(), _constant(_Norm(_duration_value(1, unit), _UNIT_PRECISION[unit], "set")))]


_FLAGS = re.IGNORECASE
_RULES: list[tuple[re.Pattern[str], Handler]] = [
    (re.compile(rf"\b{_DAY_MONTH}", _FLAGS), _on_day_month),
    (
        re.compile(
            rf"\b(?P<month>{_MONTH_EN})\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?(?!\d|[.:]\d)(?:,?\s+(?P<year>{_YEAR})(?!\d))?",
            _FLAGS,
        ),
        _on_month_day,
    ),
    (
        re.compile(
            r"(?<![\d.,/])(?P<a>[0-3]?\d)(?P<sep>[./])(?P<b>[01]?\d)(?P=sep)(?P<y>(?:19|20)\d\d|\d\d)(?![\d/]|\.\d)"
        ),
        _on_numeric,
    ),
    (re.compile(r"(?<![\d./-])(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)(?:-(?P<d>[0-3]\d))?(?![\d-])"), _on_iso),
    (
        re.compile(
            rf"(?P<pre>\b(?:vom|von|zwischen(?:\s+dem)?|from|between(?:\s+the)?)\s+)?"
            rf"(?<![\d.,])(?P<days>(?:[0-3]?\d\.?\s*(?:,|und|oder|sowie|bis(?:\s+zum)?|and|or|to|-|–)\s*)+)"
            rf"(?P<last>[0-3]?\d)(?:\.\s*|(?:st|nd|rd|th)?\s+(?:of\s+)?)(?P<month>{_MONTH_ANY})"
            rf"(?:,?\s*(?P<year>{_YEAR})(?!\d))?",
            _FLAGS,
        ),
        _day_list,
    ),
    (
        re.compile(
            rf"\b(?P<month>{_MONTH_EN})\s+(?P<d1>[0-3]?\d)\s*[-–]\s*(?P<d2>[0-3]?\d)(?!\d)(?:,?\s+(?P<year>{_YEAR})(?!\d))?",
            _FLAGS,
        ),
        _on_month_range_en,
    ),
    (
        re.compile(
            rf"(?:\b(?:im|in|of|during)\s+)?(?P<expr>(?:(?P<q>{_QUALIFIER})\s*)?\b(?P<month>{_MONTH_FULL})\s+(?P<year>{_YEAR})(?!\d))",
            _FLAGS,
        ),
        _on_month_year,
    ),
    (
        re.compile(
            rf"(?:\b(?P<cue>im|in|seit|bis|ab|vom|zum|since|until|by|during)\s+)?(?P<expr>(?:(?P<q>{_QUALIFIER})\s*(?:des\s+|of\s+)?)?"
            rf"(?:(?P<det>vergangenen|letzten|vorigen|kommenden|nächsten|last|next|this|coming)\s+)?\b(?P<month>{_MONTH_FULL}))\b",
            _FLAGS,
        ),
        _on_month,
    ),
    (
        re.compile(rf"\b(?P<q>Anfang|Mitte|Ende|early|mid-?|late)\s*(?P<year>{_YEAR})(?![\d.,]\d)", _FLAGS),
        _on_qualified_year,
    ),
    (
        re.compile(
            rf"\b(?:von|zwischen|from|between)\s+(?P<y1>{_YEAR})\s*(?:bis|und|to|and|-|–)\s*(?P<y2>{_YEAR})(?!\d)",
            _FLAGS,
        ),
        _on_year_range,
    ),
    (re.compile(rf"(?<![\d.,-])(?P<y1>{_YEAR})\s*–\s*(?P<y2>{_YEAR})(?!\d)"), _on_year_range),
    (
        re.compile(
            rf"\b(?:im\s+Jahre?|Jahr(?:es)?|seit|bis|ab|vor|nach|in|since|until|by|from|in\s+the\s+year|year|of)\s+"
            rf"(?P<year>{_YEAR})(?![\d.,]\d)",
            _FLAGS,
        ),
        _on_year,
    ),
    (re.compile(rf"\((?P<year>{_YEAR})\)"), _on_year),
    (re.compile(rf"^[ \t]*(?P<year>{_YEAR})[ \t]*$", re.MULTILINE), _on_year),
    (re.compile(rf"(?:^|(?<=[.!?]\s))(?P<year>{_YEAR})(?=\s+[a-zäöüß])", re.MULTILINE), _on_year),
    (
        re.compile(
            r"(?<![\d.,])(?P<expr>(?P<d1>(?:19|20)\d0)er(?:\s*-?\s*Jahren?)?\b|(?P<d2>(?:19|20)\d0)s\b)",
            _FLAGS,
        ),
        _on_decade,
    ),
    (
        re.compile(
            rf"\b(?P<w>{_alternation(lex.RELATIVE_DAYS)})(?:\s+(?:{_alternation(lex.DAY_PARTS)}))?\b", _FLAGS
        ),
        _on_relative_day,
    ),
    (
        re.compile(rf"\b(?:am\s+)?(?P<w>{_alternation(lex.ANAPHORIC_DAYS)})\b", _FLAGS),
        _on_anaphoric_day,
    ),
    (
        re.compile(
            rf"\b(?P<n>{_NUMBER})\s+(?P<unit>{_UNIT})\s+(?P<dir>{_alternation(lex.ANAPHORIC_DIRECTIONS)})\b",
            _FLAGS,
        ),
        _on_anaphoric_offset,
    ),
    (
        re.compile(
            rf"\b(?:(?P<det>letzten|vergangenen|vorigen|kommenden|nächsten|diesen|last|next|this|coming|past)\s+)?"
            rf"(?P<wd>{_WEEKDAY})(?P<plural>s)?(?:{_alternation(lex.DAY_PARTS)})?\b",
            _FLAGS,
        ),
        _on_weekday,
    ),
    (
        re.compile(
            rf"(?:\b(?P<cue>im|in|am|on|at)\s+)?(?P<expr>(?:(?P<q>{_QUALIFIER})\s+(?:(?:der|des|of\s+the|of)\s+)?)?"
            rf"(?:(?P<det>{_PERIOD_DETERMINER})\s+)?\b(?P<unit>{_alternation(lex.PERIOD_NOUNS)}))\b",
            _FLAGS,
        ),
        _on_period,
    ),
    (
        re.compile(rf"\b(?:im\s+|in\s+der\s+)?(?P<w>{_alternation(lex.PREVIOUS_PERIODS)})\b", _FLAGS),
        _on_previous_period,
    ),
    (
        re.compile(
            rf"\b(?P<pre>vor|in)\s+(?:(?P<approx>{_alternation(lex.APPROXIMATORS)})\s+)?(?P<n>{_NUMBER})\s+(?P<unit>{_UNIT})\b",
            _FLAGS,
        ),
        _on_relative_offset,
    ),
    (re.compile(rf"\b(?P<n>{_NUMBER})\s+(?P<unit>{_UNIT})\s+ago\b", _FLAGS), _on_relative_offset),
    (
        re.compile(rf"(?P<expr>\b(?P<n>{_NUMBER}|{_VAGUE})\s+(?P<unit>{_UNIT})(?:\s+lang)?)\b", _FLAGS),
        _on_duration,
    ),
    (
        re.compile(
            r"(?:\b(?:in|während|within|for|over)\s+)?(?:den\s+|the\s+)?(?P<expr>(?:letzten|vergangenen|nächsten|kommenden"
            r"|last|past|next|coming)\s+(?:few\s+)?(?P<w>Tagen|Wochen|Monaten|Jahren|Stunden|days|weeks|months|years|hours))\b",
            _FLAGS,
        ),
        _on_vague_span,
    ),
    (re.compile(rf"(?P<expr>\b(?P<w>{_alternation(lex.VAGUE_DURATION_ADVERBS)}))\b", _FLAGS), _on_vague_span),
    (re.compile(rf"\b(?:{_alternation(lex.SETS)})\b", _FLAGS), _on_set),
]

_WEEKDAY_EXPRESSION = re.compile(
    rf"(?:\w+\s+)?(?:{_WEEKDAY})(?:{_alternation(lex.DAY_PARTS)})?", re.IGNORECASE
)
_WEEKDAY_NAME = re.compile(_WEEKDAY, re.IGNORECASE)
_CALENDAR_DATE = re.compile(rf"\d.*(?:{_MONTH_ANY})|(?:{_MONTH_EN})\s+\d|^[\d./-]+$", re.IGNORECASE)
_APPOSITION_GAP = re.compile(r",?\s*(?:(?:dem|den|the)\s+)?", re.IGNORECASE)
_RANGE_GAP = re.compile(r"\s*(?:bis(?:\s+zu[mr])?|-|–|to|until|through|till)\s*", re.IGNORECASE)
_BETWEEN_GAP = re.compile(r"\s*(?:und|and)\s*", re.IGNORECASE)
_RANGE_OPENER = re.compile(r"\b(?:vom|von|ab|zwischen(?:\s+dem)?|from|between(?:\s+the)?)\s+$", re.IGNORECASE)
_BETWEEN_OPENER = re.compile(r"\b(?:zwischen|between)\b", re.IGNORECASE)
_UNTIL = re.compile(r"\b(?:bis(?:\s+(?:zum|zur|spätestens))?|until|till)\s+$", re.IGNORECASE)
_SINCE = re.compile(r"\b(?:seit|ab|since)(?:\s+(?:dem|der))?\s+$", re.IGNORECASE)


def _select(candidates: list[tuple[int, int, list[_Spec]]]) -> list[_Spec]:
    """Keep the longest expressions that do not overlap a longer one (earlier first on ties)."""
    chosen: list[tuple[int, int, list[_Spec]]] = []
    for start, end, specs in sorted(candidates, key=lambda c: (c[0] - c[1], c[0])):
        if all(end <= other_start or other_end <= start for other_start, other_end, _ in chosen):
            chosen.append((start, end, specs))
    return sorted((spec for _, _, specs in chosen for spec in specs), key=lambda spec: spec.start)


def _weekday_of(value: str | None) -> int | None:
    if value and re.fullmatch(r"\d{4}-\d\d-\d\d", value):
        return date.fromisoformat(value).isoweekday()
    return None


def _combine(text: str, first: TimeExpression, second: TimeExpression) -> TimeExpression | None:
    """One expression out of two neighbours ("Donnerstag, dem 6. Januar", "6. bis 8. Januar")."""
    gap = text[first.end : second.start]
    if first.kind != "date" or second.kind != "date":
        return None
    if (
        _WEEKDAY_EXPRESSION.fullmatch(first.text)
        and second.precision == "day"
        and _CALENDAR_DATE.search(second.text)
        and _APPOSITION_GAP.fullmatch(gap)
    ):
        named = _WEEKDAY_NAME.search(first.text)
        weekday = lex.WEEKDAYS[named[0].casefold()] if named else None
        stated = _weekday_of(second.value)
        if weekday and stated and weekday != stated:
            logger.debug("weekday %r does not match %s", first.text, second.value)
        return TimeExpression(
            first.start,
            second.end,
            text[first.start : second.end],
            second.value,
            "day",
            qualifier=second.qualifier,
        )
    opener = _RANGE_OPENER.search(text, max(0, first.start - 30), first.start)
    opener_start = opener.start() if opener and opener.end() == first.start else None
    between = opener_start is not None and _BETWEEN_OPENER.match(text, opener_start)
    if not (_RANGE_GAP.fullmatch(gap) or (between and _BETWEEN_GAP.fullmatch(gap))):
        return None
    end_value = second.value
    if first.value and end_value and len(first.value) == len(end_value) and end_value < first.value:
        start_day, named = _weekday_of(first.value), _WEEKDAY_NAME.search(second.text)
        if start_day is None or named is None or not _WEEKDAY_EXPRESSION.fullmatch(second.text):
            return None
        gap_days = (lex.WEEKDAYS[named[0].casefold()] - start_day) % 7
        end_value = (date.fromisoformat(first.value) + timedelta(days=gap_days)).isoformat()
    start = first.start if opener_start is None else opener_start
    return TimeExpression(
        start, second.end, text[start : second.end], first.value, first.precision, "range", end_value
    )


def _open_range(text: str, expression: TimeExpression) -> TimeExpression:
    """ "bis zum 19. Januar" closes a range, "seit dem 6. Januar" opens one."""
    if expression.kind != "date":
        return expression
    before = text[max(0, expression.start - 30) : expression.start]
    for pattern, is_end in ((_UNTIL, True), (_SINCE, False)):
        cue = pattern.search(before)
        if cue:
            start = expression.start - len(before) + cue.start()
            value, range_end = (None, expression.value) if is_end else (expression.value, None)
            return TimeExpression(
                start,
                expression.end,
                text[start : expression.end],
                value,
                expression.precision,
                "range",
                range_end,
                expression.qualifier,
            )
    return expression


def _merge(text: str, expressions: list[TimeExpression]) -> list[TimeExpression]:
    merged: list[TimeExpression] = []
    for expression in expressions:
        combined = _combine(text, merged[-1], expression) if merged else None
        if combined is not None:
            merged[-1] = combined
        else:
            merged.append(expression)
    return [_open_range(text, expression) for expression in merged]


def find_times(
    text: str, *, dct: str | None = None, dct_precision: str = "day", language: str = "de"
) -> list[TimeExpression]:
    """Temporal expressions in ``text``, normalised against the publication date ``dct``.

    ``dct`` is ``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY`` or None; ``dct_precision`` cuts it further.
    ``language`` only matters for slash dates: ``en-US`` reads them month first, everything
    else day first.  German and English words are recognised in any text.
    """
    ctx = _Context(
        text, Anchor.parse(dct, dct_precision), month_first=language.casefold().replace("_", "-") == "en-us"
    )
    urls = [match.span() for match in _URL.finditer(text)]
    candidates: list[tuple[int, int, list[_Spec]]] = []
    for pattern, handler in _RULES:
        for match in pattern.finditer(text):
            if any(start < match.end() and match.start() < end for start, end in urls):
                continue
            specs = handler(match, ctx)
            if specs:
                candidates.append((min(spec.start for spec in specs), max(spec.end for spec in specs), specs))
    specs = _select(candidates)
    full_date = next((spec.full_date for spec in specs if spec.full_date), None)
    if full_date is not None:
        ctx.text_anchor = Anchor(full_date.year, full_date.month, full_date.day)
    expressions: list[TimeExpression] = []
    for spec in specs:
        norm = spec.normalise(ctx)
        expressions.append(TimeExpression(spec.start, spec.end, text[spec.start : spec.end], *norm))
        if norm.kind == "date" and _weekday_of(norm.value):
            ctx.last_day = date.fromisoformat(norm.value or "")
    return _merge(text, expressions)
