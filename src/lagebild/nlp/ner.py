"""Named-entity recognition for German text with lagebild's own spaCy model.

The model (``lagebild/resources/ner_de``) was trained by ``scripts/train_ner.py`` on GermEval 2014
and other CC BY corpora; see ``docs/ner-model.md``.  It loads offline from the package.  Texts are
processed in chunks of whole sentences within a paragraph, so that megabyte-long inputs work and
entity offsets still point into the original text.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from functools import lru_cache
from importlib.resources import as_file, files

import spacy
from spacy.language import Language

from lagebild.models import Mention
from lagebild.nlp.sentences import split_sentences  # also registers "lagebild_sentences"

logger = logging.getLogger(__name__)

MODEL_RESOURCE = "ner_de"
LABELS = ("PER", "LOC", "ORG", "OTH")
MAX_CHUNK_CHARS = 5000
BATCH_SIZE = 64


@lru_cache(maxsize=1)
def load_model() -> Language:
    """The packaged German NER pipeline (sentence splitter + tok2vec + ner), loaded once."""
    started = time.perf_counter()
    with as_file(files("lagebild.resources") / MODEL_RESOURCE) as path:
        nlp = spacy.load(path)
    logger.info("loaded NER model %s in %.2f s", MODEL_RESOURCE, time.perf_counter() - started)
    return nlp


@lru_cache(maxsize=1)
def _label_confidence() -> dict[str, float]:
    """Per-type precision on the held-out dev set, recorded in the model's meta.json."""
    per_type = load_model().meta.get("performance", {}).get("ents_per_type", {})
    return {label: round(float(per_type.get(label, {}).get("p", 0.5)), 3) for label in LABELS}


def chunk_spans(
    text: str, max_chars: int = MAX_CHUNK_CHARS, *, sentences: list[tuple[int, int]] | None = None
) -> Iterator[tuple[int, int]]:
    """Spans of ``text`` made of whole sentences of one paragraph, each at most ``max_chars`` long
    (a single longer sentence is cut at whitespace).  ``sentences`` saves splitting ``text`` again
    when the caller has its sentence spans already."""
    chunk_start: int | None = None
    chunk_end = 0
    for start, end in split_sentences(text) if sentences is None else sentences:
        for piece_start, piece_end in _cut_long(text, start, end, max_chars):
            joinable = (
                chunk_start is not None
                and piece_end - chunk_start <= max_chars
                and "\n" not in text[chunk_end:piece_start]
            )
            if joinable:
                chunk_end = piece_end
                continue
            if chunk_start is not None:
                yield chunk_start, chunk_end
            chunk_start, chunk_end = piece_start, piece_end
    if chunk_start is not None:
        yield chunk_start, chunk_end


def _cut_long(text: str, start: int, end: int, max_chars: int) -> Iterator[tuple[int, int]]:
    while end - start > max_chars:
        cut = text.rfind(" ", start + 1, start + max_chars)
        cut = cut if cut > start else start + max_chars
        yield start, cut
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if start < end:
        yield start, end


def find_names(text: str, *, sentences: list[tuple[int, int]] | None = None) -> list[Mention]:
    """Unlinked name mentions (PER/LOC/ORG/OTH) in ``text``, with offsets into ``text``.

    ``sentences`` are the text's sentence spans when the caller has them already.
    """
    return _find_names([text], [sentences])[0]


def find_names_batch(texts: Iterable[str]) -> list[list[Mention]]:
    """:func:`find_names` for many texts, chunks of all texts streamed through ``nlp.pipe``."""
    texts = list(texts)
    return _find_names(texts, [None] * len(texts))


def _find_names(texts: list[str], sentences: list[list[tuple[int, int]] | None]) -> list[list[Mention]]:
    nlp = load_model()
    confidence = _label_confidence()
    jobs = [
        (index, start, end)
        for index, (text, spans) in enumerate(zip(texts, sentences, strict=True))
        for start, end in chunk_spans(text, sentences=spans)
    ]
    results: list[list[Mention]] = [[] for _ in texts]
    chunks = (texts[index][start:end] for index, start, end in jobs)
    for (index, offset, _end), doc in zip(jobs, nlp.pipe(chunks, batch_size=BATCH_SIZE), strict=True):
        for ent in doc.ents:
            if ent.label_ not in LABELS:
                continue
            start, end = offset + ent.start_char, offset + ent.end_char
            results[index].append(
                Mention(
                    start=start,
                    end=end,
                    text=texts[index][start:end],
                    label=ent.label_,
                    confidence=confidence[ent.label_],
                )
            )
    return results
