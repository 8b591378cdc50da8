"""Store behaviour on SQLite and PostgreSQL: migrations, idempotent writes, concurrent ingests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from lagebild.ingest import ingest_paths
from lagebild.store.schema import DocumentRow

WORDS = (
    "Regierung Parlament Hauptstadt Ministerium Sprecher Grenze Truppen Bericht Abkommen Wahl Hafen "
    "Flughafen Polizei Gericht Gipfel Delegation Protest Verhandlung Botschaft Provinz"
).split()


def write_corpus(folder: Path, count: int, offset: int = 0) -> list[Path]:
    """Distinct short reports (no two are near duplicates)."""
    import random

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(offset, offset + count):
        rng = random.Random(number)
        sentences = [" ".join(rng.choice(WORDS) for _ in range(12)) + "." for _ in range(8)]
        path = folder / f"report-{number:04d}.txt"
        path.write_text(f"Meldung Nummer {number}\n\n" + " ".join(sentences), encoding="utf-8")
        paths.append(path)
    return paths


def count_documents(store) -> int:  # type: ignore[no-untyped-def]
    with store.read_session() as session:
        return session.scalar(select(func.count()).select_from(DocumentRow)) or 0


def test_migrations_are_idempotent(any_store) -> None:
    any_store.migrate()
    any_store.migrate()
    assert count_documents(any_store) == 0


def test_ingest_twice_stores_once(any_store, tmp_path: Path) -> None:
    write_corpus(tmp_path / "in", 6)
    assert ingest_paths(any_store, [tmp_path / "in"], with_analysis=False).new == 6
    again = ingest_paths(any_store, [tmp_path / "in"], with_analysis=False)
    assert (again.new, again.known) == (0, 6)
    assert count_documents(any_store) == 6


def test_counters_accumulate(any_store) -> None:
    any_store.bump("limit.events_per_document", 3)
    any_store.bump("limit.events_per_document", 2)
    assert any_store.counters() == {"limit.events_per_document": 5}


def test_two_concurrent_ingests_of_overlapping_inputs_store_each_document_once(
    any_store, tmp_path: Path
) -> None:
    write_corpus(tmp_path / "a", 30, offset=0)
    write_corpus(tmp_path / "b", 30, offset=15)  # 15 files in common
    for number in range(15, 30):  # overlap by identical content under the same source path
        (tmp_path / "b" / f"report-{number:04d}.txt").unlink()
    shared = [tmp_path / "a" / f"report-{n:04d}.txt" for n in range(15, 30)]
    command = [sys.executable, "-m", "lagebild.cli", "ingest", "--no-analysis", "--db", any_store.url]
    first = subprocess.Popen(
        [*command, str(tmp_path / "a")], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    second = subprocess.Popen(
        [*command, *map(str, shared), str(tmp_path / "b")], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    outputs = [process.communicate(timeout=300)[0].decode() for process in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], outputs
    assert count_documents(any_store) == 45
    with any_store.read_session() as session:
        sources = session.scalars(select(DocumentRow.source)).all()
    assert len(sources) == len(set(sources)) == 45
