"""Settings as small value objects with named, commented defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass

#: A single news article is rarely above 1 MB of HTML; 10 MB leaves room for inline
#: images and scripts while keeping one hostile document from exhausting memory.
DEFAULT_MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
#: Containers (WARC, JSONL, feeds) are streamed record by record; this caps what a
#: single decompressed container may expand to, which stops gzip bombs.
DEFAULT_MAX_EXPANDED_BYTES = 2 * 1024 * 1024 * 1024
#: Caps on derived records per document: a pathological page must not flood the store.
DEFAULT_MAX_MENTIONS_PER_DOCUMENT = 5000
DEFAULT_MAX_EVENTS_PER_DOCUMENT = 500

DEFAULT_DB_FILE = "lagebild.db"


@dataclass(frozen=True)
class Limits:
    """Resource limits applied to every input."""

    max_document_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES
    max_expanded_bytes: int = DEFAULT_MAX_EXPANDED_BYTES
    max_mentions_per_document: int = DEFAULT_MAX_MENTIONS_PER_DOCUMENT
    max_events_per_document: int = DEFAULT_MAX_EVENTS_PER_DOCUMENT


DEFAULT_LIMITS = Limits()


def database_url(db: str | None = None) -> str:
    """Turn ``--db`` (a file name or any SQLAlchemy URL) or ``$LAGEBILD_DB`` into a URL."""
    value = db or os.environ.get("LAGEBILD_DB") or DEFAULT_DB_FILE
    if "://" in value:
        return value
    return f"sqlite:///{value}"
