"""Rule-based event coding: triggers from the lexicon, arguments from mentions and times.

One event per sentence and PLOVER type.  For each event: the actor and target come from
the linked mentions of the sentence (the preposition before a name decides its role), the
place from the sentence's place mentions (else the paragraph's, else the document's main
place), the date from the sentence's time expressions (else an earlier sentence of the
paragraph, else the publication date), modality and speaker from :mod:`attribution`,
counts from :mod:`counts`.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache

import simplemma
from babel import Locale

from lagebild.events.attribution import (
    Attribution,
    attribute,
    clause_around,
    find_quotes,
    find_speaker,
    modality_of,
    reporting_verb,
)
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
_SENTENCE_END = re.compile(r"(?<=[.!?:])(?<!\d\.)(?<!\b[A-Z]\.)[\"“”»]?\s+(?=[„\"»A-ZÄÖÜ])|\n+")
#: Lines that are picture credits, captions or teaser stamps rather than reporting.
_NOT_REPORTING = re.compile(r"^(?:©|Titelbild:|Foto:|Bild:|Quelle:|Rahmen:)|\d{1,2}\.\d{1,2}\.\d{4}\s*$")
_LABEL = re.compile(r"[A-ZÄÖÜ][\w-]*(?: [\w-]+){0,4}: ")
_ADVICE = re.compile(r"\b(?:sollte|sollten|könnte|könnten|müsste|müssten|should|could)\b")
_ARTICLE_LIKE = frozenset(
    {"der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer", "eines", "seinem",
     "seinen", "seiner", "seines", "ihrem", "ihren", "ihrer", "the", "a", "his", "her", "its"}
)  # fmt: skip
_PLACE_PREPS = frozenset(
    {"in", "im", "ins", "nach", "bei", "nahe", "zu", "zum", "zur", "über", "durch", "von", "vom", "aus", "into", "at",
     "near", "from", "to"}
)  # fmt: skip
_TARGET_PREPS = frozenset({"auf", "gegen", "mit", "an", "für", "on", "against", "with", "for"})
_LOCATIVE = frozenset({"in", "im", "ins", "bei", "nahe", "auf", "nach", "at", "near", "into"})
_GOVERNING_PREPS = frozenset({"für", "an", "gegen", "nach", "um", "wegen", "über", "durch"})
_OTHER_PREPS = frozenset({"zwischen", "unter", "während", "seit", "wegen", "als", "between", "during"})
_CLAUSE_MARK = re.compile(r"[,;:()„“”\"»«–]")
_PASSIVE_AUX = frozenset({"wurde", "wurden", "worden", "werden"})
_PRONOUN_SUBJECTS = frozenset({"er", "sie", "he", "she"})
_OBJECT_TYPES = frozenset(
    {"REQUEST", "ACCUSE", "SUPPORT", "CONSULT", "SANCTION", "THREATEN", "COERCE", "ASSAULT", "DEMAND",
     "DISAPPROVE", "REJECT", "AID", "CONCEDE", "FIGHT"}
)  # fmt: skip
_PATIENT_TYPES = frozenset({"ASSAULT", "COERCE", "CONCEDE", "SANCTION"})
_PARTY_ROLES = frozenset(
    {"state forces", "alliance forces", "protesters", "rioters", "armed group", "government"}
)
_PROTEST_ROLES = frozenset({"protesters", "rioters", "armed group", None})
_COUNT_TYPES = {
    "killed": ("ASSAULT", "FIGHT", "PROTEST"),
    "injured": ("ASSAULT", "FIGHT", "PROTEST"),
    "arrested": ("COERCE",),
    "troops": ("MOBILIZE", "RETREAT"),
}
_VERBAL_TYPES = frozenset(
    {"ACCUSE", "REJECT", "SUPPORT", "REQUEST", "DEMAND", "THREATEN", "DISAPPROVE", "CONSULT", "AGREE"}
)
_MODE_SEVERITY = {"riot": 2, "occupy": 2, "strike": 1}
_WEAPON_TYPES = frozenset({"ASSAULT", "FIGHT", "MOBILIZE", "THREATEN"})
_GENITIVE_AFTER = re.compile(
    r"\s+(?:der|des|einer|eines)\s+(?:[a-zäöüß][\w-]*\s+){0,2}(?:[A-ZÄÖÜ][\w-]*\s+(?:der|des)\s+)?"
)
_FRAMING_PREPS = frozenset({"nach", "vor", "seit", "während", "wegen", "trotz", "after", "before", "since"})
_GENITIVE_ARTICLES = frozenset({"der", "des", "einer", "eines"})
_STATEMENT_TYPES = frozenset({"ACCUSE", "REJECT", "SUPPORT", "REQUEST", "DEMAND", "THREATEN", "DISAPPROVE"})
_INDIRECT_CUES = frozenset({"quote", "cataphoric", "carried", "pronoun"})
_TITLES = ("präsident", "minister", "kanzler", "premier", "sprecher", "staatschef", "generalsekretär")
_NEGATIONS_AFTER = frozenset({"weder", "kein", "keine", "keinen", "keiner", "nicht", "neither", "no"})
#: A noun under these is the time frame of the news, not news itself ("seit Ausbruch der Unruhen").
_BACKGROUND_PREPS = frozenset({"seit", "trotz", "since", "despite"})
_INDIRECT_QUESTION = frozenset({"ob", "whether"})
#: A toll over years ("seit 2009", "in den vergangenen 30 Jahren") sums many events; it reports none.
_AGGREGATE = re.compile(
    r"\b[Ss]eit (?:\d{4}|Jahren|Jahrzehnten|Beginn|Ausbruch)\b"
    r"|\b(?:vergangenen|letzten) (?:\d+|\w+) Jahr(?:e|en|zehnte|zehnten)\b"
)
#: Lowercase words whose lemma ends like an infinitive but that are no verbs.
_NOT_VERBS = frozenset({"gegen", "zwischen", "neben", "wegen", "binnen", "entgegen", "oben", "unten", "eben"})
_HEADING_TOKENS = 12
#: "an frühere Anschläge erinnert": earlier events recalled, not reported.
_EARLIER = frozenset({"frühere", "früheren", "früherer", "einstige", "einstigen", "previous", "earlier"})
_AGGREGATE_TYPES = frozenset({"ASSAULT", "FIGHT", "PROTEST"})
#: Verbal events whose object is what is asked for or alleged, not a further event.
_CONTENT_TYPES = frozenset({"REQUEST", "DEMAND", "ACCUSE"})
#: Events that move people somewhere: "nach Kasachstan" is their place (destination); for others it is not.
_MOVEMENT_TYPES = frozenset({"MOBILIZE", "RETREAT", "AID", "CONSULT"})
_DATELINE = re.compile(r"[A-ZÄÖÜ][\w.-]*(?:[ /][A-ZÄÖÜ][\w.-]*){0,3} [–—-] ")
_MILITARY_AID = ("luftangriff", "luftschläge", "militärhilfe", "militärische hilfe", "waffenlieferung")


@dataclass(frozen=True)
class _Token:
    start: int  # absolute offset
    end: int
    text: str
    lower: str
    forms: tuple[str, ...]  # lemma, lower-case word, compound head


@dataclass(frozen=True)
class _Party:
    """An actor or target candidate: a mention, or a demonym or role noun standing in for one."""

    start: int
    end: int
    name: str
    entity_id: str | None
    role: str | None
    is_place: bool
    is_entity: bool = True
    label: str = "ORG"
    is_country: bool = False


@lru_cache(maxsize=65536)
def _lemma(word: str, language: str) -> str:
    return simplemma.lemmatize(word, lang=language).lower()


@lru_cache(maxsize=4)
def _country_names() -> frozenset[str]:
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


def _is_reporting(text: str, start: int, end: int) -> bool:
    """False for picture credits, captions, teaser stamps, bare headings and editorial advice.

    Advice is a modal sentence under a short label ("Stärkung der Sicherheit: Kasachstan
    sollte …"), the form of a recommendations box.
    """
    line = text[start:end]
    if _NOT_REPORTING.search(line) or len(_TOKEN.findall(line)) <= 3:
        return False
    label = _LABEL.match(line)
    return not (label and _ADVICE.search(line[label.end() :]))


def _tokens(text: str, start: int, end: int, language: str) -> list[_Token]:
    tokens: list[_Token] = []
    for match in _TOKEN.finditer(text, start, end):
        word = match.group()
        lower = word.lower()
        forms = [_lemma(word, language), lower]
        if "-" in word:
            head = word.rsplit("-", 1)[-1]
            forms += [head.lower(), _lemma(head, language)]
        tokens.append(_Token(match.start(), match.end(), word, lower, tuple(dict.fromkeys(forms))))
    return tokens


@lru_cache(maxsize=65536)
def _triggers_for(forms: tuple[str, ...], language: str) -> tuple[Trigger, ...]:
    """The lexicon triggers a token with these forms matches (before context requirements)."""
    return tuple(t for t in TRIGGERS.get(language, TRIGGERS["de"]) if _matches(t, forms))


def _matches(trigger: Trigger, forms: tuple[str, ...]) -> bool:
    if trigger.exclude and any(form.startswith(trigger.exclude) for form in forms):
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
    if trigger.particle and not any(
        _is_particle(tokens, position, trigger.particle) for position in range(index + 1, len(tokens))
    ):
        return False
    if not trigger.requires:
        return True
    for token in tokens:
        for stem in trigger.requires:
            if stem in token.forms or (len(stem) >= 4 and any(stem in form for form in token.forms)):
                return True
    return False


def _is_particle(tokens: Sequence[_Token], position: int, particle: str) -> bool:
    """Whether ``tokens[position]`` is a separated verb particle: it closes its clause ("warf … vor, dass"),
    unlike a preposition that opens a phrase ("warfen Steine vor dem Gebäude")."""
    if tokens[position].lower != particle:
        return False
    if position + 1 == len(tokens):
        return True
    following = tokens[position + 1]
    return following.start - tokens[position].end > 1 or following.lower not in _ARTICLE_LIKE


def _is_attributive(tokens: Sequence[_Token], index: int) -> bool:
    """A participle between article and noun ("die verbotene Partei") describes a state, not an event."""
    token = tokens[index]
    if token.text[0].isupper() or index == 0 or index + 1 == len(tokens):
        return False
    following = tokens[index + 1]
    return (
        tokens[index - 1].lower in _ARTICLE_LIKE
        and following.text[0].isupper()
        and following.start - token.end == 1
        and token.lower.endswith(("e", "en", "er", "es", "em"))
    )


def _is_framed(text: str, tokens: Sequence[_Token], index: int, floor: int) -> bool:
    token = tokens[index]
    return token.text[0].isupper() and index > 0 and _framed_by(text, token.start, floor)


def _is_verbless_heading(tokens: Sequence[_Token], language: str) -> bool:
    """A short line without a verb ("Mehrere Festnahmen an neuem Feiertag", "Unruhen in Kasachstan"):
    a heading, whose nouns name a topic rather than report an event.  A verb is a lowercase
    word whose lemma is an infinitive ("kam" → kommen, "verletzt" → verletzen)."""
    if len(tokens) > _HEADING_TOKENS or language != "de":
        return False
    return not any(
        token.text[0].islower()
        and token.lower not in _NOT_VERBS
        and (
            _lemma(token.text, language).endswith(("en", "ern", "eln"))
            or _lemma(token.text, language) in ("sein", "tun")
        )
        for token in tokens[1:]
    )


def _in_indirect_question(text: str, tokens: Sequence[_Token], index: int) -> bool:
    """Whether the trigger stands in an "ob …" clause ("unklar, ob es ein Anschlag war")."""
    for token in reversed(tokens[:index]):
        if token.lower in _INDIRECT_QUESTION:
            return True
        if _CLAUSE_MARK.search(text, token.end, tokens[index].start) is not None:
            return False
    return False


def _word_before(tokens: Sequence[_Token], index: int) -> str | None:
    """The first word before ``tokens[index]`` that is not an article or adjective."""
    for token in reversed(tokens[max(0, index - 4) : index]):
        if token.lower in _GOVERNING_PREPS:
            return token.lower
        if token.lower in _ARTICLE_LIKE or (
            token.text[0].islower() and token.lower.endswith(("e", "en", "er"))
        ):
            continue
        return token.lower
    return None


def _find_triggers(text: str, tokens: Sequence[_Token], language: str) -> list[tuple[Trigger, int]]:
    """(trigger, token index) pairs, one per event type, primary triggers first."""
    found: list[tuple[Trigger, int]] = []
    floor = tokens[0].start if tokens else 0
    aggregate = _AGGREGATE.search(text, floor, tokens[-1].end if tokens else 0) is not None
    heading = _is_verbless_heading(tokens, language)
    for index, token in enumerate(tokens):
        if _is_attributive(tokens, index) or _in_indirect_question(text, tokens, index):
            continue
        if heading and token.text[0].isupper():
            continue
        # "seit Ausbruch der Unruhen", "trotz der Proteste": the frame of the news, not news itself
        background = token.text[0].isupper() and (
            _framed_by(text, token.start, floor, _BACKGROUND_PREPS)
            or (index > 0 and tokens[index - 1].lower in _EARLIER)
        )
        for trigger in _triggers_for(token.forms, language):
            if (aggregate or background) and trigger.event_type in _AGGREGATE_TYPES:
                continue
            if _requirements_met(trigger, tokens, index):
                found.append((trigger, index))
    requested = {i for t, i in found if t.event_type == "REQUEST"}
    found = [(t, i) for t, i in found if not (t.event_type == "DEMAND" and i in requested)]
    # a casualty word ("getötet", "verletzt") codes an attack only where no violent event is named
    violent = any(not t.secondary and t.event_type in _AGGREGATE_TYPES for t, _ in found)
    kept = [(t, i) for t, i in found if not (t.secondary and violent)]
    primary = [(t, i) for t, i in kept if not t.secondary]
    secondary_types = {t.event_type for t, _ in kept if t.secondary} - {t.event_type for t, _ in primary}
    by_type: dict[str, tuple[Trigger, int]] = {}
    for trigger, index in primary + [
        (t, i) for t, i in kept if t.secondary and t.event_type in secondary_types
    ]:
        token = tokens[index]
        before = [t.lower for t in tokens[max(0, index - 4) : index]]
        after = [t.lower for t in tokens[index + 1 : index + 3]]
        if trigger.event_type == "SUPPORT":
            if any(word in NEGATIONS for word in before) or any(word in _NEGATIONS_AFTER for word in after):
                trigger = replace(trigger, event_type="REJECT", mode="neutrality")
            elif {"zur", "mit", "ohne"} & set(before[-2:]) or "sinne" in before[-3:]:
                continue  # "zur Unterstützung": a purpose, not an act of support
        elif trigger.event_type != "REJECT" and any(word in NEGATIONS for word in before):
            continue
        if token.text[0].isupper() and trigger.event_type in ("PROTEST", "MOBILIZE", "CONSULT"):
            if _word_before(tokens, index) in _GOVERNING_PREPS:
                continue  # "für die Unruhen", "um die Entsendung", "durch Verhandlungen": only an argument
        if any(t.forms[0] == "verhindern" for t in tokens[index + 1 : index + 7]):
            continue  # "den Einsatz russischer Truppen zu verhindern"
        if (
            trigger.event_type == "MOBILIZE"
            and index + 1 < len(tokens)
            and tokens[index + 1].lower == "gegen"
        ):
            continue  # "bei Einsätzen gegen die PKK": an operation against someone, not a deployment
        if token.text[0].isupper() and any(
            t.forms[0] == "bekennen" or (t.lower.startswith(("bekannt", "bekennt")) and u.lower == "sich")
            for t, u in zip(tokens[:index], tokens[1 : index + 1], strict=False)
        ):
            continue  # "bekannte sich zu dem Anschlag": a claim of responsibility for an event told before
        chosen = by_type.get(trigger.event_type)
        if (
            chosen is None
            or _MODE_SEVERITY.get(trigger.mode or "", 0) > _MODE_SEVERITY.get(chosen[0].mode or "", 0)
            or (
                trigger.event_type in _AGGREGATE_TYPES
                and _is_framed(text, tokens, chosen[1], floor)
                and not _is_framed(text, tokens, index, floor)
            )
        ):  # "Nach einem Raketenangriff … hat die Armee einen Vergeltungsangriff gestartet": the new one
            by_type[trigger.event_type] = (trigger, index)
    request = by_type.get("REQUEST")
    if request and "AGREE" in by_type and tokens[request[1]].text[0].isupper():
        del by_type["REQUEST"]  # "Dem Ersuchen wurde stattgegeben": the request is what was granted
    speech = [
        i for t, i in by_type.values() if t.event_type in _CONTENT_TYPES and tokens[i].text[0].islower()
    ]
    if speech:  # "forderten die Freilassung", "warf ihr vor, die Unruhen geschürt zu haben": the content
        by_type = {
            event_type: (t, i)
            for event_type, (t, i) in by_type.items()
            if event_type in _CONTENT_TYPES or i < min(speech) or not tokens[i].text[0].isupper()
        }
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
    """The preposition that governs a name at ``start``, skipping articles, adjectives and one noun."""
    breaks = [m.end() for m in _CLAUSE_MARK.finditer(text, floor, start)]
    words = _TOKEN.findall(text[breaks[-1] if breaks else floor : start])
    nouns_skipped = 0
    for word in reversed(words[-5:]):
        lowered = word.lower()
        if lowered in _PLACE_PREPS or lowered in _TARGET_PREPS or lowered in _OTHER_PREPS:
            return lowered
        if lowered in _ARTICLE_LIKE or (word[0].islower() and lowered.endswith(("e", "en", "er", "es"))):
            continue
        if word[0].isupper() and nouns_skipped == 0 and words.index(word) > 0:
            nouns_skipped += 1
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
    if mention.text.isupper() and mention.canonical_name and not mention.canonical_name.isupper():
        if mention.canonical_name.casefold() == mention.text.casefold():
            return False  # "IS" linked to a place spelt "Is": an acronym, not the place
    return mention.label == "LOC" or mention.latitude is not None


def _is_country(mention: Mention) -> bool:
    names = _country_names()
    return (mention.canonical_name or mention.text).casefold() in names or mention.text.casefold() in names


def _followed_by_entity(
    text: str, end: int, parties: Sequence[_Party], label: str | None = None
) -> _Party | None:
    """An entity right after ``end``, directly or as a genitive or "aus" phrase ("Truppen Armeniens")."""
    gap = re.match(r"\s+(?:(?:der|des|aus|von)\s+)?(?:[a-zäöüß]\w*\s+)?", text[end : end + 40])
    for party in parties:
        if party.is_entity and end < party.start <= end + (gap.end() if gap else 1) + 1:
            if label is None or party.label == label:
                return party
    return None


def _titled_person_after(text: str, end: int, parties: Sequence[_Party]) -> _Party | None:
    """A person named right after ``end`` behind at most one title word ("russische Präsident Putin")."""
    gap = re.match(r"[\s,]+(?:[A-ZÄÖÜ][\w-]*[\s,]+)?", text[end : end + 40])
    limit = end + (gap.end() if gap else 1)
    return next((p for p in parties if p.label == "PER" and end < p.start <= limit), None)


def _person_after_title(text: str, end: int) -> tuple[int, int] | None:
    """A capitalised name right after a title ("Außenminister Blinken"), when no mention covers it."""
    match = re.match(r" ((?:[A-ZÄÖÜ][\w’'-]+)(?: [A-ZÄÖÜ][\w’'-]+)?)(?=[\s,.;:])", text[end : end + 60])
    if match is None or match.group(1).split()[0].lower() in _ARTICLE_LIKE:
        return None
    return end + match.start(1), end + match.end(1)


def _parties(
    text: str,
    start: int,
    end: int,
    mentions: Sequence[Mention],
    tokens: Sequence[_Token],
    known: dict[str, str],
) -> list[_Party]:
    """Actor/target candidates in a sentence, in order."""
    names = [
        _Party(
            m.start,
            m.end,
            m.canonical_name or m.text,
            m.entity_id,
            _role_of(text, m.start, m.end),
            _is_place(m) and m.text[:1].isupper(),  # "russische" linked to Russland is no place
            label=m.label,
            is_country=_is_country(m),
        )
        for m in mentions
        if start <= m.start and m.end <= end and m.label in ("PER", "ORG", "LOC")
    ]
    # "der russische Präsident Putin", "Russlands Präsident Putin": the person stands for the country
    parties = [
        p
        for p in names
        if (text[p.start].isupper() and p.label != "LOC") or _titled_person_after(text, p.end, names) is None
    ]
    for index, token in enumerate(tokens[:-1]):
        stem = next((s for s in DEMONYMS if token.lower.startswith(s)), None)
        following = tokens[index + 1]
        if stem is None or any(p.start <= token.start < p.end for p in names):
            continue
        if not any(noun in following.lower for noun in INSTITUTION_NOUNS) and not _triggers_for(
            following.forms, "de"
        ):
            continue  # "die russische Armee", "ein russischer Drohnenangriff" name an actor
        if _titled_person_after(text, token.end, names) is not None:
            continue  # "der türkische Präsident Erdoğan": the name stands for the actor
        country = DEMONYMS[stem]
        role = _role_of(text, following.start, following.end)
        parties.append(
            _Party(
                token.start,
                following.end,
                country,
                known.get(country.casefold()),
                role,
                False,
                label="LOC",
                is_country=True,
            )
        )
    for token in tokens:
        if not token.text[0].isupper() or any(p.start <= token.start < p.end for p in parties):
            continue
        if token.lower.endswith(_TITLES) and _followed_by_entity(text, token.end, names) is None:
            person = _person_after_title(text, token.end)
            if person is not None:
                name = text[person[0] : person[1]]
                parties.append(_Party(person[0], person[1], name, None, "government", False, label="PER"))
                continue
        role = _role_noun(token.lower)
        if role not in _PARTY_ROLES or _followed_by_entity(text, token.end, parties + names) is not None:
            continue
        parties.append(_Party(token.start, token.end, token.text, None, role, False, is_entity=False))
    return sorted(parties, key=lambda p: p.start)


def _role_noun(word: str) -> str | None:
    """The role a noun names: a stem plus an inflection ("Demonstranten"), or a compound head."""
    for stem, role in ROLE_NOUNS:
        if (word.startswith(stem) and len(word) - len(stem) <= 5) or word.endswith(stem):
            return role
    return None


def _is_passive(tokens: Sequence[_Token], trigger: _Token) -> bool:
    return trigger.text[0].islower() and any(t.lower in _PASSIVE_AUX for t in tokens)


def _actor_and_target(
    text: str,
    sentence: tuple[int, int],
    parties: Sequence[_Party],
    trigger: _Token,
    tokens: Sequence[_Token],
    event_type: str,
    attribution: Attribution,
    counted: Sequence[tuple[int, int]],
) -> tuple[_Party | None, _Party | None]:
    """Actor: the first subject before the trigger in its clause; target: after auf/gegen/mit, else the object.

    Parties of the trigger's clause come first.  A nominal trigger ("Vorgehen", "Angriff")
    takes no actor from other clauses, nor does a passive one unless it is a relative
    clause ("Soldaten, die … entsandt wurden").  The speaker is never the target; it is
    the actor of a statement it makes.  Who is counted ("18 Sicherheitskräfte getötet")
    is neither actor nor target.
    """
    sentence_text = text[sentence[0] : sentence[1]]
    clause_start, clause_end = clause_around(
        sentence_text, trigger.start - sentence[0], lists=True, quotes=False
    )
    clause = (sentence[0] + clause_start, sentence[0] + clause_end)
    subjects: list[_Party] = []
    genitives: list[_Party] = []
    speakers: list[_Party] = []
    marked: list[_Party] = []
    agent: _Party | None = None
    passive = _is_passive(tokens, trigger)
    nominal = trigger.text[0].isupper()
    for party in parties:
        if attribution.speaker_start is not None and attribution.speaker_end is not None:
            if attribution.speaker_start <= party.start < attribution.speaker_end:
                speakers.append(party)
                continue
        if any(start <= party.start < end for start, end in counted):
            continue
        if event_type == "PROTEST" and (party.is_place or party.role not in _PROTEST_ROLES):
            continue
        if party.start < trigger.start and party.end == trigger.end:
            agent = agent or party  # "ein russischer Drohnenangriff": the demonym owns the event
            continue
        if trigger.start <= party.start and party.end < trigger.end and text[party.end] == "-":
            agent = agent or party  # "US-Luftangriff", "Nato-Einsatz": the prefix owns the event
            continue
        preposition = _preposition_before(text, party.start, sentence[0])
        if preposition in ("von", "vom") and nominal and 0 <= party.start - trigger.end < 30:
            agent = agent or party  # "die Aufforderung von Präsident Tokajew"
        elif (
            preposition in ("von", "vom", "durch")
            and passive
            and not party.is_place
            and clause[0] <= party.start < clause[1]
            and party.start < trigger.start
        ):
            agent = agent or party  # "der kurz darauf von der Polizei festgenommen wurde"
        elif preposition in _TARGET_PREPS:
            if event_type in _OBJECT_TYPES or preposition in ("auf", "gegen"):
                marked.append(party)
        elif preposition == "aus" and event_type == "MOBILIZE" and (party.is_country or not party.is_place):
            agent = agent or party
        elif preposition in _PLACE_PREPS:
            continue
        elif _is_genitive(text, party.start, sentence[0]):
            genitives.append(party)
        else:
            subjects.append(party)

    def in_clause(candidates: Sequence[_Party]) -> list[_Party]:
        return [p for p in candidates if clause[0] <= p.start < clause[1]]

    near = in_clause(subjects)
    if not nominal:
        # "als Demonstranten das Rathaus stürmten und die Polizei 40 Menschen festnahm": a subject
        # before another event verb is that verb's; keep it only when the trigger has no other
        verbs = [
            t.start
            for t in tokens
            if t.text[0].islower() and t.start < trigger.start and _triggers_for(t.forms, "de")
        ]
        own = [p for p in near if p.start > trigger.start or not any(p.end <= v for v in verbs)]
        near = own or near
    if event_type in _PATIENT_TYPES and passive:
        patients = in_clause(marked) or near or in_clause(genitives)
        return agent, patients[0] if patients else None
    relative = re.match(r"\s*(?:die|der|das|dem|den|denen|welche[rs]?)\b", text[clause[0] : clause[1]])
    earlier = [p for p in subjects if p.start < clause[0]]
    if nominal and agent is None:
        # "der Rückzug der Friedenstruppen der CSTO": a genitive right after the noun is its agent
        agent = next((p for p in genitives if _GENITIVE_AFTER.fullmatch(text[trigger.end : p.start])), None)
    if (
        near
        and not nominal
        and earlier
        and all(p.start > trigger.start for p in near)
        and (tokens and trigger.start - clause[0] > 12)
    ):
        pool = earlier  # "Die Regierung bemühte sich, … und bat die OVKS": the subject comes before
    elif near:
        pool = near
    elif relative:
        pool = earlier[-1:]  # "die Demonstranten …, die daraufhin Unruhen auslösten"
    elif nominal and _possessive_before(text, trigger.start, clause[0]):
        pool = earlier[:1]  # "Die CSTO-Truppen begannen …, mit ihrem raschen Einsatz"
    elif nominal or passive:
        pool = []
    else:
        pool = earlier
    if nominal and near and _framed_by(text, trigger.start, clause[0]):
        pool = []  # "Kasachstan verstärkt Schutz nach dem Angriff": the subject did not attack
    actor = agent or (pool[0] if pool else None)
    statement = event_type in _STATEMENT_TYPES and attribution.cue == "verb"
    if speakers and (
        (actor is None and event_type in _VERBAL_TYPES) or (statement and speakers[0].start < trigger.start)
    ):
        actor = speakers[0]
    if actor is not None and not actor.is_entity and actor.role in ("state forces", "alliance forces"):
        # "Friedenstruppen ... der CSTO-Einsatzkräfte": the organisation stands for its troops
        actor = next((p for p in genitives + subjects if p.label == "ORG" and p.is_entity), actor)
    targets = sorted(
        in_clause(marked) or marked,
        key=lambda p: (nominal and p.start < trigger.start, abs(p.start - trigger.start)),
    )  # "Unterstützung für X", "Angriff auf X": a noun's target follows it
    target = targets[0] if targets else None
    if target is None and event_type in _OBJECT_TYPES:
        objects = [
            p for p in (near or subjects) + in_clause(genitives) if actor is None or p.name != actor.name
        ]
        objects.sort(key=lambda p: abs(p.start - trigger.start))
        target = objects[0] if objects else None
    if target is None and event_type == "CONSULT":
        target = next((p for p in parties if p.label == "PER" and p not in speakers and p is not actor), None)
    return actor, target


def _framed_by(text: str, position: int, floor: int, prepositions: frozenset[str] = _FRAMING_PREPS) -> bool:
    """Whether a temporal or causal preposition governs the noun at ``position`` ("nach dem Angriff")."""
    words = _TOKEN.findall(text[floor:position])[-5:]
    nouns = 0
    for word in reversed(words):
        lowered = word.lower()
        if lowered in prepositions:
            return True
        if lowered in _ARTICLE_LIKE or (word[0].islower() and lowered.endswith(("e", "en", "er", "es"))):
            continue
        if word[0].isupper() and nouns == 0:
            nouns += 1
            continue
        return False
    return False


def _possessive_before(text: str, position: int, floor: int) -> bool:
    """Whether a possessive determiner ("ihrem raschen Einsatz") stands before ``position``."""
    words = _TOKEN.findall(text[floor:position])[-3:]
    return any(re.fullmatch(r"(?:ihr|sein)(?:e[mnrs]?)?", w.lower()) for w in words)


def _is_genitive(text: str, start: int, floor: int) -> bool:
    """Whether the name at ``start`` is a genitive attribute ("Integrität der Ukraine")."""
    words = _TOKEN.findall(text[floor:start])[-3:]
    while words and words[-1][0].islower() and words[-1].lower() not in _GENITIVE_ARTICLES:
        if not words[-1].lower().endswith(("e", "en", "er", "es")):
            return False
        words.pop()
    return len(words) >= 2 and words[-1].lower() in _GENITIVE_ARTICLES and words[-2][0].isupper()


def _place_rank(
    mention: Mention,
    text: str,
    floor: int,
    trigger_at: int,
    actor: _Party | None,
    event_type: str | None = None,
) -> tuple[int, int] | None:
    """(0, distance) for a place under a locative preposition, (1, distance) for a bare one that
    is no actor; ``None`` when the mention is not the event's place."""
    if text[mention.end : mention.end + 1] == "-":
        return None  # "US-Ostküstenstadt Philadelphia", "US-Einheiten": a modifier, not the place
    preposition = _preposition_before(text, mention.start, floor)
    distance = abs(mention.start - trigger_at)
    if preposition in _LOCATIVE and (
        preposition != "nach" or event_type in _MOVEMENT_TYPES or event_type is None
    ):
        return 0, distance
    country_ok = event_type == "PROTEST"  # "Kasachstan erlebte Unruhen": a country is no protester
    if (
        preposition is None
        and (country_ok or not _is_country(mention))
        and not (actor and actor.start == mention.start)
    ):
        return 1, distance
    return None


def _pick_place(
    mentions: Sequence[Mention], span: tuple[int, int], text: str, trigger_at: int, actor: _Party | None,
    *, locative_only: bool = False, skip: tuple[int, int] | None = None, event_type: str | None = None,
) -> Mention | None:  # fmt: skip
    ranked = []
    for mention in mentions:
        if skip is not None and skip[0] <= mention.start < skip[1]:
            continue
        if (
            span[0] <= mention.start
            and mention.end <= span[1]
            and _is_place(mention)
            and mention.text[:1].isupper()
        ):
            rank = _place_rank(mention, text, span[0], trigger_at, actor, event_type)
            if rank is not None and (rank[0] == 0 or not locative_only):
                ranked.append((rank, mention))
    return min(ranked, key=lambda pair: pair[0])[1] if ranked else None


def _reporting_clause(sentence: str, offset: int, trigger_at: int | None) -> tuple[int, int] | None:
    """The clause of the reporting verb ("sagte der UN-Hochkommissar am Freitag in Genf") when the
    event is told in another clause: its places are where it was said, not where it happened.
    ``trigger_at`` is ``None`` for a neighbouring sentence: the content is then taken to lie on
    the side of the reporting clause that has more words."""
    verb = reporting_verb(sentence)
    if verb is None:
        return None
    clause_start, clause_end = clause_around(sentence, verb.start(), quotes=False)
    if trigger_at is None:
        trigger_at = offset if clause_start > len(sentence) - clause_end else offset + len(sentence) - 1
    if clause_start <= trigger_at - offset < clause_end:
        return None
    if trigger_at - offset < clause_start:  # "…, sagte X, am Freitag in Genf.": to the end
        return offset + clause_start, offset + len(sentence)
    return offset, offset + clause_end  # "Wie X in Genf mitteilte, …": from the start


def _time_values(times: Sequence[TimeExpression], start: int, end: int) -> list[TimeExpression]:
    return [
        t
        for t in times
        if start <= t.start and t.end <= end and t.value and not t.value.startswith("P") and t.kind != "set"
    ]


def _dateline(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span of a dateline opening the sentence ("Kiew – Bei einer Kundgebung …"): where the story
    was filed, not a party or place of the sentence's event."""
    match = _DATELINE.match(text, start, end)
    return (match.start(), match.end()) if match else None


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


def _cataphoric_speaker(
    text: str, following: tuple[int, int] | None, mentions: Sequence[Mention], language: str
) -> Attribution | None:
    """The speaker of "Das verkündete X am Donnerstag." for the sentence before it."""
    if following is None:
        return None
    sentence = text[following[0] : following[1]]
    if not re.match(r"(?:Das|Dies|Dieses)\s+\w+", sentence):
        return None
    verb = reporting_verb(sentence, language)
    if verb is None or len(_TOKEN.findall(sentence[: verb.start()])) != 1:
        return None
    speaker = find_speaker(text, following, mentions, language)
    return Attribution.of(speaker, cue="cataphoric") if speaker else None


def _paragraph_mentions(text: str, position: int, stem: str) -> bool:
    """Whether the paragraph (line) around ``position`` contains ``stem``."""
    start = text.rfind("\n", 0, position) + 1
    end = text.find("\n", position)
    return stem in text[start : end if end != -1 else len(text)].lower()


def _pronoun_speaks(sentence: str) -> bool:
    """Whether the sentence opens with "Er/Sie" and a reporting verb ("Er betonte, dass …")."""
    words = sentence.split(maxsplit=2)
    return len(words) >= 2 and words[0] in ("Er", "Sie") and reporting_verb(" ".join(words[:2])) is not None


@dataclass
class _Context:
    """What earlier sentences leave for later ones: the date, the last person, the last speaker."""

    date: tuple[str, TimePrecision, int] | None = None
    person: _Party | None = None
    speaker: tuple[Attribution, int] | None = None


def extract_events(analysis: Analysis) -> list[Event]:
    """Code every event the text of ``analysis`` reports, with its evidence sentence."""
    text = analysis.text
    language = (analysis.language or "de")[:2]
    if language not in TRIGGERS:
        language = "de"
    sentences = _sentence_spans(analysis)
    quotes = find_quotes(text)
    all_mentions = sorted(analysis.mentions, key=lambda m: m.start)
    datelines = [_dateline(text, start, end) for start, end in sentences]
    mentions = [m for m in all_mentions if not any(d and d[0] <= m.start < d[1] for d in datelines)]
    known = {(m.canonical_name or m.text).casefold(): m.entity_id for m in mentions if m.entity_id}
    place_counts = Counter((m.canonical_name or m.text) for m in all_mentions if _is_place(m))
    main_place = next(
        (
            m
            for name, _ in place_counts.most_common(1)
            for m in all_mentions
            if (m.canonical_name or m.text) == name
        ),
        None,
    )
    published = _publication_date(analysis.published)
    breaks = [match.start() for match in re.finditer(r"\n+", text)]
    paragraph_of = [bisect_right(breaks, s) for s, _ in sentences]
    events: list[Event] = []
    context = _Context()
    seen_lines: set[str] = set()
    for number, (start, end) in enumerate(sentences):
        tokens = _tokens(text, start, end, language)
        dated = _time_values(analysis.times, start, end)
        repeated = text[start:end] in seen_lines  # a headline printed twice is one report
        seen_lines.add(text[start:end])
        triggers = (
            _find_triggers(text, tokens, language) if _is_reporting(text, start, end) and not repeated else []
        )
        parties = _parties(text, start, end, mentions, tokens, known)
        attribution = attribute(text, (start, end), all_mentions, quotes, sentences, language)
        if triggers:
            if attribution.speaker is None:
                following = sentences[number + 1] if number + 1 < len(sentences) else None
                attribution = _cataphoric_speaker(text, following, mentions, language) or attribution
            if attribution.speaker is None and context.speaker and context.speaker[1] == paragraph_of[number]:
                if modality_of(text[start:end], 0, language=language) == "reported":
                    attribution = replace(
                        context.speaker[0], speaker_start=None, speaker_end=None, cue="carried"
                    )
            if (
                attribution.speaker is None
                and context.person is not None
                and _pronoun_speaks(text[start:end])
            ):
                person = context.person
                attribution = Attribution(person.name, person.entity_id, attribution.quote, "pronoun")
            counts = find_counts(text[start:end])
            for trigger, index in triggers:
                event = _build_event(
                    analysis, trigger, tokens[index], (start, end), tokens, parties, attribution, counts, dated,
                    context, number, paragraph_of, sentences, mentions, main_place, published,
                )  # fmt: skip
                events.append(event)
        if dated:
            context.date = (dated[0].value or "", dated[0].precision, paragraph_of[number])
        people = [p for p in parties if p.is_entity and not p.is_place]
        if people:
            context.person = people[0]
        if attribution.speaker:
            context.speaker = (attribution, paragraph_of[number])
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
    context: _Context,
    number: int,
    paragraph_of: Sequence[int],
    sentences: Sequence[tuple[int, int]],
    mentions: Sequence[Mention],
    main_place: Mention | None,
    published: tuple[str | None, TimePrecision],
) -> Event:
    text = analysis.text
    start, end = span
    sentence = text[start:end]
    event_type = trigger.event_type
    mode = _assault_mode(trigger, token, sentence) if event_type == "ASSAULT" else trigger.mode
    if (
        event_type == "REQUEST"
        and mode != "military aid"
        and any(s in sentence.lower() for s in _MILITARY_AID)
    ):
        mode = "military aid"  # "aufgefordert, Luftangriffe … zu fliegen"
    if event_type == "CONSULT" and mode == "meeting" and _paragraph_mentions(text, start, "telefon"):
        mode = "phone call"  # "hat sich … unterhalten" among the phone calls of the paragraph
    acled = acled_code(event_type, mode)
    confidence = 0.55 if not trigger.secondary else 0.35

    clause_start, _ = clause_around(sentence, token.start - start, quotes=False)
    counted = [
        (start + c.start, start + c.end) for c in counts if c.kind in ("killed", "injured", "arrested")
    ]
    reported_in = _reporting_clause(sentence, start, token.start)
    if reported_in is not None:  # "…, sagte ein Sprecher der Agentur AFP": the audience is no party
        speaker = (attribution.speaker_start, attribution.speaker_end)
        parties = [
            p
            for p in parties
            if not reported_in[0] <= p.start < reported_in[1]
            or (speaker[0] is not None and speaker[1] is not None and speaker[0] <= p.start < speaker[1])
        ]
    actor, target = _actor_and_target(text, span, parties, token, tokens, event_type, attribution, counted)
    if actor is None:
        before = [t for t in tokens if start + clause_start <= t.start < token.start]
        pronoun = next((t for t in before if t.lower in _PRONOUN_SUBJECTS), None)
        if pronoun is not None:
            earlier = [p for p in parties if p.label == "PER" and p.end <= pronoun.start]
            actor = earlier[-1] if earlier else context.person
    if actor is None and event_type in _VERBAL_TYPES and attribution.speaker:
        actor = _Party(0, 0, attribution.speaker, attribution.speaker_id, None, False)
    if actor is not None:
        confidence += 0.1

    place = _pick_place(mentions, span, text, token.start, actor, skip=reported_in, event_type=event_type)
    remote = event_type == "CONSULT"  # a call or talks happen where the text says, not where the story is
    if place is None and not remote:
        paragraph = paragraph_of[number]
        nearby = [s for i, s in enumerate(sentences) if paragraph_of[i] == paragraph and i != number]
        nearby.sort(key=lambda s: abs(s[0] - start))
        for other in nearby:
            place = _pick_place(
                mentions, other, text, token.start, None, locative_only=True,
                skip=_reporting_clause(text[other[0] : other[1]], other[0], None),
                event_type=event_type,
            )  # fmt: skip
            if place is not None:
                confidence -= 0.05
                break
    if place is None and main_place is not None and not remote:
        place = main_place
        confidence -= 0.1
    elif place is not None:
        confidence += 0.1

    date_value: str | None
    precision: TimePrecision
    if dated:
        chosen = min(dated, key=lambda t: (t.kind != "date", t.start))
        date_value, precision = chosen.value, chosen.precision
        confidence += 0.1
    elif context.date is not None and context.date[2] >= paragraph_of[number] - 1:
        date_value, precision, _ = context.date
    else:
        date_value, precision = published
        confidence -= 0.1

    amounts: dict[str, int] = {}
    count_group: str | None = None
    for count in counts:
        kind = "arrested" if count.kind == "people" and mode == "arrest" else count.kind
        if event_type in _COUNT_TYPES.get(kind, ()) and kind not in amounts:
            amounts[kind] = count.value
            count_group = count_group or count.group

    modality = modality_of(sentence, token.start - start, quoted=attribution.quote is not None)
    if modality == "denied" and event_type == "REJECT":
        modality = "asserted"  # "weist den Vorwurf zurück": the denial is the event itself, not its modality
    if modality == "asserted" and attribution.speaker and attribution.cue in _INDIRECT_CUES:
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
        killed=amounts.get("killed"),
        injured=amounts.get("injured"),
        arrested=amounts.get("arrested"),
        troops=amounts.get("troops"),
        modality=modality,
        attributed_to=attribution.speaker,
        quote=attribution.quote,
        confidence=round(max(0.05, min(0.95, confidence)), 2),
        trigger=token.text,
        weapon=_weapon(sentence) if event_type in _WEAPON_TYPES and mode != "alert" else None,
        actor_role=actor.role if actor else None,
        target_role=target.role if target else None,
        count_group=count_group,
        date_end=_date_end(date_value, analysis.times, start, end),
    )
