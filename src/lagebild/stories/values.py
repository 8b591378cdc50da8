"""Normalising and comparing reported values: dates of any precision, places, weapons, actor labels."""

from __future__ import annotations

import calendar
import logging
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

LOGGER = logging.getLogger(__name__)

_DATE = re.compile(r"^(\d{4}|XXXX)(?:-(\d{2}))?(?:-(\d{2}))?")


@dataclass(frozen=True)
class DateSpan:
    """A reported date as an interval; ``year_known`` is False for ``XXXX-11-21``."""

    start: date
    end: date
    year_known: bool = True
    month_day: tuple[int, int] | None = None

    @property
    def is_day(self) -> bool:
        return self.start == self.end


def date_span(value: str | None, end_value: str | None = None) -> DateSpan | None:
    """Interval covered by a TIMEX-style date (``2022``, ``2022-01``, ``2022-01-06``, ``XXXX-11-21``)."""
    if not value:
        return None
    match = _DATE.match(value)
    if match is None:
        return None
    year_text, month_text, day_text = match.groups()
    if year_text == "XXXX":
        if month_text and day_text:
            month_day = (int(month_text), int(day_text))
            return DateSpan(date(1, 1, 1), date(1, 1, 1), year_known=False, month_day=month_day)
        return None
    year = int(year_text)
    try:
        if day_text and month_text:
            start = end = date(year, int(month_text), int(day_text))
        elif month_text:
            month = int(month_text)
            start, end = date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        else:
            start, end = date(year, 1, 1), date(year, 12, 31)
    except ValueError:
        return None
    closing = date_span(end_value) if end_value else None
    if closing is not None and closing.year_known and closing.end > end:
        end = closing.end
    return DateSpan(start, end)


def date_relation(a: DateSpan | None, b: DateSpan | None, near_days: int = 2) -> str:
    """``same``, ``overlap``, ``partial`` (year unknown, month and day agree), ``near``,
    ``disjoint`` or ``unknown``."""
    if a is None or b is None:
        return "unknown"
    if not a.year_known or not b.year_known:
        known = b if not a.year_known else a
        unknown = a if not a.year_known else b
        if not known.year_known:
            return "partial" if a.month_day == b.month_day else "disjoint"
        day = known.start
        while day <= known.end and (day - known.start).days <= 366:
            if (day.month, day.day) == unknown.month_day:
                return "partial"
            day += timedelta(days=1)
        return "disjoint"
    if a.is_day and b.is_day and a.start == b.start:
        return "same"
    if a.start <= b.end and b.start <= a.end:
        return "overlap"
    gap = (b.start - a.end).days if a.end < b.start else (a.start - b.end).days
    return "near" if gap <= near_days else "disjoint"


def dates_compatible(
    a: str | None, b: str | None, a_end: str | None = None, b_end: str | None = None
) -> bool:
    """Whether two reported dates (optionally intervals) can describe the same day given their precision."""
    relation = date_relation(date_span(a, a_end), date_span(b, b_end))
    return relation in {"same", "overlap", "partial", "unknown"}


# -- places ----------------------------------------------------------------------------


@cache
def _kb():  # type: ignore[no-untyped-def]
    try:
        from lagebild.kb import load_kb

        return load_kb()
    except Exception as error:  # the KB artefact is optional for this module
        LOGGER.warning("knowledge base unavailable, comparing places by country: %s", error)
        return None


def place_contains(outer_id: str, inner_id: str) -> bool:
    """Whether place ``inner_id`` lies in place ``outer_id`` (via ``lagebild.kb``)."""
    try:
        from lagebild import kb as kb_module

        if hasattr(kb_module, "contains"):
            return bool(kb_module.contains(outer_id, inner_id))
    except ImportError:
        return False
    knowledge = _kb()
    return bool(knowledge is not None and knowledge.contains(outer_id, inner_id))


def place_known(place_id: str) -> bool:
    knowledge = _kb()
    return knowledge is not None and knowledge.get(place_id) is not None


def place_relation(
    a_id: str | None,
    a_name: str | None,
    b_id: str | None,
    b_name: str | None,
    countries: dict[str, str | None] | None = None,
) -> str:
    """``same``, ``contains`` (one lies in the other), ``different`` or ``unknown``.

    Two places the KB knows are different unless one contains the other; places it does
    not know are compared by their ``countries`` (id → ISO2): another country is
    ``different``, the same country ``unknown``.
    """
    if a_id and b_id:
        if a_id == b_id:
            return "same"
        if place_contains(a_id, b_id) or place_contains(b_id, a_id):
            return "contains"
        if place_known(a_id) and place_known(b_id):
            return "different"
        country_a, country_b = (countries or {}).get(a_id), (countries or {}).get(b_id)
        if country_a and country_b and country_a != country_b:
            return "different"
        return "unknown"
    if a_name and b_name and " ".join(a_name.casefold().split()) == " ".join(b_name.casefold().split()):
        return "same"
    return "unknown"


# -- weapons ---------------------------------------------------------------------------

#: Weapon classes, each with its broader class (a hierarchy: compatible along a branch).
WEAPON_PARENT: dict[str, str | None] = {
    "weapon": None,
    "missile": "weapon",
    "ballistic missile": "missile",
    "intercontinental ballistic missile": "ballistic missile",
    "intermediate-range ballistic missile": "ballistic missile",
    "short-range ballistic missile": "ballistic missile",
    "air-launched ballistic missile": "ballistic missile",
    "cruise missile": "missile",
    "hypersonic missile": "missile",
    "drone": "weapon",
    "combat drone": "drone",
    "loitering munition": "drone",
    "artillery": "weapon",
    "rocket artillery": "artillery",
    "air defence": "weapon",
}

#: Named systems (aliases in de/en/ru, casefolded stems) → (canonical name, class).
WEAPON_SYSTEMS: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (
        ("oreschnik", "oreshnik", "haselnuss", "hazel", "орешник"),
        "Oreshnik",
        "intermediate-range ballistic missile",
    ),
    (("iskander", "искандер"), "Iskander", "short-range ballistic missile"),
    (("kinschal", "kinzhal", "кинжал"), "Kinzhal", "air-launched ballistic missile"),
    (("kalibr", "калибр"), "Kalibr", "cruise missile"),
    (("atacms",), "ATACMS", "short-range ballistic missile"),
    (("storm shadow", "scalp"), "Storm Shadow", "cruise missile"),
    (("himars", "хаймарс"), "HIMARS", "rocket artillery"),
    (("shahed", "geran", "шахед", "герань"), "Shahed", "loitering munition"),
    (("bayraktar", "байрактар"), "Bayraktar TB2", "combat drone"),
    (("taurus",), "Taurus", "cruise missile"),
    (("patriot",), "Patriot", "air defence"),
    (("sarmat", "сармат"), "Sarmat", "intercontinental ballistic missile"),
    (("rs-26", "rubesch", "rubezh", "рубеж"), "RS-26 Rubezh", "intermediate-range ballistic missile"),
)

#: Weapon class stems in de/en/ru, most specific first.
WEAPON_CLASS_STEMS: tuple[tuple[str, str], ...] = (
    ("interkontinental", "intercontinental ballistic missile"),
    ("intercontinental", "intercontinental ballistic missile"),
    ("icbm", "intercontinental ballistic missile"),
    ("межконтинентальн", "intercontinental ballistic missile"),
    ("mittelstrecken", "intermediate-range ballistic missile"),
    ("intermediate-range", "intermediate-range ballistic missile"),
    ("intermediate range", "intermediate-range ballistic missile"),
    ("irbm", "intermediate-range ballistic missile"),
    ("средней дальности", "intermediate-range ballistic missile"),
    ("kurzstrecken", "short-range ballistic missile"),
    ("short-range", "short-range ballistic missile"),
    ("малой дальности", "short-range ballistic missile"),
    ("marschflugkörper", "cruise missile"),
    ("cruise missile", "cruise missile"),
    ("крылат", "cruise missile"),
    ("hyperschall", "hypersonic missile"),
    ("hypersonic", "hypersonic missile"),
    ("гиперзвук", "hypersonic missile"),
    ("ballistisch", "ballistic missile"),
    ("ballistic", "ballistic missile"),
    ("баллистическ", "ballistic missile"),
    ("kamikaze", "loitering munition"),
    ("drohne", "drone"),
    ("drone", "drone"),
    ("беспилотник", "drone"),
    ("дрон", "drone"),
    ("artillerie", "artillery"),
    ("artillery", "artillery"),
    ("артиллер", "artillery"),
    ("rakete", "missile"),
    ("missile", "missile"),
    ("ракет", "missile"),
)


def weapon_key(text: str | None) -> str | None:
    """Canonical weapon: a named system (``Oreshnik``) or else the most specific class named."""
    if not text:
        return None
    folded = text.casefold()
    for aliases, name, _ in WEAPON_SYSTEMS:
        if any(alias in folded for alias in aliases):
            return name
    for stem, weapon_class in WEAPON_CLASS_STEMS:
        if stem in folded:
            return weapon_class
    if folded.strip() in WEAPON_PARENT:
        return folded.strip()
    return " ".join(folded.split())


def _weapon_lineage(key: str) -> list[str]:
    for _, name, weapon_class in WEAPON_SYSTEMS:
        if key == name:
            return [name, *_weapon_lineage(weapon_class)]
    lineage = []
    current: str | None = key
    while current is not None and current not in lineage:
        lineage.append(current)
        current = WEAPON_PARENT.get(current)
    return lineage


def weapons_compatible(a: str, b: str) -> bool:
    """Same weapon, or one is a broader description of the other (missile ⊃ ballistic ⊃ IRBM ⊃ Oreshnik)."""
    return a == b or a in _weapon_lineage(b) or b in _weapon_lineage(a)


# -- actor labels (framing) ------------------------------------------------------------

#: How a group of people is called, by casefolded stem in de/en/ru → framing category.
LABEL_STEMS: tuple[tuple[str, str], ...] = (
    ("demonstrant", "protesters"),
    ("demonstrier", "protesters"),
    ("protestier", "protesters"),
    ("protestler", "protesters"),
    ("protester", "protesters"),
    ("protestor", "protesters"),
    ("demonstrator", "protesters"),
    ("kundgebungsteilnehm", "protesters"),
    ("протестующ", "protesters"),
    ("демонстрант", "protesters"),
    ("митингующ", "protesters"),
    ("randalierer", "rioters"),
    ("plünderer", "rioters"),
    ("provokateur", "rioters"),
    ("rioter", "rioters"),
    ("looter", "rioters"),
    ("provocateur", "rioters"),
    ("погромщик", "rioters"),
    ("мародер", "rioters"),
    ("мародёр", "rioters"),
    ("провокатор", "rioters"),
    ("terrorist", "terrorists and armed groups"),
    ("militant", "terrorists and armed groups"),
    ("bande", "terrorists and armed groups"),
    ("banden", "terrorists and armed groups"),
    ("bandit", "terrorists and armed groups"),
    ("extremist", "terrorists and armed groups"),
    ("kämpfer", "terrorists and armed groups"),
    ("gang", "terrorists and armed groups"),
    ("fighter", "terrorists and armed groups"),
    ("террорист", "terrorists and armed groups"),
    ("боевик", "terrorists and armed groups"),
    ("бандит", "terrorists and armed groups"),
    ("экстремист", "terrorists and armed groups"),
    ("радикал", "terrorists and armed groups"),
    ("sicherheitskr", "state forces"),
    ("polizei", "state forces"),
    ("polizist", "state forces"),
    ("police", "state forces"),
    ("security forces", "state forces"),
    ("полици", "state forces"),
    ("силовик", "state forces"),
    ("friedenstrupp", "alliance forces"),
    ("peacekeep", "alliance forces"),
    ("миротвор", "alliance forces"),
    ("zivilist", "civilians"),
    ("civilian", "civilians"),
    ("мирн", "civilians"),
)

#: Roles the event extractor assigns, mapped to the same categories.
ROLE_CATEGORIES: dict[str, str] = {
    "protesters": "protesters",
    "rioters": "rioters",
    "armed group": "terrorists and armed groups",
    "state forces": "state forces",
    "alliance forces": "alliance forces",
    "civilians": "civilians",
}


def label_category(surface: str | None, role: str | None = None) -> str | None:
    """The framing category of how a group is called ("Terroristen" → terrorists and armed groups)."""
    if surface:
        words = re.findall(r"\w[\w-]*", surface.casefold())
        for stem, category in LABEL_STEMS:
            if any(word.startswith(stem) for word in words) or (" " in stem and stem in surface.casefold()):
                return category
    return ROLE_CATEGORIES.get(role or "")
