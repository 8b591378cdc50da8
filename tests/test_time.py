"""Tests for lagebild.nlp.time (temporal expressions) and its benchmark scorer."""

from __future__ import annotations

import importlib.util
import json
import random
import sys
from pathlib import Path
from types import ModuleType

import pytest

from lagebild.models import TimeExpression
from lagebild.nlp.time import Anchor, find_times

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "gold" / "time" / "sample.jsonl"


def _values(text: str, dct: str | None, **kwargs: str) -> list[tuple[str, str | None]]:
    return [(e.text, e.value) for e in find_times(text, dct=dct, **kwargs)]


def _only(text: str, dct: str | None) -> TimeExpression:
    found = find_times(text, dct=dct)
    assert len(found) == 1, found
    return found[0]


# (text, dct, expected [(span text, value)])
CASES: list[tuple[str, str | None, list[tuple[str, str | None]]]] = [
    # absolute dates
    ("Die Sitzung fand am 13. Januar 2022 statt.", "2023-05-01", [("13. Januar 2022", "2022-01-13")]),
    (
        "Meldung vom 07.01.2022 und vom 6.1.22.",
        None,
        [("07.01.2022", "2022-01-07"), ("6.1.22", "2022-01-06")],
    ),
    ("Berlin, 06/01/22 – Proteste", None, [("06/01/22", "2022-01-06")]),
    ("It happened on 13 January 2022.", None, [("13 January 2022", "2022-01-13")]),
    ("It happened on January 13, 2022.", None, [("January 13, 2022", "2022-01-13")]),
    ("Die Wahl ist am 2022-09-18.", None, [("2022-09-18", "2022-09-18")]),
    ("Im März 2022 begann die Offensive.", None, [("März 2022", "2022-03")]),
    ("Die Annexion erfolgte im Jahr 2014.", None, [("2014", "2014")]),
    ("Er regiert seit 2014, 2022 Soldaten wurden verlegt.", "2022-05-01", [("seit 2014", "2014")]),
    ("Die 1990er Jahre waren ruhig.", None, [("1990er Jahre", "199")]),
    ("Tokajew ist seit März 2019 Präsident.", "2022-01-07", [("seit März 2019", "2019-03")]),
    ("Unruhen. 1991 erklärte es seine Unabhängigkeit.", None, [("1991", "1991")]),
    # dates without year
    ("Am 21. November griff die Armee an.", None, [("21. November", "XXXX-11-21")]),
    ("Am 21. November griff die Armee an.", "2024-11-22", [("21. November", "2024-11-21")]),
    ("Am 21. Dezember hatte er es angekündigt.", "2022-01-07", [("21. Dezember", "2021-12-21")]),
    (
        "Am 12. Juli 2024 begann das Treffen, am 14. Juli endete es.",
        None,
        [("12. Juli 2024", "2024-07-12"), ("14. Juli", "2024-07-14")],
    ),
    (
        "bereits heute, am 13. Januar dieses Jahres, begonnen",
        "2022-01-13",
        [("heute", "2022-01-13"), ("13. Januar dieses Jahres", "2022-01-13")],
    ),
    ("am 3. März letzten Jahres", "2022-01-13", [("3. März letzten Jahres", "2021-03-03")]),
    ("am 3. März vergangenen Jahres", "2022-01-13", [("3. März vergangenen Jahres", "2021-03-03")]),
    ("on 3 March next year", "2022-01-13", [("3 March next year", "2023-03-03")]),
    (
        "Angriffe am 19. und 21. November",
        "2024-11-22",
        [("19.", "2024-11-19"), ("21. November", "2024-11-21")],
    ),
    # weekdays
    ("Am Mittwoch wurde der Ausnahmezustand verhängt.", "2022-01-07", [("Mittwoch", "2022-01-05")]),
    ("Das sagte er am Freitag.", "2022-01-07", [("Freitag", "2022-01-07")]),
    (
        "Putin telefonierte am Donnerstag und Freitag.",
        "2022-01-07",
        [("Donnerstag", "2022-01-06"), ("Freitag", "2022-01-07")],
    ),
    ("Die Konferenz wird am Freitag beginnen.", "2023-05-10", [("Freitag", "2023-05-12")]),
    ("Er reist nächsten Montag ab.", "2023-05-08", [("nächsten Montag", "2023-05-15")]),
    ("Er kam letzten Montag an.", "2023-05-08", [("letzten Montag", "2023-05-01")]),
    ("Schüsse am Donnerstag, dem 6. Januar.", "2022-01-06", [("Donnerstag, dem 6. Januar", "2022-01-06")]),
    ("Officials met on Thursday.", "2023-01-20", [("Thursday", "2023-01-19")]),
    ("Am Donnerstag kam es zu Protesten.", None, [("Donnerstag", "XXXX-WXX-4")]),
    # relative days, weeks, months, years
    (
        "Gestern und vorgestern regnete es, morgen soll es sonnig werden.",
        "2023-05-10",
        [("Gestern", "2023-05-09"), ("vorgestern", "2023-05-08"), ("morgen", "2023-05-11")],
    ),
    ("Am Morgen war es kalt.", "2023-05-10", []),
    ("Heute tagt der Rat.", None, [("Heute", None)]),
    ("Morgen tritt das Gesetz in Kraft.", "2020-12-31", [("Morgen", "2021-01-01")]),
    ("Vergangene Woche wurden Truppen entsandt.", "2022-03-03", [("Vergangene Woche", "2022-W08")]),
    ("Das war letzte Woche.", "2023-05-10", [("letzte Woche", "2023-W18")]),
    ("Anfang der Woche äußerte er sich.", "2023-05-10", [("Anfang der Woche", "2023-W19")]),
    ("Im vergangenen Jahr gab es Beben.", "2023-02-10", [("vergangenen Jahr", "2022")]),
    ("Letztes Jahr war alles anders.", "2023-02-10", [("Letztes Jahr", "2022")]),
    ("Das geschah vor drei Tagen.", "2023-05-10", [("vor drei Tagen", "2023-05-07")]),
    ("Er war vor knapp zwei Jahren dort.", "2024-05-02", [("vor knapp zwei Jahren", "2022")]),
    ("Am Wochenende gab es Demonstrationen.", "2021-11-29", [("Wochenende", "2021-W47-WE")]),
    ("Die Wahl ist in zwei Wochen.", "2023-05-10", [("in zwei Wochen", "2023-W21")]),
    (
        "Er kam am 5. Mai an. Am Vortag war er in Berlin.",
        "2023-05-10",
        [("5. Mai", "2023-05-05"), ("Vortag", "2023-05-04")],
    ),
    ("Yesterday the minister resigned.", "2025-01-20", [("Yesterday", "2025-01-19")]),
    ("Bereits Mitte der Woche hatte das Kabinett getagt.", "2020-03-16", [("Mitte der Woche", "2020-W11")]),
    ("Ende der Woche wird das Kabinett tagen.", "2020-03-16", [("Ende der Woche", "2020-W12")]),
    (
        "Er wurde am 3. März gewählt, zwei Tage später vereidigt.",
        "2024-06-01",
        [("3. März", "2024-03-03"), ("zwei Tage später", "2024-03-05")],
    ),
    (
        "They met on Monday, three days earlier.",
        "2022-02-24",
        [("Monday", "2022-02-21"), ("three days earlier", "2022-02-18")],
    ),
    ("The talks began last week.", "2025-01-20", [("last week", "2025-W03")]),
    # months
    ("Die Proteste hatten Anfang Januar begonnen.", "2022-01-07", [("Anfang Januar", "2022-01")]),
    ("Er wurde Ende Februar verhaftet.", "2022-03", [("Ende Februar", "2022-02")]),
    ("Bereits im September hatte er erklärt", "2024-11-22", [("September", "2024-09")]),
    ("Bereits im September hatte er erklärt", None, [("September", "XXXX-09")]),
    ("Ende August soll der Kader stehen.", "2024-07-15", [("Ende August", "2024-08")]),
    ("It was calm in early January.", "2023-01-20", [("early January", "2023-01")]),
    # durations and sets
    ("Der Rückzug wird zehn Tage andauern.", "2022-01-13", [("zehn Tage", "P10D")]),
    ("Die Waffenruhe gilt drei Monate.", None, [("drei Monate", "P3M")]),
    ("Die Verhandlungen liefen 48 Stunden lang.", None, [("48 Stunden lang", "PT48H")]),
    ("Die Kämpfe dauerten mehrere Tage.", None, [("mehrere Tage", "PXD")]),
    ("Es gibt täglich Angriffe.", None, [("täglich", "P1D")]),
    # non-matches
    ("Tokajew - SNA, 1920, 07.01.2022", None, [("07.01.2022", "2022-01-07")]),
    ("18 Sicherheitskräfte getötet, 100 % der Stimmen, Einheiten der 31a.", "2022-01-06", []),
    ("Quelle: https://example.com/2022/01/07/news", "2022-01-07", []),
    ("Only 5 may attend; troops march on.", "2022-01-07", []),
]


@pytest.mark.parametrize(("text", "dct", "expected"), CASES)
def test_values(text: str, dct: str | None, expected: list[tuple[str, str | None]]) -> None:
    assert _values(text, dct) == expected


def test_weekday_apposition_keeps_the_stated_date(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG", logger="lagebild.nlp.time")
    assert _values("am Freitag, dem 6. Januar", "2022-01-06") == [("Freitag, dem 6. Januar", "2022-01-06")]
    assert "does not match" in caplog.text


def test_random_token_soup_never_breaks_offsets() -> None:
    pool = (
        "am im seit bis zum vom und vor in den letzten nächsten Anfang Ende Mitte dem , . - – / 2022 1920 "
        "07.01.2022 06/01/22 19. 21. 31 3 zehn drei ein Tage Wochen Jahr Jahres Januar März May Donnerstag "
        "Freitags heute morgen Morgen Vortag Woche Wochenende dieses letzten ago last week 1990er täglich"
    ).split()
    rng = random.Random(8)
    for _ in range(300):
        text = " ".join(rng.choice(pool) for _ in range(rng.randint(1, 25)))
        dct = rng.choice([None, "2022-01-07", "2022-03", "2022"])
        found = find_times(text, dct=dct)
        for expression in found:
            assert text[expression.start : expression.end] == expression.text
        assert all(a.end <= b.start for a, b in zip(found, found[1:], strict=False)), text


def test_offsets_point_at_the_text() -> None:
    text = "Am Mittwoch, am 19. und 21. November, vor drei Tagen und bis zum 19. Januar."
    for expression in find_times(text, dct="2024-11-22"):
        assert text[expression.start : expression.end] == expression.text


def test_qualifiers_and_precision() -> None:
    early = _only("Die Proteste hatten Anfang Januar begonnen.", "2022-01-07")
    assert (early.precision, early.qualifier) == ("month", "early")
    week = _only("Anfang der Woche äußerte er sich.", "2023-05-10")
    assert (week.precision, week.qualifier) == ("week", "early")
    year = _only("Anfang 2023 stiegen die Preise.", None)
    assert (year.value, year.precision, year.qualifier) == ("2023", "year", "early")


def test_duration_kind() -> None:
    duration = _only("Der Rückzug wird zehn Tage andauern.", "2022-01-13")
    assert (duration.kind, duration.value, duration.precision) == ("duration", "P10D", "day")


def test_range_until() -> None:
    until = _only("Der Ausnahmezustand soll bis zum 19. Januar gelten.", "2022-01-07")
    assert (until.text, until.kind, until.value, until.range_end) == (
        "bis zum 19. Januar",
        "range",
        None,
        "2022-01-19",
    )


def test_range_from_to() -> None:
    short = _only("Die Übung läuft vom 6. bis 8. Januar.", "2022-01-03")
    assert (short.kind, short.value, short.range_end) == ("range", "2022-01-06", "2022-01-08")
    long = _only("Das Turnier lief vom 14. Juni bis zum 14. Juli 2024.", "2024-07-15")
    assert (long.value, long.range_end) == ("2024-06-14", "2024-07-14")
    weekdays = _only("Die Messe lief von Montag bis Freitag.", "2022-01-05")
    assert (weekdays.value, weekdays.range_end) == ("2022-01-03", "2022-01-07")
    since = _only("Die Proteste dauern seit dem 2. Januar an.", "2022-01-07")
    assert (since.kind, since.value, since.range_end) == ("range", "2022-01-02", None)


def test_month_precision_dct_keeps_weekday_at_month() -> None:
    weekday = _only("Das verkündete er am Donnerstag.", "2022-03")
    assert (weekday.value, weekday.precision, weekday.qualifier) == ("2022-03", "month", "approx")


def test_dct_precision_argument_cuts_the_anchor() -> None:
    assert Anchor.parse("2022-01-07", "month") == Anchor(2022, 1, None)
    assert _values("Er kam am Mittwoch.", "2022-01-07", dct_precision="year") == [("Mittwoch", "2022")]


def test_us_english_reads_slash_dates_month_first() -> None:
    assert _values("Posted 01/06/22", None, language="en-US") == [("01/06/22", "2022-01-06")]
    assert _values("Posted 01/06/22", None) == [("01/06/22", "2022-06-01")]


def _load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_time", ROOT / "bench" / "time.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_bench_scorer_counts_strict_relaxed_and_values(tmp_path: Path) -> None:
    bench = _load_bench()
    text = "Am Mittwoch und am 21. November."
    gold = [
        {"start": 3, "end": 11, "value": "2024-11-20"},  # strict and value right
        {"start": 16, "end": 31, "value": "2024-11-21"},  # "am 21. November": relaxed only
    ]
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps({"text": text, "dct": "2024-11-22", "timexes": gold}) + "\n")
    scores = bench.score(bench.read_jsonl(path))
    assert (scores.gold, scores.system, scores.strict, scores.relaxed) == (2, 2, 1, 2)
    assert scores.right_values == 2
    assert scores.prf(scores.strict) == (0.5, 0.5, 0.5)

    def wrong_finder(text: str, **_: str) -> list[TimeExpression]:
        return [TimeExpression(3, 11, "Mittwoch", "2024-11-13", "day")]

    missed = bench.score(bench.read_jsonl(path), wrong_finder)
    assert (missed.system, missed.strict, missed.relaxed, missed.right_values) == (1, 1, 1, 0)
    assert missed.value_accuracy == 0.0
    assert "strict span" in bench.report(scores)


def test_gold_file_offsets_are_consistent() -> None:
    records = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines()]
    assert len(records) >= 45
    for record in records:
        for timex in record["timexes"]:
            assert 0 <= timex["start"] < timex["end"] <= len(record["text"])
