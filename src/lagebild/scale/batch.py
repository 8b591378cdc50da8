"""The batch job: shards of input -> the per-document pipeline in Ray actors -> Parquet.

Every shard (one input file or URL) is processed by one task with ``Pipeline.process``,
the same function the CLI ingest uses. Its output is written to one file per table and
date partition, named after the shard and moved into place atomically, so a task that
fails and is retried replaces its own output and never duplicates it.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from lagebild.config import DEFAULT_LIMITS, Limits
from lagebild.errors import LagebildError
from lagebild.pipeline import Pipeline
from lagebild.scale.records import TABLES, partition_of, shard_id, to_rows
from lagebild.sources import ReadFailure, iter_inputs

LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class ShardResult:
    shard: str
    documents: int
    failed: int


def list_shards(inputs: Iterable[str]) -> list[str]:
    """Input files (directories expanded) and remote URLs, one shard each, in a stable order."""
    shards: list[str] = []
    for item in inputs:
        if "://" in item and not item.startswith("file://"):
            shards.append(item)
            continue
        path = Path(item.removeprefix("file://"))
        if path.is_dir():
            shards.extend(
                str(p) for p in sorted(path.rglob("*")) if p.is_file() and not p.name.startswith(".")
            )
        else:
            shards.append(str(path))
    return shards


def process_shard(
    shard: str, pipeline: Pipeline, out_dir: Path, *, limits: Limits = DEFAULT_LIMITS
) -> ShardResult:
    """Run the per-document pipeline over one shard and write its Parquet files."""
    tables: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    documents = failed = 0
    with _local_copy(shard) as local:
        for item in iter_inputs([local], limits=limits):
            if isinstance(item, ReadFailure):
                failed += 1
                tables[("failures", "all")].append(
                    {"source": item.source.replace(str(local), shard), "reason": item.reason}
                )
                continue
            try:
                processed = pipeline.process(item)
            except (LagebildError, ValueError) as error:
                failed += 1
                tables[("failures", "all")].append(
                    {"source": item.source, "reason": getattr(error, "reason", str(error))}
                )
                continue
            documents += 1
            partition = partition_of(processed.document)
            for table, rows in to_rows(processed).items():
                tables[(table, partition)].extend(rows)
    name = f"part-{shard_id(shard)}.parquet"
    for (table, partition), rows in tables.items():
        _write_atomically(out_dir / table / f"date={partition}" / name, rows)
    return ShardResult(shard, documents, failed)


def _write_atomically(path: Path, rows: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".parquet")
    os.close(handle)
    pq.write_table(pa.Table.from_pylist(rows), temporary)
    os.replace(temporary, path)


class _local_copy:  # noqa: N801  (used as a context manager, like open)
    """A local path for a shard: the path itself, or a temporary copy of a remote (fsspec) URL."""

    def __init__(self, shard: str) -> None:
        self.shard = shard
        self.directory: str | None = None

    def __enter__(self) -> Path:
        if "://" not in self.shard or self.shard.startswith("file://"):
            return Path(self.shard.removeprefix("file://"))
        import fsspec

        self.directory = tempfile.mkdtemp(prefix="lagebild-shard-")
        target = Path(self.directory) / Path(self.shard.split("?")[0]).name
        with fsspec.open(self.shard, "rb") as source, target.open("wb") as sink:
            shutil.copyfileobj(source, sink)
        return target

    def __exit__(self, *_: object) -> None:
        if self.directory:
            shutil.rmtree(self.directory, ignore_errors=True)


class ShardProcessor:
    """A Ray actor: loads the models once, then processes one shard per call."""

    def __init__(self, out_dir: str) -> None:
        from lagebild.pipeline import analyze

        self.out_dir = Path(out_dir)
        self.pipeline = Pipeline()
        analyze(
            "Präsident Tokajew sprach am 6. Januar 2022 in Almaty."
        )  # load the models before the first shard

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        results = [process_shard(str(shard), self.pipeline, self.out_dir) for shard in batch["shard"]]
        return {
            "shard": [r.shard for r in results],
            "documents": [r.documents for r in results],
            "failed": [r.failed for r in results],
        }


def run_batch(
    inputs: Iterable[str], out_dir: str | Path, *, address: str = "local", workers: int = 2
) -> list[ShardResult]:
    """Process every shard of ``inputs`` on Ray (a local instance, or a cluster at ``address``)."""
    import ray

    shards = list_shards(inputs)
    out = Path(out_dir).resolve()
    for table in TABLES:
        (out / table).mkdir(parents=True, exist_ok=True)
    if not shards:
        return []
    started_here = not ray.is_initialized()
    if started_here:
        if address == "local":
            ray.init(
                num_cpus=max(workers, 1),
                include_dashboard=False,
                log_to_driver=False,
                runtime_env={"env_vars": {"HF_HUB_OFFLINE": "1"}},
            )
        else:
            ray.init(address=address, log_to_driver=False)
    try:
        dataset = ray.data.from_items([{"shard": shard} for shard in shards], override_num_blocks=len(shards))
        processed = dataset.map_batches(
            ShardProcessor,
            fn_constructor_kwargs={"out_dir": str(out)},
            batch_size=1,
            compute=ray.data.ActorPoolStrategy(size=max(workers, 1)),
            num_cpus=1,
            max_restarts=2,
            max_task_retries=2,
        )
        rows = processed.take_all()
    finally:
        if started_here:
            ray.shutdown()
    return [ShardResult(row["shard"], int(row["documents"]), int(row["failed"])) for row in rows]
