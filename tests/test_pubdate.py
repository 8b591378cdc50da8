"""Publication dates: precision and evidence, and no guessing."""

from __future__ import annotations

import pytest

from lagebild.documents import build_document
from lagebild.documents.dates import date_from_lead, parse_date
from lagebild.models import RawDocument
from test_clean import sample


@pytest.mark.parametrize(
    ("prefix", "value", "precision", "evidence"),
    [
        ("000", None, "unknown", None),
        ("001", "2022-01-07", "day", "credit line"),
        ("002", "2022-03", "month", "marker"),
        ("003", "2022-01-13", "day", "lead"),
        ("004", "2022-01-06", "day", "dateline"),
    ],
)
def test_sample_dates(prefix: str, value: str | None, precision: str, evidence: str | None) -> None:
    document = sample(prefix)
    assert (document.published, document.published_precision) == (value, precision)
    if evidence is None:
        assert document.published_evidence is None
    else:
        assert evidence in (document.published_evidence or "")


@pytest.mark.parametrize(
    ("text", "value", "precision"),
    [
        ("2022", "2022", "year"),
        ("2022-03", "2022-03", "month"),
        ("2022-03-05T10:15:00+01:00", "2022-03-05", "day"),
        ("06/01/22", "2022-01-06", "day"),
        ("07.01.2022", "2022-01-07", "day"),
        ("13. Januar 2022", "2022-01-13", "day"),
        ("Donnerstag, 13. Januar 2022", "2022-01-13", "day"),
        ("January 13, 2022", "2022-01-13", "day"),
        ("13 января 2022", "2022-01-13", "day"),
    ],
)
def test_parse_date_keeps_stated_precision(text: str, value: str, precision: str) -> None:
    found = parse_date(text, "test")
    assert found is not None
    assert (found.value, found.precision) == (value, precision)


def test_parse_date_month_first_when_asked() -> None:
    found = parse_date("01/06/22", "test", day_first=False)
    assert found is not None and found.value == "2022-01-06"


@pytest.mark.parametrize("text", ["31.02.2022", "30", "Kasachstan", "13. Januar", "1850-01-01", "2022-13"])
def test_parse_date_rejects_non_dates(text: str) -> None:
    assert parse_date(text, "test") is None


def test_today_in_lead_takes_year_from_matching_full_date() -> None:
    lead = "Der Abzug hat heute, am 13. Januar dieses Jahres, begonnen."
    found = date_from_lead(lead, lead + "\n— Agentur (@agentur) 13. Januar 2022")
    assert found is not None and (found.value, found.precision) == ("2022-01-13", "day")
    assert date_from_lead(lead, lead) is None
    assert date_from_lead(lead, lead + " Am 14. Januar 2022 folgte der Rest.") is None


def test_event_date_without_today_is_not_a_publication_date() -> None:
    assert date_from_lead("Am 21. November 2024 griff Russland Dnipro an.", "") is None


def test_text_without_evidence_stays_unknown() -> None:
    text = "Unruhen in Almaty\n\nAm Mittwoch wurde ein landesweiter Ausnahmezustand verhängt, sagte ein Sprecher."
    document = build_document(RawDocument(text.encode(), "t.txt", "text/plain"))
    assert (document.published, document.published_precision, document.published_evidence) == (
        None,
        "unknown",
        None,
    )


def test_unreadable_hint_falls_back_to_page_evidence() -> None:
    text = "Titel der Meldung\n07.01.2022\n\nDie Regierung ist am Freitag zurückgetreten, teilte ein Sprecher mit."
    raw = RawDocument(text.encode(), "t.txt", "text/plain", hints={"published": "irgendwann"})
    document = build_document(raw)
    assert (document.published, document.published_precision) == ("2022-01-07", "day")
