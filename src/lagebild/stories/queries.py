"""Read-side records of stories, canonical events and claims (for the CLI, exports and API)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lagebild.store.schema import (
    CanonicalEventRow,
    ClaimRow,
    ClaimSourceRow,
    DocumentRow,
    EventRow,
    StoryDocumentRow,
    StoryRow,
)

STORY_FIELDS = [
    "id",
    "headline",
    "first_seen",
    "last_seen",
    "size",
    "outlets",
    "languages",
    "entity_ids",
    "documents",
]
CLAIM_FIELDS = [
    "claim_id",
    "event_id",
    "event_type",
    "event_date",
    "event_place",
    "story_id",
    "attribute",
    "value",
    "status",
    "support",
    "sources",
]


def story_records(session: Session) -> Iterator[dict[str, Any]]:
    """Every story with its document ids, the most recent first."""
    members: dict[str, list[str]] = defaultdict(list)
    for story_id, document_id in session.execute(
        select(StoryDocumentRow.story_id, StoryDocumentRow.document_id)
        .join(DocumentRow, DocumentRow.id == StoryDocumentRow.document_id)
        .order_by(DocumentRow.published, DocumentRow.seq)
    ):
        members[story_id].append(document_id)
    stories = session.scalars(
        select(StoryRow).order_by(StoryRow.last_seen.desc(), StoryRow.size.desc(), StoryRow.id)
    )
    for story in stories:
        yield {
            "id": story.id,
            "headline": story.headline,
            "first_seen": story.first_seen,
            "last_seen": story.last_seen,
            "size": story.size,
            "outlets": story.outlets,
            "languages": story.languages,
            "entity_ids": story.entity_ids,
            "documents": members.get(story.id, []),
        }


def find_story(session: Session, story_id: str) -> StoryRow | None:
    """A story by id or unique id prefix."""
    story = session.get(StoryRow, story_id)
    if story is not None:
        return story
    matches = session.scalars(
        select(StoryRow).where(StoryRow.id.startswith(story_id, autoescape=True)).limit(2)
    ).all()
    return matches[0] if len(matches) == 1 else None


def story_documents(session: Session, story_id: str) -> list[DocumentRow]:
    return list(
        session.scalars(
            select(DocumentRow)
            .join(StoryDocumentRow, StoryDocumentRow.document_id == DocumentRow.id)
            .where(StoryDocumentRow.story_id == story_id)
            .order_by(DocumentRow.published, DocumentRow.seq)
        )
    )


def story_events(session: Session, story_id: str) -> list[CanonicalEventRow]:
    return list(
        session.scalars(
            select(CanonicalEventRow)
            .where(CanonicalEventRow.story_id == story_id)
            .order_by(CanonicalEventRow.date, CanonicalEventRow.id)
        )
    )


def claim_records(session: Session, canonical_event_ids: list[str] | None = None) -> list[dict[str, Any]]:
    """Claims with their event and sources (each with the quote or evidence text)."""
    query = select(ClaimRow, CanonicalEventRow).join(
        CanonicalEventRow, CanonicalEventRow.id == ClaimRow.canonical_event_id
    )
    if canonical_event_ids is not None:
        query = query.where(ClaimRow.canonical_event_id.in_(canonical_event_ids))
    rows = session.execute(
        query.order_by(
            CanonicalEventRow.date, ClaimRow.canonical_event_id, ClaimRow.attribute, ClaimRow.support.desc()
        )
    ).all()
    sources = _sources(session, [claim.id for claim, _ in rows])
    return [
        {
            "claim_id": claim.id,
            "event_id": event.id,
            "event_type": event.type,
            "event_date": event.date,
            "event_place": event.place,
            "story_id": event.story_id,
            "attribute": claim.attribute,
            "value": claim.value,
            "status": claim.status,
            "support": claim.support,
            "sources": sources.get(claim.id, []),
        }
        for claim, event in rows
    ]


def _sources(session: Session, claim_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for offset in range(0, len(claim_ids), 500):
        chunk = claim_ids[offset : offset + 500]
        for source, quote, text in session.execute(
            select(ClaimSourceRow, EventRow.quote, DocumentRow.text)
            .join(EventRow, EventRow.id == ClaimSourceRow.event_id)
            .join(DocumentRow, DocumentRow.id == ClaimSourceRow.document_id)
            .where(ClaimSourceRow.claim_id.in_(chunk))
            .order_by(ClaimSourceRow.id)
        ):
            found[source.claim_id].append(
                {
                    "document_id": source.document_id,
                    "outlet": source.outlet,
                    "speaker": source.speaker,
                    "start": source.start,
                    "end": source.end,
                    "quote": quote or text[source.start : source.end],
                }
            )
    return found


def contested(session: Session) -> list[dict[str, Any]]:
    """Contested attributes, most contested first (by distinct sources on the losing sides)."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for record in claim_records(session):
        if record["status"] == "conflict":
            groups[(record["event_id"], record["attribute"])].append(record)
    result = []
    for (event_id, attribute), values in groups.items():
        supports = sorted((value["support"] for value in values), reverse=True)
        result.append(
            {
                "event_id": event_id,
                "event_type": values[0]["event_type"],
                "event_date": values[0]["event_date"],
                "event_place": values[0]["event_place"],
                "attribute": attribute,
                "contestation": sum(supports[1:]),
                "values": values,
            }
        )
    return sorted(result, key=lambda item: (-item["contestation"], -len(item["values"]), item["event_id"]))
