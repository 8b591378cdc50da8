"""lagebild's exception tree.

LagebildError
├── SourceError       a file, record or URL could not be read
├── ExtractionError   nothing usable remained after cleaning (lagebild.documents)
├── LimitExceeded     an input broke a configured resource limit
└── StoreError        the database refused an operation
"""

from __future__ import annotations


class LagebildError(Exception):
    """Root of every error lagebild raises on purpose."""


class SourceError(LagebildError):
    """An input could not be read; ``source`` names it, ``reason`` says why in a few words."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class ExtractionError(LagebildError, ValueError):
    """Nothing usable remained after cleaning; ``reason`` says why in a few words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class LimitExceeded(SourceError):
    """An input is larger (or deeper, or longer) than a configured limit allows."""


class StoreError(LagebildError):
    """The store could not complete an operation."""
