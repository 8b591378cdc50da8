"""Read queries shared by the CLI, the REST API and the exports (one implementation)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, func, literal, or_, select, text
from sqlalchemy.orm import Session

from lagebild.store.schema import (
    ClaimRow,
    ClaimSourceRow,
    DocumentRow,
    EntityRow,
    EventRow,
    MentionRow,
    OutletRow,
    StoryDocumentRow,
    TimeRow,
)

DOCUMENT_EXPORT_FIELDS = [
    "id",
    "source",
    "url",
    "outlet",
    "title",
    "author",
    "published",
    "published_precision",
    "published_evidence",
    "language",
    "words",
    "duplicate_of",
    "duplicate_kind",
    "text",
]


def document_record(row: DocumentRow) -> dict[str, Any]:
    """The export form of a stored document."""
    return {name: getattr(row, name) for name in DOCUMENT_EXPORT_FIELDS}


def iter_documents(session: Session, *, batch: int = 500) -> Iterator[DocumentRow]:
    """All documents in ingest order, streamed in batches."""
    last = 0
    while True:
        rows = session.scalars(
            select(DocumentRow).where(DocumentRow.seq > last).order_by(DocumentRow.seq).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].seq


def get_document(session: Session, document_id: str) -> DocumentRow | None:
    """A document by full id or by a unique id prefix."""
    row = session.get(DocumentRow, document_id)
    if row is not None:
        return row
    matches = session.scalars(
        select(DocumentRow).where(DocumentRow.id.startswith(document_id)).limit(2)
    ).all()
    return matches[0] if len(matches) == 1 else None


@dataclass(frozen=True)
class Stats:
    documents: int
    duplicates: int
    words: int
    languages: dict[str, int]
    outlets: int
    entities: int
    mentions: int
    times: int
    events: int


def stats(session: Session) -> Stats:
    def count(statement: Select[Any]) -> int:
        return session.scalar(statement) or 0

    languages = dict(
        session.execute(select(DocumentRow.language, func.count()).group_by(DocumentRow.language)).all()
    )
    return Stats(
        documents=count(select(func.count()).select_from(DocumentRow)),
        duplicates=count(select(func.count()).where(DocumentRow.duplicate_of.is_not(None))),
        words=count(select(func.sum(DocumentRow.words))),
        languages={str(key): value for key, value in languages.items()},
        outlets=count(select(func.count(func.distinct(DocumentRow.outlet)))),
        entities=count(select(func.count()).select_from(EntityRow)),
        mentions=count(select(func.count()).select_from(MentionRow)),
        times=count(select(func.count()).select_from(TimeRow)),
        events=count(select(func.count()).select_from(EventRow)),
    )


# -- situation picture: entities, events, timeline, stories, search ---------------------------------

#: Characters either side of a search hit shown in its snippet.
SNIPPET_RADIUS = 90


@dataclass(frozen=True)
class EventFilter:
    """Conditions on events; every field is optional and they combine with AND.

    ``since``/``until`` compare by interval overlap: an event dated ``2022-01`` (month
    precision) matches ``since=2022-01-15`` because the month contains that day.
    """

    type: str | None = None
    actor: str | None = None
    target: str | None = None
    place: str | None = None
    entity: str | None = None
    bbox: tuple[float, float, float, float] | None = None
    since: str | None = None
    until: str | None = None
    outlet: str | None = None
    language: str | None = None
    document_id: str | None = None
    story_id: str | None = None
    located: bool = False


def _matches_entity(id_column: Any, name_column: Any, value: str) -> Any:
    """An entity given by id, or by a case-insensitive part of its name as written."""
    pattern = "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return or_(id_column == value, func.lower(name_column).like(pattern.lower(), escape="\\"))


def filter_events(statement: Select[Any], conditions: EventFilter) -> Select[Any]:
    """Apply ``conditions`` to a statement selecting from ``events``."""
    if conditions.type:
        statement = statement.where(EventRow.type == conditions.type)
    if conditions.actor:
        statement = statement.where(_matches_entity(EventRow.actor_id, EventRow.actor, conditions.actor))
    if conditions.target:
        statement = statement.where(_matches_entity(EventRow.target_id, EventRow.target, conditions.target))
    if conditions.place:
        statement = statement.where(_matches_entity(EventRow.place_id, EventRow.place, conditions.place))
    if conditions.entity:
        statement = statement.where(
            or_(
                EventRow.actor_id == conditions.entity,
                EventRow.target_id == conditions.entity,
                EventRow.place_id == conditions.entity,
            )
        )
    if conditions.bbox:
        min_lon, min_lat, max_lon, max_lat = conditions.bbox
        statement = statement.where(
            EventRow.longitude.between(min_lon, max_lon), EventRow.latitude.between(min_lat, max_lat)
        )
    if conditions.located:
        statement = statement.where(EventRow.latitude.is_not(None), EventRow.longitude.is_not(None))
    if conditions.since:
        since = literal(conditions.since)
        statement = statement.where(
            or_(
                EventRow.date >= since,
                func.substr(since, 1, func.length(EventRow.date)) == EventRow.date,
            )
        )
    if conditions.until:
        statement = statement.where(EventRow.date <= conditions.until + "\uffff")
    if conditions.document_id:
        statement = statement.where(EventRow.document_id == conditions.document_id)
    if conditions.outlet or conditions.language:
        statement = statement.join(DocumentRow, DocumentRow.id == EventRow.document_id)
        if conditions.outlet:
            statement = statement.where(DocumentRow.outlet == conditions.outlet)
        if conditions.language:
            statement = statement.where(DocumentRow.language == conditions.language)
    if conditions.story_id:
        statement = statement.where(
            EventRow.document_id.in_(
                select(StoryDocumentRow.document_id).where(StoryDocumentRow.story_id == conditions.story_id)
            )
        )
    return statement


def events_by_type(session: Session, conditions: EventFilter | None = None) -> dict[str, int]:
    """How many events of each type, most frequent first."""
    statement = filter_events(select(EventRow.type, func.count()), conditions or EventFilter())
    rows = session.execute(statement.group_by(EventRow.type).order_by(func.count().desc(), EventRow.type))
    return {event_type: count for event_type, count in rows}


@dataclass
class TimelineBucket:
    """Events of one period; ``precision`` says whether the period is a day, a month or a year."""

    period: str
    precision: str
    count: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    events: list[EventRow] = field(default_factory=list)


def _period(date: str, precision: str, granularity: str) -> tuple[str, str] | None:
    """The bucket of an event date: events coarser than ``granularity`` keep their coarser period."""
    if not date or date.startswith("X"):
        return None
    if granularity == "day" and len(date) >= 10 and precision in ("day", "unknown"):
        return date[:10], "day"
    if len(date) >= 7 and date[4] == "-" and precision != "year":
        return date[:7], "month"
    return date[:4], "year"


def timeline(
    session: Session,
    conditions: EventFilter | None = None,
    *,
    granularity: str = "day",
    max_events: int = 5000,
    events_per_bucket: int = 50,
) -> list[TimelineBucket]:
    """Dated events grouped by day or month in date order (undatable ``XXXX-…`` dates are left out)."""
    statement = filter_events(select(EventRow), conditions or EventFilter()).where(EventRow.date.is_not(None))
    buckets: dict[tuple[str, str], TimelineBucket] = {}
    for row in session.scalars(statement.order_by(EventRow.date, EventRow.id).limit(max_events)):
        key = _period(row.date or "", row.date_precision, granularity)
        if key is None:
            continue
        bucket = buckets.setdefault(key, TimelineBucket(period=key[0], precision=key[1]))
        bucket.count += 1
        bucket.by_type[row.type] = bucket.by_type.get(row.type, 0) + 1
        if len(bucket.events) < events_per_bucket:
            bucket.events.append(row)
    return sorted(buckets.values(), key=lambda bucket: (bucket.period, bucket.precision))


def mention_counts(session: Session, entity_ids: list[str]) -> dict[str, int]:
    """Number of mentions of each of ``entity_ids``."""
    if not entity_ids:
        return {}
    rows = session.execute(
        select(MentionRow.entity_id, func.count())
        .where(MentionRow.entity_id.in_(entity_ids))
        .group_by(MentionRow.entity_id)
    )
    return {entity_id: count for entity_id, count in rows}


def entity_aliases(session: Session, entity_id: str, *, limit: int = 50) -> list[tuple[str, int]]:
    """The surface forms an entity was written as, with how often, most frequent first."""
    rows = session.execute(
        select(MentionRow.text, func.count())
        .where(MentionRow.entity_id == entity_id)
        .group_by(MentionRow.text)
        .order_by(func.count().desc(), MentionRow.text)
        .limit(limit)
    )
    return [(text, count) for text, count in rows]


def cooccurring_entities(session: Session, entity_id: str, *, limit: int = 20) -> list[tuple[EntityRow, int]]:
    """Entities mentioned in the same documents as ``entity_id``, with the number of shared documents."""
    documents = select(MentionRow.document_id).where(MentionRow.entity_id == entity_id).distinct()
    shared = func.count(func.distinct(MentionRow.document_id))
    rows = session.execute(
        select(EntityRow, shared)
        .join(MentionRow, MentionRow.entity_id == EntityRow.id)
        .where(MentionRow.document_id.in_(documents), EntityRow.id != entity_id)
        .group_by(EntityRow.id)
        .order_by(shared.desc(), EntityRow.id)
        .limit(limit)
    )
    return [(entity, count) for entity, count in rows]


def sentence_of(document: DocumentRow, mention: MentionRow) -> str:
    """The sentence a mention stands in (or the mention alone when no sentence was stored)."""
    if mention.sentence_start is None or mention.sentence_end is None:
        return document.text[mention.start : mention.end]
    return document.text[mention.sentence_start : mention.sentence_end]


def story_documents(session: Session, story_id: str) -> list[DocumentRow]:
    """The documents of a story, by outlet then publication date."""
    return list(
        session.scalars(
            select(DocumentRow)
            .join(StoryDocumentRow, StoryDocumentRow.document_id == DocumentRow.id)
            .where(StoryDocumentRow.story_id == story_id)
            .order_by(DocumentRow.outlet, DocumentRow.published, DocumentRow.id)
        )
    )


def claims_with_sources(
    session: Session, canonical_event_ids: list[str]
) -> dict[str, list[tuple[ClaimRow, list[ClaimSourceRow]]]]:
    """Claims of each canonical event (by attribute, then value), each with its sources."""
    if not canonical_event_ids:
        return {}
    claims = session.scalars(
        select(ClaimRow)
        .where(ClaimRow.canonical_event_id.in_(canonical_event_ids))
        .order_by(ClaimRow.attribute, ClaimRow.support.desc(), ClaimRow.id)
    ).all()
    sources: dict[str, list[ClaimSourceRow]] = {}
    if claims:
        for source in session.scalars(
            select(ClaimSourceRow)
            .where(ClaimSourceRow.claim_id.in_([claim.id for claim in claims]))
            .order_by(ClaimSourceRow.outlet, ClaimSourceRow.id)
        ):
            sources.setdefault(source.claim_id, []).append(source)
    grouped: dict[str, list[tuple[ClaimRow, list[ClaimSourceRow]]]] = {}
    for claim in claims:
        grouped.setdefault(claim.canonical_event_id, []).append((claim, sources.get(claim.id, [])))
    return grouped


@dataclass(frozen=True)
class OutletSummary:
    """An outlet as seen in the store, with its user-given profile when there is one."""

    name: str
    documents: int
    languages: list[str]
    first_published: str | None
    last_published: str | None
    label: str | None = None
    country: str | None = None
    note: str | None = None


def outlets(session: Session) -> list[OutletSummary]:
    """Every outlet named by a document or profiled by the user, by number of documents."""
    profiles = {row.name: row for row in session.scalars(select(OutletRow))}
    seen: dict[str, dict[str, Any]] = {}
    for name, language, count, first, last in session.execute(
        select(
            DocumentRow.outlet,
            DocumentRow.language,
            func.count(),
            func.min(DocumentRow.published),
            func.max(DocumentRow.published),
        )
        .where(DocumentRow.outlet.is_not(None))
        .group_by(DocumentRow.outlet, DocumentRow.language)
    ):
        entry = seen.setdefault(name, {"documents": 0, "languages": [], "first": None, "last": None})
        entry["documents"] += count
        if language:
            entry["languages"].append(language)
        entry["first"] = min(filter(None, [entry["first"], first]), default=None)
        entry["last"] = max(filter(None, [entry["last"], last]), default=None)
    result = []
    for name in set(seen) | set(profiles):
        entry = seen.get(name, {"documents": 0, "languages": [], "first": None, "last": None})
        profile = profiles.get(name)
        result.append(
            OutletSummary(
                name=name,
                documents=entry["documents"],
                languages=sorted(entry["languages"]),
                first_published=entry["first"],
                last_published=entry["last"],
                label=profile.label if profile else None,
                country=profile.country if profile else None,
                note=profile.note if profile else None,
            )
        )
    return sorted(result, key=lambda outlet: (-outlet.documents, outlet.name))


_FTS_WORD = re.compile(r"\w+", re.UNICODE)


def search_terms(query: str) -> list[str]:
    """The words of a user's search; every operator and quote is dropped, so input cannot alter syntax."""
    return _FTS_WORD.findall(query)[:32]


@dataclass(frozen=True)
class SearchHit:
    document: DocumentRow
    snippet: str
    #: Offsets of matched words inside ``snippet``.
    highlights: list[tuple[int, int]]


def search_documents(session: Session, query: str, *, offset: int = 0, limit: int = 20) -> list[SearchHit]:
    """Full-text search over title and clean text (all words must occur), best match first.

    SQLite uses the FTS5 index, PostgreSQL ``to_tsvector('simple', …)``; the query is
    reduced to plain words and bound as a parameter, never spliced into SQL or FTS syntax.
    """
    terms = search_terms(query)
    if not terms:
        return []
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        fts_query = " ".join('"' + term.replace('"', '""') + '"' for term in terms)
        ids = session.execute(
            text(
                "SELECT documents.id FROM documents_fts JOIN documents "
                "ON documents.rowid = documents_fts.rowid WHERE documents_fts MATCH :query "
                "ORDER BY bm25(documents_fts), documents.id LIMIT :limit OFFSET :offset"
            ),
            {"query": fts_query, "limit": limit, "offset": offset},
        ).scalars()
    else:
        vector = func.to_tsvector("simple", func.coalesce(DocumentRow.title, "") + " " + DocumentRow.text)
        tsquery = func.plainto_tsquery("simple", " ".join(terms))
        ids = session.scalars(
            select(DocumentRow.id)
            .where(vector.op("@@")(tsquery))
            .order_by(func.ts_rank(vector, tsquery).desc(), DocumentRow.id)
            .limit(limit)
            .offset(offset)
        )
    ordered = list(ids)
    rows = {row.id: row for row in session.scalars(select(DocumentRow).where(DocumentRow.id.in_(ordered)))}
    return [_hit(rows[doc_id], terms) for doc_id in ordered if doc_id in rows]


def _hit(row: DocumentRow, terms: list[str]) -> SearchHit:
    pattern = re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)
    first = pattern.search(row.text)
    center = first.start() if first else 0
    start = max(0, center - SNIPPET_RADIUS)
    end = min(len(row.text), center + SNIPPET_RADIUS)
    snippet = row.text[start:end]
    highlights = [(match.start(), match.end()) for match in pattern.finditer(snippet)]
    return SearchHit(row, snippet, highlights)
