"""Exporters, registered by (what, format) so new ones plug in the same way as the built-ins."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lagebild.store.queries import (
    DOCUMENT_EXPORT_FIELDS,
    EventFilter,
    document_record,
    filter_events,
    iter_documents,
    sentence_of,
)
from lagebild.store.schema import DocumentRow, EntityRow, EventRow, MentionRow

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


#: Modules whose exporters register themselves through ``register``, like a plugin's would.
EXPORTER_MODULES = ("lagebild.stories.exports",)


def write_export(session: Session, what: str, fmt: str, handle: IO[str]) -> None:
    """Write the records ``what`` in format ``fmt``; raises ``UnknownExport`` for unknown pairs."""
    import importlib

    for module in EXPORTER_MODULES:
        importlib.import_module(module)
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


ENTITY_FIELDS = [
    "id",
    "type",
    "name",
    "mentions",
    "aliases_seen",
    "aliases",
    "names",
    "wikidata",
    "geonames_id",
    "latitude",
    "longitude",
    "country",
    "provisional",
]
MENTION_FIELDS = [
    "document_id",
    "start",
    "end",
    "text",
    "label",
    "entity_id",
    "canonical_name",
    "confidence",
    "sentence",
]
EVENT_FIELDS = [
    "id",
    "document_id",
    "type",
    "mode",
    "cameo",
    "acled_type",
    "acled_subtype",
    "date",
    "date_precision",
    "date_end",
    "actor",
    "actor_id",
    "actor_role",
    "target",
    "target_id",
    "target_role",
    "place",
    "place_id",
    "latitude",
    "longitude",
    "killed",
    "injured",
    "arrested",
    "troops",
    "count_group",
    "weapon",
    "modality",
    "attributed_to",
    "quote",
    "trigger",
    "confidence",
    "evidence_start",
    "evidence_end",
    "evidence",
    "outlet",
    "source",
    "canonical_event_id",
]


def entity_records(session: Session) -> Iterator[dict[str, Any]]:
    from lagebild.store.queries import entity_aliases, mention_counts

    for entity in session.scalars(select(EntityRow).order_by(EntityRow.id)):
        yield {
            "id": entity.id,
            "type": entity.type,
            "name": entity.name,
            "mentions": mention_counts(session, [entity.id]).get(entity.id, 0),
            "aliases_seen": [text for text, _ in entity_aliases(session, entity.id)],
            "aliases": entity.aliases,
            "names": entity.names,
            "wikidata": entity.wikidata,
            "geonames_id": entity.geonames_id,
            "latitude": entity.latitude,
            "longitude": entity.longitude,
            "country": entity.country,
            "provisional": entity.provisional,
        }


@register("entities", ["jsonl", "csv"])
def export_entities(session: Session, fmt: str, handle: IO[str]) -> None:
    write_rows(handle, entity_records(session), fmt, ENTITY_FIELDS)


@register("mentions", ["jsonl", "csv"])
def export_mentions(session: Session, fmt: str, handle: IO[str]) -> None:
    def rows() -> Iterator[dict[str, Any]]:
        statement = (
            select(MentionRow, DocumentRow, EntityRow.name)
            .join(DocumentRow, DocumentRow.id == MentionRow.document_id)
            .outerjoin(EntityRow, EntityRow.id == MentionRow.entity_id)
            .order_by(DocumentRow.seq, MentionRow.start)
        )
        for mention, document, canonical in session.execute(statement):
            yield {
                "document_id": mention.document_id,
                "start": mention.start,
                "end": mention.end,
                "text": mention.text,
                "label": mention.label,
                "entity_id": mention.entity_id,
                "canonical_name": canonical,
                "confidence": mention.confidence,
                "sentence": sentence_of(document, mention),
            }

    write_rows(handle, rows(), fmt, MENTION_FIELDS)


def event_records(session: Session, conditions: EventFilter | None = None) -> Iterator[dict[str, Any]]:
    """Events with their evidence sentence and source, in date order."""
    statement = filter_events(select(EventRow), conditions or EventFilter())
    for event in session.scalars(statement.order_by(EventRow.date, EventRow.id)):
        document = session.get(DocumentRow, event.document_id)
        record = {name: getattr(event, name) for name in EVENT_FIELDS if hasattr(EventRow, name)}
        record["evidence"] = document.text[event.evidence_start : event.evidence_end] if document else None
        record["outlet"] = document.outlet if document else None
        record["source"] = (document.url or document.source) if document else None
        yield record


@register("events", ["jsonl", "csv"])
def export_events(session: Session, fmt: str, handle: IO[str]) -> None:
    write_rows(handle, event_records(session), fmt, EVENT_FIELDS)


@register("events", ["geojson"])
def export_events_geojson(session: Session, fmt: str, handle: IO[str]) -> None:
    """RFC 7946 FeatureCollection of located events (Point, [longitude, latitude])."""
    features = [
        {
            "type": "Feature",
            "id": record["id"],
            "geometry": {"type": "Point", "coordinates": [record["longitude"], record["latitude"]]},
            "properties": {
                key: value for key, value in record.items() if key not in ("latitude", "longitude")
            },
        }
        for record in event_records(session, EventFilter(located=True))
    ]
    json.dump({"type": "FeatureCollection", "features": features}, handle, ensure_ascii=False)
    handle.write("\n")


#: Column layout of ACLED's public CSV export.
ACLED_COLUMNS = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
]
#: ACLED time precision codes: 1 the day is known, 2 the week, 3 only the month (or coarser).
ACLED_TIME_PRECISION = {"day": 1, "week": 2, "month": 3, "year": 3}
#: ACLED's disorder types by event type.
ACLED_DISORDER = {
    "Protests": "Demonstrations",
    "Riots": "Demonstrations",
    "Battles": "Political violence",
    "Explosions/Remote violence": "Political violence",
    "Violence against civilians": "Political violence",
    "Strategic developments": "Strategic developments",
}


@register("events", ["acled"])
def export_events_acled(session: Session, fmt: str, handle: IO[str]) -> None:
    """ACLED-style CSV: only events with an ACLED type and a full (year-known) date."""
    from lagebild.kb import load_kb

    kb = load_kb()
    writer = csv.DictWriter(handle, fieldnames=ACLED_COLUMNS)
    writer.writeheader()
    for number, record in enumerate(event_records(session), start=1):
        date = record["date"] or ""
        if not record["acled_type"] or not date[:4].isdigit():
            continue
        iso = kb.country_of(record["place_id"]) if record["place_id"] else None
        country = kb.country_entity(iso) if iso else None
        day = date if len(date) == 10 else (date[:7] + "-01" if len(date) >= 7 else date[:4] + "-01-01")
        writer.writerow(
            {
                "event_id_cnty": f"{iso or 'XX'}{number}",
                "event_date": day,
                "year": date[:4],
                "time_precision": ACLED_TIME_PRECISION.get(record["date_precision"], 3),
                "disorder_type": ACLED_DISORDER.get(record["acled_type"], ""),
                "event_type": record["acled_type"],
                "sub_event_type": record["acled_subtype"] or "",
                "actor1": record["actor"] or "",
                "actor2": record["target"] or "",
                "iso": iso or "",
                "country": country.name("en") if country else "",
                "location": record["place"] or "",
                "latitude": record["latitude"] if record["latitude"] is not None else "",
                "longitude": record["longitude"] if record["longitude"] is not None else "",
                "geo_precision": 1
                if record["place_id"] and record["place_id"] != (country.id if country else None)
                else 3,
                "source": record["outlet"] or "",
                "notes": record["evidence"] or "",
                "fatalities": record["killed"] or 0,
                "tags": f"lagebild:{record['id']}; modality={record['modality']}",
                "timestamp": "",
            }
        )
