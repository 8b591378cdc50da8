"""Casualty, arrest and troop counts with the group they count."""

from __future__ import annotations

import pytest

from lagebild.events.counts import Count, find_counts


def kinds(text: str) -> list[tuple[str, int, str | None, bool]]:
    return [(c.kind, c.value, c.group, c.approximate) for c in find_counts(text)]


def test_killed_and_injured_share_the_group() -> None:
    text = "dass bei Zusammenstößen im Land 18 Sicherheitskräfte getötet und 748 verletzt worden seien."
    assert kinds(text) == [
        ("killed", 18, "Sicherheitskräfte", False),
        ("injured", 748, "Sicherheitskräfte", False),
    ]


def test_troops_with_thousands_separator_and_lower_bound() -> None:
    assert kinds("Über 3.000 Friedenstruppen wurden nach Kasachstan entsandt.") == [
        ("troops", 3000, "Friedenstruppen", True)
    ]
    assert kinds("die Entsendung von 103 Einheiten angekündigt") == [("troops", 103, "Einheiten", False)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("zu Tausenden Festnahmen gekommen", [("arrested", 2000, None, True)]),
        ("Dutzende Tote", [("killed", 24, None, True)]),
        (
            "mindestens zwölf Menschen getötet und 30 verletzt",
            [("killed", 12, "Menschen", True), ("injured", 30, "Menschen", False)],
        ),
        ("Bei dem Angriff gab es fünf Tote.", [("killed", 5, None, False)]),
        ("Die Polizei nahm 45 Demonstranten fest.", [("people", 45, "Demonstranten", False)]),
        ("1,5 Millionen Soldaten", [("troops", 1_500_000, "Soldaten", False)]),
        ("at least 7 people were killed", [("killed", 7, "people", True)]),
    ],
)
def test_count_phrases(text: str, expected: list[tuple[str, int, str | None, bool]]) -> None:
    assert kinds(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Am 21. November griff Russland an.",
        "mit 100 % der Stimmen",
        "am 13. Januar 2022 um 14 Uhr",
        "seit 30 Jahren",
        "Eine Spezialeinheitsbrigade der Luftwaffe wurde verlegt.",
    ],
)
def test_dates_percentages_times_and_articles_are_not_counts(text: str) -> None:
    assert find_counts(text) == []


def test_offsets_point_at_the_quantity() -> None:
    text = "Es wurden 12 Soldaten verletzt."
    (count,) = find_counts(text)
    assert isinstance(count, Count)
    assert text[count.start : count.end] == "12 Soldaten"
    assert count.kind == "injured"
