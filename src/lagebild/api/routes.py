"""The ``/api/v1`` endpoints: reads over the store and the document ingest."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import ValidationError
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from lagebild.api.pagination import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    BadCursor,
    SortKey,
    encode_cursor,
    keyset_page,
    offset_page,
)
from lagebild.api.schemas import (
    DATE_PATTERN,
    Alias,
    CanonicalEventOut,
    ClaimOut,
    ClaimSourceOut,
    CoOccurrence,
    Counts,
    DocumentDetail,
    DocumentHints,
    DocumentSummary,
    EntityDetail,
    EntityMention,
    EntitySummary,
    ErrorResponse,
    EventOut,
    IngestRequest,
    IngestResult,
    MentionOut,
    Page,
    SearchHitOut,
    SourceOut,
    StoryDetail,
    StorySummary,
    TimelineBucketOut,
    TimelineOut,
    TimeOut,
)
from lagebild.api.security import require_read, require_write
from lagebild.models import RawDocument
from lagebild.store import queries
from lagebild.store.schema import (
    CanonicalEventRow,
    ClaimRow,
    ClaimSourceRow,
    DocumentRow,
    EntityRow,
    EventRow,
    MentionRow,
    StoryRow,
    TimeRow,
)

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse, "description": description}
    for status, description in (
        (400, "Bad request (e.g. a cursor not issued by this endpoint)"),
        (401, "Missing or wrong API token"),
        (403, "Refused (no API token configured)"),
        (404, "Not found"),
        (422, "Invalid parameters"),
        (429, "Too many requests from this client (see the Retry-After header)"),
    )
}
#: Items of one kind listed inside a detail response; the list endpoints page through the rest.
DETAIL_ITEMS = 200

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"Page size (at most {MAX_LIMIT}).")]
Cursor = Annotated[str | None, Query(max_length=1000, description="next_cursor of the previous page.")]
DateParam = Annotated[str | None, Query(pattern=DATE_PATTERN, description="YYYY, YYYY-MM or YYYY-MM-DD")]
Text = Annotated[str | None, Query(max_length=300)]


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.store.read_session() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]

router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES, dependencies=[Depends(require_read)])
write_router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES)


def _page(session: Session, statement: Any, **options: Any) -> tuple[list[Any], str | None]:
    try:
        return keyset_page(session, statement, **options)
    except BadCursor as error:
        raise HTTPException(400, str(error)) from error


def _event_out(row: EventRow, text: str | None) -> EventOut:
    event = EventOut.model_validate(row)
    if text is not None:
        event.evidence = text[row.evidence_start : row.evidence_end]
    return event


def document_texts(session: Session, document_ids: set[str]) -> dict[str, str]:
    """Clean texts of some documents, by id (for evidence and quotes)."""
    if not document_ids:
        return {}
    rows = session.execute(select(DocumentRow.id, DocumentRow.text).where(DocumentRow.id.in_(document_ids)))
    return {document_id: text for document_id, text in rows}


def _events_out(session: Session, rows: list[EventRow]) -> list[EventOut]:
    """Events with their evidence text (one query for all their documents)."""
    texts = document_texts(session, {row.document_id for row in rows})
    return [_event_out(row, texts.get(row.document_id)) for row in rows]


def parse_bbox(value: str | None) -> tuple[float, float, float, float] | None:
    """``minlon,minlat,maxlon,maxlat`` in degrees, checked for range and order."""
    if value is None:
        return None
    parts = value.split(",")
    try:
        numbers = [float(part) for part in parts]
    except ValueError:
        numbers = []
    if len(numbers) != 4 or not all(math.isfinite(number) for number in numbers):
        raise HTTPException(422, "bbox must be four numbers: minlon,minlat,maxlon,maxlat")
    min_lon, min_lat, max_lon, max_lat = numbers
    if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise HTTPException(422, "bbox out of range or min above max")
    return min_lon, min_lat, max_lon, max_lat


def event_filter(
    type: Annotated[str | None, Query(max_length=20, description="PLOVER event type")] = None,
    actor: Annotated[str | None, Query(max_length=300, description="Entity id or part of the name")] = None,
    target: Annotated[str | None, Query(max_length=300, description="Entity id or part of the name")] = None,
    place: Annotated[str | None, Query(max_length=300, description="Entity id or part of the name")] = None,
    entity: Annotated[str | None, Query(max_length=200, description="Actor, target or place id")] = None,
    bbox: Annotated[str | None, Query(max_length=200, description="minlon,minlat,maxlon,maxlat")] = None,
    since: DateParam = None,
    until: DateParam = None,
    outlet: Text = None,
    language: Annotated[str | None, Query(max_length=8)] = None,
    document: Annotated[str | None, Query(max_length=32)] = None,
    story: Annotated[str | None, Query(max_length=40)] = None,
    located: Annotated[bool, Query(description="Only events with coordinates")] = False,
) -> queries.EventFilter:
    return queries.EventFilter(
        type=type,
        actor=actor,
        target=target,
        place=place,
        entity=entity,
        bbox=parse_bbox(bbox),
        since=since,
        until=until,
        outlet=outlet,
        language=language,
        document_id=document,
        story_id=story,
        located=located,
    )


EventFilterDep = Annotated[queries.EventFilter, Depends(event_filter)]


#: Events sort by date, latest first; undated ones and those with an unknown year (``XXXX-11-21``) last.
_EVENT_SORT_DATE = case((EventRow.date.startswith("X"), ""), else_=func.coalesce(EventRow.date, ""))


def _sort_date(date: str | None) -> str:
    return "" if not date or date.startswith("X") else date


# -- documents -------------------------------------------------------------------------------------


@router.get("/documents", response_model=Page[DocumentSummary], summary="List documents, newest first")
def list_documents(
    session: SessionDep,
    outlet: Text = None,
    language: Annotated[str | None, Query(max_length=8)] = None,
    since: DateParam = None,
    until: DateParam = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[DocumentSummary]:
    statement = select(DocumentRow)
    if outlet:
        statement = statement.where(DocumentRow.outlet == outlet)
    if language:
        statement = statement.where(DocumentRow.language == language)
    if since:
        statement = statement.where(DocumentRow.published >= since)
    if until:
        statement = statement.where(DocumentRow.published <= until + "\uffff")
    published = func.coalesce(DocumentRow.published, "")
    rows, next_cursor = _page(
        session,
        statement,
        kind="documents",
        keys=[SortKey(published, descending=True), SortKey(DocumentRow.id)],
        key_of=lambda row: [row.published or "", row.id],
        cursor=cursor,
        limit=limit,
    )
    return Page(items=[DocumentSummary.model_validate(row) for row in rows], next_cursor=next_cursor)


@router.get(
    "/documents/{document_id}", response_model=DocumentDetail, summary="One document with its analysis"
)
def get_document(document_id: str, session: SessionDep) -> DocumentDetail:
    row = queries.get_document(session, document_id) if len(document_id) >= 4 else None
    if row is None:
        raise HTTPException(404, f"no document {document_id}")
    mentions = session.scalars(
        select(MentionRow).where(MentionRow.document_id == row.id).order_by(MentionRow.start, MentionRow.id)
    ).all()
    times = session.scalars(
        select(TimeRow).where(TimeRow.document_id == row.id).order_by(TimeRow.start, TimeRow.id)
    ).all()
    events = session.scalars(
        select(EventRow).where(EventRow.document_id == row.id).order_by(EventRow.evidence_start, EventRow.id)
    ).all()
    detail = DocumentSummary.model_validate(row).model_dump()
    return DocumentDetail(
        **detail,
        source=row.source,
        author=row.author,
        published_evidence=row.published_evidence,
        text=row.text,
        mentions=[MentionOut.model_validate(mention) for mention in mentions],
        times=[TimeOut.model_validate(time) for time in times],
        events=[_event_out(event, row.text) for event in events],
    )


# -- entities and mentions -------------------------------------------------------------------------


def _mention_counts() -> Any:
    return (
        select(MentionRow.entity_id.label("entity_id"), func.count().label("mentions"))
        .group_by(MentionRow.entity_id)
        .subquery()
    )


@router.get("/entities", response_model=Page[EntitySummary], summary="Entities by number of mentions")
def list_entities(
    session: SessionDep,
    type: Annotated[str | None, Query(max_length=8, description="PER, ORG, LOC, OTH")] = None,
    q: Annotated[str | None, Query(max_length=300, description="Part of the canonical name")] = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[EntitySummary]:
    counts = _mention_counts()
    mentions = func.coalesce(counts.c.mentions, 0)
    statement = select(EntityRow, mentions.label("mentions")).outerjoin(
        counts, counts.c.entity_id == EntityRow.id
    )
    if type:
        statement = statement.where(EntityRow.type == type)
    if q:
        escaped = q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        statement = statement.where(func.lower(EntityRow.name).like(f"%{escaped}%", escape="\\"))
    rows, next_cursor = _page(
        session,
        statement,
        kind="entities",
        keys=[SortKey(mentions, descending=True), SortKey(EntityRow.id)],
        key_of=lambda row: [row[1], row[0].id],
        cursor=cursor,
        limit=limit,
        scalars=False,
    )
    items = [
        EntitySummary.model_validate(entity).model_copy(update={"mentions": count}) for entity, count in rows
    ]
    return Page(items=items, next_cursor=next_cursor)


@router.get("/entities/{entity_id:path}", response_model=EntityDetail, summary="One entity in context")
def get_entity(entity_id: str, session: SessionDep) -> EntityDetail:
    entity = session.get(EntityRow, entity_id)
    if entity is None:
        raise HTTPException(404, f"no entity {entity_id}")
    mention_rows = session.execute(
        select(MentionRow, DocumentRow)
        .join(DocumentRow, DocumentRow.id == MentionRow.document_id)
        .where(MentionRow.entity_id == entity_id)
        .order_by(func.coalesce(DocumentRow.published, "").desc(), MentionRow.document_id, MentionRow.start)
        .limit(DETAIL_ITEMS)
    ).all()
    mention_list = [
        EntityMention.model_validate(mention).model_copy(
            update={
                "sentence": queries.sentence_of(document, mention),
                "document_title": document.title,
                "outlet": document.outlet,
                "published": document.published,
            }
        )
        for mention, document in mention_rows
    ]

    def events_where(column: Any) -> list[EventOut]:
        rows = session.scalars(
            select(EventRow)
            .where(column == entity_id)
            .order_by(_EVENT_SORT_DATE.desc(), EventRow.id)
            .limit(DETAIL_ITEMS)
        ).all()
        return _events_out(session, list(rows))

    total = queries.mention_counts(session, [entity_id]).get(entity_id, 0)
    cooccurring = queries.cooccurring_entities(session, entity_id)
    counts = queries.mention_counts(session, [other.id for other, _ in cooccurring])
    return EntityDetail(
        **EntitySummary.model_validate(entity).model_dump(exclude={"mentions"}),
        mentions=total,
        names=entity.names or {},
        aliases_seen=[
            Alias(text=text, count=count) for text, count in queries.entity_aliases(session, entity_id)
        ],
        mention_list=mention_list,
        events_as_actor=events_where(EventRow.actor_id),
        events_as_target=events_where(EventRow.target_id),
        events_at_place=events_where(EventRow.place_id),
        cooccurring=[
            CoOccurrence(
                entity=EntitySummary.model_validate(other).model_copy(
                    update={"mentions": counts.get(other.id, 0)}
                ),
                documents=shared,
            )
            for other, shared in cooccurring
        ],
    )


@router.get("/mentions", response_model=Page[MentionOut], summary="Mentions, by document order")
def list_mentions(
    session: SessionDep,
    entity: Annotated[str | None, Query(max_length=200)] = None,
    document: Annotated[str | None, Query(max_length=32)] = None,
    label: Annotated[str | None, Query(max_length=8)] = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[MentionOut]:
    statement = select(MentionRow)
    if entity:
        statement = statement.where(MentionRow.entity_id == entity)
    if document:
        statement = statement.where(MentionRow.document_id == document)
    if label:
        statement = statement.where(MentionRow.label == label)
    rows, next_cursor = _page(
        session,
        statement,
        kind="mentions",
        keys=[SortKey(MentionRow.id)],
        key_of=lambda row: [row.id],
        cursor=cursor,
        limit=limit,
    )
    return Page(items=[MentionOut.model_validate(row) for row in rows], next_cursor=next_cursor)


# -- events and timeline ---------------------------------------------------------------------------


@router.get("/events", response_model=Page[EventOut], summary="Events, latest first, filtered")
def list_events(
    session: SessionDep, conditions: EventFilterDep, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
) -> Page[EventOut]:
    rows, next_cursor = _page(
        session,
        queries.filter_events(select(EventRow), conditions),
        kind="events",
        keys=[SortKey(_EVENT_SORT_DATE, descending=True), SortKey(EventRow.id)],
        key_of=lambda row: [_sort_date(row.date), row.id],
        cursor=cursor,
        limit=limit,
    )
    return Page(items=_events_out(session, rows), next_cursor=next_cursor)


@router.get("/events/{event_id}", response_model=EventOut, summary="One event with its evidence")
def get_event(event_id: str, session: SessionDep) -> EventOut:
    row = session.get(EventRow, event_id)
    if row is None:
        raise HTTPException(404, f"no event {event_id}")
    return _events_out(session, [row])[0]


@router.get("/timeline", response_model=TimelineOut, summary="Dated events grouped by day or month")
def get_timeline(
    session: SessionDep,
    conditions: EventFilterDep,
    granularity: Literal["day", "month"] = "day",
    events_per_bucket: Annotated[int, Query(ge=0, le=200)] = 20,
) -> TimelineOut:
    buckets = queries.timeline(
        session, conditions, granularity=granularity, events_per_bucket=events_per_bucket
    )
    return TimelineOut(
        granularity=granularity,
        buckets=[
            TimelineBucketOut(
                period=bucket.period,
                precision=bucket.precision,
                count=bucket.count,
                by_type=bucket.by_type,
                events=_events_out(session, bucket.events),
            )
            for bucket in buckets
        ],
    )


@router.get("/counts", response_model=Counts, summary="What the store holds")
def get_counts(session: SessionDep) -> Counts:
    figures = queries.stats(session)
    return Counts(
        documents=figures.documents,
        entities=figures.entities,
        mentions=figures.mentions,
        events=figures.events,
        stories=session.scalar(select(func.count()).select_from(StoryRow)) or 0,
        events_by_type=queries.events_by_type(session),
    )


# -- stories, claims, sources ----------------------------------------------------------------------


@router.get("/stories", response_model=Page[StorySummary], summary="Stories, most recently active first")
def list_stories(
    session: SessionDep, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
) -> Page[StorySummary]:
    last_seen = func.coalesce(StoryRow.last_seen, "")
    rows, next_cursor = _page(
        session,
        select(StoryRow),
        kind="stories",
        keys=[SortKey(last_seen, descending=True), SortKey(StoryRow.id)],
        key_of=lambda row: [row.last_seen or "", row.id],
        cursor=cursor,
        limit=limit,
    )
    return Page(items=[StorySummary.model_validate(row) for row in rows], next_cursor=next_cursor)


def _claims_out(session: Session, claims: list[tuple[ClaimRow, list[ClaimSourceRow]]]) -> list[ClaimOut]:
    texts = document_texts(session, {source.document_id for _, sources in claims for source in sources})

    def source_out(source: ClaimSourceRow) -> ClaimSourceOut:
        text = texts.get(source.document_id)
        quote = text[source.start : source.end] if text is not None else None
        return ClaimSourceOut.model_validate(source).model_copy(update={"quote": quote})

    return [
        ClaimOut.model_validate(claim).model_copy(
            update={"sources": [source_out(source) for source in sources]}
        )
        for claim, sources in claims
    ]


def story_detail(session: Session, story_id: str) -> StoryDetail:
    """A story with its documents, canonical events and their claims (shared by API and web pages)."""
    story = session.get(StoryRow, story_id)
    if story is None:
        raise HTTPException(404, f"no story {story_id}")
    canonical = session.scalars(
        select(CanonicalEventRow)
        .where(CanonicalEventRow.story_id == story_id)
        .order_by(func.coalesce(CanonicalEventRow.date, ""), CanonicalEventRow.id)
        .limit(DETAIL_ITEMS)
    ).all()
    claims = queries.claims_with_sources(session, [row.id for row in canonical])
    return StoryDetail(
        **StorySummary.model_validate(story).model_dump(),
        documents=[DocumentSummary.model_validate(row) for row in queries.story_documents(session, story_id)],
        canonical_events=[
            CanonicalEventOut.model_validate(row).model_copy(
                update={"claims": _claims_out(session, claims.get(row.id, []))}
            )
            for row in canonical
        ],
    )


@router.get("/stories/{story_id}", response_model=StoryDetail, summary="One story, its events and claims")
def get_story(story_id: str, session: SessionDep) -> StoryDetail:
    return story_detail(session, story_id)


@router.get("/claims", response_model=Page[ClaimOut], summary="Claims with their sources")
def list_claims(
    session: SessionDep,
    status: Annotated[str | None, Query(max_length=12, description="e.g. consensus, conflict")] = None,
    attribute: Annotated[str | None, Query(max_length=40)] = None,
    canonical_event: Annotated[str | None, Query(max_length=40)] = None,
    story: Annotated[str | None, Query(max_length=40)] = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[ClaimOut]:
    statement = select(ClaimRow)
    if status:
        statement = statement.where(ClaimRow.status == status)
    if attribute:
        statement = statement.where(ClaimRow.attribute == attribute)
    if canonical_event:
        statement = statement.where(ClaimRow.canonical_event_id == canonical_event)
    if story:
        statement = statement.where(
            ClaimRow.canonical_event_id.in_(
                select(CanonicalEventRow.id).where(CanonicalEventRow.story_id == story)
            )
        )
    rows, next_cursor = _page(
        session,
        statement,
        kind="claims",
        keys=[SortKey(ClaimRow.id)],
        key_of=lambda row: [row.id],
        cursor=cursor,
        limit=limit,
    )
    sources: dict[str, list[ClaimSourceRow]] = {}
    if rows:
        for source in session.scalars(
            select(ClaimSourceRow)
            .where(ClaimSourceRow.claim_id.in_([row.id for row in rows]))
            .order_by(ClaimSourceRow.id)
        ):
            sources.setdefault(source.claim_id, []).append(source)
    return Page(
        items=_claims_out(session, [(row, sources.get(row.id, [])) for row in rows]), next_cursor=next_cursor
    )


@router.get("/sources", response_model=list[SourceOut], summary="Outlets with document counts and profiles")
def list_sources(session: SessionDep) -> list[SourceOut]:
    return [SourceOut(**vars(outlet)) for outlet in queries.outlets(session)]


# -- search ----------------------------------------------------------------------------------------


@router.get("/search", response_model=Page[SearchHitOut], summary="Full-text search over documents")
def search(
    session: SessionDep,
    q: Annotated[str, Query(min_length=1, max_length=500, description="Words; all must occur")],
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[SearchHitOut]:
    if not queries.search_terms(q):
        raise HTTPException(400, "the query holds no searchable words")
    try:
        offset = offset_page("search", cursor)
    except BadCursor as error:
        raise HTTPException(400, str(error)) from error
    hits = queries.search_documents(session, q, offset=offset, limit=limit + 1)
    next_cursor = None
    if len(hits) > limit:
        hits = hits[:limit]
        next_cursor = encode_cursor("search", [offset + limit])
    items = [
        SearchHitOut(
            document=DocumentSummary.model_validate(hit.document),
            snippet=hit.snippet,
            highlights=hit.highlights,
        )
        for hit in hits
    ]
    return Page(items=items, next_cursor=next_cursor)


# -- writing ---------------------------------------------------------------------------------------

_MULTIPART_SCHEMA = {
    "type": "object",
    "required": ["file"],
    "properties": {
        "file": {"type": "string", "format": "binary"},
        **{name: {"type": "string"} for name in ("url", "title", "published", "outlet", "language")},
    },
}


@write_router.post(
    "/documents",
    response_model=IngestResult,
    status_code=201,
    summary="Ingest one document (JSON or a file upload); needs the API token",
    dependencies=[Depends(require_write)],
    responses={
        200: {"model": IngestResult, "description": "Already stored"},
        413: {"model": ErrorResponse, "description": "Body too large"},
        415: {"model": ErrorResponse, "description": "Neither JSON nor multipart"},
        503: {"model": ErrorResponse, "description": "Analysis pipeline unavailable"},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": IngestRequest.model_json_schema()},
                "multipart/form-data": {"schema": _MULTIPART_SCHEMA},
            },
        }
    },
)
async def create_document(request: Request, response: Response) -> IngestResult:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json":
        try:
            body = IngestRequest.model_validate_json(await request.body())
        except ValidationError as error:
            raise HTTPException(422, _validation_message(error)) from error
        data = (body.text or body.html or "").encode("utf-8")
        media_type = "text/plain" if body.text is not None else "text/html"
        fields = body.model_dump(exclude={"text", "html"}, exclude_none=True)
        filename = None
    elif content_type == "multipart/form-data":
        form = await request.form(max_files=1, max_fields=10)
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise HTTPException(422, "multipart body needs a file field named 'file'")
        data = await upload.read()
        media_type = (
            upload.content_type if upload.content_type not in (None, "application/octet-stream") else None
        )
        filename = upload.filename
        try:
            fields = DocumentHints.model_validate(
                {key: value for key, value in form.items() if key != "file" and isinstance(value, str)}
            ).model_dump(exclude_none=True)
        except ValidationError as error:
            raise HTTPException(422, _validation_message(error)) from error
    else:
        raise HTTPException(415, "send application/json or multipart/form-data")
    if not data.strip():
        raise HTTPException(422, "the document is empty")
    url = fields.get("url")
    source = url or f"api:{filename or 'post'}:{hashlib.sha256(data).hexdigest()[:16]}"
    raw = RawDocument(
        data=data,
        source=source,
        media_type=media_type,
        url=url,
        fetched_at=datetime.now(UTC),
        hints={key: str(value) for key, value in fields.items()},
    )
    result = await run_in_threadpool(request.app.state.ingest, raw)
    if result.status == "known":
        response.status_code = 200
    return result


def _validation_message(error: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(part) for part in item['loc']) or 'body'}: {item['msg']}" for item in error.errors()
    )
