"""Load a batch run's Parquet output into the store, then run the cross-document stages."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from lagebild.ingest import Ingestor, IngestSummary, after_batch
from lagebild.scale.records import from_rows
from lagebild.sources import ReadFailure
from lagebild.store import Store

LOGGER = logging.getLogger(__name__)


def load_batch(
    store: Store, out_dir: str | Path, *, on_progress: Callable[[str], None] | None = None
) -> IngestSummary:
    """Store every document of a batch output (idempotent: a second load adds nothing).

    Duplicate detection runs here, across all shards, exactly as in a local ingest.
    """
    root = Path(out_dir)
    summary = IngestSummary()
    ingestor = Ingestor(store)
    for failure in _read(root / "failures" / "date=all"):
        summary.read += 1
        summary.failed += 1
        summary.failures.append(ReadFailure(failure["source"], failure["reason"]))
    for documents_file in sorted((root / "documents").glob("date=*/part-*.parquet")):
        partition, name = documents_file.parent.name, documents_file.name
        derived = {
            table: _group(_read(root / table / partition / name)) for table in ("mentions", "times", "events")
        }
        for record in _read(documents_file):
            summary.read += 1
            doc_id = record["id"]
            processed = from_rows(
                record,
                derived["mentions"].get(doc_id, []),
                derived["times"].get(doc_id, []),
                derived["events"].get(doc_id, []),
            )
            linked = ingestor.link_duplicates(processed)
            if linked is None:
                summary.known += 1
            else:
                ingestor.store_processed(linked, summary)
        if on_progress:
            on_progress(str(documents_file))
    after_batch(store, summary.document_ids)
    return summary


def _read(path: Path) -> list[dict[str, Any]]:
    if path.is_dir():
        return [
            row for file in sorted(path.glob("part-*.parquet")) for row in pq.read_table(file).to_pylist()
        ]
    return pq.read_table(path).to_pylist() if path.exists() else []


def _group(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        grouped[row.pop("document_id")].append(row)
    return grouped
