"""Crash safety: an ingest killed with SIGKILL at random points and re-run loses nothing.

Each document is written with all its derived records in one transaction, so after any
kill the store is consistent and a re-run completes it without duplicates.
"""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lagebild.store import open_store
from lagebild.store.schema import DocumentRow, EventRow, MentionRow

PEOPLE = [
    "Kassym-Schomart Tokajew",
    "Wladimir Putin",
    "Alexander Lukaschenko",
    "Sergej Schoigu",
    "Dmitri Peskow",
]
PLACES = ["Almaty", "Aktau", "Astana", "Moskau", "Minsk", "Dnipro", "Kursk"]
VERBS = ["telefonierte mit", "traf sich mit", "kritisierte", "unterstützte", "warnte"]
DOCUMENTS = 240
KILL_RUNS = 4


def write_reports(folder: Path, count: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        rng = random.Random(number)
        sentences = []
        for _ in range(6):
            a, b = rng.sample(PEOPLE, 2)
            sentences.append(
                f"{a} {rng.choice(VERBS)} {b} in {rng.choice(PLACES)} am {rng.randint(1, 28)}. Januar 2022."
            )
        sentences.append(
            f"Laut Bericht {number} wurden {rng.randint(2, 900)} Menschen in {rng.choice(PLACES)} festgenommen."
        )
        (folder / f"report-{number:04d}.txt").write_text(
            f"Lagebericht {number}: {rng.choice(PLACES)}\n\n" + " ".join(sentences), encoding="utf-8"
        )


def ingest_command(db_url: str, corpus: Path) -> list[str]:
    return [sys.executable, "-m", "lagebild.cli", "ingest", "--db", db_url, str(corpus)]


def assert_consistent_and_complete(db_url: str, expected: int) -> None:
    store = open_store(db_url)
    with store.read_session() as session:
        sources = session.scalars(select(DocumentRow.source)).all()
        assert len(sources) == len(set(sources)) == expected
        unanalysed = session.scalar(select(func.count()).where(DocumentRow.analyzed.is_(False)))
        assert unanalysed == 0
        without_mentions = session.scalar(
            select(func.count())
            .select_from(DocumentRow)
            .where(~DocumentRow.id.in_(select(MentionRow.document_id)))
        )
        assert without_mentions == 0, "a stored document lost its mentions"
        orphans = session.scalar(
            select(func.count())
            .select_from(EventRow)
            .where(~EventRow.document_id.in_(select(DocumentRow.id)))
        )
        assert orphans == 0
    store.close()


@pytest.mark.slow
def test_sigkill_mid_ingest_then_rerun_keeps_every_document_once(
    any_database_url: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    corpus = tmp_path / "corpus"
    write_reports(corpus, DOCUMENTS)
    db_url = any_database_url
    open_store(db_url).close()  # schema first, so a kill never lands inside the migration
    rng = random.Random(7)
    stored_after_kill = []
    for _ in range(KILL_RUNS):
        process = subprocess.Popen(
            ingest_command(db_url, corpus), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(rng.uniform(3.0, 9.0))
        process.send_signal(signal.SIGKILL)
        process.wait()
        store = open_store(db_url)
        with store.read_session() as session:
            stored_after_kill.append(session.scalar(select(func.count()).select_from(DocumentRow)))
        store.close()
        if db_url.startswith("sqlite:///"):
            path = db_url.removeprefix("sqlite:///")
            assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone() == ("ok",)
    final = subprocess.run(ingest_command(db_url, corpus), capture_output=True, text=True, timeout=900)
    assert final.returncode == 0, final.stdout + final.stderr
    assert stored_after_kill[-1] < DOCUMENTS, "the kills came too late to test anything"
    assert_consistent_and_complete(db_url, DOCUMENTS)
    request.node.user_properties.append(("kill_points", stored_after_kill))
