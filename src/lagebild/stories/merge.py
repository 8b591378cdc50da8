"""Merging event records that describe the same real-world event into canonical events.

Each unmerged event is compared with the canonical events of its story and with those
of a compatible type dated near it; it joins the best one whose evidence score reaches
:data:`MERGE_THRESHOLD`, else it founds a new canonical event.  Evidence: the date
(same day 2, overlapping given precision 1, month and day agreeing with an unknown
year 0.5, within two days -1, further apart: no merge), the place (same 2, one containing
the other 1, different places: no merge), actor and target ids (+1 each when equal, -1
when different), the weapon (+0.5), the same story (+1) and the same document (+0.5).
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from lagebild.store import Store
from lagebild.store.schema import CanonicalEventRow, DocumentRow, EntityRow, EventRow, StoryDocumentRow
from lagebild.stories.values import date_relation, date_span, place_relation, weapon_key, weapons_compatible

LOGGER = logging.getLogger(__name__)

MERGE_THRESHOLD = 3.0
#: Types that different coders (or sources) use for the same event.
COMPATIBLE_TYPES: frozenset[frozenset[str]] = frozenset(
    {
        frozenset({"ASSAULT", "FIGHT"}),
        frozenset({"THREATEN", "COERCE"}),
        frozenset({"PROTEST", "DEMAND"}),
        frozenset({"MOBILIZE", "COOPERATE"}),
        frozenset({"MOBILIZE", "SUPPORT"}),
        frozenset({"ACCUSE", "DISAPPROVE"}),
        frozenset({"RETREAT", "CONCEDE"}),
    }
)
DATE_SCORE = {"same": 2.0, "overlap": 1.0, "partial": 0.5, "unknown": 0.0, "near": -1.0}
PLACE_SCORE = {"same": 2.0, "contains": 1.0, "unknown": 0.0}
#: Canonical events dated this many days from an event are candidates even outside its story.
CANDIDATE_DAYS = 3


def types_compatible(a: str, b: str) -> bool:
    return a == b or frozenset({a, b}) in COMPATIBLE_TYPES


@dataclass
class _Report:
    """What the merger compares of one event record."""

    id: str
    document_id: str
    story_id: str | None
    type: str
    date: str | None
    date_end: str | None
    place: str | None
    place_id: str | None
    actor_id: str | None
    target_id: str | None
    weapon: str | None


def match_score(a: _Report, b: _Report, countries: dict[str, str | None]) -> float | None:
    """Evidence that two event records describe one event; ``None`` when they cannot."""
    if not types_compatible(a.type, b.type):
        return None
    relation = date_relation(date_span(a.date, a.date_end), date_span(b.date, b.date_end))
    if relation == "disjoint":
        return None
    place = place_relation(a.place_id, a.place, b.place_id, b.place, countries)
    if place == "different":
        return None
    score = DATE_SCORE[relation] + PLACE_SCORE[place]
    for left, right in ((a.actor_id, b.actor_id), (a.target_id, b.target_id)):
        if left and right:
            score += 1.0 if left == right else -1.0
    weapon_a, weapon_b = weapon_key(a.weapon), weapon_key(b.weapon)
    if weapon_a and weapon_b and weapons_compatible(weapon_a, weapon_b):
        score += 0.5
    if a.story_id and a.story_id == b.story_id:
        score += 1.0
    if a.document_id == b.document_id:
        score += 0.5
    if relation == "partial" and score - DATE_SCORE["partial"] < 2.5:
        return None  # a year-less date matches only when the rest of the evidence agrees
    return score


def merge_events(store: Store, document_ids: list[str]) -> list[str]:
    """Give every event of ``document_ids`` a canonical event; return the canonical ids touched."""
    with store.session() as session:
        return sorted(merge_in_session(session, document_ids))


def merge_in_session(session: Session, document_ids: list[str]) -> set[str]:
    rows = session.execute(
        select(EventRow, StoryDocumentRow.story_id)
        .join(DocumentRow, DocumentRow.id == EventRow.document_id)
        .outerjoin(StoryDocumentRow, StoryDocumentRow.document_id == EventRow.document_id)
        .where(EventRow.document_id.in_(document_ids), EventRow.canonical_event_id.is_(None))
        .order_by(DocumentRow.seq, DocumentRow.id, EventRow.evidence_start, EventRow.id)
    ).all()
    touched: set[str] = set()
    for event, story_id in rows:
        report = _report(event, story_id)
        members = _candidate_members(session, report)
        countries = _countries(session, [report, *[member for _, member in members]])
        canonical_id = _best_canonical(report, members, countries)
        if canonical_id is None:
            canonical_id = f"ce-{event.id}"
            session.add(CanonicalEventRow(id=canonical_id, story_id=story_id, type=event.type, mentions=0))
            session.flush()
        event.canonical_event_id = canonical_id
        session.flush()
        refresh_canonical(session, canonical_id)  # its date and place find the next candidates
        touched.add(canonical_id)
    LOGGER.info("merged %d events into %d canonical events", len(rows), len(touched))
    return touched


def _best_canonical(
    report: _Report, members: list[tuple[str, _Report]], countries: dict[str, str | None]
) -> str | None:
    """The canonical event scoring highest with ``report`` (best member), compatible with all members.

    Requiring compatibility with every member (complete linkage) keeps coarse dates such as
    ``2022-01`` from chaining reports of 5 and 13 January into one event.
    """
    best_score: dict[str, float] = {}
    blocked: set[str] = set()
    for canonical_id, member in members:
        score = match_score(report, member, countries)
        if score is None:
            blocked.add(canonical_id)
        else:
            best_score[canonical_id] = max(score, best_score.get(canonical_id, score))
    eligible = [
        (score, canonical_id) for canonical_id, score in best_score.items() if canonical_id not in blocked
    ]
    eligible = [item for item in eligible if item[0] >= MERGE_THRESHOLD]
    return max(eligible, key=lambda item: (item[0], item[1]))[1] if eligible else None


def _report(event: EventRow, story_id: str | None) -> _Report:
    return _Report(
        event.id,
        event.document_id,
        story_id,
        event.type,
        event.date,
        event.date_end,
        event.place,
        event.place_id,
        event.actor_id,
        event.target_id,
        event.weapon,
    )


def _candidate_members(session: Session, report: _Report) -> list[tuple[str, _Report]]:
    """Member events of canonical events of the same document or story, or dated near ``report``."""
    same_document = select(EventRow.canonical_event_id).where(
        EventRow.document_id == report.document_id, EventRow.canonical_event_id.is_not(None)
    )
    conditions = [CanonicalEventRow.id.in_(same_document)]
    if report.story_id:
        conditions.append(CanonicalEventRow.story_id == report.story_id)
    span = date_span(report.date, report.date_end)
    if span is not None and span.year_known:
        since = (span.start - timedelta(days=CANDIDATE_DAYS)).isoformat()
        until = (span.end + timedelta(days=CANDIDATE_DAYS)).isoformat()
        conditions.append((CanonicalEventRow.date >= since[:7]) & (CanonicalEventRow.date <= until))
    canonical_ids = session.scalars(select(CanonicalEventRow.id).where(or_(*conditions))).all()
    if not canonical_ids:
        return []
    rows = session.execute(
        select(EventRow, StoryDocumentRow.story_id)
        .outerjoin(StoryDocumentRow, StoryDocumentRow.document_id == EventRow.document_id)
        .where(EventRow.canonical_event_id.in_(canonical_ids))
        .order_by(EventRow.canonical_event_id, EventRow.id)
    ).all()
    return [(event.canonical_event_id, _report(event, story_id)) for event, story_id in rows]


def _countries(session: Session, reports: list[_Report]) -> dict[str, str | None]:
    ids = {report.place_id for report in reports if report.place_id}
    if not ids:
        return {}
    return dict(session.execute(select(EntityRow.id, EntityRow.country).where(EntityRow.id.in_(ids))).all())


def refresh_canonical(session: Session, canonical_id: str) -> None:
    """Summarise a canonical event from its members: the most supported type, date, place, actors."""
    canonical = session.get(CanonicalEventRow, canonical_id)
    if canonical is None:
        return
    members = session.scalars(
        select(EventRow).where(EventRow.canonical_event_id == canonical_id).order_by(EventRow.id)
    ).all()
    if not members:
        session.delete(canonical)
        return
    canonical.mentions = len(members)
    canonical.type = _most_common(event.type for event in members) or members[0].type
    canonical.mode = _most_common(event.mode for event in members if event.type == canonical.type)
    dated = [event for event in members if date_span(event.date) is not None]
    if dated:
        best = max(dated, key=lambda event: (_date_rank(event.date), _support(dated, "date", event.date)))
        canonical.date, canonical.date_precision = best.date, best.date_precision
    placed = [event for event in members if event.place]
    if placed:
        countries = _countries(session, [_report(event, None) for event in placed])
        best_place = max(placed, key=lambda event: (_specificity(event, placed, countries), event.id))
        canonical.place, canonical.place_id = best_place.place, best_place.place_id
        canonical.latitude, canonical.longitude = best_place.latitude, best_place.longitude
    canonical.actor = _most_common(event.actor for event in members if event.actor)
    canonical.target = _most_common(event.target for event in members if event.target)
    if canonical.story_id is None:
        canonical.story_id = session.scalar(
            select(StoryDocumentRow.story_id).where(StoryDocumentRow.document_id == members[0].document_id)
        )


def _most_common(values) -> str | None:  # type: ignore[no-untyped-def]
    counts = Counter(value for value in values if value)
    return max(counts, key=lambda value: (counts[value], value)) if counts else None


def _date_rank(value: str | None) -> int:
    span = date_span(value)
    if span is None:
        return 0
    return (2 if span.year_known else 0) + (2 if span.is_day else 1)


def _support(events: list[EventRow], field: str, value: object) -> int:
    return sum(1 for event in events if getattr(event, field) == value)


def _specificity(
    event: EventRow, placed: list[EventRow], countries: dict[str, str | None]
) -> tuple[int, int]:
    """How many other reported places contain this one, then how often it is reported."""
    inside = sum(
        1
        for other in placed
        if other.place_id
        and event.place_id
        and place_relation(other.place_id, other.place, event.place_id, event.place, countries) == "contains"
        and not _contains_other(event.place_id, other.place_id)
    )
    return inside, _support(placed, "place", event.place)


def _contains_other(outer: str, inner: str) -> bool:
    from lagebild.stories.values import place_contains

    return place_contains(outer, inner)
