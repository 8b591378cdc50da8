"""Batch ingest: read inputs, run the per-document pipeline, detect duplicates, store.

A file that cannot be read or cleaned is reported in one line and counted; the rest
of the batch goes on. Re-running the same ingest adds nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.exc import IntegrityError

from lagebild.config import DEFAULT_LIMITS, Limits
from lagebild.errors import LagebildError
from lagebild.models import RawDocument
from lagebild.pipeline import Pipeline, Processed
from lagebild.sources import ReadFailure, iter_inputs
from lagebild.store import Store

if TYPE_CHECKING:
    from lagebild.alerts.notify import Notifier
    from lagebild.alerts.rules import Alert

LOGGER = logging.getLogger(__name__)


@dataclass
class IngestSummary:
    """Counts of one ingest run, and each failure with its reason."""

    read: int = 0
    new: int = 0
    duplicate: int = 0
    known: int = 0
    failed: int = 0
    failures: list[ReadFailure] = field(default_factory=list)
    document_ids: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"read {self.read}, new {self.new}, duplicate {self.duplicate}, "
            f"already stored {self.known}, failed {self.failed}"
        )


class Ingestor:
    """Holds the loaded pipeline; duplicates are looked up in the store (its MinHash band index)."""

    def __init__(self, store: Store, *, limits: Limits = DEFAULT_LIMITS, with_analysis: bool = True) -> None:
        self.store = store
        self.pipeline = Pipeline(limits=limits, with_analysis=with_analysis)

    def ingest_raw(self, raw: RawDocument, summary: IngestSummary) -> None:
        """Process and store one raw input, updating ``summary``; never raises for bad input."""
        summary.read += 1
        try:
            processed = self._process(raw)
        except (LagebildError, ValueError) as error:
            reason = getattr(error, "reason", None) or str(error) or type(error).__name__
            self._fail(summary, raw.source, reason)
            return
        except Exception as error:  # a bug must not sink the batch: report, count, go on
            LOGGER.debug("unexpected error on %s", raw.source, exc_info=True)
            self._fail(summary, raw.source, f"internal error ({type(error).__name__}: {error})")
            return
        if processed is None:
            summary.known += 1
            return
        self.store_processed(processed, summary)

    def store_processed(self, processed: Processed, summary: IngestSummary) -> None:
        """Save one processed document (analysis included) and count what happened."""
        for name, amount in processed.truncated.items():
            self.store.bump(name, amount)
        try:
            outcome = self.store.save(processed)
        except IntegrityError:
            outcome = None  # a concurrent ingest stored it first
        if outcome is None or outcome.status == "known":
            summary.known += 1
            return
        summary.document_ids.append(outcome.document_id)
        if outcome.status == "duplicate":
            summary.duplicate += 1
        else:
            summary.new += 1

    def link_duplicates(self, processed: Processed) -> Processed | None:
        """Mark an exact or near duplicate of a stored document; ``None`` when it is stored already.

        An exact duplicate loses its analysis: the stored twin carries it once.
        """
        document = processed.document
        if self.store.has_document(document.id):
            return None
        exact = self.store.find_exact(processed.content_hash, excluding=document.id)
        if exact:
            document = replace(document, duplicate_of=exact, duplicate_kind="exact")
            return replace(processed, document=document, analysis=None, truncated={})
        near = self.store.near_duplicates(processed.minhash)
        if near:
            duplicate_of, score = near[0]
            document = replace(document, duplicate_of=duplicate_of, duplicate_kind="near")
            processed = replace(processed, document=document, duplicate_score=round(score, 3))
        return processed

    def _process(self, raw: RawDocument) -> Processed | None:
        """Clean, check for duplicates, then analyse; ``None`` when already stored."""
        processed = self.link_duplicates(self.pipeline.prepare(raw))
        if processed is None or processed.document.duplicate_kind == "exact":
            return processed
        return self.pipeline.annotate(processed)

    def _fail(self, summary: IngestSummary, source: str, reason: str) -> None:
        summary.failed += 1
        summary.failures.append(ReadFailure(source, reason))
        self.store.bump("failed_inputs")
        LOGGER.warning("%s: %s", source, reason)


def ingest_paths(
    store: Store,
    paths: Iterable[str | Path],
    *,
    hints: dict[str, str] | None = None,
    limits: Limits = DEFAULT_LIMITS,
    with_analysis: bool = True,
    on_progress: Callable[[str], None] | None = None,
    on_failure: Callable[[ReadFailure], None] | None = None,
) -> IngestSummary:
    """Ingest files and directories into ``store`` and return what happened."""
    summary = IngestSummary()
    ingestor = Ingestor(store, limits=limits, with_analysis=with_analysis)
    for item in iter_inputs(paths, limits=limits, hints=hints):
        if isinstance(item, ReadFailure):
            summary.read += 1
            summary.failed += 1
            summary.failures.append(item)
            store.bump("failed_inputs")
            if on_failure:
                on_failure(item)
        else:
            failed_before = summary.failed
            ingestor.ingest_raw(item, summary)
            if on_failure and summary.failed > failed_before:
                on_failure(summary.failures[-1])
        if on_progress:
            on_progress(getattr(item, "source", ""))
    if with_analysis:
        after_batch(store, summary.document_ids)
    return summary


def after_batch(store: Store, document_ids: list[str], *, notifier: Notifier | None = None) -> list[Alert]:
    """The incremental cross-document stages for newly stored documents: stories, claims, alerts."""
    if not document_ids:
        return []
    from lagebild.alerts import evaluate_new_events
    from lagebild.stories import update_stories

    update_stories(store, document_ids)
    return evaluate_new_events(store, document_ids, notifier=notifier)
