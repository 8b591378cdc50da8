"""Stories and claims: documents grouped into developing stories across outlets and languages,
event records merged into canonical events, and who claims what about each of them.

Call :func:`update_stories` after each ingest batch (incremental, idempotent) and
:func:`rebuild` after bulk loads.  See docs/stories.md.
"""

from __future__ import annotations

import logging

from sqlalchemy import delete, select, update

from lagebild.store import Store
from lagebild.store.schema import (
    CanonicalEventRow,
    ClaimRow,
    ClaimSourceRow,
    DocumentRow,
    EventRow,
    StoryDocumentRow,
    StoryRow,
)
from lagebild.stories.claims import update_claims
from lagebild.stories.cluster import cluster_documents
from lagebild.stories.merge import merge_events

LOGGER = logging.getLogger(__name__)

__all__ = ["cluster_documents", "merge_events", "rebuild", "update_claims", "update_stories"]


def update_stories(store: Store, document_ids: list[str]) -> list[str]:
    """Cluster new documents into stories, merge their events and recompute the affected claims.

    Returns the ids of the stories that gained documents.  Documents already clustered and
    events already merged are left alone, so calling it twice changes nothing.
    """
    touched_stories = cluster_documents(store, document_ids)
    touched_events = merge_events(store, document_ids)
    update_claims(store, touched_events)
    return touched_stories


def rebuild(store: Store) -> int:
    """Recompute all stories, canonical events and claims from scratch (keeps embeddings).

    Returns the number of stories.
    """
    with store.session() as session:
        session.execute(delete(ClaimSourceRow))
        session.execute(delete(ClaimRow))
        session.execute(update(EventRow).values(canonical_event_id=None))
        session.execute(delete(CanonicalEventRow))
        session.execute(delete(StoryDocumentRow))
        session.execute(delete(StoryRow))
        document_ids = list(session.scalars(select(DocumentRow.id).order_by(DocumentRow.seq, DocumentRow.id)))
    update_stories(store, document_ids)
    with store.read_session() as session:
        count = len(session.scalars(select(StoryRow.id)).all())
    LOGGER.info("rebuilt %d stories from %d documents", count, len(document_ids))
    return count
