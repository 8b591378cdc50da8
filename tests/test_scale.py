"""Archive-scale batch: the same per-document pipeline on Ray, Parquet out, idempotent load."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

pa = pytest.importorskip("pyarrow", reason="the 'scale' extra (pyarrow, ray) is not installed")

from lagebild.ingest import ingest_paths  # noqa: E402
from lagebild.pipeline import Pipeline  # noqa: E402
from lagebild.scale.batch import list_shards, process_shard  # noqa: E402
from lagebild.scale.load import load_batch  # noqa: E402
from lagebild.store import open_store  # noqa: E402
from lagebild.store.schema import DocumentRow, EventRow, MentionRow  # noqa: E402


def counts(store) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    with store.read_session() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(table))
            for table in (DocumentRow, MentionRow, EventRow)
        )  # type: ignore[return-value]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, sample_dir: Path) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    shutil.copytree(sample_dir, folder / "kz")
    (folder / "kz" / "broken.txt.gz").write_bytes(b"\x1f\x8b\x08\x00broken")
    return folder / "kz"


def test_shards_are_listed_in_a_stable_order(corpus: Path) -> None:
    shards = list_shards([str(corpus)])
    assert [Path(s).name[:3] for s in shards] == ["000", "001", "002", "003", "004", "bro"]


def test_batch_output_loads_like_a_local_ingest_and_retries_do_not_duplicate(
    corpus: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    pipeline = Pipeline()
    for shard in list_shards([str(corpus)]):
        process_shard(shard, pipeline, out)
    process_shard(list_shards([str(corpus)])[1], pipeline, out)  # a retried task rewrites its own files
    partitions = sorted(p.name for p in (out / "documents").iterdir())
    assert partitions == ["date=2022-01", "date=2022-03", "date=unknown"]
    assert len(list((out / "documents").glob("*/part-*.parquet"))) == 5

    batch_store = open_store(str(tmp_path / "batch.db"))
    summary = load_batch(batch_store, out)
    assert (summary.new, summary.failed) == (5, 1)
    assert "broken.txt.gz" in summary.failures[0].source
    again = load_batch(batch_store, out)
    assert (again.new, again.known) == (0, 5)

    local_store = open_store(str(tmp_path / "local.db"))
    ingest_paths(local_store, [corpus])
    assert counts(batch_store) == counts(local_store)


@pytest.mark.ray
def test_ray_batch_with_two_workers(corpus: Path, tmp_path: Path) -> None:
    from lagebild.scale.batch import run_batch

    results = run_batch([str(corpus)], tmp_path / "out", workers=2)
    assert sorted((Path(r.shard).name[:3], r.documents, r.failed) for r in results) == [
        ("000", 1, 0),
        ("001", 1, 0),
        ("002", 1, 0),
        ("003", 1, 0),
        ("004", 1, 0),
        ("bro", 0, 1),
    ]
    store = open_store(str(tmp_path / "ray.db"))
    assert load_batch(store, tmp_path / "out").new == 5
