"""Read queries shared by the CLI, the REST API and the exports (one implementation)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from lagebild.store.schema import DocumentRow, EntityRow, EventRow, MentionRow, TimeRow

DOCUMENT_EXPORT_FIELDS = [
    "id",
    "source",
    "url",
    "outlet",
    "title",
    "author",
    "published",
    "published_precision",
    "published_evidence",
    "language",
    "words",
    "duplicate_of",
    "duplicate_kind",
    "text",
]


def document_record(row: DocumentRow) -> dict[str, Any]:
    """The export form of a stored document."""
    return {name: getattr(row, name) for name in DOCUMENT_EXPORT_FIELDS}


def iter_documents(session: Session, *, batch: int = 500) -> Iterator[DocumentRow]:
    """All documents in ingest order, streamed in batches."""
    last = 0
    while True:
        rows = session.scalars(
            select(DocumentRow).where(DocumentRow.seq > last).order_by(DocumentRow.seq).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].seq


def get_document(session: Session, document_id: str) -> DocumentRow | None:
    """A document by full id or by a unique id prefix."""
    row = session.get(DocumentRow, document_id)
    if row is not None:
        return row
    matches = session.scalars(
        select(DocumentRow).where(DocumentRow.id.startswith(document_id)).limit(2)
    ).all()
    return matches[0] if len(matches) == 1 else None


@dataclass(frozen=True)
class Stats:
    documents: int
    duplicates: int
    words: int
    languages: dict[str, int]
    outlets: int
    entities: int
    mentions: int
    times: int
    events: int


def stats(session: Session) -> Stats:
    def count(statement: Select[Any]) -> int:
        return session.scalar(statement) or 0

    languages = dict(
        session.execute(select(DocumentRow.language, func.count()).group_by(DocumentRow.language)).all()
    )
    return Stats(
        documents=count(select(func.count()).select_from(DocumentRow)),
        duplicates=count(select(func.count()).where(DocumentRow.duplicate_of.is_not(None))),
        words=count(select(func.sum(DocumentRow.words))),
        languages={str(key): value for key, value in languages.items()},
        outlets=count(select(func.count(func.distinct(DocumentRow.outlet)))),
        entities=count(select(func.count()).select_from(EntityRow)),
        mentions=count(select(func.count()).select_from(MentionRow)),
        times=count(select(func.count()).select_from(TimeRow)),
        events=count(select(func.count()).select_from(EventRow)),
    )
