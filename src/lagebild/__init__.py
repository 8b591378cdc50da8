"""lagebild: an open-source news-intelligence engine.

Public API::

    clean(data, *, url=None, media_type=None) -> Document      # read and clean one input, no store
    analyze(text_or_document, *, published=None, language=None) -> Analysis
"""

import logging

from lagebild.errors import ExtractionError, LagebildError, LimitExceeded, SourceError, StoreError
from lagebild.models import Analysis, Document, Event, Mention, RawDocument, TimeExpression
from lagebild.pipeline import Pipeline, analyze, clean

__all__ = [
    "Analysis",
    "Document",
    "Event",
    "ExtractionError",
    "LagebildError",
    "LimitExceeded",
    "Mention",
    "Pipeline",
    "RawDocument",
    "SourceError",
    "StoreError",
    "TimeExpression",
    "analyze",
    "clean",
]
__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())
