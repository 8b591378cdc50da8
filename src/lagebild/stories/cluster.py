"""Incremental story clustering across outlets and languages.

Each new document is compared only with candidate stories: those whose centroid lies
near it in embedding space among stories active around its publication date, and those
whose documents share linked entities with it.  It joins the best candidate whose score
(cosine to the centroid, plus shared entities weighted by how specific they are, minus a
penalty for distance in time) reaches :data:`JOIN_THRESHOLD`, else it founds a new story.
A document without a publication date is dated by its most frequent date expression, a
year-less one (``XXXX-11-21``) taking the year nearest the story's dates.  A near or exact duplicate
always joins the story of the document it duplicates.  Documents already in a story are
skipped, so :func:`cluster_documents` is idempotent.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lagebild.store import Store
from lagebild.store.schema import (
    DocumentEmbeddingRow,
    DocumentRow,
    EventRow,
    MentionRow,
    StoryDocumentRow,
    StoryRow,
    TimeRow,
)
from lagebild.stories.embed import embed_documents, from_bytes, normalise, to_bytes

LOGGER = logging.getLogger(__name__)

#: A document joins a story when its score reaches this (calibrated on tests/fixtures/stories).
JOIN_THRESHOLD = 0.5
#: Bonus for linked entities shared with the story, reached when the specificities of the
#: shared entities (see :func:`entity_specificity`) add up to ``ENTITY_SATURATION``.
ENTITY_WEIGHT = 0.2
ENTITY_SATURATION = 3
#: Days two reports may lie apart before the score decreases, and the decrease per day.
DATE_GRACE_DAYS = 7
DATE_PENALTY_PER_DAY = 0.01
DATE_PENALTY_MAX = 0.5
#: Date expression values a document without publication date may be dated by.
DATE_VALUE = re.compile(r"(?:\d{4}|XXXX)-\d{2}(?:-\d{2})?")
#: Stories whose last document is older than this (before the new one) are not scanned by centroid.
ACTIVE_WINDOW_DAYS = 45
#: How many of a story's most frequent entities are kept on the story row.
STORY_ENTITIES = 40
#: Candidate stories found through shared entities, at most.
ENTITY_CANDIDATES = 20
#: Documents clustered per transaction.
BATCH = 64


@dataclass
class _Candidate:
    story_id: str
    centroid: np.ndarray
    size: int
    last_seen: str | None
    first_seen: str | None
    entity_ids: list[str]
    #: Date ranges the story covers: its publication dates, else its documents' own dates.
    dates: list[tuple[str, str]]


def parse_day(value: str | None) -> date | None:
    """The first day of an ISO date of any precision (``2022``, ``2022-01``, ``2022-01-06``)."""
    if not value or not value[:4].isdigit():
        return None
    parts = value[:10].split("-")
    try:
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 1
        day = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else 1
        return date(year, month, day)
    except ValueError:
        return None


def story_id_for(document_id: str) -> str:
    """The id of the story founded by ``document_id`` (stable across rebuilds)."""
    return f"st-{document_id}"


def cluster_documents(store: Store, document_ids: list[str]) -> list[str]:
    """Put each of ``document_ids`` into a story (joining or founding); return touched story ids."""
    touched: set[str] = set()
    for offset in range(0, len(document_ids), BATCH):
        chunk = document_ids[offset : offset + BATCH]
        with store.session() as session:
            touched |= _cluster_chunk(session, chunk)
    return sorted(touched)


def _cluster_chunk(session: Session, document_ids: list[str]) -> set[str]:
    done = set(
        session.scalars(
            select(StoryDocumentRow.document_id).where(StoryDocumentRow.document_id.in_(document_ids))
        )
    )
    rows = session.scalars(
        select(DocumentRow)
        .where(DocumentRow.id.in_([doc for doc in document_ids if doc not in done]))
        .order_by(DocumentRow.seq, DocumentRow.id)
    ).all()
    if not rows:
        return set()
    vectors = document_vectors(session, rows)
    entities = document_entities(session, [row.id for row in rows])
    specificity = entity_specificity(session, set().union(*entities.values()))
    own_dates = content_dates(session, [row.id for row in rows if not row.published])
    touched: set[str] = set()
    for row in rows:
        vector = vectors[row.id]
        day = row.published or own_dates.get(row.id)
        story_id, score = _choose_story(session, row, vector, day, entities.get(row.id, set()), specificity)
        if story_id is None:
            story_id, score = story_id_for(row.id), 1.0
            session.add(
                StoryRow(
                    id=story_id,
                    headline=row.title or "",
                    first_seen=row.published,
                    last_seen=row.published,
                    outlets=[],
                    languages=[],
                    centroid=to_bytes(vector),
                    entity_ids=sorted(entities.get(row.id, set()))[:STORY_ENTITIES],
                    size=1,
                )
            )
            session.flush()
        else:
            story = session.get(StoryRow, story_id)
            assert story is not None
            mean = from_bytes(story.centroid) if story.centroid else np.zeros_like(vector)
            story.centroid = to_bytes((mean * story.size + vector) / (story.size + 1))
            story.size += 1
            story.entity_ids = _merge_entities(story.entity_ids, entities.get(row.id, set()))
            story.first_seen = _earliest(story.first_seen, row.published)
            story.last_seen = _latest(story.last_seen, row.published)
        session.add(StoryDocumentRow(story_id=story_id, document_id=row.id, score=round(float(score), 4)))
        session.flush()
        touched.add(story_id)
    for story_id in touched:
        refresh_story(session, story_id)
    LOGGER.info("clustered %d documents into %d stories", len(rows), len(touched))
    return touched


def document_vectors(session: Session, rows: list[DocumentRow]) -> dict[str, np.ndarray]:
    """Stored embeddings of ``rows``; missing ones are computed and stored."""
    ids = [row.id for row in rows]
    stored = {
        doc_id: from_bytes(vector)
        for doc_id, vector in session.execute(
            select(DocumentEmbeddingRow.document_id, DocumentEmbeddingRow.vector).where(
                DocumentEmbeddingRow.document_id.in_(ids)
            )
        )
    }
    missing = [row for row in rows if row.id not in stored]
    if missing:
        computed = embed_documents([(row.title, row.text) for row in missing])
        for row, vector in zip(missing, computed, strict=True):
            stored[row.id] = vector
            session.add(DocumentEmbeddingRow(document_id=row.id, vector=to_bytes(vector)))
        session.flush()
    return stored


def document_entities(session: Session, document_ids: Iterable[str]) -> dict[str, set[str]]:
    """Linked entity ids mentioned in each document."""
    found: dict[str, set[str]] = {}
    for doc_id, entity_id in session.execute(
        select(MentionRow.document_id, MentionRow.entity_id)
        .where(MentionRow.document_id.in_(list(document_ids)), MentionRow.entity_id.is_not(None))
        .distinct()
    ):
        found.setdefault(doc_id, set()).add(entity_id)
    return found


def entity_specificity(session: Session, entity_ids: Iterable[str]) -> dict[str, float]:
    """How specific each entity is, from 0 (mentioned by every document) towards 1 (by one).

    ``log((N + 1) / df) / log(N + 1)`` over the ``N`` documents of the store, ``df`` of which
    mention the entity: a country every report names is weak evidence of the same story,
    a minister or a town few reports name is strong evidence.
    """
    ids = sorted(entity_ids)
    if not ids:
        return {}
    total = (session.scalar(select(func.count()).select_from(DocumentRow)) or 0) + 1
    frequency = dict(
        session.execute(
            select(MentionRow.entity_id, func.count(func.distinct(MentionRow.document_id)))
            .where(MentionRow.entity_id.in_(ids))
            .group_by(MentionRow.entity_id)
        ).all()
    )
    return {
        entity_id: max(0.0, math.log(total / max(1, frequency.get(entity_id, 1)))) / math.log(total)
        for entity_id in ids
    }


def content_dates(session: Session, document_ids: Iterable[str]) -> dict[str, str]:
    """The most frequent date expression of each document (``2022-01-06``, ``XXXX-11-21``)."""
    ids = list(document_ids)
    if not ids:
        return {}
    counts: dict[str, Counter[str]] = {}
    for doc_id, value in session.execute(
        select(TimeRow.document_id, TimeRow.value).where(
            TimeRow.document_id.in_(ids), TimeRow.value.is_not(None)
        )
    ):
        if DATE_VALUE.fullmatch(value):
            counts.setdefault(doc_id, Counter())[value] += 1
    return {
        doc_id: max(values.items(), key=lambda item: (item[1], len(item[0]), item[0]))[0]
        for doc_id, values in counts.items()
    }


def _choose_story(
    session: Session,
    row: DocumentRow,
    vector: np.ndarray,
    day: str | None,
    entities: set[str],
    specificity: dict[str, float],
) -> tuple[str | None, float]:
    if row.duplicate_of:
        story_id = session.scalar(
            select(StoryDocumentRow.story_id).where(StoryDocumentRow.document_id == row.duplicate_of)
        )
        if story_id:
            return story_id, 1.0
    candidates = _candidates(session, day, entities)
    if not candidates:
        return None, 0.0
    centroids = normalise(np.stack([candidate.centroid for candidate in candidates]))
    cosines = centroids @ vector
    best: tuple[str | None, float] = (None, 0.0)
    for candidate, cosine in zip(candidates, cosines, strict=True):
        score = float(cosine) + _entity_bonus(entities, candidate.entity_ids, specificity)
        score -= _date_penalty(day, candidate.dates)
        if score >= JOIN_THRESHOLD and score > best[1]:
            best = (candidate.story_id, score)
    return best


def _candidates(session: Session, published: str | None, entities: set[str]) -> list[_Candidate]:
    columns = (
        StoryRow.id,
        StoryRow.centroid,
        StoryRow.size,
        StoryRow.last_seen,
        StoryRow.first_seen,
        StoryRow.entity_ids,
    )
    query = select(*columns).where(StoryRow.centroid.is_not(None))
    day = parse_day(published)
    if day is not None:
        since = (day - timedelta(days=ACTIVE_WINDOW_DAYS)).isoformat()
        until = (day + timedelta(days=ACTIVE_WINDOW_DAYS)).isoformat()
        query = query.where(
            (StoryRow.last_seen.is_(None)) | ((StoryRow.last_seen >= since) & (StoryRow.first_seen <= until))
        )
    found = {row.id: row for row in session.execute(query)}
    if entities:
        sharing = session.scalars(
            select(StoryDocumentRow.story_id)
            .join(MentionRow, MentionRow.document_id == StoryDocumentRow.document_id)
            .where(MentionRow.entity_id.in_(sorted(entities)))
            .group_by(StoryDocumentRow.story_id)
            .order_by(func.count(func.distinct(MentionRow.entity_id)).desc())
            .limit(ENTITY_CANDIDATES)
        ).all()
        extra = [story_id for story_id in sharing if story_id not in found]
        if extra:
            found.update(
                {row.id: row for row in session.execute(select(*columns).where(StoryRow.id.in_(extra)))}
            )
    undated = _undated_story_dates(
        session, [row.id for row in found.values() if row.centroid and not (row.first_seen and row.last_seen)]
    )
    return [
        _Candidate(
            row.id,
            from_bytes(row.centroid),
            row.size,
            row.last_seen,
            row.first_seen,
            row.entity_ids or [],
            [(row.first_seen, row.last_seen)]
            if row.first_seen and row.last_seen
            else [(value, value) for value in undated.get(row.id, [])],
        )
        for row in found.values()
        if row.centroid
    ]


def _undated_story_dates(session: Session, story_ids: list[str]) -> dict[str, list[str]]:
    """The date expressions dating the documents of stories without publication dates."""
    if not story_ids:
        return {}
    members = session.execute(
        select(StoryDocumentRow.story_id, StoryDocumentRow.document_id).where(
            StoryDocumentRow.story_id.in_(story_ids)
        )
    ).all()
    own = content_dates(session, [member.document_id for member in members])
    found: dict[str, list[str]] = {}
    for member in members:
        if member.document_id in own:
            found.setdefault(member.story_id, []).append(own[member.document_id])
    return found


def _entity_bonus(entities: set[str], story_entities: list[str], specificity: dict[str, float]) -> float:
    evidence = sum(specificity.get(entity_id, 1.0) for entity_id in entities.intersection(story_entities))
    return ENTITY_WEIGHT * min(evidence, ENTITY_SATURATION) / ENTITY_SATURATION


def _date_penalty(day: str | None, dates: list[tuple[str, str]]) -> float:
    gaps = [gap for first, last in dates if day and (gap := gap_days(day, first, last)) is not None]
    if not gaps:
        return 0.0
    return min(DATE_PENALTY_MAX, DATE_PENALTY_PER_DAY * max(0, min(gaps) - DATE_GRACE_DAYS))


def gap_days(day: str, first: str, last: str) -> int | None:
    """Days between ``day`` and the range ``first``..``last`` (0 inside it).

    A year-less date (``XXXX-11-21``) on either side takes the year that brings it nearest
    the other side: November is 47 days from 2022-01-07, whatever the year.
    """
    if any(not value[:4].isdigit() and len(value) < len("XXXX-01") for value in (day, first, last)):
        return None
    anchor = next((int(value[:4]) for value in (first, last, day) if value[:4].isdigit()), 2000)
    day_known = day[:4].isdigit()
    years_known = day_known and first[:4].isdigit() and last[:4].isdigit()
    gaps = []
    for year in (anchor,) if years_known else (anchor - 1, anchor, anchor + 1):
        moment = parse_day(day if day_known else f"{year}{day[4:]}")
        story_year = year if day_known else anchor
        start = parse_day(first if first[:4].isdigit() else f"{story_year}{first[4:]}")
        end = parse_day(last if last[:4].isdigit() else f"{story_year}{last[4:]}")
        if moment is None or start is None or end is None:
            continue
        gaps.append((start - moment).days if moment < start else max(0, (moment - end).days))
    return min(gaps, default=None)


def _merge_entities(current: list[str] | None, new: set[str]) -> list[str]:
    merged = list(current or [])
    merged.extend(sorted(new.difference(merged)))
    return merged[: STORY_ENTITIES * 2]


def _earliest(a: str | None, b: str | None) -> str | None:
    return min((value for value in (a, b) if value), default=None)


def _latest(a: str | None, b: str | None) -> str | None:
    return max((value for value in (a, b) if value), default=None)


def refresh_story(session: Session, story_id: str) -> None:
    """Recompute a story's headline, dates, outlets, languages and main entities from its documents."""
    story = session.get(StoryRow, story_id)
    if story is None:
        return
    members = session.execute(
        select(
            DocumentRow.id, DocumentRow.title, DocumentRow.published, DocumentRow.outlet, DocumentRow.language
        )
        .join(StoryDocumentRow, StoryDocumentRow.document_id == DocumentRow.id)
        .where(StoryDocumentRow.story_id == story_id)
    ).all()
    if not members:
        session.delete(story)
        return
    ids = [member.id for member in members]
    vectors = {
        doc_id: from_bytes(vector)
        for doc_id, vector in session.execute(
            select(DocumentEmbeddingRow.document_id, DocumentEmbeddingRow.vector).where(
                DocumentEmbeddingRow.document_id.in_(ids)
            )
        )
    }
    if vectors:
        mean = np.mean(np.stack(list(vectors.values())), axis=0)
        story.centroid = to_bytes(mean)
    entity_counts: Counter[str] = Counter()
    for entity_set in document_entities(session, ids).values():
        entity_counts.update(entity_set)
    languages = Counter(member.language for member in members if member.language)
    dates = [member.published for member in members if member.published]
    story.size = len(members)
    story.first_seen = min(dates, default=None)
    story.last_seen = max(dates, default=None)
    story.outlets = sorted({member.outlet for member in members if member.outlet})
    story.languages = [language for language, _ in languages.most_common()]
    story.entity_ids = [entity for entity, _ in entity_counts.most_common(STORY_ENTITIES)]
    story.headline = _headline(session, members, vectors, story.languages)


def _headline(session: Session, members: list, vectors: dict[str, np.ndarray], languages: list[str]) -> str:
    """Title of the most central document in the story's main language, else an event summary."""
    titled = [member for member in members if member.title and member.id in vectors]
    if titled:
        centroid = normalise(
            np.mean(np.stack([vectors[member.id] for member in members if member.id in vectors]), 0)
        )
        main = languages[0] if languages else None
        preferred = [member for member in titled if member.language == main] or titled
        best = max(preferred, key=lambda member: (float(vectors[member.id] @ centroid), member.id))
        return " ".join(best.title.split())
    events = session.execute(
        select(EventRow.type, EventRow.place, EventRow.actor).where(
            EventRow.document_id.in_([member.id for member in members])
        )
    ).all()
    if events:
        kind = Counter(event.type for event in events).most_common(1)[0][0]
        place = Counter(event.place for event in events if event.place).most_common(1)
        actor = Counter(event.actor for event in events if event.actor).most_common(1)
        parts = [kind.lower(), f"in {place[0][0]}" if place else "", f"({actor[0][0]})" if actor else ""]
        return " ".join(part for part in parts if part)
    return members[0].title or members[0].id
