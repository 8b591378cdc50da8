"""Source profiles: what can be known about each outlet from its documents and claims,
plus the user's own label (e.g. state-affiliated) kept in the ``outlets`` table.

Machine-translation signs: untranslated English inside German sentences ("Die State of
affairs eskalierte", "in der Area Berg-Karabach").  A token counts when it is an English
function word that is no German word, or an English noun from :data:`ENGLISH_NOUNS`
right after a German determiner or preposition; quoted passages and lines that are
mostly English (a quoted headline, a name) are skipped.
"""

from __future__ import annotations

import csv
import logging
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from sqlalchemy import select
from sqlalchemy.orm import Session

from lagebild.store import Store
from lagebild.store.schema import ClaimRow, ClaimSourceRow, DocumentRow, OutletRow

LOGGER = logging.getLogger(__name__)

#: English function words that are not German words.
ENGLISH_FUNCTION_WORDS = frozenset(
    "the of and with which that this these those from by for into about between against after "
    "before while during would should could their its our your they them been being were has have "
    "had does did than then there where when who whom whose what some any such only also".split()
) - frozenset({"also", "was", "die", "war", "hat", "will", "bin", "so"})
#: English nouns machine translation tends to leave standing in German text.
ENGLISH_NOUNS = frozenset(
    "area state affairs issue issues government people country countries situation region "
    "border borders troops forces authorities statement meeting agreement security power "
    "leader leaders president minister ministry military attack attacks city town village "
    "war conflict crisis law rights election elections protest protests talks deal side".split()
)
GERMAN_DETERMINERS = frozenset(
    "der die das den dem des ein eine einen einem einer eines im in am zum zur vom beim "
    "mit von für auf über unter nach vor bei aus".split()
)
#: A document is flagged when it has this many English tokens per 1,000 words, and at least two.
MT_FLAG_PER_THOUSAND = 2.0
_TOKEN = re.compile(r"[A-Za-zÄÖÜäöüß]+(?:-[A-Za-zÄÖÜäöüß]+)*")
_QUOTED = re.compile(r"[„“\"»«][^„“\"»«]{0,300}[“\"«»]")
_SENTENCES = re.compile(r"(?<=[.!?])\s+|\n+")

#: Country-code top-level domains that are not the country's ISO code.
_TLD_COUNTRY = {"uk": "GB", "su": "RU"}
_GENERIC_TLDS = frozenset({"com", "org", "net", "info", "eu", "int", "io", "co", "news", "tv", "media"})


@dataclass
class TranslationSigns:
    """English fragments found in a German text and their rate per 1,000 words."""

    hits: list[str]
    words: int

    @property
    def per_thousand(self) -> float:
        return 1000.0 * len(self.hits) / self.words if self.words else 0.0

    @property
    def flagged(self) -> bool:
        return len(self.hits) >= 2 and self.per_thousand >= MT_FLAG_PER_THOUSAND


def translation_signs(text: str, language: str | None = "de") -> TranslationSigns:
    """Untranslated English fragments in a German text (see module docstring)."""
    if language not in (None, "de"):
        return TranslationSigns([], len(text.split()))
    hits: list[str] = []
    words = 0
    for sentence in _SENTENCES.split(_QUOTED.sub(" ", text)):
        tokens = _TOKEN.findall(sentence)
        words += len(tokens)
        lowered = [token.lower() for token in tokens]
        english = [
            index
            for index, token in enumerate(lowered)
            if token in ENGLISH_FUNCTION_WORDS
            or (token in ENGLISH_NOUNS and index > 0 and lowered[index - 1] in GERMAN_DETERMINERS)
        ]
        if not english or len(english) * 2 > len(tokens):
            continue  # no English, or an English sentence/headline quoted whole
        hits.extend(_fragment(tokens, index) for index in english)
    return TranslationSigns(hits, words)


def _fragment(tokens: list[str], index: int) -> str:
    return " ".join(tokens[max(0, index - 1) : index + 2])


def country_of_url(url: str | None) -> str | None:
    """ISO2 country guessed from a country-code top-level domain (``.de`` → DE)."""
    if not url:
        return None
    host = urlparse(url).hostname or ""
    tld = host.rsplit(".", 1)[-1].lower() if "." in host else ""
    if len(tld) != 2 or tld in _GENERIC_TLDS:
        return None
    return _TLD_COUNTRY.get(tld, tld.upper())


@dataclass
class OutletProfile:
    name: str
    label: str | None = None
    note: str | None = None
    country: str | None = None
    country_from: str | None = None  # "label" (the user's) or "tld"
    languages: list[str] = field(default_factory=list)
    documents: int = 0
    claims: int = 0
    against_majority: int = 0
    translation_hits: int = 0
    translation_words: int = 0
    translation_examples: list[str] = field(default_factory=list)
    flagged_documents: int = 0

    @property
    def against_majority_rate(self) -> float:
        """Share of this outlet's claims that contradict the majority value of a contested attribute."""
        return self.against_majority / self.claims if self.claims else 0.0

    @property
    def translation_score(self) -> float:
        """Untranslated English tokens per 1,000 words of the outlet's German text."""
        return 1000.0 * self.translation_hits / self.translation_words if self.translation_words else 0.0

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "label": self.label,
            "note": self.note,
            "country": self.country,
            "country_from": self.country_from,
            "languages": self.languages,
            "documents": self.documents,
            "claims": self.claims,
            "against_majority": self.against_majority,
            "against_majority_rate": round(self.against_majority_rate, 3),
            "translation_score": round(self.translation_score, 2),
            "flagged_documents": self.flagged_documents,
            "translation_examples": self.translation_examples,
        }


def outlet_profiles(session: Session) -> list[OutletProfile]:
    """A profile for every outlet with documents or a label, most documents first."""
    profiles: dict[str, OutletProfile] = {}
    languages: dict[str, Counter[str]] = defaultdict(Counter)
    tlds: dict[str, Counter[str]] = defaultdict(Counter)
    for outlet, language, url, text in session.execute(
        select(DocumentRow.outlet, DocumentRow.language, DocumentRow.url, DocumentRow.text).where(
            DocumentRow.outlet.is_not(None), DocumentRow.duplicate_kind.is_distinct_from("exact")
        )
    ):
        profile = profiles.setdefault(outlet, OutletProfile(outlet))
        profile.documents += 1
        if language:
            languages[outlet][language] += 1
        if country := country_of_url(url):
            tlds[outlet][country] += 1
        if language == "de":
            signs = translation_signs(text, language)
            profile.translation_hits += len(signs.hits)
            profile.translation_words += signs.words
            profile.flagged_documents += int(signs.flagged)
            profile.translation_examples.extend(signs.hits[: 5 - len(profile.translation_examples)])
    for name, profile in profiles.items():
        profile.languages = [language for language, _ in languages[name].most_common()]
        if tlds[name]:
            profile.country, profile.country_from = tlds[name].most_common(1)[0][0], "tld"
    for row in session.scalars(select(OutletRow)):
        profile = profiles.setdefault(row.name, OutletProfile(row.name))
        profile.label, profile.note = row.label, row.note
        if row.country:
            profile.country, profile.country_from = row.country, "label"
    _count_claims(session, profiles)
    return sorted(profiles.values(), key=lambda profile: (-profile.documents, profile.name))


def _count_claims(session: Session, profiles: dict[str, OutletProfile]) -> None:
    """Claims per outlet, and how many of them go against the majority of a contested attribute."""
    rows = session.execute(
        select(
            ClaimRow.id,
            ClaimRow.canonical_event_id,
            ClaimRow.attribute,
            ClaimRow.status,
            ClaimSourceRow.outlet,
        )
        .join(ClaimSourceRow, ClaimSourceRow.claim_id == ClaimRow.id)
        .where(ClaimSourceRow.outlet.is_not(None))
    ).all()
    outlets_per_claim: dict[str, set[str]] = defaultdict(set)
    claims_per_attribute: dict[tuple[str, str], set[str]] = defaultdict(set)
    for claim, canonical, attribute, status, outlet in rows:
        outlets_per_claim[claim].add(outlet)
        if status == "conflict":
            claims_per_attribute[(canonical, attribute)].add(claim)
    majority: set[str] = set()
    for claims in claims_per_attribute.values():
        best = max(len(outlets_per_claim[claim]) for claim in claims)
        leaders = [claim for claim in claims if len(outlets_per_claim[claim]) == best]
        if len(leaders) == 1:
            majority.add(leaders[0])
    for claim, outlets in outlets_per_claim.items():
        contested = any(claim in claims for claims in claims_per_attribute.values())
        for outlet in outlets:
            profile = profiles.setdefault(outlet, OutletProfile(outlet))
            profile.claims += 1
            if contested and claim not in majority:
                profile.against_majority += 1


def set_label(
    store: Store, outlet: str, label: str | None, *, country: str | None = None, note: str | None = None
) -> None:
    """Store the user's label (and optionally country and note) for an outlet."""
    with store.session() as session:
        row = session.get(OutletRow, outlet)
        if row is None:
            row = OutletRow(name=outlet)
            session.add(row)
        row.label = label or None
        if country:
            row.country = country.strip().upper()[:2]
        if note is not None:
            row.note = note or None


def import_labels(store: Store, path: Path) -> int:
    """Read ``name,label,country,note`` rows (a header line is optional); return how many were stored."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = [row for row in csv.reader(handle) if row and any(cell.strip() for cell in row)]
    if rows and [cell.strip().lower() for cell in rows[0][:2]] == ["name", "label"]:
        rows = rows[1:]
    for row in rows:
        name, label, country, note = [*(cell.strip() for cell in row), "", "", ""][:4]
        if not name:
            continue
        set_label(store, name, label or None, country=country or None, note=note)
    LOGGER.info("imported %d outlet labels from %s", len(rows), path.name)
    return len(rows)
