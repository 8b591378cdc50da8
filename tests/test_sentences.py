"""Sentence splitting of German news text."""

from __future__ import annotations

import pytest

from lagebild.nlp.sentences import split_sentences


def sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in split_sentences(text)]


@pytest.mark.parametrize(
    "text",
    [
        "Die Proteste begannen am 2. Januar in Schangaösen.",
        "Am 13. Januar 2022 sprach Dr. Müller vor der Presse.",
        "Es gibt z. B. Waffen, Fahrzeuge usw. in großer Zahl.",
        "Einheiten der 31a. Brigade wurden verlegt.",
        "Prof. Dr. Anna Schmidt und George W. Bush trafen sich.",
        "Der Vertrag gilt seit dem 1. Mai und wurde ca. zehnmal geändert.",
        "Nach Art. 5 Abs. 2 gilt das nicht.",
        "Seit dem 2. Weltkrieg ist das so.",
    ],
)
def test_does_not_split_inside_a_sentence(text: str) -> None:
    assert sentences(text) == [text]


def test_splits_at_full_stop_before_capital() -> None:
    text = "Tokajew bat die OVKS um Hilfe. Russland schickte Truppen. Sind sie schon da? Ja!"
    assert sentences(text) == [
        "Tokajew bat die OVKS um Hilfe.",
        "Russland schickte Truppen.",
        "Sind sie schon da?",
        "Ja!",
    ]


def test_splits_after_closing_quote_and_keeps_it() -> None:
    text = "Er sagte: „Die Lage ist ruhig.“ Danach reiste er ab."
    assert sentences(text) == ["Er sagte: „Die Lage ist ruhig.“", "Danach reiste er ab."]


def test_splits_at_line_breaks_and_skips_blank_lines() -> None:
    text = "Unruhen in Kasachstan\n\nDie Proteste hatten Anfang Januar begonnen.\nNewsticker\n"
    assert sentences(text) == [
        "Unruhen in Kasachstan",
        "Die Proteste hatten Anfang Januar begonnen.",
        "Newsticker",
    ]


def test_year_at_sentence_end_splits_but_date_does_not() -> None:
    text = "Das geschah im Jahr 2022. Danach kam es am 6. Januar zu Protesten."
    assert sentences(text) == ["Das geschah im Jahr 2022.", "Danach kam es am 6. Januar zu Protesten."]


def test_country_abbreviation_at_sentence_end_splits() -> None:
    assert sentences("Er flog in die USA. Dort traf er Blinken.") == [
        "Er flog in die USA.",
        "Dort traf er Blinken.",
    ]


def test_spans_are_offsets_into_the_text() -> None:
    text = "  Erster Satz. Zweiter Satz.  \n"
    spans = split_sentences(text)
    assert spans == [(2, 14), (15, 28)]
    assert all(not text[start].isspace() and not text[end - 1].isspace() for start, end in spans)


def test_empty_and_whitespace_text() -> None:
    assert split_sentences("") == []
    assert split_sentences(" \n\n ") == []
