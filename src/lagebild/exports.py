"""Exporters, registered by (what, format) so new ones plug in the same way as the built-ins."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable
from typing import IO, Any

from sqlalchemy.orm import Session

from lagebild.store.queries import DOCUMENT_EXPORT_FIELDS, document_record, iter_documents

Exporter = Callable[[Session, str, IO[str]], None]
EXPORTERS: dict[tuple[str, str], Exporter] = {}


class UnknownExport(LookupError):
    """No exporter is registered for the requested (what, format)."""


def register(what: str, formats: Iterable[str]) -> Callable[[Exporter], Exporter]:
    """Register ``function`` as the exporter of ``what`` in each of ``formats``."""

    def decorate(function: Exporter) -> Exporter:
        for fmt in formats:
            EXPORTERS[(what, fmt)] = function
        return function

    return decorate


def write_export(session: Session, what: str, fmt: str, handle: IO[str]) -> None:
    exporter = EXPORTERS.get((what, fmt))
    if exporter is None:
        raise UnknownExport(f"cannot export {what} as {fmt}")
    exporter(session, fmt, handle)


def write_rows(handle: IO[str], rows: Iterable[dict[str, Any]], fmt: str, fields: list[str]) -> None:
    """Write dict rows as JSON Lines or CSV (lists and dicts become JSON inside a CSV cell)."""
    if fmt == "jsonl":
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    writer = csv.DictWriter(handle, fieldnames=fields, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _cell(value) for key, value in row.items()})


def _cell(value: object) -> object:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else value


@register("documents", ["jsonl", "csv"])
def export_documents(session: Session, fmt: str, handle: IO[str]) -> None:
    write_rows(handle, (document_record(row) for row in iter_documents(session)), fmt, DOCUMENT_EXPORT_FIELDS)
