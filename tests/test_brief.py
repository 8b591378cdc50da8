"""Situation briefs: every sentence of the body carries a footnote that resolves to a stored document."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from api_fixtures import build_store
from lagebild.alerts.brief import BriefOptions, build_brief, render_brief
from lagebild.alerts.sites import Site, add_site
from lagebild.store import Store
from lagebild.store.schema import DocumentRow
from test_alerts import add_report

MARKER = re.compile(r"\[\^(\d+)\]")
SENTENCE = re.compile(r".+?[.!?](?:\[\^\d+\])*(?=\s|$)")
FOOTNOTE = re.compile(r"^\[\^(\d+)\]: (\S+) – ", re.MULTILINE)


@pytest.fixture
def fixture_store(tmp_path: Path) -> Store:
    store = build_store(tmp_path / "brief.db")
    add_report(store)
    return store


def body_sentences(markdown: str) -> list[str]:
    """Sentences between the metadata line and the source list (headings are not sentences)."""
    body = markdown.split("\n## ", 1)[1].rsplit("\n## ", 1)[0] if "\n## " in markdown else ""
    sources = markdown.rsplit("\n## ", 1)[1] if "\n## " in markdown else ""
    assert sources.startswith(("Quellen", "Sources"))
    lines = [line[2:] for line in body.splitlines() if line.startswith("- ")]
    assert len(lines) == len(
        [
            line
            for line in body.splitlines()
            if line.strip()
            and not line.startswith(
                ("#", "Wichtige", "Akteure", "Opfer", "Offene", "Key", "Actors", "Casualties", "Open")
            )
        ]
    )
    return [match.group().strip() for line in lines for match in SENTENCE.finditer(line)]


def check_footnotes(store: Store, markdown: str) -> set[str]:
    notes = {number: document_id for number, document_id in FOOTNOTE.findall(markdown)}
    sentences = body_sentences(markdown)
    assert sentences
    for sentence in sentences:
        cited = MARKER.findall(sentence)
        assert cited, f"sentence without footnote: {sentence!r}"
        assert all(number in notes for number in cited), sentence
    with store.read_session() as session:
        for document_id in notes.values():
            assert session.get(DocumentRow, document_id) is not None, document_id
    return set(notes.values())


def test_january_brief_every_sentence_footnoted(fixture_store: Store) -> None:
    with fixture_store.read_session() as session:
        brief = build_brief(session, BriefOptions(since="2022-01-01", until="2022-01-31"))
    markdown = render_brief(brief, "md")
    cited = check_footnotes(fixture_store, markdown)
    assert cited == {"doc-almaty-a", "doc-almaty-b", "doc-jan6"}
    assert "Dnipro" not in markdown.split("## Quellen")[0]  # 2024 and November 2024 events are outside
    dates = [statement.text.split(":")[0] for statement in brief.developments]
    iso = ["-".join(reversed(value.split("."))) for value in dates]
    assert iso == sorted(iso) and "06.01.2022" in dates
    assert "## Opferzahlen und Festnahmen" in markdown
    assert re.search(
        r"Getötete, Almaty, 2022-01: 18–225 – gemeldete Zahlen: 18 \(example\.de\); 164 \(tagesschau\.de\); 225 \(dw\.com\)",
        markdown,
    )
    assert "## Offene Widersprüche" in markdown and "164" in markdown.split("## Offene Widersprüche")[1]


def test_brief_for_a_site_in_english_and_html(fixture_store: Store) -> None:
    add_site(fixture_store, Site("Almaty centre", 43.2567, 76.9286, "civilian", 10))
    with fixture_store.read_session() as session:
        brief = build_brief(session, BriefOptions(site="Almaty centre", lang="en"))
    markdown = render_brief(brief, "md")
    check_footnotes(fixture_store, markdown)
    assert (
        markdown.startswith("# Situation report – Almaty centre")
        and "Kasachstan" not in markdown.split("## Sources")[0]
    )
    html = render_brief(brief, "html")
    assert html.count('class="statement"') == len(body_sentences(markdown))
    assert all(f'id="fn-{number}"' in html for number, _ in brief.footnotes)


def test_brief_region_and_escaping(fixture_store: Store) -> None:
    with fixture_store.session() as session:
        session.get(DocumentRow, "doc-almaty-a").title = "<script>alert(1)</script> [x](javascript:y)"
    with fixture_store.read_session() as session:
        brief = build_brief(session, BriefOptions(region="Kasachstan"))
    html = render_brief(brief, "html")
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "\\[x\\]" in render_brief(brief, "md")
    with fixture_store.read_session() as session:
        assert all(
            "2024" not in s.text for s in build_brief(session, BriefOptions(region="Kasachstan")).developments
        )


def test_brief_cli(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from lagebild.cli import app
    from lagebild.cli import watch as _  # noqa: F401  registers the commands

    db = tmp_path / "cli.db"
    store = build_store(db)
    out = tmp_path / "brief.md"
    result = CliRunner().invoke(
        app, ["brief", "--since", "2022-01-01", "--until", "2022-01-31", "-o", str(out), "--db", str(db)]
    )
    assert result.exit_code == 0, result.output
    check_footnotes(store, out.read_text(encoding="utf-8"))
    html = CliRunner().invoke(app, ["brief", "--format", "html", "--lang", "en", "--db", str(db)])
    assert html.exit_code == 0 and html.output.startswith("<!doctype html>")
    assert CliRunner().invoke(app, ["brief", "--format", "pdf", "--db", str(db)]).exit_code == 2


def test_english_brief_names_places_in_english_and_leaves_the_store_alone(fixture_store: Store) -> None:
    from lagebild.store.schema import EntityRow, EventRow

    with fixture_store.session() as session:
        session.get(EntityRow, "geo:1526384").names = {"de": "Almaty", "en": "Almaty (city)"}
    with fixture_store.read_session() as session:
        english = render_brief(
            build_brief(session, BriefOptions(since="2022-01-01", until="2022-01-31", lang="en")), "md"
        )
    assert "Almaty (city)" in english
    with fixture_store.read_session() as session:
        german = render_brief(
            build_brief(session, BriefOptions(since="2022-01-01", until="2022-01-31", lang="de")), "md"
        )
        stored = {event.place for event in session.query(EventRow).filter(EventRow.place_id == "geo:1526384")}
    assert "Almaty (city)" not in german and stored == {"Almaty"}
