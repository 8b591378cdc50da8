"""Cleaning: raw bytes to a :class:`~lagebild.models.Document` (main text and metadata).

``build_document`` is the entry point; ``dedup`` holds exact and near-duplicate detection.
"""

from lagebild.documents.clean import ExtractionError, build_document
from lagebild.documents.dedup import NearDuplicateIndex, content_id, minhash_bytes, normalise_for_hash

__all__ = [
    "ExtractionError",
    "NearDuplicateIndex",
    "build_document",
    "content_id",
    "minhash_bytes",
    "normalise_for_hash",
]
