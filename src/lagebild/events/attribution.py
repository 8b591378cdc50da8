"""Modality (asserted, reported, denied, planned, hypothetical) and speaker attribution.

The speaker is who the text says the information comes from: the subject of a reporting
verb ("teilte Peskow mit", "Putin erklärte", "Das kasachische Innenministerium teilte der
Presse mit"), the noun phrase after "nach Angaben", "laut", "so", "zufolge", or the
speaker introduced around a direct quotation („…“, schrieb Uali).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import simplemma

from lagebild.models import Mention, Modality

_TOKEN = re.compile(r"\w+(?:[-’']\w+)*")
_QUOTE_PAIRS = (("„", "“"), ("“", "”"), ("»", "«"), ('"', '"'), ("«", "»"))
_CLAUSE_BREAK = re.compile(r"[,;:–„“”\"»«()]|\s-\s")
_PHRASE_BREAK = re.compile(r"[,;:–()]|\s-\s")

#: Reporting verbs (lemma) and the detached particle a German separable verb needs.
REPORTING_VERBS: dict[str, str | tuple[str, ...] | None] = {
    "mitteilen": None,
    "teilen": "mit",
    "erklären": None,
    "sagen": None,
    "betonen": None,
    "berichten": None,
    "schreiben": None,
    "verkünden": None,
    "melden": None,
    "erläutern": None,
    "hinzufügen": None,
    "fügen": "hinzu",
    "behaupten": None,
    "bestätigen": None,
    "ankündigen": None,
    "kündigen": "an",
    "äußern": None,
    "versprechen": None,
    "dementieren": None,
    "bestreiten": None,
    "hinweisen": None,
    "weisen": ("hin", "zurück"),
    "zitieren": None,
    "say": None,
    "tell": None,
    "report": None,
    "state": None,
    "announce": None,
    "claim": None,
    "deny": None,
}
_SOURCE_CUES = re.compile(
    r"\b(?:[Nn]ach (?:Angaben|Informationen|Berichten|Darstellung)|[Ll]aut|[Ss]o|[Aa]ccording to)\s+"
)
_ZUFOLGE = re.compile(r"\bzufolge\b")
_COMPOUND_SOURCE = re.compile(r"\b[Nn]ach ([A-ZÄÖÜ][\w]+)-(?:Angaben|Informationen|Berichten|Darstellung)\b")
#: "den Angaben zufolge": the source was named before; the phrase itself names nobody.
_AUXILIARIES = frozenset(
    {
        "haben",
        "hatten",
        "hätten",
        "sind",
        "seien",
        "waren",
        "wären",
        "werden",
        "wurden",
        "würden",
        "sollen",
        "sollten",
    }
)
_ANAPHORIC_SOURCES = frozenset({"angaben", "berichten", "informationen", "darstellung", "aussagen"})
_DENIAL = frozenset({"dementieren", "bestreiten", "leugnen", "deny", "zurückweisen", "dementi"})
_HYPOTHETICAL = frozenset(
    {
        "könnte",
        "könnten",
        "würde",
        "würden",
        "falls",
        "falle",
        "wenn",
        "sollte",
        "sollten",
        "could",
        "would",
        "if",
    }
)
_PLANNED = frozenset(
    {
        "versprechen",
        "beschließen",
        "planen",
        "ankündigen",
        "wollen",
        "soll",
        "sollen",
        "vorhaben",
        "will",
        "plan",
        "pledge",
        "promise",
    }
)
_FUTURE_AUX = frozenset({"wird", "werden", "werde"})
_PERFECT_AUX = frozenset(
    {"hat", "haben", "hatte", "hatten", "ist", "sind", "war", "waren", "wurde", "wurden"}
)
_SUBJUNCTIVE_I = frozenset({"habe", "sei", "seien", "werde", "könne", "müsse", "solle", "wolle", "gebe"})
_HEARSAY = frozenset({"angeblich", "mutmaßlich", "reportedly", "allegedly"})
_RUMOUR = frozenset({"gerücht", "heißen", "rumour"})
_PASSIVE_AUX = frozenset({"wurde", "wurden", "worden", "werden", "wird"})
_ARTICLES = frozenset(
    {
        "der",
        "die",
        "das",
        "den",
        "dem",
        "des",
        "ein",
        "eine",
        "einer",
        "eines",
        "seines",
        "seiner",
        "ihres",
        "ihrer",
    }
)
_PRONOUNS = frozenset({"er", "sie", "es", "he", "she", "they"})
_FRONT_ADVERBIALS = frozenset(
    {
        "am",
        "im",
        "in",
        "gleichzeitig",
        "zudem",
        "später",
        "dann",
        "heute",
        "gestern",
        "darüber",
        "außerdem",
        "bereits",
        "auch",
        "nun",
        "daraufhin",
        "jedoch",
        "inzwischen",
        "zuvor",
        "danach",
        "seit",
        "vor",
        "bei",
        "unter",
        "so",
        "dabei",
        "damals",
        "einerseits",
        "andererseits",
    }
)


@dataclass(frozen=True)
class Speaker:
    """A source named in the text, with the span of the words that name it."""

    name: str
    entity_id: str | None
    start: int
    end: int
    via: str = "verb"  # "verb" (teilte X mit) or "source" (nach Angaben X, laut X)


@dataclass(frozen=True)
class Attribution:
    """Who a statement is attributed to, and the quotation it comes with."""

    speaker: str | None = None
    speaker_id: str | None = None
    quote: str | None = None
    cue: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None

    @classmethod
    def of(cls, speaker: Speaker | None, quote: str | None = None, cue: str | None = None) -> Attribution:
        if speaker is None:
            return cls(quote=quote, cue=cue)
        return cls(speaker.name, speaker.entity_id, quote, cue or speaker.via, speaker.start, speaker.end)


def lemma(word: str, language: str = "de") -> str:
    """Lower-case lemma of one word."""
    return simplemma.lemmatize(word, lang=language).lower()


def find_quotes(text: str, min_words: int = 4) -> list[tuple[int, int]]:
    """Spans (inside the marks) of direct quotations of at least ``min_words`` words."""
    spans: list[tuple[int, int]] = []
    for opening, closing in _QUOTE_PAIRS:
        position = 0
        while (start := text.find(opening, position)) != -1:
            end = text.find(closing, start + 1)
            if end == -1:
                break
            inner = text[start + 1 : end]
            if len(inner.split()) >= min_words and not any(s <= start < e for s, e in spans):
                if _is_speech(text, start, end, inner):
                    spans.append((start + 1, end))
            position = end + 1
    return sorted(spans)


def _is_speech(text: str, opening: int, closing: int, inner: str) -> bool:
    """A quotation of speech, not a quoted name or phrase: long, a full sentence, or framed by a verb."""
    if len(inner.split()) >= 8 or inner.rstrip().endswith((".", "!", "?")):
        return True
    if text[max(0, opening - 3) : opening].rstrip().endswith(":"):
        return True
    return bool(re.match(r"[“”\"»«]?\s*,\s*[a-zäöü]", text[closing + 1 : closing + 6]))


def clause_around(text: str, position: int, *, lists: bool = False, quotes: bool = True) -> tuple[int, int]:
    """The clause (between commas, colons, dashes and quote marks) that holds ``position``.

    With ``lists``, a clause that continues an enumeration ("TASS, Reuters und Zeugen
    berichteten", "Putin, Lukaschenko und Paschinjan beschlossen") reaches back to its
    first item.
    """
    breaks = _CLAUSE_BREAK if quotes else _PHRASE_BREAK
    start = 0
    for match in breaks.finditer(text, 0, position):
        start = match.end()
    following = breaks.search(text, position)
    end = following.start() if following else len(text)
    return (_list_start(text, start) if lists else start), end


_LIST_WORDS = frozenset({"und", "sowie", "oder", "and", "or"})


def _list_start(text: str, start: int) -> int:
    """Move a clause start back over the comma-separated items of a list that ends in it."""
    while start > 0 and text[start - 1] == ",":
        words = text[start:].split()
        first = words[0] if words else ""
        if not (first[:1].isupper() or first.lower() in _LIST_WORDS or first.lower() in _ARTICLES):
            break
        previous = 0
        for match in _CLAUSE_BREAK.finditer(text, 0, start - 1):
            previous = match.end()
        segment = text[previous : start - 1]
        items = segment.split()
        if 1 <= len(items) <= 3 and all(
            w[:1].isupper() or w.lower() in _ARTICLES | _LIST_WORDS for w in items
        ):
            start = previous
            if previous == 0 or text[previous - 1] != ",":
                break
            continue
        tail = re.search(r"(?:[A-ZÄÖÜ][\w’'-]*\s*)+$", segment)
        if tail:
            start = previous + tail.start()
        break
    return start


def modality_of(sentence: str, trigger_at: int, *, quoted: bool = False, language: str = "de") -> Modality:
    """The modality of the event whose trigger sits at ``trigger_at`` in ``sentence``."""
    words = [w.lower() for w in _TOKEN.findall(sentence)]
    lemmas = {lemma(w, language) for w in words}
    clause_start, clause_end = clause_around(sentence, trigger_at)
    clause_words = {w.lower() for w in _TOKEN.findall(sentence[clause_start:clause_end])}
    clause_lemmas = {lemma(w, language) for w in clause_words}
    if lemmas & _DENIAL or ("weisen" in lemmas and "zurück" in words):
        return "denied"  # dementierte, bestritt, wies … zurück
    if clause_words & _HYPOTHETICAL:
        return "hypothetical"
    before_trigger = _TOKEN.findall(sentence[:trigger_at])
    adjunct = bool(before_trigger) and before_trigger[-1].lower() in ("bei", "während", "nach")
    future = (
        not adjunct
        and bool(clause_words & _FUTURE_AUX)
        and not clause_words & _PERFECT_AUX
        and not (clause_words & {"worden", "wurde", "wurden"})
    )
    planned_words = (lemmas | {"bereit"} & set(words)) & _PLANNED
    planned_here = clause_lemmas & _PLANNED or _governs(sentence, clause_start)
    if future or (planned_words and planned_here and not adjunct):
        return "planned"
    if quoted or clause_words & _SUBJUNCTIVE_I or clause_lemmas & _HEARSAY or lemmas & _RUMOUR:
        return "reported"
    if _SOURCE_CUES.search(sentence) or _ZUFOLGE.search(sentence):
        return "reported"
    verb = reporting_verb(sentence, language)
    if verb is not None and not (verb.start() > trigger_at and _coordinated(sentence, verb.start())):
        return "reported"
    return "asserted"


def _coordinated(sentence: str, position: int) -> bool:
    """Whether the word before ``position`` is "und": "führte ein Telefonat und sagte"."""
    before = _TOKEN.findall(sentence[:position])
    return bool(before) and before[-1].lower() in ("und", "and")


def _governs(sentence: str, clause_start: int) -> bool:
    """Whether a planning verb governs the clause from just before it ("versprach, dass")."""
    before = sentence[max(0, clause_start - 40) : clause_start]
    return any(lemma(w) in _PLANNED for w in _TOKEN.findall(before)[-3:])


def reporting_verb(sentence: str, language: str = "de") -> re.Match[str] | None:
    """The first reporting verb of ``sentence`` (with its detached particle where it needs one)."""
    tokens = list(_TOKEN.finditer(sentence))
    lowered = [t.group().lower() for t in tokens]
    for index, token in enumerate(tokens):
        word = token.group()
        if word[0].isupper() and index > 0:
            continue  # nouns are not verbs
        verb_lemma = lemma(word, language)
        if verb_lemma not in REPORTING_VERBS:
            continue
        particle = REPORTING_VERBS[verb_lemma]
        particles = (particle,) if isinstance(particle, str) else particle or ()
        if not particles or any(p in lowered[index + 1 :] for p in particles):
            return token
    return None


def _noun_phrase(text: str, start: int, limit: int | None = None) -> tuple[int, int] | None:
    """The noun phrase that begins at ``start``: articles, adjectives, capitalised words, genitives."""
    end = last = start
    seen_noun = False
    modifier_allowed = True  # adjectives may follow an article or another adjective
    for token in _TOKEN.finditer(text, start, limit if limit is not None else len(text)):
        if seen_noun and text[last : token.start()].strip() not in ("", "-"):
            break
        word = token.group()
        lowered = word.lower()
        last = token.end()
        if lowered in _ARTICLES:
            modifier_allowed = True
        elif word[0].isupper():
            seen_noun, modifier_allowed = True, False
            end = token.end()
        elif not (modifier_allowed and lowered.endswith(("e", "en", "er", "es"))):
            break
    return (start, end) if seen_noun else None


def _noun_phrase_before(text: str, floor: int, end: int) -> tuple[int, int] | None:
    """The noun phrase that ends right before ``end`` ("… sind örtlichen Medienberichten zufolge")."""
    tokens = list(_TOKEN.finditer(text, floor, end))
    start = None
    for token in reversed(tokens):
        word = token.group()
        lowered = word.lower()
        if lowered in _ARTICLES or word[0].isupper():
            start = token.start()
            continue
        if start is not None and lowered not in _AUXILIARIES and lowered.endswith(("e", "en", "er", "es")):
            start = token.start()  # an adjective before the noun
            continue
        break
    if start is None:
        return None
    while start < end and text[start : start + 1].isspace():
        start += 1
    return _noun_phrase(text, start, end)


def _is_noun_list(words: Sequence[str]) -> bool:
    """Whether words form a list of noun phrases ("TASS, Reuters und verschiedene örtliche Zeugen")."""
    for word in words:
        bare = word.strip(",")
        lowered = bare.lower()
        if (
            not bare
            or bare[0].isupper()
            or lowered in _ARTICLES
            or lowered in ("und", "sowie", "oder", "and")
        ):
            continue
        if not lowered.endswith(("e", "en", "er", "es")):
            return False
    return len(words) <= 8


def _speaker_from_span(text: str, span: tuple[int, int], mentions: Sequence[Mention]) -> Speaker | None:
    """Speaker of the noun phrase at ``span``: its final name, else its words without article."""
    start, end = span
    inside = [m for m in mentions if m.start >= start and m.end <= end and m.label in ("PER", "ORG", "LOC")]
    words = text[start:end].split()
    while words and (words[0].lower() in _ARTICLES or words[0].lower() in ("wie", "as")):
        words.pop(0)  # "Wie die Organisation mitteilte": the organisation
    phrase = " ".join(words)
    if inside and inside[-1].end >= end - 1:
        last = inside[-1]
        if last.label == "PER" or last.start == start or len(words) <= 2:
            return Speaker(last.canonical_name or last.text, last.entity_id, start, end)
    apposition = re.match(r"\s*,\s*", text[end:])
    if apposition:
        after = end + apposition.end()
        names = [m for m in mentions if m.start == after and m.label == "PER"]
        if names:
            return Speaker(names[0].canonical_name or names[0].text, names[0].entity_id, start, names[0].end)
    if not phrase or phrase.lower() in _PRONOUNS:
        return None
    return Speaker(phrase, None, start, end)


def find_speaker(
    text: str, span: tuple[int, int], mentions: Sequence[Mention], language: str = "de"
) -> Speaker | None:
    """Who ``text[span]`` attributes its content to, ``None`` when nobody is named."""
    start, end = span
    sentence = text[start:end]
    compound = _COMPOUND_SOURCE.search(sentence)
    if compound:  # "nach Pentagon-Angaben"
        first = start + compound.start(1)
        named = [m for m in mentions if m.start == first and m.end == start + compound.end(1)]
        if named:
            return Speaker(
                named[0].canonical_name or named[0].text,
                named[0].entity_id,
                first,
                named[0].end,
                via="source",
            )
        return Speaker(compound.group(1), None, first, start + compound.end(1), via="source")
    cue = _SOURCE_CUES.search(sentence)
    if cue:
        phrase = _noun_phrase(text, start + cue.end(), end)
        found = _speaker_from_span(text, phrase, mentions) if phrase else None
        if found:
            return replace(found, via="source")
    zufolge = _ZUFOLGE.search(sentence)
    if zufolge:
        clause_start, _ = clause_around(sentence, zufolge.start())
        phrase = _noun_phrase_before(text, start + clause_start, start + zufolge.start())
        found = _speaker_from_span(text, phrase, mentions) if phrase else None
        if found and found.name.split()[-1].lower() not in _ANAPHORIC_SOURCES:
            return replace(found, via="source")
    verb = reporting_verb(sentence, language)
    if verb is None:
        return None
    clause_start, clause_end = clause_around(sentence, verb.start(), lists=True)
    clause_words = {w.lower() for w in _TOKEN.findall(sentence[clause_start:clause_end])}
    if verb.group().lower().startswith("ge") and clause_words & _PASSIVE_AUX:
        return None  # "Todesopfer wurden gemeldet": no one is named
    before = sentence[clause_start : verb.start()].strip()
    before_words = before.split()
    offset = start + clause_start + (sentence[clause_start:].index(before) if before else 0)
    named = [m for m in mentions if offset <= m.start < offset + len(before) and m.label == "PER"]
    if named and not _is_noun_list(before_words):
        # "Einerseits führte Präsident Erdoğan ein Telefonat … und sagte": the person speaks
        first = named[0]
        return Speaker(first.canonical_name or first.text, first.entity_id, first.start, first.end)
    front_adverbial = bool(before_words) and (
        before_words[0].lower() in _FRONT_ADVERBIALS
        or (len(before_words) == 1 and before_words[0].lower() in ("das", "dies", "dieses"))
    )
    if before_words and not front_adverbial:
        whole = (offset, offset + len(before))
        phrase = (
            whole
            if _is_noun_list(before_words)
            else _noun_phrase(text, offset, offset + len(before)) or whole
        )
        if len(text[phrase[0] : phrase[1]].split()) <= 8:
            return _speaker_from_span(text, phrase, mentions)
        return None
    after = start + verb.end()
    skip = re.match(r"\s+(?:später|heute|gestern|auch|erneut|zudem|weiter)\b", text[after:end])
    if skip:
        after += skip.end()
    if not re.match(r"\s+\w", text[after:end]):
        return None  # "sagte, er …": the subject is not after the verb
    phrase = _noun_phrase(text, after + len(text[after:end]) - len(text[after:end].lstrip()), end)
    if phrase:
        return _speaker_from_span(text, phrase, mentions)
    return None


def attribute(
    text: str,
    sentence: tuple[int, int],
    mentions: Sequence[Mention],
    quotes: Sequence[tuple[int, int]],
    sentences: Sequence[tuple[int, int]],
    language: str = "de",
) -> Attribution:
    """Speaker and quotation for the sentence at ``sentence`` (a span into ``text``)."""
    start, end = sentence
    quote = next(((qs, qe) for qs, qe in quotes if qs < end and qe > start), None)
    if quote is None:
        return Attribution.of(find_speaker(text, sentence, mentions, language))
    quote_text = text[max(quote[0], start) : min(quote[1], end)].strip(' „“"”»«')
    # the speaker stands after the closing mark (", schrieb Uali") or before the opening one
    for span, introduces in _speaker_contexts(text, quote, sentences):
        found = find_speaker(text, span, mentions, language)
        if found is None and introduces:
            # "Er betonte vor Journalisten:": the name in the line, else the last person named before it
            names = [
                m for m in mentions if span[0] <= m.start and m.end <= span[1] and m.label in ("PER", "ORG")
            ]
            names = names or [m for m in mentions if span[0] - 400 <= m.start < span[0] and m.label == "PER"]
            found = (
                Speaker(
                    names[-1].canonical_name or names[-1].text,
                    names[-1].entity_id,
                    names[-1].start,
                    names[-1].end,
                )
                if names
                else None
            )
        if found:
            return Attribution.of(found, quote_text, "quote")
    return Attribution(quote=quote_text, cue="quote")


def _speaker_contexts(
    text: str, quote: tuple[int, int], sentences: Sequence[tuple[int, int]]
) -> list[tuple[tuple[int, int], bool]]:
    """Spans that may name the speaker of ``quote``; the flag marks an introducing "X sagte:" line."""
    contexts: list[tuple[tuple[int, int], bool]] = []
    for s_start, s_end in sentences:
        if s_start <= quote[1] < s_end and text[quote[1] + 1 : s_end].strip(" .,"):
            contexts.append(((quote[1] + 1, s_end), False))
        if s_start < quote[0] <= s_end and text[s_start : quote[0] - 1].strip():
            contexts.append(((s_start, quote[0] - 1), False))
    preceding = [s for s in sentences if s[1] <= quote[0]]
    if preceding:
        last = preceding[-1]
        if text[last[0] : last[1]].rstrip().endswith(":"):
            contexts.append((last, True))
    return contexts
