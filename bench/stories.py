"""Benchmark of story clustering: B-cubed quality on the fixture corpus, and the time to add
one document to a store that already holds 10,000 documents (synthetic, inserted directly).

    python bench/stories.py [--documents 10000] [--new 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import insert

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from lagebild.store import open_store  # noqa: E402
from lagebild.store.schema import (  # noqa: E402
    DocumentEmbeddingRow,
    DocumentRow,
    EntityRow,
    MentionRow,
    StoryDocumentRow,
    StoryRow,
)
from lagebild.stories import update_stories  # noqa: E402
from lagebild.stories.embed import DIMENSIONS, normalise, to_bytes  # noqa: E402
from lagebild.stories.gold import load_gold  # noqa: E402

CORPUS = ROOT / "tests" / "fixtures" / "stories" / "corpus.jsonl"


def bcubed(predicted: dict[str, str], gold: dict[str, str]) -> tuple[float, float, float]:
    clusters, truths = defaultdict(set), defaultdict(set)
    for item in gold:
        clusters[predicted[item]].add(item)
        truths[gold[item]].add(item)
    precision = sum(len(clusters[predicted[i]] & truths[gold[i]]) / len(clusters[predicted[i]]) for i in gold)
    recall = sum(len(clusters[predicted[i]] & truths[gold[i]]) / len(truths[gold[i]]) for i in gold)
    precision, recall = precision / len(gold), recall / len(gold)
    return precision, recall, 2 * precision * recall / (precision + recall)


def quality(workdir: Path) -> tuple[float, float, float, float]:
    store = open_store(f"sqlite:///{workdir / 'gold.db'}")
    gold = load_gold(store, CORPUS)
    started = time.perf_counter()
    update_stories(store, list(gold))
    elapsed = time.perf_counter() - started
    with store.read_session() as session:
        predicted = {row.document_id: row.story_id for row in session.query(StoryDocumentRow)}
    return (*bcubed(predicted, gold), elapsed)


def synthetic_store(workdir: Path, documents: int, seed: int = 7):  # type: ignore[no-untyped-def]
    """``documents`` documents in stories of 1–8, with embeddings, entities and dates over a year."""
    store = open_store(f"sqlite:///{workdir / 'large.db'}")
    rng = np.random.default_rng(seed)
    start = date(2024, 1, 1)
    docs, embeddings, mentions, stories, members = [], [], [], [], []
    index = 0
    while index < documents:
        size = int(rng.integers(1, 9))
        centre = rng.normal(size=DIMENSIONS).astype(np.float32)
        day = start + timedelta(days=int(rng.integers(0, 365)))
        entities = [f"kb:e{int(value)}" for value in rng.integers(0, 3000, size=3)]
        story_id = f"st-syn{index:06d}"
        vectors = []
        for _ in range(min(size, documents - index)):
            doc_id = f"syn{index:06d}"
            vector = normalise(centre + rng.normal(scale=1.2, size=DIMENSIONS).astype(np.float32))
            vectors.append(vector)
            published = (day + timedelta(days=int(rng.integers(0, 4)))).isoformat()
            docs.append(
                {
                    "id": doc_id,
                    "content_hash": doc_id,
                    "source": doc_id,
                    "outlet": f"outlet{int(rng.integers(0, 200))}",
                    "title": f"synthetic {doc_id}",
                    "published": published,
                    "published_precision": "day",
                    "language": "de",
                    "text": "synthetic",
                    "words": 1,
                    "ingested_at": datetime.now(UTC),
                    "analyzed": True,
                    "seq": index + 1,
                }
            )
            embeddings.append({"document_id": doc_id, "vector": to_bytes(vector)})
            mentions.extend(
                {"document_id": doc_id, "start": n, "end": n + 1, "text": e, "label": "LOC", "entity_id": e}
                for n, e in enumerate(entities)
            )
            members.append({"story_id": story_id, "document_id": doc_id, "score": 1.0})
            index += 1
        mean = np.mean(np.stack(vectors), axis=0)
        stories.append(
            {
                "id": story_id,
                "headline": story_id,
                "first_seen": day.isoformat(),
                "last_seen": (day + timedelta(days=3)).isoformat(),
                "outlets": [],
                "languages": ["de"],
                "centroid": to_bytes(mean),
                "entity_ids": entities,
                "size": len(vectors),
            }
        )
    with store.session() as session:
        session.execute(
            insert(EntityRow), [{"id": f"kb:e{n}", "type": "LOC", "name": f"e{n}"} for n in range(3000)]
        )
        session.execute(insert(DocumentRow), docs)
        session.execute(insert(DocumentEmbeddingRow), embeddings)
        session.execute(insert(MentionRow), mentions)
        session.execute(insert(StoryRow), stories)
        session.execute(insert(StoryDocumentRow), members)
    return store, len(stories)


def add_one(store, new: int, with_text: bool) -> list[float]:  # type: ignore[no-untyped-def]
    """Seconds to cluster each of ``new`` documents added one at a time."""
    timings = []
    rng = np.random.default_rng(11)
    for number in range(new):
        doc_id = f"new{number:04d}{'t' if with_text else 'v'}"
        with store.session() as session:
            session.add(
                DocumentRow(
                    id=doc_id,
                    content_hash=doc_id,
                    source=doc_id,
                    title="Hochwasser in Dresden: Elbe steigt weiter",
                    published=(date(2024, 1, 1) + timedelta(days=int(rng.integers(0, 365)))).isoformat(),
                    language="de",
                    text="Der Pegel der Elbe steigt weiter. Die Altstadt wird evakuiert, Helfer füllen Sandsäcke.",
                    words=14,
                    ingested_at=datetime.now(UTC),
                    analyzed=True,
                    seq=100_000 + number,
                )
            )
            session.flush()
            if not with_text:
                vector = normalise(rng.normal(size=DIMENSIONS).astype(np.float32))
                session.add(DocumentEmbeddingRow(document_id=doc_id, vector=to_bytes(vector)))
        started = time.perf_counter()
        update_stories(store, [doc_id])
        timings.append(time.perf_counter() - started)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--new", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        precision, recall, f1, seconds = quality(workdir)
        build = time.perf_counter()
        store, story_count = synthetic_store(workdir, args.documents)
        build = time.perf_counter() - build
        stored_vector = add_one(store, args.new, with_text=False)
        embedded = add_one(store, args.new, with_text=True)
    print("| measure | value |")
    print("|---|---|")
    print(f"| fixture corpus: documents | {sum(1 for _ in CORPUS.open(encoding='utf-8'))} |")
    print(f"| B-cubed precision | {precision:.3f} |")
    print(f"| B-cubed recall | {recall:.3f} |")
    print(f"| B-cubed F1 | {f1:.3f} |")
    print(f"| fixture: embed + cluster + merge + claims, all documents | {seconds:.2f} s |")
    print(
        f"| synthetic store: documents / stories (insert time) | {args.documents} / {story_count} ({build:.1f} s) |"
    )
    print(
        f"| add one document, embedding stored: median / max of {args.new} | "
        f"{1000 * statistics.median(stored_vector):.0f} ms / {1000 * max(stored_vector):.0f} ms |"
    )
    print(
        f"| add one document incl. embedding its text: median / max of {args.new} | "
        f"{1000 * statistics.median(embedded):.0f} ms / {1000 * max(embedded):.0f} ms |"
    )


if __name__ == "__main__":
    main()
