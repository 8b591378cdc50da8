"""Flat Parquet rows for processed documents, and back.

Each shard of input becomes one file per table and date partition, named after the
shard, so a retried task overwrites its own output instead of adding to it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, fields
from typing import Any

from lagebild.models import Analysis, Document, Event, Mention, RawDocument, TimeExpression
from lagebild.pipeline import Processed

TABLES = ("documents", "mentions", "times", "events", "failures")
UNKNOWN_PARTITION = "unknown"


def shard_id(shard: str) -> str:
    return hashlib.sha256(shard.encode()).hexdigest()[:16]


def partition_of(document: Document) -> str:
    """The ``date=`` partition: the publication month, or ``unknown``."""
    published = document.published or ""
    return published[:7] if len(published) >= 7 else (published[:4] or UNKNOWN_PARTITION)


def to_rows(processed: Processed) -> dict[str, list[dict[str, Any]]]:
    """One processed document as rows of the documents, mentions, times and events tables."""
    document, analysis, raw = processed.document, processed.analysis, processed.raw
    record = asdict(document)
    record.update(
        content_hash=processed.content_hash,
        minhash=processed.minhash,
        raw=raw.data,
        raw_source=raw.source,
        raw_media_type=raw.media_type,
        raw_url=raw.url,
        raw_hints=json.dumps(raw.hints, ensure_ascii=False),
        sentences=json.dumps(analysis.sentences if analysis else []),
        truncated=json.dumps(processed.truncated),
        analyzed=analysis is not None,
    )
    rows: dict[str, list[dict[str, Any]]] = {"documents": [record], "mentions": [], "times": [], "events": []}
    if analysis is not None:
        rows["mentions"] = [{"document_id": document.id, **asdict(m)} for m in analysis.mentions]
        rows["times"] = [{"document_id": document.id, **asdict(t)} for t in analysis.times]
        rows["events"] = [{"document_id": document.id, **asdict(e)} for e in analysis.events]
    return rows


def from_rows(
    record: dict[str, Any],
    mentions: list[dict[str, Any]],
    times: list[dict[str, Any]],
    events: list[dict[str, Any]],
) -> Processed:
    """Rebuild a ``Processed`` from its Parquet rows."""
    document = Document(**{f.name: record.get(f.name) for f in fields(Document)})
    raw = RawDocument(
        data=record["raw"],
        source=record["raw_source"],
        media_type=record["raw_media_type"],
        url=record["raw_url"],
        hints=json.loads(record["raw_hints"] or "{}"),
    )
    analysis = None
    if record["analyzed"]:
        analysis = Analysis(
            text=document.text,
            document=document,
            published=document.published,
            language=document.language,
            sentences=[tuple(span) for span in json.loads(record["sentences"])],
            mentions=[_build(Mention, row) for row in mentions],
            times=[_build(TimeExpression, row) for row in times],
            events=[_build(Event, row) for row in events],
        )
    return Processed(
        raw=raw,
        document=document,
        content_hash=record["content_hash"],
        minhash=record["minhash"],
        analysis=analysis,
        truncated=json.loads(record["truncated"] or "{}"),
    )


def _build(cls: type, row: dict[str, Any]) -> Any:
    return cls(**{f.name: row.get(f.name) for f in fields(cls) if f.name in row})
