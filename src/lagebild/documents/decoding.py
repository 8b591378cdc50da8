"""Turn raw bytes into text without ever failing on bad bytes."""

from __future__ import annotations

import codecs
import logging
import re

import charset_normalizer

logger = logging.getLogger(__name__)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_DECLARED_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
# Accented Latin-1 letters (À-ÿ) that dominate when Cyrillic or Greek bytes are read as cp1252.
_HIGH_LATIN = re.compile(r"[\u00c0-\u00ff]")
_MAX_HIGH_LATIN_SHARE = 0.3


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in a ``<meta>`` tag, when Python knows it."""
    match = _DECLARED_CHARSET.search(data[:4096])
    if match is None:
        return None
    name = match.group(1).decode("ascii", "ignore")
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _plausible_western(text: str) -> bool:
    letters = sum(char.isalpha() for char in text)
    return letters == 0 or len(_HIGH_LATIN.findall(text)) / letters <= _MAX_HIGH_LATIN_SHARE


def decode_bytes(data: bytes) -> str:
    """Decode ``data``: BOM, strict UTF-8, a declared charset, cp1252/latin-1, detection.

    cp1252 and latin-1 come before detection because charset detection is unreliable on short
    German text (it takes cp1252 umlauts for Mac or Central European code pages); it is
    accepted only when the result does not look like misread Cyrillic or Greek.  As a last
    resort bytes are read as cp1252 with replacement characters.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = declared_charset(data)
    if declared and declared != "utf-8":
        try:
            return data.decode(declared)
        except UnicodeDecodeError:
            logger.debug("declared charset %s does not fit the bytes", declared)
    for western in ("cp1252", "latin-1"):
        try:
            text = data.decode(western)
        except UnicodeDecodeError:
            continue
        if _plausible_western(text):
            return text
    best = charset_normalizer.from_bytes(data).best()
    if best is not None:
        logger.debug("charset detected as %s", best.encoding)
        return str(best)
    return data.decode("cp1252", errors="replace")
