"""The pages of the web UI; each one reads through the same functions as the REST API."""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from lagebild.api import routes
from lagebild.api.security import require_read
from lagebild.store import queries
from lagebild.store.schema import EntityRow, StoryDocumentRow, StoryRow
from lagebild.web import TEMPLATES
from lagebild.web.highlight import segments

router = APIRouter(
    dependencies=[Depends(require_read)], include_in_schema=False, default_response_class=HTMLResponse
)
SessionDep = routes.SessionDep


def _render(request: Request, template: str, **context: Any) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(request, template, context)


@router.get("/")
def dashboard(request: Request, session: SessionDep) -> HTMLResponse:
    counts = routes.get_counts(session)
    latest = routes.list_events(session, queries.EventFilter(), limit=12, cursor=None).items
    stories = routes.list_stories(session, limit=8, cursor=None).items
    top = max(counts.events_by_type.values(), default=0)
    return _render(request, "dashboard.html", counts=counts, latest=latest, stories=stories, top=top)


@router.get("/map")
def event_map(request: Request) -> HTMLResponse:
    return _render(request, "map.html")


@router.get("/timeline")
def timeline_page(
    request: Request,
    session: SessionDep,
    granularity: Literal["day", "month"] = "month",
    type: Annotated[str | None, Query(max_length=20)] = None,
) -> HTMLResponse:
    conditions = queries.EventFilter(type=type)
    data = routes.get_timeline(session, conditions, granularity=granularity, events_per_bucket=30)
    top = max((bucket.count for bucket in data.buckets), default=0)
    types = list(queries.events_by_type(session))
    return _render(
        request,
        "timeline.html",
        timeline=data,
        top=top,
        types=types,
        selected_type=type,
        granularity=granularity,
    )


@router.get("/entities")
def entities_page(
    request: Request,
    session: SessionDep,
    type: Annotated[str | None, Query(max_length=8)] = None,
    q: Annotated[str | None, Query(max_length=300)] = None,
    cursor: Annotated[str | None, Query(max_length=1000)] = None,
) -> HTMLResponse:
    page = routes.list_entities(session, type=type, q=q, limit=100, cursor=cursor)
    return _render(request, "entities.html", page=page, type=type, q=q)


@router.get("/entities/{entity_id:path}")
def entity_page(entity_id: str, request: Request, session: SessionDep) -> HTMLResponse:
    return _render(request, "entity.html", entity=routes.get_entity(entity_id, session))


@router.get("/stories")
def stories_page(
    request: Request, session: SessionDep, cursor: Annotated[str | None, Query(max_length=1000)] = None
) -> HTMLResponse:
    return _render(request, "stories.html", page=routes.list_stories(session, limit=100, cursor=cursor))


@router.get("/stories/{story_id}")
def story_page(story_id: str, request: Request, session: SessionDep) -> HTMLResponse:
    story = routes.story_detail(session, story_id)
    by_outlet: dict[str, list[Any]] = defaultdict(list)
    for document in story.documents:
        by_outlet[document.outlet or "Medium unbekannt"].append(document)
    claims_by_event = {event.id: _group_claims(event.claims) for event in story.canonical_events}
    disputed = {
        event.id
        for event in story.canonical_events
        if any(g[1] == "conflict" for g in claims_by_event[event.id])
    }
    # Disputed events first, then the most reported; the rest stay folded on the page.
    ordered = sorted(
        story.canonical_events,
        key=lambda event: (event.id not in disputed, -event.mentions, event.date or ""),
    )
    return _render(
        request,
        "story.html",
        story=story,
        by_outlet=dict(by_outlet),
        claims_by_event=claims_by_event,
        canonical_events=ordered,
        disputed=disputed,
    )


def _group_claims(claims: list[Any]) -> list[tuple[str, str, list[Any]]]:
    """Claims per attribute: (attribute, overall status, the values side by side).

    The attribute is contested when one of its values is in conflict; several values that
    all agree (participants of a multi-party event, compatible precisions) are consensus.
    """
    grouped: dict[str, list[Any]] = defaultdict(list)
    for claim in claims:
        grouped[claim.attribute].append(claim)
    result = []
    for attribute, values in grouped.items():
        statuses = {claim.status for claim in values}
        status = "conflict" if "conflict" in statuses else "consensus"
        result.append((attribute, status, values))
    return result


@router.get("/documents")
def documents_page(
    request: Request, session: SessionDep, cursor: Annotated[str | None, Query(max_length=1000)] = None
) -> HTMLResponse:
    page = routes.list_documents(session, limit=100, cursor=cursor)
    return _render(request, "documents.html", page=page)


@router.get("/documents/{document_id}")
def document_page(
    document_id: str,
    request: Request,
    session: SessionDep,
    event: Annotated[str | None, Query(max_length=40)] = None,
) -> HTMLResponse:
    document = routes.get_document(document_id, session)
    stories = session.scalars(
        select(StoryRow)
        .join(StoryDocumentRow, StoryDocumentRow.story_id == StoryRow.id)
        .where(StoryDocumentRow.document_id == document.id)
    ).all()
    entity_ids = {mention.entity_id for mention in document.mentions if mention.entity_id}
    names = {
        entity_id: name
        for entity_id, name in session.execute(
            select(EntityRow.id, EntityRow.name).where(EntityRow.id.in_(entity_ids))
        )
    }
    return _render(
        request,
        "document.html",
        document=document,
        segments=segments(document.text, document.mentions, document.times, document.events),
        selected_event=event,
        stories=stories,
        names=names,
    )


@router.get("/search")
def search_page(
    request: Request,
    session: SessionDep,
    q: Annotated[str, Query(max_length=500)] = "",
    cursor: Annotated[str | None, Query(max_length=1000)] = None,
) -> HTMLResponse:
    page = None
    message = None
    if q.strip():
        try:
            page = routes.search(session, q=q, limit=20, cursor=cursor)
        except HTTPException as error:
            message = str(error.detail)
    return _render(request, "search.html", q=q, page=page, message=message)
