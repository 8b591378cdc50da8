"""Publication dates: parse the date strings pages carry and find today-anchored leads.

Every function returns a :class:`PublicationDate` cut to what its evidence supports, or
``None`` when there is no evidence.  Nothing here falls back to the current date.
"""

from __future__ import annotations

import re
from datetime import date

from lagebild.documents.lexicon import MONTHS, THIS_YEAR_WORDS, TODAY_WORDS
from lagebild.models import PublicationDate

_MIN_YEAR = 1900
_MAX_YEAR = 2100

_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_ISO = re.compile(r"^(?P<y>\d{4})(?:-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2}))?)?(?:[T ][\d:.]+(?:Z|[+-][\d:]+)?)?$")
_NUMERIC = re.compile(r"^(?P<d>\d{1,2})(?P<sep>[./-])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{2}|\d{4})$")
_DAY_MONTH_NAME = rf"(?P<d>\d{{1,2}})\.?\s+(?P<mname>{_MONTH_NAMES})"
_NAMED = re.compile(rf"^(?:\w+,\s+)?{_DAY_MONTH_NAME}\s+(?P<y>\d{{4}})$", re.IGNORECASE)
_NAMED_US = re.compile(rf"^(?P<mname>{_MONTH_NAMES})\s+(?P<d>\d{{1,2}}),?\s+(?P<y>\d{{4}})$", re.IGNORECASE)
_NAMED_IN_TEXT = re.compile(rf"\b{_DAY_MONTH_NAME}\s+(?P<y>\d{{4}})\b", re.IGNORECASE)
_TODAY_DAY = re.compile(
    rf"\b{TODAY_WORDS}\b[\s,]+(?:am\s+|on\s+|the\s+)?(?:\w+,\s+(?:dem\s+|den\s+)?)?{_DAY_MONTH_NAME}"
    rf"(?:\s+(?P<y>\d{{4}})|\s+(?P<this>{THIS_YEAR_WORDS}))?",
    re.IGNORECASE,
)


def _validated(year: int, month: int | None, day: int | None) -> str | None:
    """ISO string for the parts, or None when they do not form a real date."""
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        return None
    if month is None:
        return f"{year:04d}"
    try:
        date(year, month, day or 1)
    except ValueError:
        return None
    return f"{year:04d}-{month:02d}" if day is None else f"{year:04d}-{month:02d}-{day:02d}"


def _full_year(text: str) -> int:
    year = int(text)
    return year + 2000 if len(text) == 2 else year


def parse_date(text: str, evidence: str, *, day_first: bool = True) -> PublicationDate | None:
    """Read a string that is nothing but a date, at the precision it states.

    Accepts ISO dates of any precision (``2022``, ``2022-03``, ``2022-03-05T10:00+01:00``),
    numeric ``06/01/22`` or ``07.01.2022`` (day first unless ``day_first`` is False, the
    European convention) and named months (``13. Januar 2022``, ``January 13, 2022``).
    """
    candidate = " ".join(text.split()).strip(" ,;–—-")
    if match := _ISO.match(candidate):
        month = int(match["m"]) if match["m"] else None
        day = int(match["d"]) if match["d"] else None
        value = _validated(int(match["y"]), month, day)
        precision = "year" if month is None else "month" if day is None else "day"
    elif match := _NUMERIC.match(candidate):
        first, second = int(match["d"]), int(match["m"])
        day, month = (first, second) if day_first else (second, first)
        value, precision = _validated(_full_year(match["y"]), month, day), "day"
    elif match := _NAMED.match(candidate) or _NAMED_US.match(candidate):
        month = MONTHS[match["mname"].casefold()]
        value, precision = _validated(int(match["y"]), month, int(match["d"])), "day"
    else:
        return None
    if value is None:
        return None
    return PublicationDate(value, precision, evidence)


def date_from_lead(lead: str, full_text: str) -> PublicationDate | None:
    """A date the lead pins to "today" ("heute, am 13. Januar dieses Jahres").

    When the lead gives no year, the year comes from a full date with the same day and
    month elsewhere in ``full_text`` (e.g. a tweet embed's "13. Januar 2022"); without one
    the date stays unknown.
    """
    match = _TODAY_DAY.search(lead)
    if match is None:
        return None
    day, month = int(match["d"]), MONTHS[match["mname"].casefold()]
    quoted = f"'{' '.join(match[0].split())}'"
    if match["y"]:
        value = _validated(int(match["y"]), month, day)
        return PublicationDate(value, "day", f"lead {quoted}") if value else None
    for full in _NAMED_IN_TEXT.finditer(full_text):
        if int(full["d"]) == day and MONTHS[full["mname"].casefold()] == month:
            value = _validated(int(full["y"]), month, day)
            if value:
                year_source = " ".join(full[0].split())
                return PublicationDate(value, "day", f"lead {quoted}, year from '{year_source}'")
    return None
