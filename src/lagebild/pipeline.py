"""Composition of the per-document stages: raw bytes -> document -> annotations -> events.

``Pipeline.process`` is the one pure per-document function; the CLI, the API and the
Ray batch all call it, so there is no second implementation of the pipeline.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from lagebild.config import DEFAULT_LIMITS, Limits
from lagebild.models import Analysis, Document, RawDocument

LOGGER = logging.getLogger(__name__)


@dataclass
class Processed:
    """The output of the per-document pipeline for one raw input."""

    raw: RawDocument
    document: Document
    content_hash: str
    minhash: bytes
    analysis: Analysis | None
    truncated: dict[str, int]
    duplicate_score: float | None = None


def clean(
    data: bytes | str,
    *,
    url: str | None = None,
    media_type: str | None = None,
    source: str | None = None,
    hints: dict[str, str] | None = None,
) -> Document:
    """Read and clean one input in memory (no store): the fields the export carries."""
    from lagebild.documents import build_document

    payload = data.encode("utf-8") if isinstance(data, str) else data
    raw = RawDocument(
        data=payload,
        source=source or url or "<memory>",
        media_type=media_type,
        url=url,
        fetched_at=datetime.now(UTC),
        hints={**(hints or {}), **({"url": url} if url else {})},
    )
    return build_document(raw)


def analyze(
    text_or_document: str | Document, *, published: str | None = None, language: str | None = None
) -> Analysis:
    """Find sentences, linked entity mentions, time expressions and events in a text."""
    from lagebild.events import extract_events
    from lagebild.kb.link import find_known_mentions, link_mentions, merge_mentions
    from lagebild.nlp.ner import find_names
    from lagebild.nlp.sentences import split_sentences
    from lagebild.nlp.time import find_times

    document = text_or_document if isinstance(text_or_document, Document) else None
    text = document.text if document else str(text_or_document)
    if document is not None:
        published = published or document.published
        language = language or document.language
    language = language or "de"
    analysis = Analysis(text=text, document=document, published=published, language=language)
    analysis.sentences = split_sentences(text)
    mentions = merge_mentions(find_names(text, sentences=analysis.sentences), find_known_mentions(text))
    analysis.mentions = link_mentions(text, mentions, language=language)
    analysis.times = find_times(
        text, dct=published, dct_precision=_precision_of(published), language=language
    )
    analysis.events = extract_events(analysis)
    return analysis


def _precision_of(value: str | None) -> str:
    if not value:
        return "unknown"
    return {4: "year", 7: "month"}.get(len(value), "day")


class Pipeline:
    """Runs the per-document stages with models loaded once, for batches."""

    def __init__(self, *, limits: Limits = DEFAULT_LIMITS, with_analysis: bool = True) -> None:
        self.limits = limits
        self.with_analysis = with_analysis

    def process(self, raw: RawDocument) -> Processed:
        """Clean and analyse one raw input (the whole per-document pipeline).

        Raises ``lagebild.documents.ExtractionError`` when nothing usable remains.
        """
        return self.annotate(self.prepare(raw))

    def prepare(self, raw: RawDocument) -> Processed:
        """Clean one raw input and compute its identity and duplicate signatures."""
        from lagebild.documents import build_document
        from lagebild.documents.dedup import minhash_bytes, normalise_for_hash
        from lagebild.store.database import document_key

        document = build_document(raw)
        content_hash = hashlib.sha256(normalise_for_hash(document.text).encode()).hexdigest()
        document = replace(document, id=document_key(raw.source, content_hash))
        return Processed(raw, document, content_hash, minhash_bytes(document.text), None, {})

    def annotate(self, processed: Processed) -> Processed:
        """Add the analysis (entities, times, events) to a prepared document, within limits."""
        if not self.with_analysis:
            return processed
        analysis = analyze(processed.document)
        return replace(processed, analysis=analysis, truncated=self._apply_limits(analysis))

    def _apply_limits(self, analysis: Analysis) -> dict[str, int]:
        """Cut runaway annotation lists to the configured caps and say how much was cut."""
        cut: dict[str, int] = {}
        for name, cap in (
            ("mentions", self.limits.max_mentions_per_document),
            ("events", self.limits.max_events_per_document),
        ):
            items = getattr(analysis, name)
            if len(items) > cap:
                cut[f"limit.{name}_per_document"] = len(items) - cap
                setattr(analysis, name, items[:cap])
        return cut
