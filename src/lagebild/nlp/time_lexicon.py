"""Words for temporal expressions in German and English (keys are casefolded)."""

from __future__ import annotations

from lagebild.nlp.numbers import CARDINALS

MONTHS: dict[str, int] = {
    "januar": 1,
    "jänner": 1,
    "februar": 2,
    "feber": 2,
    "märz": 3,
    "maerz": 3,
    "april": 4,
    "mai": 5,
    "juni": 6,
    "juli": 7,
    "august": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "dezember": 12,
    "january": 1,
    "february": 2,
    "march": 3,
    "may": 5,
    "june": 6,
    "july": 7,
    "october": 10,
    "december": 12,
}

ENGLISH_MONTHS: frozenset[str] = frozenset(
    {
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    }
)

MONTH_ABBREVIATIONS: dict[str, int] = {
    "jan": 1,
    "feb": 2,
    "mär": 3,
    "mrz": 3,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "okt": 10,
    "oct": 10,
    "nov": 11,
    "dez": 12,
    "dec": 12,
}

WEEKDAYS: dict[str, int] = {
    "montag": 1,
    "dienstag": 2,
    "mittwoch": 3,
    "donnerstag": 4,
    "freitag": 5,
    "samstag": 6,
    "sonnabend": 6,
    "sonntag": 7,
    "monday": 1,
    "tuesday": 2,
    "wednesday": 3,
    "thursday": 4,
    "friday": 5,
    "saturday": 6,
    "sunday": 7,
}

DAY_PARTS: tuple[str, ...] = (
    "morgen",
    "vormittag",
    "mittag",
    "nachmittag",
    "abend",
    "nacht",
    "früh",
    "morning",
    "afternoon",
    "evening",
    "night",
)

NUMBER_WORDS = CARDINALS

# words that make a count approximate: "vor knapp zwei Jahren"
APPROXIMATORS: frozenset[str] = frozenset(
    {
        "knapp",
        "etwa",
        "rund",
        "fast",
        "gut",
        "über",
        "mehr als",
        "about",
        "almost",
        "nearly",
        "more than",
        "some",
    }
)

VAGUE_QUANTITIES: frozenset[str] = frozenset(
    {"mehrere", "einige", "wenige", "paar", "ein paar", "several", "a few", "few", "some"}
)

# unit word -> (TIMEX3 unit, period unit for relative dates)
UNITS: dict[str, str] = {
    "tag": "day",
    "tage": "day",
    "tagen": "day",
    "woche": "week",
    "wochen": "week",
    "monat": "month",
    "monate": "month",
    "monaten": "month",
    "jahr": "year",
    "jahre": "year",
    "jahren": "year",
    "stunde": "hour",
    "stunden": "hour",
    "day": "day",
    "days": "day",
    "week": "week",
    "weeks": "week",
    "month": "month",
    "months": "month",
    "year": "year",
    "years": "year",
    "hour": "hour",
    "hours": "hour",
}

ISO_UNIT: dict[str, str] = {"day": "D", "week": "W", "month": "M", "year": "Y", "hour": "H"}

# "-lang" adverbs of vague duration
VAGUE_DURATION_ADVERBS: dict[str, str] = {
    "stundenlang": "hour",
    "tagelang": "day",
    "wochenlang": "week",
    "monatelang": "month",
    "jahrelang": "year",
}

SETS: dict[str, str] = {
    "täglich": "day",
    "wöchentlich": "week",
    "monatlich": "month",
    "jährlich": "year",
    "jeden tag": "day",
    "jede woche": "week",
    "jeden monat": "month",
    "jedes jahr": "year",
    "daily": "day",
    "weekly": "week",
    "monthly": "month",
    "yearly": "year",
    "annually": "year",
    "every day": "day",
    "every week": "week",
    "every month": "month",
    "every year": "year",
}

RELATIVE_DAYS: dict[str, int] = {
    "heute": 0,
    "gestern": -1,
    "vorgestern": -2,
    "morgen": 1,
    "übermorgen": 2,
    "today": 0,
    "tonight": 0,
    "yesterday": -1,
    "tomorrow": 1,
}

# anaphoric days, counted from the last day-precise date mentioned before them
ANAPHORIC_DAYS: dict[str, int] = {
    "vortag": -1,
    "folgetag": 1,
    "tag zuvor": -1,
    "tag davor": -1,
    "tag danach": 1,
    "tag darauf": 1,
    "the day before": -1,
    "the previous day": -1,
    "the next day": 1,
    "the following day": 1,
}

# adverbs after a count that place it before (-1) or after (+1) the last date mentioned
ANAPHORIC_DIRECTIONS: dict[str, int] = {
    "später": 1,
    "danach": 1,
    "darauf": 1,
    "zuvor": -1,
    "vorher": -1,
    "früher": -1,
    "later": 1,
    "afterwards": 1,
    "earlier": -1,
    "before": -1,
}

# determiners that move a week, month or year away from the anchor
PERIOD_OFFSETS: dict[str, int] = {
    "vergangen": -1,
    "letzt": -1,
    "vorig": -1,
    "dies": 0,
    "laufend": 0,
    "nächst": 1,
    "kommend": 1,
    "last": -1,
    "past": -1,
    "previous": -1,
    "this": 0,
    "current": 0,
    "next": 1,
    "coming": 1,
}

PERIOD_NOUNS: dict[str, str] = {
    "woche": "week",
    "wochenende": "weekend",
    "monat": "month",
    "monats": "month",
    "jahr": "year",
    "jahres": "year",
    "jahrs": "year",
    "week": "week",
    "weekend": "weekend",
    "month": "month",
    "year": "year",
}

# single nouns that mean the previous period
PREVIOUS_PERIODS: dict[str, str] = {"vorwoche": "week", "vormonat": "month", "vorjahr": "year"}

QUALIFIERS: dict[str, str] = {
    "anfang": "early",
    "beginn": "early",
    "mitte": "mid",
    "ende": "late",
    "early": "early",
    "mid": "mid",
    "late": "late",
}

# determiners that make a weekday or month point backwards / forwards
PAST_DETERMINERS: frozenset[str] = frozenset(
    {"letzten", "vergangenen", "vorigen", "letzter", "vergangener", "last", "past", "previous"}
)
FUTURE_DETERMINERS: frozenset[str] = frozenset({"kommenden", "nächsten", "next", "coming"})

FUTURE_AUXILIARIES: frozenset[str] = frozenset(
    {"wird", "werden", "wirst", "werde", "soll", "sollen", "will", "shall", "'ll"}
)
PAST_AUXILIARIES: frozenset[str] = frozenset(
    {
        "wurde",
        "wurden",
        "war",
        "waren",
        "hatte",
        "hatten",
        "hat",
        "haben",
        "habe",
        "worden",
        "was",
        "were",
        "had",
        "did",
    }
)

# words after a bare year that show it is a count, not a year
COUNT_NOUNS: frozenset[str] = frozenset(
    {
        "%",
        "prozent",
        "percent",
        "euro",
        "dollar",
        "€",
        "$",
        "km",
        "meter",
        "menschen",
        "personen",
        "people",
        "soldaten",
        "soldiers",
        "mal",
        "times",
    }
)
