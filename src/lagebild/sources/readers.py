"""Readers for plain text, HTML, WARC, RSS/Atom feeds and JSON Lines, plain or gzipped."""

from __future__ import annotations

import gzip
import io
import json
import logging
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from lagebild.config import DEFAULT_LIMITS, Limits
from lagebild.errors import LimitExceeded, SourceError
from lagebild.models import RawDocument
from lagebild.sources.feeds import read_feed

LOGGER = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
FEED_SUFFIXES = {".rss", ".atom", ".xml", ".feed"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
WARC_SUFFIXES = {".warc"}
KNOWN_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | FEED_SUFFIXES | JSONL_SUFFIXES | WARC_SUFFIXES
#: Share of control bytes above which a "text" file is treated as binary.
BINARY_CONTROL_SHARE = 0.05
CHUNK = 1 << 16


@dataclass(frozen=True)
class ReadFailure:
    """An input that could not be read, with a one-line reason."""

    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


def iter_inputs(
    paths: Iterable[str | Path],
    *,
    limits: Limits = DEFAULT_LIMITS,
    hints: dict[str, str] | None = None,
) -> Iterator[RawDocument | ReadFailure]:
    """Yield every document found under ``paths`` (files or directories, recursively).

    ``hints`` (e.g. a user-supplied ``published``) are added to every document that
    does not state the same field itself.
    """
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        else:
            files = [path]
        for file in files:
            yield from _with_hints(read_file(file, limits=limits), hints or {})


def _with_hints(
    items: Iterator[RawDocument | ReadFailure], hints: dict[str, str]
) -> Iterator[RawDocument | ReadFailure]:
    for item in items:
        if hints and isinstance(item, RawDocument):
            merged = {**hints, **item.hints}
            item = RawDocument(item.data, item.source, item.media_type, item.url, item.fetched_at, merged)
        yield item


def read_file(path: Path, *, limits: Limits = DEFAULT_LIMITS) -> Iterator[RawDocument | ReadFailure]:
    """Read one file; failures are yielded, never raised."""
    source = str(path)
    try:
        yield from _read_file(path, limits)
    except SourceError as error:
        LOGGER.warning("%s", error)
        yield ReadFailure(error.source, error.reason)
    except (OSError, EOFError, zlib.error, UnicodeError, ValueError) as error:
        reason = _describe(error)
        LOGGER.warning("%s: %s", source, reason)
        yield ReadFailure(source, reason)


def _read_file(path: Path, limits: Limits) -> Iterator[RawDocument | ReadFailure]:
    source = str(path)
    if not path.exists():
        raise SourceError(source, "no such file")
    suffixes = [s.lower() for s in path.suffixes]
    compressed = bool(suffixes) and suffixes[-1] == ".gz"
    kind = suffixes[-2] if compressed and len(suffixes) > 1 else suffixes[-1] if suffixes else ""
    if kind in WARC_SUFFIXES:
        from lagebild.sources.warc import read_warc

        yield from read_warc(path, limits=limits)
        return
    if path.stat().st_size == 0:
        raise SourceError(source, "empty file")
    with path.open("rb") as handle:
        stream: IO[bytes] = gzip.GzipFile(fileobj=handle) if compressed else handle
        if kind in JSONL_SUFFIXES:
            yield from read_jsonl(stream, source, limits=limits)
            return
        data = read_bytes_limited(stream, limits.max_document_bytes, source)
    if not data.strip():
        raise SourceError(source, "empty file" if not compressed else "empty after decompression")
    if kind in FEED_SUFFIXES or (kind not in KNOWN_SUFFIXES and _looks_like_feed(data)):
        yield from read_feed(data, source, limits=limits)
        return
    if kind in HTML_SUFFIXES or (kind not in TEXT_SUFFIXES and _looks_like_html(data)):
        media_type = "text/html"
    else:
        media_type = "text/plain"
    if _looks_binary(data):
        raise SourceError(source, "binary content, not text")
    yield RawDocument(data=data, source=source, media_type=media_type, fetched_at=_mtime(path))


def read_bytes_limited(stream: IO[bytes], limit: int, source: str) -> bytes:
    """Read a whole stream, refusing it once it passes ``limit`` bytes (stops gzip bombs)."""
    buffer = io.BytesIO()
    while True:
        chunk = stream.read(CHUNK)
        if not chunk:
            return buffer.getvalue()
        buffer.write(chunk)
        if buffer.tell() > limit:
            raise LimitExceeded(source, f"larger than the {human_size(limit)} document limit")


def read_jsonl(stream: IO[bytes], source: str, *, limits: Limits) -> Iterator[RawDocument | ReadFailure]:
    """One document per JSON line: ``url``, ``title``, ``text`` or ``html``, optional metadata."""
    expanded = 0
    for number, line in enumerate(_limited_lines(stream, limits.max_document_bytes, source), start=1):
        expanded += len(line)
        if expanded > limits.max_expanded_bytes:
            raise LimitExceeded(source, "expands beyond the container size limit")
        if not line.strip():
            continue
        record_source = f"{source}#L{number}"
        try:
            record = json.loads(line)
        except ValueError as error:
            yield ReadFailure(record_source, f"invalid JSON ({error.args[0].split(':')[0]})")
            continue
        if not isinstance(record, dict):
            yield ReadFailure(record_source, "line is not a JSON object")
            continue
        body = record.get("html") if record.get("html") is not None else record.get("text")
        if not isinstance(body, str) or not body.strip():
            yield ReadFailure(record_source, "no 'text' or 'html' string")
            continue
        hints = {
            key: str(record[key])
            for key in ("title", "published", "outlet", "language", "url")
            if isinstance(record.get(key), str | int | float) and str(record[key]).strip()
        }
        url = hints.get("url")
        yield RawDocument(
            data=body.encode("utf-8", errors="replace"),
            source=url or record_source,
            media_type="text/html" if record.get("html") is not None else "text/plain",
            url=url,
            hints=hints,
        )


def _limited_lines(stream: IO[bytes], limit: int, source: str) -> Iterator[bytes]:
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        if len(line) > limit and not line.endswith(b"\n"):
            raise LimitExceeded(source, f"a line is longer than the {human_size(limit)} limit")
        yield line


def human_size(size: int) -> str:
    """``10485760`` -> ``10 MB``."""
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:g} {unit}"
    return f"{size} bytes"


def _looks_like_html(data: bytes) -> bool:
    head = data[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<body" in head or b"<p>" in head


def _looks_like_feed(data: bytes) -> bool:
    head = data[:1024].lstrip().lower()
    return head.startswith(b"<?xml") and (b"<rss" in head or b"<feed" in head or b"<rdf" in head)


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample and not sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    control = sum(1 for byte in sample if byte < 9 or 13 < byte < 32)
    return control > BINARY_CONTROL_SHARE * max(len(sample), 1)


def _mtime(path: Path) -> datetime | None:
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    except OSError:
        return None


def _describe(error: BaseException) -> str:
    if isinstance(error, PermissionError):
        return "permission denied"
    if isinstance(error, IsADirectoryError):
        return "is a directory"
    if isinstance(error, EOFError | zlib.error) or "gzip" in str(error).lower():
        return f"truncated or corrupt compressed data ({error})"
    return f"{type(error).__name__}: {error}"
