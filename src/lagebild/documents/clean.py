"""From a :class:`RawDocument` to a cleaned :class:`Document` with its metadata."""

from __future__ import annotations

import hashlib
import logging
import re
from urllib.parse import urlsplit

from lagebild.documents.dates import date_from_lead, parse_date
from lagebild.documents.decoding import decode_bytes
from lagebild.documents.dedup import content_id
from lagebild.documents.html import extract_html
from lagebild.documents.language import detect_language
from lagebild.documents.textfilter import filter_lines
from lagebild.errors import ExtractionError
from lagebild.models import Document, PublicationDate, RawDocument

logger = logging.getLogger(__name__)

_BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"\x89PNG", "PNG image"),
    (b"GIF8", "GIF image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"\x1f\x8b", "gzip data"),
    (b"\x7fELF", "executable"),
)
_HTML_SNIFF = re.compile(rb"<(!doctype\s+html|html|head|body|article|div|p)[\s>]", re.IGNORECASE)
_ANY_TAG = re.compile(rb"<[a-zA-Z!/][^>]{0,200}>")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_MAX_CONTROL_SHARE = 0.02
_LEAD_CHARS = 1200


def _is_html(raw: RawDocument) -> bool:
    """HTML by media type (when the bytes have any tag at all) or by sniffing the start."""
    media_type = (raw.media_type or "").casefold()
    if "html" in media_type:
        return _ANY_TAG.search(raw.data) is not None
    if media_type.startswith("text/plain"):
        return False
    return _HTML_SNIFF.search(raw.data[:2048]) is not None


def _decode(data: bytes) -> str:
    if not data.strip():
        raise ExtractionError("empty input")
    for magic, kind in _BINARY_MAGIC:
        if data.startswith(magic):
            raise ExtractionError(f"binary data ({kind})")
    text = decode_bytes(data)
    if text and len(_CONTROL.findall(text)) / len(text) > _MAX_CONTROL_SHARE:
        raise ExtractionError("binary data")
    return text


def _hint_date(raw: RawDocument) -> PublicationDate | None:
    value = raw.hints.get("published")
    if not value:
        return None
    found = parse_date(value, f"hint published={value}")
    if found is None:
        logger.warning("%s: ignoring unreadable published hint %r", raw.source, value)
    return found


def _host(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url).hostname
    return host.removeprefix("www.") if host else None


def build_document(raw: RawDocument) -> Document:
    """Clean one raw input: main text, title, date, outlet, author, language and ids.

    HTML goes through trafilatura, anything else through the text-dump line filter.
    ``raw.hints`` (title, published, language, url) win over what is detected; the
    outlet the page states wins over an outlet hint, which wins over the URL's host.
    The text starts with the title paragraph when the page has one.

    Raises:
        ExtractionError: the input is empty, binary, or has no text left after cleaning.
    """
    decoded = _decode(raw.data)
    hints = raw.hints
    dates: list[PublicationDate | None] = [_hint_date(raw)]
    if _is_html(raw):
        extraction = extract_html(decoded, url=hints.get("url") or raw.url)
        if extraction is None:
            raise ExtractionError("no main text in HTML")
        title, body, author = extraction.title, extraction.text, extraction.author
        page_outlet, page_url = extraction.sitename, extraction.url
        if extraction.date:
            dates.append(parse_date(extraction.date, "html metadata (htmldate)"))
        if title and body.split("\n", 1)[0].strip().casefold() != title.casefold():
            body = f"{title}\n\n{body}"
    else:
        filtered = filter_lines(decoded, hints.get("language") or detect_language(decoded))
        title, author, page_outlet, page_url = filtered.title, filtered.author, filtered.outlet, None
        body = "\n\n".join(part for part in (filtered.title, filtered.body) if part)
        dates.extend(filtered.dates)
        if filtered.title and not filtered.body:
            logger.debug("%s: a single line of text; keeping it as text and title", raw.source)
    if not any(char.isalpha() for char in body):
        raise ExtractionError("no text left after cleaning")
    dates.append(date_from_lead(body[:_LEAD_CHARS], decoded))
    published = next((found for found in dates if found is not None), PublicationDate.unknown())
    url = hints.get("url") or raw.url or page_url
    return Document(
        id=content_id(body),
        source=raw.source,
        text=body,
        title=hints.get("title") or title,
        url=url,
        outlet=page_outlet or hints.get("outlet") or _host(url),
        author=hints.get("author") or author,
        published=published.value,
        published_precision=published.precision,
        published_evidence=published.evidence,
        language=hints.get("language") or detect_language(body),
        media_type=raw.media_type,
        raw_sha256=hashlib.sha256(raw.data).hexdigest(),
    )
