"""Story clustering on the hand-made de/en/ru corpus in tests/fixtures/stories."""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from lagebild.store import Store, open_store
from lagebild.store.schema import DocumentEmbeddingRow, StoryDocumentRow, StoryRow
from lagebild.stories import rebuild, update_stories
from lagebild.stories.cluster import cluster_documents, entity_specificity, gap_days
from lagebild.stories.embed import DIMENSIONS, embed_documents
from lagebild.stories.gold import load_gold

CORPUS = Path(__file__).parent / "fixtures" / "stories" / "corpus.jsonl"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "kz-2022-de"


def bcubed(predicted: dict[str, str], gold: dict[str, str]) -> tuple[float, float]:
    """B-cubed precision and recall of a clustering against gold labels."""
    by_predicted, by_gold = defaultdict(set), defaultdict(set)
    for item in gold:
        by_predicted[predicted[item]].add(item)
        by_gold[gold[item]].add(item)
    precision = recall = 0.0
    for item in gold:
        cluster, truth = by_predicted[predicted[item]], by_gold[gold[item]]
        precision += len(cluster & truth) / len(cluster)
        recall += len(cluster & truth) / len(truth)
    return precision / len(gold), recall / len(gold)


def assignments(store: Store) -> dict[str, str]:
    with store.read_session() as session:
        return dict(session.execute(select(StoryDocumentRow.document_id, StoryDocumentRow.story_id)).all())


def fresh(tmp_path: Path, name: str) -> tuple[Store, dict[str, str]]:
    store = open_store(f"sqlite:///{tmp_path / name}")
    return store, load_gold(store, CORPUS)


@pytest.fixture(scope="module")
def clustered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, dict[str, str], list[str]]:
    store, gold = fresh(tmp_path_factory.mktemp("stories"), "stories.db")
    touched = update_stories(store, list(gold))
    return store, gold, touched


def test_clusters_match_gold_stories_across_languages(clustered) -> None:
    store, gold, touched = clustered
    precision, recall = bcubed(assignments(store), gold)
    assert precision == 1.0  # the Passau flood, the Kharkiv strike and the Dresden derby stay apart
    assert recall >= 0.95
    assert len(touched) == len(set(gold.values()))


def test_story_summary_has_headline_dates_outlets_languages(clustered) -> None:
    store, _, _ = clustered
    with store.read_session() as session:
        story = session.get(StoryRow, assignments(store)["d08"])
    assert story is not None
    assert story.headline == "Russland greift Dnipro mit neuartiger Rakete an"
    assert (story.first_seen, story.last_seen) == ("2024-11-21", "2024-11-22")
    assert story.outlets == ["Atlantic Wire", "Kiewer Bote", "Vesti Segodnya"]
    assert set(story.languages) == {"de", "en", "ru"}
    assert story.size == 3
    assert "gn:709930" in story.entity_ids
    assert len(story.centroid) == DIMENSIONS * 4


def test_near_duplicate_joins_the_story_of_its_original(clustered) -> None:
    store, _, _ = clustered
    with store.read_session() as session:
        score = session.scalar(select(StoryDocumentRow.score).where(StoryDocumentRow.document_id == "d19"))
    assignment = assignments(store)
    assert assignment["d19"] == assignment["d02"]
    assert score == 1.0


def test_embeddings_are_stored_as_float32_unit_vectors(clustered) -> None:
    store, gold, _ = clustered
    with store.read_session() as session:
        vectors = session.scalars(select(DocumentEmbeddingRow.vector)).all()
    assert len(vectors) == len(gold)
    matrix = np.stack([np.frombuffer(vector, dtype=np.float32) for vector in vectors])
    assert matrix.shape == (len(gold), DIMENSIONS)
    assert np.allclose(np.linalg.norm(matrix, axis=1), 1.0, atol=1e-4)


def test_update_is_idempotent(clustered) -> None:
    store, gold, _ = clustered
    before = assignments(store)
    assert update_stories(store, list(gold)) == []
    assert assignments(store) == before


def test_incremental_batches_give_the_same_stories(tmp_path: Path) -> None:
    store, gold = fresh(tmp_path, "incremental.db")
    ids = list(gold)
    cluster_documents(store, ids[:7])
    cluster_documents(store, ids[7:13])
    cluster_documents(store, ids[13:])
    precision, recall = bcubed(assignments(store), gold)
    assert (precision, recall) == (1.0, 1.0)


def test_rebuild_recomputes_the_same_partition(clustered) -> None:
    store, gold, _ = clustered
    before = assignments(store)
    assert rebuild(store) == len(set(gold.values()))
    assert assignments(store) == before
    with store.read_session() as session:
        assert session.scalar(select(func.count()).select_from(StoryRow)) == len(set(gold.values()))


def test_multilingual_embeddings_pair_translations() -> None:
    vectors = embed_documents(
        [
            ("Hochwasser in Dresden", "Die Elbe ist über die Ufer getreten, die Altstadt wird evakuiert."),
            ("Flood in Dresden", "The Elbe has burst its banks and the old town is being evacuated."),
            ("Наводнение в Дрездене", "Эльба вышла из берегов, старый город эвакуируют."),
            ("Neuer Laptop-Prozessor", "Ein Chiphersteller stellt einen sparsamen Prozessor vor."),
        ]
    )
    similarity = vectors @ vectors.T
    assert similarity[0, 1] > 0.6 and similarity[0, 2] > 0.5 and similarity[1, 2] > 0.5
    assert max(similarity[3, :3]) < 0.35


def test_gap_days_gives_a_year_less_date_its_nearest_year() -> None:
    assert gap_days("2022-01-10", "2022-01-06", "2022-01-13") == 0
    assert gap_days("2022-03", "2022-01-06", "2022-01-13") == 47
    assert gap_days("XXXX-11-21", "2022-01-06", "2022-01-13") == 46  # November 2021
    assert gap_days("2022-01-07", "XXXX-11-21", "XXXX-11-21") == 47
    assert gap_days("XXXX-12-30", "XXXX-01-02", "XXXX-01-02") == 3  # across new year
    assert gap_days("XXXX", "2022-01-06", "2022-01-13") is None


def test_entities_named_by_every_document_are_weak_evidence(clustered) -> None:
    store, _, _ = clustered
    with store.read_session() as session:
        specificity = entity_specificity(session, ["gn:2935022", "gn:709930", "kb:dynamo-dresden"])
    # Dresden (5 of 19 documents) < Dnipro (3) < Dynamo Dresden (only 1)
    assert 0 < specificity["gn:2935022"] < specificity["gn:709930"] < specificity["kb:dynamo-dresden"] == 1


@pytest.mark.slow
def test_sample_corpus_splits_into_the_stories_a_reader_sees(tmp_path: Path) -> None:
    """January unrest and CSTO mission; neutrality in the Ukraine war; the undated Oreshnik strike."""
    pytest.importorskip("lagebild.events")
    from lagebild.ingest import ingest_paths
    from lagebild.store.schema import DocumentRow

    store = open_store(f"sqlite:///{tmp_path / 'kz.db'}")
    summary = ingest_paths(store, [EXAMPLES])
    assert summary.failed == 0, summary.failures
    update_stories(store, summary.document_ids)
    with store.read_session() as session:
        files = {
            doc_id: Path(source.split("#")[0]).name[:3]
            for doc_id, source in session.execute(select(DocumentRow.id, DocumentRow.source))
        }
    stories: dict[str, set[str]] = defaultdict(set)
    for document_id, story_id in assignments(store).items():
        stories[story_id].add(files[document_id])
    assert sorted(map(sorted, stories.values())) == [["000"], ["001", "003", "004"], ["002"]]
