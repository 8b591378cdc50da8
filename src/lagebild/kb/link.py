"""Entity linking: give mentions canonical ids, names and (for places) coordinates.

``link_mentions`` resolves NER mentions against the KB through spelling-independent
keys (:mod:`lagebild.kb.normalize`), after peeling off what German puts around names:
titles and articles ("des Präsidenten Tokajew"), genitive endings ("Kasachstans",
"Moskaus") and compound heads ("OVKS-Friedenstruppe").  Within a document a bare
surname refers back to the full name used elsewhere ("Putin" → Wladimir Putin).
Names the KB lacks get a provisional id ``new:<label>:<key>`` that is the same for the
same name in any document.  ``find_known_mentions`` finds KB names without NER;
``merge_mentions`` combines both mention lists.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from lagebild.kb.base import Entity, KnowledgeBase, load_kb, person_names
from lagebild.kb.geocode import PlaceContext, choose_place
from lagebild.kb.normalize import name_key, token_keys
from lagebild.models import Mention

logger = logging.getLogger(__name__)

#: Words that may precede a name inside a mention span without being part of it.
TITLE_WORDS = frozenset(
    """
    präsident präsidenten präsidentin staatschef staatschefs staatsoberhaupt regierungschef premierminister
    premier ministerpräsident kanzler bundeskanzler kanzlerin minister ministers ministerin außenminister
    verteidigungsminister innenminister vizeaußenminister generalsekretär generalsekretärs sprecher
    sprecherin pressesprecher general generals generaloberst generalleutnant generalmajor oberst
    herr herrn frau dr prof amtskollege amtskollegen kollege führer chef
    president prime secretary spokesman spokeswoman chancellor mr mrs ms sir
    президент министр генерал
    """.split()
)
_PROVISIONAL_LABELS = frozenset({"PER", "ORG", "LOC", "OTH"})
# Countries whose people's family names are distinctive enough in German text to be found
# alone by the gazetteer (when at least this long).
_DISTINCTIVE_SURNAME_COUNTRIES = frozenset("KZ RU UA BY KG TJ AM AZ UZ TM GE MD".split())
_DISTINCTIVE_SURNAME_LENGTH = 6
_WORD = re.compile(r"\w+(?:[.'’]\w+)*|[^\w\s]")


ARTICLES = frozenset("der die das des dem den ein eine einer eines einem einen the".split())


@dataclass(frozen=True)
class _Resolution:
    entity: Entity | None
    confidence: float
    key: str
    ambiguous: bool = False
    derived: bool = False  # an adjective of the entity ("kasachische"), not its name


def _strip_punctuation(surface: str) -> str:
    return " ".join(surface.split()).strip(" ,;:„“\"'«»()")


def mention_core(surface: str, label: str = "PER") -> str:
    """The name inside a mention's text.

    Leading articles always go; for people also leading lower-case words and titles
    ("des Präsidenten Tokajew" → "Tokajew").  For bodies and places adjectives stay:
    "russische Armee" and "ukrainische Armee" are different bodies.
    """
    words = _strip_punctuation(surface).split()
    while len(words) > 1 and (
        words[0].casefold() in ARTICLES
        or (label == "PER" and (words[0][:1].islower() or words[0].casefold().strip(".,") in TITLE_WORDS))
    ):
        words.pop(0)
    return " ".join(words)


def surface_variants(surface: str, label: str) -> list[tuple[str, float]]:
    """Readings of a mention's text to try, most literal first, with how much each is trusted."""
    literal = _strip_punctuation(surface)
    core = mention_core(surface, label)
    variants = [(literal, 1.0)]
    if core != literal:
        variants.append((core, 0.95))
    last = core.split()[-1] if core.split() else ""
    if len(last) > 4 and last.endswith("s") and not last.isupper():
        variants.append((core[:-1], 0.9))  # German genitive: Kasachstans, Moskaus, Putins
    if "-" in core:
        head, _, tail = core.partition("-")
        if head and tail:
            variants.append((head, 0.85))  # compound: OVKS-Friedenstruppe
    return variants


def provisional_id(label: str, key: str) -> str:
    """The id of a name the KB lacks: equal for equal names (in any spelling) in any document."""
    label = label if label in _PROVISIONAL_LABELS else "OTH"
    return f"new:{label}:{key.replace(' ', '-')}"


def _type_ok(entity: Entity, label: str) -> bool:
    return label == "OTH" or entity.type == label


def _given_compatible(mention_given: list[str], entity: Entity) -> bool:
    """Whether the given names of a mention fit one of the written forms of ``entity``'s name."""
    if not mention_given:
        return True
    for name in person_names(entity):
        keys = token_keys(name)[:-1]
        if not keys:
            continue
        first = mention_given[0]
        if first == keys[0] or (len(first) == 1 and keys[0].startswith(first)):
            return True
    return False


class Linker:
    """Links the mentions of one document; keeps what earlier mentions established."""

    def __init__(self, kb: KnowledgeBase, language: str) -> None:
        self.kb = kb
        self.language = language
        self.context = PlaceContext()
        self.full_names: dict[str, _Resolution] = {}  # surname key → resolution of a full name

    def resolve_name(self, surface: str, label: str) -> _Resolution:
        """Resolve a mention's text through its readings; places compete across readings."""
        if label in {"LOC", "OTH"} and len(surface.split()) == 1:
            country = self.kb.country_of_adjective(_strip_punctuation(surface))
            if country is not None:  # "kasachischen", "Kazakh": the country, not a place of that name
                return _Resolution(country, 0.7, name_key(country.name("en")), derived=True)
        places: dict[str, tuple[Entity, float, str]] = {}
        fallback: _Resolution | None = None
        for variant, trust in surface_variants(surface, label):
            key = name_key(variant)
            candidates = self.kb.candidates(key)
            typed = [entity for entity in candidates if _type_ok(entity, label)]
            if label == "PER" and len(key.split()) > 1:
                typed = typed or self._people_with_given(key)
            if not typed:
                if candidates and fallback is None and trust == 1.0:
                    fallback = _Resolution(self._pick(candidates), 0.6, key)
                continue
            if all(entity.is_place for entity in typed):
                for entity in typed:
                    places.setdefault(entity.id, (entity, trust, key))
                continue
            if places:
                break
            confidence = (0.95 if len(typed) == 1 else 0.7) * trust
            return _Resolution(self._pick(typed), round(confidence, 3), key, ambiguous=len(typed) > 1)
        if places:
            entities = [entity for entity, _, _ in places.values()]
            trust_by_id = {entity_id: trust for entity_id, (_, trust, _) in places.items()}
            chosen = choose_place(entities, self.context, trust_by_id)
            if chosen:
                key = places[chosen[0].id][2]
                return _Resolution(chosen[0], chosen[1], key, ambiguous=len(entities) > 1)
        return fallback or _Resolution(None, 0.0, name_key(mention_core(surface, label)))

    def _people_with_given(self, key: str) -> list[Entity]:
        *given, surname = key.split()
        return [e for e in self.kb.people_by_surname(surname) if _given_compatible(given, e)]

    def _pick(self, entities: list[Entity]) -> Entity:
        chosen = choose_place(entities, self.context)
        return chosen[0] if chosen else max(entities, key=lambda e: (e.qid is not None, e.population))

    def resolve_short_person(self, core: str) -> _Resolution | None:
        """A bare surname: the full name used in this document, else a unique KB person."""
        keys = token_keys(core)
        if len(keys) != 1:
            return None
        surname = keys[0]
        if surname.endswith("s") and surname not in self.full_names and surname[:-1] in self.full_names:
            surname = surname[:-1]
        if surname in self.full_names:
            earlier = self.full_names[surname]
            return _Resolution(earlier.entity, 0.9 if earlier.entity else 0.5, earlier.key)
        people = self.kb.people_by_surname(surname) or (
            self.kb.people_by_surname(surname[:-1]) if surname.endswith("s") else []
        )
        if len(people) == 1:
            return _Resolution(people[0], 0.8, surname)
        return None

    def remember_person(self, resolution: _Resolution, core: str) -> None:
        keys = token_keys(core)
        if len(keys) > 1:
            self.full_names.setdefault(keys[-1], resolution)
            if resolution.entity is not None:
                for name in person_names(resolution.entity):
                    name_keys = token_keys(name)
                    if name_keys:
                        self.full_names.setdefault(name_keys[-1], resolution)

    def apply(self, mention: Mention, resolution: _Resolution) -> Mention:
        entity = resolution.entity
        if entity is None:
            return replace(
                mention,
                entity_id=provisional_id(mention.label, resolution.key),
                canonical_name=mention_core(mention.text, mention.label),
                confidence=0.5,
            )
        is_place = entity.is_place and not resolution.derived
        return replace(
            mention,
            entity_id=entity.id,
            canonical_name=entity.name(self.language),
            confidence=resolution.confidence,
            latitude=entity.latitude if is_place else None,
            longitude=entity.longitude if is_place else None,
            geonames_id=entity.geonames_id if is_place else None,
            country=entity.country,
        )


def link_mentions(
    text: str, mentions: list[Mention], *, language: str = "de", kb: KnowledgeBase | None = None
) -> list[Mention]:
    """Linked copies of ``mentions`` (same order): ids, canonical names, places geocoded.

    ``text`` is the document the mentions come from; it is the unit within which short
    references ("Putin") resolve to full names and places are disambiguated (the
    countries it names, found by the gazetteer, seed the story's place context).
    """
    kb = kb or load_kb()
    linker = Linker(kb, language)
    for _, entity in _gazetteer(kb).find(text):
        if entity.kind == "country":
            linker.context.add(entity)
    cores = [mention_core(m.text, m.label) for m in mentions]
    resolved: dict[int, _Resolution] = {}

    # Pass 1: full person names and unambiguous names; they set the document context.
    for index, (mention, core) in enumerate(zip(mentions, cores, strict=True)):
        if not core or (mention.label == "PER" and len(core.split()) == 1):
            continue
        resolution = linker.resolve_name(mention.text, mention.label)
        if resolution.ambiguous:
            continue  # decide once the story's context is known
        resolved[index] = resolution
        if mention.label == "PER":
            linker.remember_person(resolution, core)
        if resolution.entity is not None:
            linker.context.add(resolution.entity, 1.0 if resolution.entity.kind == "country" else 0.5)

    # Pass 2: bare surnames and ambiguous places, with the document's context.
    for index, (mention, core) in enumerate(zip(mentions, cores, strict=True)):
        if index in resolved or not core:
            continue
        short = linker.resolve_short_person(core) if mention.label == "PER" else None
        resolved[index] = short or linker.resolve_name(mention.text, mention.label)

    linked = []
    for index, mention in enumerate(mentions):
        resolution = resolved.get(index)
        linked.append(linker.apply(mention, resolution) if resolution else mention)
    logger.debug("linked %d mentions", len(linked))
    return linked


# --- gazetteer matching -------------------------------------------------------------------


@dataclass(frozen=True)
class _Pattern:
    words: tuple[str, ...]
    surface: str


class Gazetteer:
    """Exact-spelling matcher for the KB's gazetteer surfaces (multi-word, compound-aware)."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.patterns: dict[str, list[_Pattern]] = {}
        for surface in kb.surfaces:
            words = tuple(_WORD.findall(surface))
            if words:
                self.patterns.setdefault(words[0], []).append(_Pattern(words, surface))
        for patterns in self.patterns.values():
            patterns.sort(key=lambda pattern: len(pattern.words), reverse=True)
        self.surnames = self._surname_index(kb)

    @staticmethod
    def _surname_index(kb: KnowledgeBase) -> dict[str, Entity]:
        """Family names that identify exactly one KB person ("Tokajew", "Schoigu")."""
        owners: dict[str, set[str]] = {}
        for entity in kb.entities:
            if entity.type != "PER":
                continue
            for name in person_names(entity):
                words = name.split()
                if len(words) > 1 and len(words[-1]) >= 4 and words[-1][:1].isupper():
                    owners.setdefault(words[-1], set()).add(entity.id)
        return {word: kb.by_id[next(iter(ids))] for word, ids in owners.items() if len(ids) == 1}

    def find(self, text: str) -> list[tuple[Mention, Entity]]:
        """Known names in ``text`` with the entity each spelling suggests, longest match first."""
        spans = [(match.group(), match.start(), match.end()) for match in _WORD.finditer(text)]
        found: list[tuple[Mention, Entity]] = []
        position = 0
        while position < len(spans):
            hit = self._match_at(text, spans, position)
            if hit is None:
                position += 1
                continue
            found.append(hit[0])
            position += hit[1]
        return sorted(found + self._surnames_in(text, spans, found), key=lambda hit: hit[0].start)

    def _surnames_in(
        self, text: str, spans: list[tuple[str, int, int]], found: list[tuple[Mention, Entity]]
    ) -> list[tuple[Mention, Entity]]:
        """Bare family names of people named in full in this text, or well known or distinctive."""
        named = {entity.id for _, entity in found if entity.type == "PER"}
        covered = [(mention.start, mention.end) for mention, _ in found]
        hits = []
        for index, (word, start, end) in enumerate(spans):
            entity = self.surnames.get(word) or (self.surnames.get(word[:-1]) if word.endswith("s") else None)
            if entity is None or not (entity.id in named or entity.qid or _distinctive(word, entity)):
                continue
            if any(lo < end and start < hi for lo, hi in covered):
                continue
            if (start and text[start - 1].isalnum()) or (end < len(text) and text[end].isalnum()):
                continue
            start = _given_name_start(text, spans, index, entity)
            hits.append((Mention(start, end, text[start:end], "PER", confidence=0.8), entity))
        return hits

    def _match_at(
        self, text: str, spans: list[tuple[str, int, int]], position: int
    ) -> tuple[Mention, int] | None:
        word, start, _ = spans[position]
        if start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
            return None
        candidates = list(self.patterns.get(word, ()))
        genitive = word.endswith("s") and len(word) > 4 and not word.isupper()
        if genitive:
            candidates += [p for p in self.patterns.get(word[:-1], ()) if len(p.words) == 1]
        for pattern in candidates:
            width = len(pattern.words)
            if position + width > len(spans):
                continue
            window = spans[position : position + width]
            if not self._words_equal(text, window, pattern):
                continue
            end = window[-1][2]
            if end < len(text) and (text[end].isalnum() or text[end] == "_"):
                continue
            entities = self.kb.surface_candidates(pattern.surface)
            entity = max(entities, key=lambda e: (e.kind == "country", e.type != "LOC", e.population))
            mention = Mention(start, end, text[start:end], entity.type, confidence=0.9)
            return (mention, entity), width
        return None

    @staticmethod
    def _words_equal(text: str, window: list[tuple[str, int, int]], pattern: _Pattern) -> bool:
        for index, ((word, _, _), expected) in enumerate(zip(window, pattern.words, strict=True)):
            last = index == len(pattern.words) - 1
            if word != expected and not (last and len(pattern.words) == 1 and word == expected + "s"):
                return False
            if index and "\n" in text[window[index - 1][2] : window[index][1]]:
                return False
        return True


def _given_name_start(text: str, spans: list[tuple[str, int, int]], index: int, entity: Entity) -> int:
    """Where a surname mention starts once a given name spelt another way is included.

    "Sergej Schoigu" for the KB's "Sergei Schoigu": the word before the surname joins the
    mention when its spelling-independent key equals one of the entity's given names.
    """
    start = spans[index][1]
    if index == 0:
        return start
    previous, previous_start, previous_end = spans[index - 1]
    if not previous[:1].isupper() or text[previous_end:start].strip():
        return start
    given = {name_key(name.split()[0]) for name in person_names(entity) if len(name.split()) > 1}
    return previous_start if name_key(previous) in given else start


def _distinctive(surname: str, entity: Entity) -> bool:
    return len(surname) >= _DISTINCTIVE_SURNAME_LENGTH and entity.country in _DISTINCTIVE_SURNAME_COUNTRIES


_gazetteers: dict[int, Gazetteer] = {}


def _gazetteer(kb: KnowledgeBase) -> Gazetteer:
    """The matcher for ``kb``, built once (it holds ``kb``, so the id stays valid)."""
    cached = _gazetteers.get(id(kb))
    if cached is None or cached.kb is not kb:
        cached = _gazetteers[id(kb)] = Gazetteer(kb)
    return cached


def find_known_mentions(text: str, *, kb: KnowledgeBase | None = None) -> list[Mention]:
    """High-precision mentions of KB names in ``text`` (exact spelling, genitive -s allowed).

    A name at the head of a hyphenated compound ("OVKS-Friedenstruppen",
    "CSTO-Generalsekretär") is found with the span of the name alone.  Mentions come
    unlinked, labelled with the entity's type; pass them to :func:`link_mentions`.
    """
    return [mention for mention, _ in _gazetteer(kb or load_kb()).find(text)]


def merge_mentions(ner: Iterable[Mention], gazetteer: Iterable[Mention]) -> list[Mention]:
    """One mention list from NER and gazetteer mentions, sorted by position.

    Where they overlap: equal spans keep the gazetteer's (KB-backed) label; a gazetteer
    name that is the head of an NER compound ("OVKS" in "OVKS-Friedenstruppe") replaces
    it; otherwise the longer span wins, the gazetteer's on a tie.
    """
    chosen = sorted(ner, key=lambda m: (m.start, m.end))
    for known in sorted(gazetteer, key=lambda m: (m.start, m.end)):
        overlapping = [m for m in chosen if m.start < known.end and known.start < m.end]
        if all(_gazetteer_wins(known, other) for other in overlapping):
            chosen = [m for m in chosen if m not in overlapping] + [known]
    return sorted(chosen, key=lambda m: (m.start, m.end))


def _gazetteer_wins(known: Mention, other: Mention) -> bool:
    if (known.start, known.end) == (other.start, other.end):
        return True
    if (
        other.start == known.start
        and other.text[known.end - other.start : known.end - other.start + 1] == "-"
    ):
        return True  # the NER span is a compound with the known name as its head
    inside = other.start <= known.start and known.end <= other.end
    if inside and known.label != "PER" and _only_common_words_around(known, other):
        return True  # "Almaty Tausende": the model ran on into ordinary words (given names are words too)
    return (known.end - known.start) >= (other.end - other.start)


def _only_common_words_around(known: Mention, other: Mention) -> bool:
    """Whether the words of ``other`` outside ``known`` are all ordinary dictionary words."""
    import simplemma

    offset = other.start
    rest = other.text[: known.start - offset] + " " + other.text[known.end - offset :]
    words = _WORD.findall(rest)
    return bool(words) and all(simplemma.is_known(word, lang="de") for word in words)
