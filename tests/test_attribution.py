"""Modality and speaker attribution of event sentences."""

from __future__ import annotations

import pytest

from lagebild.events.attribution import attribute, find_quotes, find_speaker, modality_of
from lagebild.models import Mention


def person(text: str, surface: str, canonical: str | None = None, label: str = "PER") -> Mention:
    start = text.index(surface)
    return Mention(
        start, start + len(surface), surface, label, canonical_name=canonical or surface, entity_id="Q1"
    )


@pytest.mark.parametrize(
    ("sentence", "trigger", "expected"),
    [
        ("Russische Truppen griffen die Stadt an.", "griffen", "asserted"),
        ("Nach Angaben der Behörden wurden drei Menschen getötet.", "getötet", "reported"),
        ("Laut Putin wurde die Rakete abgefeuert.", "abgefeuert", "reported"),
        ("Es gibt Gerüchte, dass es zu Festnahmen gekommen sei.", "Festnahmen", "reported"),
        ("Das Ministerium dementierte, dass Truppen entsandt worden seien.", "entsandt", "denied"),
        ("Der Präsident bestritt jede Beteiligung an dem Angriff.", "Angriff", "denied"),
        ("Die Regierung will am Montag eine Ausgangssperre verhängen.", "Ausgangssperre", "planned"),
        ("Der Abzug wird zehn Tage andauern.", "Abzug", "planned"),
        ("Putin versprach, dass Russland weitere Angriffe ankündigen werde.", "Angriffe", "planned"),
        ("Falls die Lage eskaliert, könnte die Armee eingreifen.", "Armee", "hypothetical"),
        ("Der Rückzug hat heute begonnen und wird zehn Tage andauern.", "Rückzug", "asserted"),
        ("Erdoğan führte ein Telefonat mit Tokajew und sagte, er sei solidarisch.", "Telefonat", "asserted"),
    ],
)
def test_modality(sentence: str, trigger: str, expected: str) -> None:
    assert modality_of(sentence, sentence.index(trigger)) == expected


def test_quoted_sentences_are_reported() -> None:
    assert modality_of("Die Tests waren erfolgreich.", 4, quoted=True) == "reported"


@pytest.mark.parametrize(
    ("sentence", "name", "expected"),
    [
        ("Putin habe telefoniert, teilte Peskow bei einer Pressekonferenz mit.", "Peskow", "Peskow"),
        (
            "Präsident Wladimir Putin erklärte später, dass der Test gelang.",
            "Wladimir Putin",
            "Wladimir Putin",
        ),
        (
            "Der Präsident sprach nach Angaben seines Sprechers Dmitri Peskow mit Tokajew.",
            "Dmitri Peskow",
            "Dmitri Peskow",
        ),
        ("Laut Putin wurde die Rakete abgefeuert.", "Putin", "Putin"),
        (
            "Das verkündete der stellvertretende Verteidigungsminister Sultan Kamaletdinow am Donnerstag.",
            "Sultan Kamaletdinow",
            "Sultan Kamaletdinow",
        ),
    ],
)
def test_named_speakers(sentence: str, name: str, expected: str) -> None:
    speaker = find_speaker(sentence, (0, len(sentence)), [person(sentence, name)])
    assert speaker is not None and speaker.name == expected
    assert sentence[speaker.start : speaker.end].endswith(name)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Das kasachische Innenministerium teilte der Presse mit, dass 18 Polizisten starben.",
            "kasachische Innenministerium",
        ),
        ("TASS und Reuters berichteten, dass Schüsse zu hören waren.", "TASS und Reuters"),
        ("Das Verteidigungsministerium dementierte solche Pläne.", "Verteidigungsministerium"),
    ],
)
def test_unlinked_speakers_keep_their_words(sentence: str, expected: str) -> None:
    speaker = find_speaker(sentence, (0, len(sentence)), [])
    assert speaker is not None and speaker.name == expected


def test_no_speaker_for_plain_or_passive_reports() -> None:
    for sentence in (
        "Russische Truppen griffen die Stadt an.",
        "Todesopfer wurden unter den Demonstranten gemeldet.",
    ):
        assert find_speaker(sentence, (0, len(sentence)), []) is None


def test_speech_quotes_but_not_quoted_names() -> None:
    text = "Das System „Haselnuss“ sei im Einsatz. „Die Tests waren erfolgreich“, betonte Putin. Der Kampf um „die Überwindung der Bedrohung“ geht weiter."
    quotes = [text[s:e] for s, e in find_quotes(text)]
    assert quotes == ["Die Tests waren erfolgreich"]


def test_quote_speaker_from_an_introducing_line() -> None:
    lines = [
        "Generalleutnant Sultan Kamaletdinow sprach am Donnerstag.",
        "Er betonte vor Journalisten:",
        '"Wir unterstützen keine der beiden Seiten."',
    ]
    text = "\n".join(lines)
    sentences = []
    for line in lines:
        start = text.index(line)
        sentences.append((start, start + len(line)))
    result = attribute(
        text, sentences[2], [person(text, "Sultan Kamaletdinow")], find_quotes(text), sentences
    )
    assert result.speaker == "Sultan Kamaletdinow"
    assert result.quote == "Wir unterstützen keine der beiden Seiten."
