"""Cost of adding one document to a large store versus an empty one.

A SQLite store is filled in bulk (SQLAlchemy core) with synthetic rows shaped like a real
store's: documents with MinHash signatures (and their LSH band keys) and embeddings, mentions of shared and rare
entities, events with canonical events, stories with centroids. Then a few real pages
(10kGNAD articles wrapped by ``bench/corpus.py``) are ingested one at a time, each as its
own ``ingest_paths`` call would, timing its parts: ``Ingestor(store)`` (which loads the
near-duplicate index), the per-document ingest, and the cross-document stages (stories,
canonical events, claims). The same pages go into an empty store for comparison.

    python bench/incremental.py --size 100000
"""

from __future__ import annotations

import argparse
import hashlib
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import insert

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import corpus  # noqa: E402  (the sibling script, importable once bench/ is on the path)

from lagebild.documents.dedup import NUM_PERM, band_keys  # noqa: E402
from lagebild.ingest import Ingestor, IngestSummary, after_batch  # noqa: E402
from lagebild.sources import iter_inputs  # noqa: E402
from lagebild.store import Store, open_store  # noqa: E402
from lagebild.store.schema import (  # noqa: E402
    CanonicalEventRow,
    DocumentEmbeddingRow,
    DocumentRow,
    EntityRow,
    EventRow,
    MentionRow,
    MinhashBandRow,
    StoryDocumentRow,
    StoryRow,
)
from lagebild.stories.embed import DIMENSIONS  # noqa: E402

CHUNK = 5_000
MENTIONS_PER_DOCUMENT = 6
DOCUMENTS_PER_STORY = 3
RARE_ENTITIES = 5_000
FIRST_DAY = date(2015, 6, 1)
DAYS = 365


@dataclass
class Timing:
    ingestor_seconds: float
    ingestor_rss_mb: float
    document_seconds: float
    stories_seconds: float

    @property
    def total(self) -> float:
        return self.ingestor_seconds + self.document_seconds + self.stories_seconds


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _unit_vectors(rng: np.random.Generator, count: int) -> np.ndarray:
    vectors = rng.standard_normal((count, DIMENSIONS)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def _chunks(total: int) -> Iterator[range]:
    for start in range(0, total, CHUNK):
        yield range(start, min(start + CHUNK, total))


def fill_store(store: Store, size: int, shared_entities: list[str], seed: int = 7) -> None:
    """Insert ``size`` synthetic documents with their derived rows, in bulk."""
    rng = random.Random(seed)
    vectors_rng = np.random.default_rng(seed)
    now = datetime.now(UTC)
    rare = [f"syn:E{number}" for number in range(RARE_ENTITIES)]

    def doc_id(number: int) -> str:
        return hashlib.sha256(f"synthetic {number}".encode()).hexdigest()[:16]

    def day(number: int) -> str:
        return (FIRST_DAY + timedelta(days=number * DAYS // max(size, 1))).isoformat()

    with store.engine.begin() as connection:
        connection.execute(
            insert(EntityRow.__table__),
            [
                {"id": entity, "type": "ORG", "name": entity, "names": {}, "aliases": [], "provisional": True}
                for entity in [*shared_entities, *rare]
            ],
        )
        for numbers in _chunks(-(-size // DOCUMENTS_PER_STORY)):
            centroids = _unit_vectors(vectors_rng, len(numbers))
            connection.execute(
                insert(StoryRow.__table__),
                [
                    {
                        "id": f"st-{doc_id(number * DOCUMENTS_PER_STORY)}",
                        "headline": f"Synthetische Geschichte {number}",
                        "first_seen": day(number * DOCUMENTS_PER_STORY),
                        "last_seen": day(
                            min(size - 1, number * DOCUMENTS_PER_STORY + DOCUMENTS_PER_STORY - 1)
                        ),
                        "outlets": ["synthetic.example"],
                        "languages": ["de"],
                        "centroid": centroid.tobytes(),
                        "entity_ids": rng.sample(shared_entities, min(3, len(shared_entities))),
                        "size": DOCUMENTS_PER_STORY,
                    }
                    for number, centroid in zip(numbers, centroids, strict=True)
                ],
            )
        for numbers in _chunks(size):
            ids = [doc_id(number) for number in numbers]
            signatures = np.asarray(
                [rng.getrandbits(32) for _ in range(len(numbers) * NUM_PERM)], dtype="<u8"
            ).reshape(len(numbers), NUM_PERM)
            connection.execute(
                insert(DocumentRow.__table__),
                [
                    {
                        "id": ids[index],
                        "content_hash": hashlib.sha256(ids[index].encode()).hexdigest(),
                        "source": f"synthetic://{number}",
                        "title": f"Synthetische Meldung {number}",
                        "published": day(number),
                        "published_precision": "day",
                        "language": "de",
                        "media_type": "text/html",
                        "text": f"Synthetische Meldung {number}. " * 20,
                        "words": 60,
                        "minhash": signatures[index].tobytes(),
                        "ingested_at": now,
                        "analyzed": True,
                        "analysis_version": "1",
                        "seq": number + 1,
                    }
                    for index, number in enumerate(numbers)
                ],
            )
            connection.execute(
                insert(MinhashBandRow.__table__),
                [
                    {"band": band, "key": key, "document_id": ids[index]}
                    for index in range(len(numbers))
                    for band, key in band_keys(signatures[index].tobytes())
                ],
            )
            connection.execute(
                insert(DocumentEmbeddingRow.__table__),
                [
                    {"document_id": ids[index], "vector": vector.tobytes()}
                    for index, vector in enumerate(_unit_vectors(vectors_rng, len(numbers)))
                ],
            )
            connection.execute(
                insert(StoryDocumentRow.__table__),
                [
                    {
                        "story_id": f"st-{doc_id(number - number % DOCUMENTS_PER_STORY)}",
                        "document_id": ids[index],
                        "score": 0.8,
                    }
                    for index, number in enumerate(numbers)
                ],
            )
            connection.execute(
                insert(MentionRow.__table__),
                [
                    {
                        "document_id": ids[index],
                        "start": slot * 20,
                        "end": slot * 20 + 10,
                        "text": "Synthetisch",
                        "label": "ORG",
                        "entity_id": rng.choice(shared_entities if slot < 2 and shared_entities else rare),
                        "confidence": 0.8,
                    }
                    for index in range(len(numbers))
                    for slot in range(MENTIONS_PER_DOCUMENT)
                ],
            )
            connection.execute(
                insert(CanonicalEventRow.__table__),
                [
                    {
                        "id": f"ce-ev-{ids[index]}",
                        "story_id": f"st-{doc_id(number - number % DOCUMENTS_PER_STORY)}",
                        "type": "PROTEST",
                        "date": day(number),
                        "date_precision": "day",
                        "mentions": 1,
                    }
                    for index, number in enumerate(numbers)
                ],
            )
            connection.execute(
                insert(EventRow.__table__),
                [
                    {
                        "id": f"ev-{ids[index]}",
                        "document_id": ids[index],
                        "type": "PROTEST",
                        "date": day(number),
                        "date_precision": "day",
                        "modality": "asserted",
                        "evidence_start": 0,
                        "evidence_end": 20,
                        "canonical_event_id": f"ce-ev-{ids[index]}",
                    }
                    for index, number in enumerate(numbers)
                ],
            )


def add_one(store: Store, page: Path) -> Timing:
    """Ingest one page exactly as ``ingest_paths`` does, timing its three parts."""
    before = _rss_mb()
    started = time.perf_counter()
    ingestor = Ingestor(store)
    built = time.perf_counter()
    rss = _rss_mb() - before
    summary = IngestSummary()
    for item in iter_inputs([page]):
        ingestor.ingest_raw(item, summary)  # type: ignore[arg-type]
    ingested = time.perf_counter()
    after_batch(store, summary.document_ids)
    finished = time.perf_counter()
    if summary.new != 1:
        raise RuntimeError(f"{page.name}: expected one new document, got {summary.line()}")
    return Timing(built - started, rss, ingested - built, finished - ingested)


def shared_entity_ids(pages: list[Path]) -> list[str]:
    """Entity ids the probe pages link to (synthetic documents mention them too, like real ones)."""
    from lagebild.models import RawDocument
    from lagebild.pipeline import Pipeline

    pipeline = Pipeline()
    found: set[str] = set()
    for page in pages:
        processed = pipeline.process(RawDocument(page.read_bytes(), str(page), "text/html"))
        assert processed.analysis is not None
        found |= {mention.entity_id for mention in processed.analysis.mentions if mention.entity_id}
    return sorted(found)


def measure(size: int, pages: list[Path], shared: list[str], work: Path) -> tuple[list[Timing], float]:
    store = open_store(str(work / f"store-{size}.db"))
    started = time.perf_counter()
    if size:
        fill_store(store, size, shared)
    fill_seconds = time.perf_counter() - started
    timings = [add_one(store, page) for page in pages]
    store.close()
    return timings, fill_seconds


def table(results: dict[int, list[Timing]]) -> str:
    def median(values: list[float]) -> float:
        return statistics.median(values)

    lines = [
        "| store size (documents) | Ingestor() s | its RSS (MB) | one document s | stories/claims s | total s |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for size, timings in results.items():
        lines.append(
            f"| {size:,} | {median([t.ingestor_seconds for t in timings]):.2f} | "
            f"{median([t.ingestor_rss_mb for t in timings]):.0f} | "
            f"{median([t.document_seconds for t in timings]):.2f} | "
            f"{median([t.stories_seconds for t in timings]):.2f} | {median([t.total for t in timings]):.2f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="documents in the large store")
    parser.add_argument("--probes", type=int, default=3, help="pages added one at a time (median reported)")
    parser.add_argument("--articles", type=Path, default=corpus.DEFAULT_ARTICLES, help="10kGNAD articles.csv")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="lagebild-incremental-"))
    try:
        articles = corpus.read_articles(args.articles)
        pages = corpus.write_html(corpus.make_pages(articles, args.probes + 1, seed=11), work / "pages")
        paths = [work / "pages" / f"{page.name}.html" for page in pages]
        warm_up, probes = paths[0], paths[1:]
        shared = shared_entity_ids(probes)
        warm_store = open_store(str(work / "warm.db"))
        add_one(warm_store, warm_up)  # loads every model, including the story embedder
        warm_store.close()
        print(f"{len(shared)} entity ids shared with the synthetic documents")
        results: dict[int, list[Timing]] = {}
        for size in (0, args.size):
            timings, fill_seconds = measure(size, probes, shared, work)
            results[size] = timings
            print(f"size {size:,}: filled in {fill_seconds:.0f} s; " + "; ".join(f"{t}" for t in timings))
        print()
        print(table(results))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
