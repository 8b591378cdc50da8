"""WARC archives (plain or gzipped, e.g. CC-NEWS): HTML response records become documents."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from lagebild.config import DEFAULT_LIMITS, Limits
from lagebild.errors import LimitExceeded, SourceError
from lagebild.models import RawDocument
from lagebild.sources.readers import ReadFailure, read_bytes_limited

LOGGER = logging.getLogger(__name__)
HTML_TYPES = ("text/html", "application/xhtml+xml")


def read_warc(path: Path, *, limits: Limits = DEFAULT_LIMITS) -> Iterator[RawDocument | ReadFailure]:
    """Yield the HTML responses of a WARC file; a damaged tail ends the file with a failure."""
    source = str(path)
    if path.stat().st_size == 0:
        raise SourceError(source, "empty file")
    with path.open("rb") as handle:
        records = 0
        expanded = 0
        try:
            for record in ArchiveIterator(handle):
                if record.rec_type != "response":
                    continue
                records += 1
                uri = record.rec_headers.get_header("WARC-Target-URI") or ""
                record_id = record.rec_headers.get_header("WARC-Record-ID") or str(records)
                record_source = f"{source}#{record_id.strip('<>')}"
                content_type = (
                    (record.http_headers.get_header("Content-Type") or "") if record.http_headers else ""
                )
                if content_type and not content_type.lower().startswith(HTML_TYPES):
                    continue
                try:
                    data = read_bytes_limited(
                        record.content_stream(), limits.max_document_bytes, record_source
                    )
                except LimitExceeded as error:
                    yield ReadFailure(error.source, error.reason)
                    continue
                missing = getattr(record.raw_stream, "limit", 0)
                if missing:
                    yield ReadFailure(record_source, f"truncated record ({missing} bytes missing)")
                    continue
                expanded += len(data)
                if expanded > limits.max_expanded_bytes:
                    raise LimitExceeded(source, "expands beyond the container size limit")
                if not data.strip():
                    yield ReadFailure(record_source, "empty response body")
                    continue
                yield RawDocument(
                    data=data,
                    source=record_source,
                    media_type="text/html",
                    url=uri or None,
                    fetched_at=_warc_date(record.rec_headers.get_header("WARC-Date")),
                    hints={"url": uri} if uri else {},
                )
        except ArchiveLoadFailed as error:
            raise SourceError(
                source, f"not a readable WARC file ({str(error).splitlines()[0][:120]})"
            ) from error
        # warcio raises AttributeError on a response record with a body but no WARC-Target-URI.
        except (EOFError, OSError, ValueError, AttributeError) as error:
            raise SourceError(
                source, f"damaged WARC after {records} records ({type(error).__name__}: {error})"
            ) from error
    if records == 0:
        raise SourceError(source, "no response records")


def _warc_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
