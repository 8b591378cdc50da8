"""Rule-based event coding: triggers from the lexicon, arguments from mentions and times.

One event per sentence and PLOVER type.  For each event: the actor and target come from
the linked mentions of the sentence (preposition before a name decides its role), the
place from the sentence's place mentions (else the paragraph's, else the document's main
place), the date from the sentence's time expressions (else an earlier sentence of the
paragraph, else the publication date), modality and speaker from :mod:`attribution`,
counts from :mod:`counts`.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import simplemma
from babel import Locale

from lagebild.events.attribution import Attribution, attribute, clause_around, find_quotes, modality_of
from lagebild.events.counts import Count, find_counts
from lagebild.events.lexicon import (
    ASSAULT_MODE_HINTS,
    DEMONYMS,
    INSTITUTION_NOUNS,
    NEGATIONS,
    ROLE_NOUNS,
    TRIGGERS,
    WEAPON_CLASSES,
    WEAPON_SYSTEMS,
    Trigger,
)
from lagebild.events.ontology import acled_code, cameo_root
from lagebild.models import Analysis, Event, Mention, TimeExpression, TimePrecision

logger = logging.getLogger(__name__)

_TOKEN = re.compile(r"\w+(?:[-’']\w+)*")
_SENTENCE_END = re.compile(r"(?<=[.!?:])[\"“”»]?\s+(?=[„\"»A-ZÄÖÜ0-9])|\n+")
_ARTICLE_LIKE = frozenset(
    {
        "der",
        "die",
        "das",
        "den",
        "dem",
        "des",
        "ein",
        "eine",
        "einen",
        "einem",
        "einer",
        "eines",
        "seinem",
        "seinen",
        "seiner",
        "seines",
        "ihrem",
        "ihren",
        "ihrer",
        "the",
        "a",
        "an",
        "his",
        "her",
        "its",
    }
)
_PLACE_PREPS = frozenset(
    {
        "in",
        "im",
        "nach",
        "bei",
        "nahe",
        "zu",
        "zum",
        "zur",
        "über",
        "durch",
        "von",
        "vom",
        "aus",
        "into",
        "at",
        "near",
        "from",
        "to",
    }
)
_TARGET_PREPS = frozenset({"auf", "gegen", "mit", "an", "on", "against", "with"})
_LOCATIVE = frozenset({"in", "im", "bei", "nahe", "auf", "at", "near"})
_PRONOUN_SUBJECTS = frozenset({"er", "sie", "he", "she"})
_OBJECT_TYPES = frozenset(
    {
        "REQUEST",
        "ACCUSE",
        "SUPPORT",
        "CONSULT",
        "SANCTION",
        "THREATEN",
        "COERCE",
        "ASSAULT",
        "DEMAND",
        "DISAPPROVE",
        "REJECT",
        "AID",
        "CONCEDE",
    }
)
_COUNT_TYPES = {
    "killed": ("ASSAULT", "FIGHT", "PROTEST"),
    "injured": ("ASSAULT", "FIGHT", "PROTEST"),
    "arrested": ("COERCE",),
    "troops": ("MOBILIZE", "RETREAT"),
}
_WEAPON_TYPES = frozenset({"ASSAULT", "FIGHT", "MOBILIZE", "THREATEN"})


@dataclass(frozen=True)
class _Token:
    start: int  # absolute offset
    end: int
    text: str
    lower: str
    lemma: str


@dataclass(frozen=True)
class _Party:
    """An actor or target candidate: a mention, or a demonym or role noun standing in for one."""

    start: int
    end: int
    name: str
    entity_id: str | None
    role: str | None
    is_place: bool


@lru_cache(maxsize=65536)
def _lemma(word: str, language: str) -> str:
    return simplemma.lemmatize(word, lang=language).lower()


@lru_cache(maxsize=4)
def _country_names(language: str) -> frozenset[str]:
    names: set[str] = set()
    for code in ("de", "en"):
        names.update(name.casefold() for name in Locale(code).territories.values())
    names.update({"usa", "russland", "belarus", "weißrussland", "ukraine", "eu"})
    return frozenset(names)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans by punctuation and line breaks (used when the analysis has none)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if text[start : match.start()].strip():
            spans.append((start, match.start()))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return spans


def _sentence_spans(analysis: Analysis) -> list[tuple[int, int]]:
    """The analysis's sentences, cut again at line breaks (a headline is its own sentence)."""
    spans: list[tuple[int, int]] = []
    for start, end in analysis.sentences or split_sentences(analysis.text):
        position = start
        for line in analysis.text[start:end].split("\n"):
            stripped = line.strip()
            if stripped:
                offset = position + line.index(stripped[0])
                spans.append((offset, offset + len(stripped)))
            position += len(line) + 1
    return spans


def _tokens(text: str, start: int, end: int, language: str) -> list[_Token]:
    return [
        _Token(start + m.start(), start + m.end(), m.group(), m.group().lower(), _lemma(m.group(), language))
        for m in _TOKEN.finditer(text[start:end])
    ]


def _forms(token: _Token) -> tuple[str, ...]:
    last_part = token.lower.rsplit("-", 1)[-1]
    return tuple(dict.fromkeys((token.lemma, token.lower, last_part, _lemma(last_part, "de"))))


def _matches(trigger: Trigger, token: _Token) -> bool:
    forms = _forms(token)
    if any(form.startswith(trigger.exclude) for form in forms) if trigger.exclude else False:
        return False
    if trigger.match == "exact":
        return trigger.lemma in forms
    if trigger.match == "head":
        return any(
            f == trigger.lemma or (f.endswith(trigger.lemma) and len(f) - len(trigger.lemma) >= 3)
            for f in forms
        )
    return any(f.startswith(trigger.lemma) and f != trigger.lemma for f in forms)


def _requirements_met(trigger: Trigger, tokens: Sequence[_Token], index: int) -> bool:
    if trigger.particle and trigger.particle not in (t.lower for t in tokens[index + 1 :]):
        return False
    if not trigger.requires:
        return True
    for token in tokens:
        for stem in trigger.requires:
            if token.lower == stem or token.lemma == stem:
                return True
            if len(stem) >= 4 and (stem in token.lower or stem in token.lemma):
                return True
    return False


def _negated(tokens: Sequence[_Token], index: int) -> bool:
    window = tokens[max(0, index - 4) : index]
    return any(t.lower in NEGATIONS for t in window)


def _find_triggers(tokens: Sequence[_Token], language: str) -> list[tuple[Trigger, int]]:
    """(trigger, token index) pairs, one per event type, primary triggers first."""
    found: list[tuple[Trigger, int]] = []
    for index, token in enumerate(tokens):
        for trigger in TRIGGERS.get(language, TRIGGERS["de"]):
            if _matches(trigger, token) and _requirements_met(trigger, tokens, index):
                found.append((trigger, index))
    primary = [(t, i) for t, i in found if not t.secondary]
    chosen = primary or found
    by_type: dict[str, tuple[Trigger, int]] = {}
    for trigger, index in chosen:
        event_type = trigger.event_type
        if _negated(tokens, index) and event_type not in ("REJECT",):
            if event_type != "SUPPORT":
                continue
            trigger = Trigger(trigger.lemma, "REJECT", "neutrality")
            event_type = "REJECT"
        by_type.setdefault(event_type, (trigger, index))
    return list(by_type.values())


def _assault_mode(trigger: Trigger, token: _Token, sentence: str) -> str:
    if trigger.mode:
        return trigger.mode
    lowered = sentence.lower()
    for stem, mode in ASSAULT_MODE_HINTS:
        if stem in token.lower:
            return mode
    for stem, mode in ASSAULT_MODE_HINTS:
        if stem in lowered:
            return mode
    return "attack"


def _weapon(sentence: str) -> str | None:
    lowered = sentence.lower()
    named: list[str] = []
    for stem, name, kind in WEAPON_SYSTEMS:
        if re.search(rf"\b{re.escape(stem)}", lowered):
            label = f"{name} ({kind})"
            if label not in named:
                named.append(label)
    if named:
        return "; ".join(named)
    for stem, kind in WEAPON_CLASSES:
        if stem in lowered:
            return kind
    return None


def _preposition_before(text: str, start: int, floor: int) -> str | None:
    """The preposition that governs a name at ``start``, skipping articles and adjectives."""
    words = _TOKEN.findall(text[floor:start])
    for word in reversed(words[-4:]):
        lowered = word.lower()
        if lowered in _PLACE_PREPS or lowered in _TARGET_PREPS:
            return lowered
        if lowered in _ARTICLE_LIKE or (word[0].islower() and lowered.endswith(("e", "en", "er", "es"))):
            continue
        return None
    return None


def _role_of(text: str, start: int, end: int) -> str | None:
    """Role suggested by the words right around a name ("Präsident", "Polizei", "Demonstranten")."""
    window = text[max(0, start - 40) : min(len(text), end + 25)].lower()
    for stem, role in ROLE_NOUNS:
        if stem in window:
            return role
    return None


def _is_place(mention: Mention) -> bool:
    return mention.label == "LOC" or mention.latitude is not None


def _is_country(mention: Mention, language: str) -> bool:
    name = (mention.canonical_name or mention.text).casefold()
    return name in _country_names(language) or mention.text.casefold() in _country_names(language)


def _parties(
    text: str,
    start: int,
    end: int,
    mentions: Sequence[Mention],
    tokens: Sequence[_Token],
    known: dict[str, str],
) -> list[_Party]:
    """Actor/target candidates in a sentence, in order."""
    parties = [
        _Party(
            m.start,
            m.end,
            m.canonical_name or m.text,
            m.entity_id,
            _role_of(text, m.start, m.end),
            _is_place(m),
        )
        for m in mentions
        if start <= m.start and m.end <= end and m.label in ("PER", "ORG", "LOC")
    ]
    covered = [(p.start, p.end) for p in parties]
    for index, token in enumerate(tokens[:-1]):
        stem = next((s for s in DEMONYMS if token.lower.startswith(s)), None)
        following = tokens[index + 1]
        if stem is None or not any(noun in following.lower for noun in INSTITUTION_NOUNS):
            continue
        if any(s <= token.start < e for s, e in covered):
            continue
        country = DEMONYMS[stem]
        role = _role_of(text, following.start, following.end)
        parties.append(
            _Party(token.start, following.end, country, known.get(country.casefold()), role, False)
        )
    for token in tokens:
        if any(s <= token.start < e for s, e in covered) or not token.text[0].isupper():
            continue
        role = next((r for s, r in ROLE_NOUNS if token.lower.startswith(s) or token.lower.endswith(s)), None)
        if role in ("state forces", "alliance forces", "protesters", "rioters", "armed group") and not any(
            p.start <= token.start < p.end for p in parties
        ):
            parties.append(_Party(token.start, token.end, token.text, None, role, False))
    return sorted(parties, key=lambda p: p.start)


def _actor_and_target(
    text: str,
    clause_floor: int,
    parties: Sequence[_Party],
    trigger_at: int,
    event_type: str,
    speaker: str | None,
) -> tuple[_Party | None, _Party | None]:
    actor: _Party | None = None
    target: _Party | None = None
    for party in parties:
        if speaker and (party.name == speaker or party.name in speaker):
            continue
        preposition = _preposition_before(text, party.start, clause_floor)
        if preposition in _TARGET_PREPS:
            if target is None and (event_type in _OBJECT_TYPES or preposition in ("auf", "gegen")):
                target = party
            continue
        if preposition == "aus" and event_type == "MOBILIZE" and actor is None:
            actor = party
            continue
        if preposition in _PLACE_PREPS or (party.is_place and preposition in _LOCATIVE):
            continue
        if actor is None:
            actor = party
        elif (
            target is None
            and event_type in _OBJECT_TYPES
            and party.start > trigger_at
            and party.name != actor.name
        ):
            target = party
    return actor, target


def _pick_place(
    mentions: Sequence[Mention], start: int, end: int, text: str, language: str
) -> Mention | None:
    places = [m for m in mentions if start <= m.start and m.end <= end and _is_place(m)]
    if not places:
        return None

    def rank(mention: Mention) -> tuple[int, int, int]:
        preposition = _preposition_before(text, mention.start, start)
        return (
            0 if preposition in _LOCATIVE else 1,
            1 if _is_country(mention, language) else 0,
            mention.start,
        )

    return min(places, key=rank)


def _time_values(times: Sequence[TimeExpression], start: int, end: int) -> list[TimeExpression]:
    return [
        t
        for t in times
        if start <= t.start and t.end <= end and t.value and not t.value.startswith("P") and t.kind != "set"
    ]


def _publication_date(published: str | None) -> tuple[str | None, TimePrecision]:
    if not published:
        return None, "unknown"
    value = published[:10]
    precision: TimePrecision = {10: "day", 7: "month", 4: "year"}.get(len(value), "unknown")
    return value, precision


def _date_end(date_value: str | None, times: Sequence[TimeExpression], start: int, end: int) -> str | None:
    for time in times:
        if not (start <= time.start and time.end <= end):
            continue
        if time.range_end:
            return time.range_end
        duration = re.fullmatch(r"P(\d+)D", time.value or "")
        if duration and date_value and re.fullmatch(r"\d{4}-\d{2}-\d{2}", date_value):
            return (date.fromisoformat(date_value) + timedelta(days=int(duration.group(1)))).isoformat()
    return None


def extract_events(analysis: Analysis) -> list[Event]:
    """Code every event the text of ``analysis`` reports, with its evidence sentence."""
    text = analysis.text
    language = (analysis.language or "de")[:2]
    if language not in TRIGGERS:
        language = "de"
    sentences = _sentence_spans(analysis)
    quotes = find_quotes(text)
    mentions = sorted(analysis.mentions, key=lambda m: m.start)
    known = {(m.canonical_name or m.text).casefold(): m.entity_id for m in mentions if m.entity_id}
    place_counts = Counter((m.canonical_name or m.text) for m in mentions if _is_place(m))
    main_place = next(
        (
            m
            for name, _ in place_counts.most_common(1)
            for m in mentions
            if (m.canonical_name or m.text) == name
        ),
        None,
    )
    published, published_precision = _publication_date(analysis.published)
    paragraph_of = [text.count("\n\n", 0, s) + text.count("\n", 0, s) for s, _ in sentences]
    events: list[Event] = []
    carried_date: tuple[str, TimePrecision, int] | None = None
    last_person: _Party | None = None
    for number, (start, end) in enumerate(sentences):
        sentence = text[start:end]
        tokens = _tokens(text, start, end, language)
        dated = _time_values(analysis.times, start, end)
        triggers = _find_triggers(tokens, language) if tokens else []
        parties = _parties(text, start, end, mentions, tokens, known)
        if triggers:
            attribution = attribute(text, (start, end), mentions, quotes, sentences, language)
            counts = find_counts(sentence)
            for trigger, index in triggers:
                events.append(
                    _build_event(
                        analysis,
                        trigger,
                        tokens[index],
                        (start, end),
                        tokens,
                        parties,
                        attribution,
                        counts,
                        dated,
                        carried_date,
                        number,
                        paragraph_of,
                        sentences,
                        mentions,
                        main_place,
                        (published, published_precision),
                        last_person,
                        language,
                    )
                )
        if dated:
            best = dated[0]
            carried_date = (best.value or "", best.precision, paragraph_of[number])
        people = [p for p in parties if p.entity_id or p.role == "government"]
        if people:
            last_person = people[0]
    logger.debug("coded %d events in %d sentences", len(events), len(sentences))
    return events


def _build_event(
    analysis: Analysis,
    trigger: Trigger,
    token: _Token,
    span: tuple[int, int],
    tokens: Sequence[_Token],
    parties: Sequence[_Party],
    attribution: Attribution,
    counts: Sequence[Count],
    dated: Sequence[TimeExpression],
    carried_date: tuple[str, TimePrecision, int] | None,
    number: int,
    paragraph_of: Sequence[int],
    sentences: Sequence[tuple[int, int]],
    mentions: Sequence[Mention],
    main_place: Mention | None,
    published: tuple[str | None, TimePrecision],
    last_person: _Party | None,
    language: str,
) -> Event:
    text = analysis.text
    start, end = span
    sentence = text[start:end]
    event_type = trigger.event_type
    mode = _assault_mode(trigger, token, sentence) if event_type == "ASSAULT" else trigger.mode
    acled = acled_code(event_type, mode)
    confidence = 0.55 if not trigger.secondary else 0.35

    clause_start, _ = clause_around(sentence, token.start - start)
    actor, target = _actor_and_target(text, start, parties, token.start, event_type, attribution.speaker)
    if actor is None and last_person is not None:
        before = [t.lower for t in tokens if start + clause_start <= t.start < token.start]
        if any(word in _PRONOUN_SUBJECTS for word in before):
            actor = last_person
    if actor is not None:
        confidence += 0.1

    place = _pick_place(mentions, start, end, text, language)
    if place is None:
        paragraph = paragraph_of[number]
        nearby = [s for i, s in enumerate(sentences) if paragraph_of[i] == paragraph and i != number]
        nearby.sort(key=lambda s: abs(s[0] - start))
        for other in nearby:
            place = _pick_place(mentions, other[0], other[1], text, language)
            if place is not None:
                confidence -= 0.05
                break
    if place is None and main_place is not None:
        place = main_place
        confidence -= 0.1
    elif place is not None:
        confidence += 0.1

    date_value: str | None
    precision: TimePrecision
    if dated:
        chosen = min(dated, key=lambda t: (t.kind != "date", abs(t.start - token.start)))
        date_value, precision = chosen.value, chosen.precision
        confidence += 0.1
    elif carried_date is not None and carried_date[2] >= paragraph_of[number] - 1:
        date_value, precision, _ = carried_date
    else:
        date_value, precision = published
        confidence -= 0.1

    killed = injured = arrested = troops = None
    count_group: str | None = None
    for count in counts:
        if event_type not in _COUNT_TYPES[count.kind]:
            continue
        if count.kind == "killed" and killed is None:
            killed, count_group = count.value, count.group or count_group
        elif count.kind == "injured" and injured is None:
            injured, count_group = count.value, count_group or count.group
        elif count.kind == "arrested" and arrested is None:
            arrested, count_group = count.value, count_group or count.group
        elif count.kind == "troops" and troops is None:
            troops, count_group = count.value, count_group or count.group

    quoted = attribution.quote is not None
    modality = modality_of(sentence, token.start - start, quoted=quoted, language=language)
    if modality == "asserted" and attribution.speaker:
        modality = "reported"

    return Event(
        type=event_type,
        mode=mode,
        cameo=cameo_root(event_type),
        acled_type=acled.event_type if acled else None,
        acled_subtype=acled.sub_type if acled else None,
        evidence_start=start,
        evidence_end=end,
        actor=actor.name if actor else None,
        actor_id=actor.entity_id if actor else None,
        target=target.name if target else None,
        target_id=target.entity_id if target else None,
        place=(place.canonical_name or place.text) if place else None,
        place_id=place.entity_id if place else None,
        latitude=place.latitude if place else None,
        longitude=place.longitude if place else None,
        date=date_value,
        date_precision=precision,
        killed=killed,
        injured=injured,
        arrested=arrested,
        troops=troops,
        modality=modality,
        attributed_to=attribution.speaker,
        quote=attribution.quote,
        confidence=round(max(0.05, min(0.95, confidence)), 2),
        trigger=token.text,
        weapon=_weapon(sentence) if event_type in _WEAPON_TYPES else None,
        actor_role=actor.role if actor else None,
        target_role=target.role if target else None,
        count_group=count_group,
        date_end=_date_end(date_value, analysis.times, start, end),
    )
