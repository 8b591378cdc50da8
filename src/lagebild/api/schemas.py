"""Response and request models of the REST API (they are also its OpenAPI description)."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

T = TypeVar("T")

DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"


class Record(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Page(BaseModel, Generic[T]):
    """One page of a list; pass ``next_cursor`` as ``cursor`` to get the next page."""

    items: list[T]
    next_cursor: str | None = None


class ErrorBody(BaseModel):
    status: int
    message: str


class ErrorResponse(BaseModel):
    error: ErrorBody


class DocumentSummary(Record):
    id: str
    title: str | None
    url: str | None
    outlet: str | None
    published: str | None
    published_precision: str
    language: str | None
    words: int
    duplicate_of: str | None
    duplicate_kind: str | None


class MentionOut(Record):
    id: int
    document_id: str
    start: int
    end: int
    text: str
    label: str
    entity_id: str | None
    confidence: float
    sentence: str | None = None


class TimeOut(Record):
    start: int
    end: int
    text: str
    value: str | None
    precision: str
    kind: str
    range_end: str | None
    qualifier: str | None


class EventOut(Record):
    id: str
    document_id: str
    type: str
    mode: str | None
    cameo: str | None
    acled_type: str | None
    acled_subtype: str | None
    actor: str | None
    actor_id: str | None
    actor_role: str | None = None
    target: str | None
    target_id: str | None
    target_role: str | None = None
    place: str | None
    place_id: str | None
    latitude: float | None
    longitude: float | None
    date: str | None
    date_precision: str
    date_end: str | None = None
    killed: int | None
    injured: int | None
    arrested: int | None
    troops: int | None
    count_group: str | None = None
    modality: str
    attributed_to: str | None
    quote: str | None
    confidence: float
    trigger: str | None
    weapon: str | None
    evidence_start: int
    evidence_end: int
    evidence: str | None = Field(None, description="The clean-text span the event was read from.")
    canonical_event_id: str | None


class DocumentDetail(DocumentSummary):
    source: str
    author: str | None
    published_evidence: str | None
    text: str
    mentions: list[MentionOut]
    times: list[TimeOut]
    events: list[EventOut]


class EntitySummary(Record):
    id: str
    type: str
    name: str
    wikidata: str | None
    latitude: float | None
    longitude: float | None
    country: str | None
    provisional: bool
    mentions: int = 0


class Alias(BaseModel):
    text: str
    count: int


class CoOccurrence(BaseModel):
    entity: EntitySummary
    documents: int = Field(description="Documents that mention both entities.")


class EntityMention(MentionOut):
    document_title: str | None = None
    outlet: str | None = None
    published: str | None = None


class EntityDetail(EntitySummary):
    names: dict[str, Any]
    aliases_seen: list[Alias]
    mention_list: list[EntityMention]
    events_as_actor: list[EventOut]
    events_as_target: list[EventOut]
    events_at_place: list[EventOut]
    cooccurring: list[CoOccurrence]


class StorySummary(Record):
    id: str
    headline: str
    first_seen: str | None
    last_seen: str | None
    outlets: list[str]
    languages: list[str]
    entity_ids: list[str]
    size: int


class ClaimSourceOut(Record):
    event_id: str
    document_id: str
    outlet: str | None
    speaker: str | None
    start: int
    end: int
    quote: str | None = Field(None, description="The clean-text span the claim was read from.")


class ClaimOut(Record):
    id: str
    canonical_event_id: str
    attribute: str
    value: str
    status: str
    support: int
    sources: list[ClaimSourceOut] = []


class CanonicalEventOut(Record):
    id: str
    story_id: str | None
    type: str
    mode: str | None
    date: str | None
    date_precision: str
    place: str | None
    place_id: str | None
    latitude: float | None
    longitude: float | None
    actor: str | None
    target: str | None
    mentions: int
    claims: list[ClaimOut] = []


class StoryDetail(StorySummary):
    documents: list[DocumentSummary]
    canonical_events: list[CanonicalEventOut]


class SourceOut(BaseModel):
    name: str
    documents: int
    languages: list[str]
    first_published: str | None
    last_published: str | None
    label: str | None
    country: str | None
    note: str | None


class TimelineBucketOut(BaseModel):
    period: str = Field(description="2022-01-05 for a day, 2022-01 for a month, 2022 for a year.")
    precision: str = Field(description="day, month or year: events dated coarser than asked stay coarse.")
    count: int
    by_type: dict[str, int]
    events: list[EventOut]


class TimelineOut(BaseModel):
    granularity: str
    buckets: list[TimelineBucketOut]


class SearchHitOut(BaseModel):
    document: DocumentSummary
    snippet: str
    highlights: list[tuple[int, int]] = Field(description="Offsets of matched words inside the snippet.")


class Counts(BaseModel):
    documents: int
    entities: int
    mentions: int
    events: int
    stories: int
    events_by_type: dict[str, int]


class DocumentHints(BaseModel):
    """What the sender knows about a document; cleaning prefers it to guesses."""

    model_config = ConfigDict(extra="forbid")

    url: str | None = Field(None, max_length=2000)
    title: str | None = Field(None, max_length=1000)
    published: str | None = Field(None, pattern=DATE_PATTERN)
    outlet: str | None = Field(None, max_length=300)
    language: str | None = Field(None, pattern=r"^[a-z]{2,3}$")


class IngestRequest(DocumentHints):
    """A document to ingest: give ``text`` (plain) or ``html`` (a whole page)."""

    text: str | None = Field(None, min_length=1)
    html: str | None = Field(None, min_length=1)

    @model_validator(mode="after")
    def _one_body(self) -> IngestRequest:
        if (self.text is None) == (self.html is None):
            raise ValueError("give exactly one of text or html")
        return self


class IngestResult(BaseModel):
    status: str = Field(description="new, duplicate (stored and linked to its original) or known.")
    document_id: str | None
    duplicate_of: str | None = None
