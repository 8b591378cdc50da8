"""Batch ingest: idempotence, duplicate links, and bad input that never stops a batch."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from lagebild.ingest import ingest_paths
from lagebild.store.queries import iter_documents
from lagebild.store.schema import DocumentRow, RawInput

STORY = (
    "Die Behörden in Almaty meldeten am Donnerstag schwere Zusammenstöße zwischen Demonstranten und "
    "Sicherheitskräften. Nach Angaben des Innenministeriums wurden zahlreiche Menschen verletzt. "
    "Die Regierung verhängte eine Ausgangssperre für die ganze Stadt und kündigte weitere Maßnahmen an. "
    "Beobachter sprachen von den schwersten Unruhen seit der Unabhängigkeit des Landes im Jahr 1991. "
    "Der Flughafen blieb bis zum Abend geschlossen, Flüge nach Moskau und Istanbul wurden gestrichen."
)


def documents(store) -> list[DocumentRow]:  # type: ignore[no-untyped-def]
    with store.read_session() as session:
        return list(iter_documents(session))


def test_reingesting_the_same_files_adds_nothing(store, tmp_path: Path) -> None:
    tmp_path = tmp_path / "in"  # the store lives in tmp_path itself
    tmp_path.mkdir()
    (tmp_path / "a.txt").write_text("Unruhen in Almaty\n\n" + STORY, encoding="utf-8")
    first = ingest_paths(store, [tmp_path], with_analysis=False)
    second = ingest_paths(store, [tmp_path], with_analysis=False)
    assert (first.new, first.known) == (1, 0)
    assert (second.new, second.known, second.read) == (0, 1, 1)
    assert len(documents(store)) == 1
    with store.read_session() as session:
        assert session.scalar(select(func.count()).select_from(RawInput)) == 1


def test_exact_and_near_duplicates_are_linked_not_dropped(store, tmp_path: Path) -> None:
    tmp_path = tmp_path / "in"  # the store lives in tmp_path itself
    tmp_path.mkdir()
    (tmp_path / "1-original.txt").write_text("Unruhen in Almaty\n\n" + STORY, encoding="utf-8")
    (tmp_path / "2-copy.txt").write_text("Unruhen in Almaty\n\n" + STORY, encoding="utf-8")
    rewrite = STORY.replace("schwere Zusammenstöße", "heftige Zusammenstöße").replace("Abend", "späten Abend")
    (tmp_path / "3-wire.txt").write_text("Unruhen in Almaty\n\n" + rewrite, encoding="utf-8")
    (tmp_path / "4-other.txt").write_text(
        "Wahl in Kirgisistan\n\nIn Bischkek hat die Wahlkommission am Montag das vorläufige Ergebnis der "
        "Parlamentswahl bekanntgegeben. Die Wahlbeteiligung lag nach offiziellen Angaben bei knapp 35 Prozent, "
        "deutlich niedriger als bei der letzten Abstimmung vor drei Jahren.",
        encoding="utf-8",
    )
    summary = ingest_paths(store, [tmp_path], with_analysis=False)
    assert (summary.new, summary.duplicate, summary.failed) == (2, 2, 0)
    rows = {Path(row.source).name: row for row in documents(store)}
    original = rows["1-original.txt"].id
    assert (rows["2-copy.txt"].duplicate_of, rows["2-copy.txt"].duplicate_kind) == (original, "exact")
    assert (rows["3-wire.txt"].duplicate_of, rows["3-wire.txt"].duplicate_kind) == (original, "near")
    assert 0.8 <= rows["3-wire.txt"].duplicate_score < 1
    assert rows["4-other.txt"].duplicate_of is None


def test_a_bad_file_is_reported_counted_and_the_batch_goes_on(store, tmp_path: Path) -> None:
    tmp_path = tmp_path / "in"  # the store lives in tmp_path itself
    tmp_path.mkdir()
    (tmp_path / "a-good.txt").write_text("Unruhen in Almaty\n\n" + STORY, encoding="utf-8")
    (tmp_path / "b-empty.txt").write_bytes(b"")
    (tmp_path / "c-binary.txt").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "d-bom.txt").write_bytes(
        "\ufeffGespräche in Astana\n\n".encode() + STORY.replace("Almaty", "Astana").encode()
    )
    (tmp_path / "e-latin1.txt").write_bytes(
        ("Straßenkämpfe\n\n" + STORY.replace("Almaty", "Aktau")).encode("latin-1")
    )
    reported = []
    summary = ingest_paths(store, [tmp_path], with_analysis=False, on_failure=reported.append)
    assert (summary.read, summary.failed) == (5, 2)
    assert sorted(Path(f.source).name for f in reported) == ["b-empty.txt", "c-binary.txt"]
    texts = {Path(row.source).name: row for row in documents(store)}
    assert texts["d-bom.txt"].title == "Gespräche in Astana"
    assert texts["e-latin1.txt"].title == "Straßenkämpfe"
    assert store.counters()["failed_inputs"] == 2


def test_cli_ingest_prints_summary_and_exit_status(tmp_path: Path) -> None:
    import lagebild.cli.documents  # noqa: F401
    from lagebild.cli import app, main  # noqa: F401  (main registers the commands)

    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Unruhen in Almaty\n\n" + STORY, encoding="utf-8")
    db = str(tmp_path / "cli.db")
    runner = CliRunner()
    ok = runner.invoke(app, ["ingest", str(corpus), "--db", db, "--no-analysis"])
    assert ok.exit_code == 0, ok.output
    assert "read 1, new 1, duplicate 0, already stored 0, failed 0" in ok.output
    (corpus / "broken.txt.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    bad = runner.invoke(app, ["ingest", str(corpus), "--db", db, "--no-analysis"])
    assert bad.exit_code == 1
    assert "broken.txt.gz" in bad.output and "failed 1" in bad.output
    listing = runner.invoke(app, ["docs", "--db", db])
    from lagebild.store import open_store

    with open_store(db).read_session() as session:
        (stored,) = list(iter_documents(session))
    assert stored.id in listing.output and stored.title == "Unruhen in Almaty"


def test_export_documents_carries_the_promised_fields(store, tmp_path: Path, sample_dir: Path) -> None:
    import io
    import json

    from lagebild.exports import write_export

    shutil.copytree(sample_dir, tmp_path / "corpus")
    ingest_paths(store, [tmp_path / "corpus"], with_analysis=False)
    out = io.StringIO()
    with store.read_session() as session:
        write_export(session, "documents", "jsonl", out)
    records = {Path(r["source"]).name[:3]: r for r in map(json.loads, out.getvalue().splitlines())}
    assert set(records) == {"000", "001", "002", "003", "004"}
    for field in (
        "id",
        "source",
        "outlet",
        "title",
        "published",
        "published_precision",
        "language",
        "text",
        "duplicate_of",
    ):
        assert all(field in record for record in records.values())
    assert (records["004"]["published"], records["004"]["published_precision"]) == ("2022-01-06", "day")
    assert (records["002"]["published"], records["002"]["published_precision"]) == ("2022-03", "month")
    assert (records["001"]["published"], records["000"]["published"]) == ("2022-01-07", None)
    assert {r["language"] for r in records.values()} == {"de"}
