"""RSS 2.0 and Atom feeds saved as files: one ``RawDocument`` per entry."""

from __future__ import annotations

import calendar
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree
import feedparser
from defusedxml import DefusedXmlException

from lagebild.config import DEFAULT_LIMITS, Limits
from lagebild.errors import LimitExceeded, SourceError
from lagebild.models import RawDocument

LOGGER = logging.getLogger(__name__)


def read_feed(data: bytes, source: str, *, limits: Limits = DEFAULT_LIMITS) -> Iterator[RawDocument]:
    """Yield one document per entry, with the entry's full content when it carries it.

    Feeds that declare entities (billion laughs) or external references (XXE) are
    refused before feedparser sees them.
    """
    if len(data) > limits.max_expanded_bytes:
        raise LimitExceeded(source, "feed larger than the container size limit")
    _refuse_entity_tricks(data, source)
    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    if not parsed.entries:
        if parsed.bozo:
            raise SourceError(source, f"not a readable feed ({type(parsed.bozo_exception).__name__})")
        raise SourceError(source, "feed has no entries")
    outlet = _text(parsed.feed.get("title"))
    for index, entry in enumerate(parsed.entries):
        body, media_type = _entry_body(entry)
        if not body.strip():
            LOGGER.warning("%s: entry %d has no text", source, index)
            continue
        link = _text(entry.get("link"))
        hints = {"title": _text(entry.get("title")), "outlet": outlet, "url": link}
        published = _published(entry)
        if published:
            hints["published"] = published
        yield RawDocument(
            data=body.encode("utf-8"),
            source=f"{source}#{entry.get('id') or link or index}",
            media_type=media_type,
            url=link or None,
            hints={key: value for key, value in hints.items() if value},
        )


def _refuse_entity_tricks(data: bytes, source: str) -> None:
    try:
        defusedxml.ElementTree.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise SourceError(
            source, f"feed declares XML entities or external references ({type(error).__name__})"
        ) from error
    except ParseError:
        pass  # malformed but entity-free: feedparser's lenient parser may still read it


def _entry_body(entry: Any) -> tuple[str, str]:
    contents = entry.get("content") or []
    if contents:
        best = max(contents, key=lambda item: len(item.get("value", "")))
        return best.get("value", ""), _media_type(best.get("type"))
    summary = entry.get("summary_detail") or {}
    return entry.get("summary", ""), _media_type(summary.get("type"))


def _media_type(value: str | None) -> str:
    return "text/plain" if value == "text/plain" else "text/html"


def _published(entry: Any) -> str | None:
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    if not stamp:
        return None
    return datetime.fromtimestamp(calendar.timegm(stamp), tz=UTC).date().isoformat()


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""
