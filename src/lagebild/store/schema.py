"""Relational schema of the store (SQLAlchemy 2, SQLite or PostgreSQL).

Every derived row keeps ``document_id`` and character offsets into the document's
clean text, so that any fact shown can be traced to its evidence.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class RawInput(Base):
    """The bytes as read, so later stages can be re-run without the original files."""

    __tablename__ = "raw_inputs"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    media_type: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class DocumentRow(Base):
    __tablename__ = "documents"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    source: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    outlet: Mapped[str | None] = mapped_column(String(300), index=True)
    title: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(String(300))
    published: Mapped[str | None] = mapped_column(String(10), index=True)
    published_precision: Mapped[str] = mapped_column(String(10), default="unknown")
    published_evidence: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(8), index=True)
    media_type: Mapped[str | None] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    words: Mapped[int] = mapped_column(Integer, default=0)
    raw_sha256: Mapped[str | None] = mapped_column(ForeignKey("raw_inputs.sha256"))
    duplicate_of: Mapped[str | None] = mapped_column(ForeignKey("documents.id"), index=True)
    duplicate_kind: Mapped[str | None] = mapped_column(String(10))
    duplicate_score: Mapped[float | None] = mapped_column(Float)
    minhash: Mapped[bytes | None] = mapped_column(LargeBinary)
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    analyzed: Mapped[bool] = mapped_column(Boolean, default=False)
    analysis_version: Mapped[str | None] = mapped_column(String(40))
    seq: Mapped[int] = mapped_column(Integer, index=True, default=0)


class MinhashBandRow(Base):
    """LSH band keys of a document's MinHash (``documents.dedup.band_keys``): the near-duplicate index.

    Exact duplicates are not indexed; their twin stands for their text.
    """

    __tablename__ = "minhash_bands"
    band: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class EntityRow(Base):
    __tablename__ = "entities"
    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    type: Mapped[str] = mapped_column(String(8), index=True)
    name: Mapped[str] = mapped_column(String(300), index=True)
    names: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    aliases: Mapped[list[Any]] = mapped_column(JSON, default=list)
    wikidata: Mapped[str | None] = mapped_column(String(20))
    geonames_id: Mapped[int | None] = mapped_column(Integer)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    country: Mapped[str | None] = mapped_column(String(2))
    provisional: Mapped[bool] = mapped_column(Boolean, default=False)


class MentionRow(Base):
    __tablename__ = "mentions"
    __table_args__ = (UniqueConstraint("document_id", "start", "end", name="uq_mention_span"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(500))
    label: Mapped[str] = mapped_column(String(8))
    entity_id: Mapped[str | None] = mapped_column(ForeignKey("entities.id"), index=True)
    confidence: Mapped[float] = mapped_column(Float, default=1.0)
    sentence_start: Mapped[int | None] = mapped_column(Integer)
    sentence_end: Mapped[int | None] = mapped_column(Integer)


class TimeRow(Base):
    __tablename__ = "time_expressions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(500))
    value: Mapped[str | None] = mapped_column(String(40))
    precision: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(10), default="date")
    range_end: Mapped[str | None] = mapped_column(String(40))
    qualifier: Mapped[str | None] = mapped_column(String(20))


class EventRow(Base):
    __tablename__ = "events"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    type: Mapped[str] = mapped_column(String(20), index=True)
    mode: Mapped[str | None] = mapped_column(String(40))
    cameo: Mapped[str | None] = mapped_column(String(10))
    acled_type: Mapped[str | None] = mapped_column(String(60))
    acled_subtype: Mapped[str | None] = mapped_column(String(80))
    actor: Mapped[str | None] = mapped_column(String(300))
    actor_id: Mapped[str | None] = mapped_column(String(200), index=True)
    target: Mapped[str | None] = mapped_column(String(300))
    target_id: Mapped[str | None] = mapped_column(String(200), index=True)
    place: Mapped[str | None] = mapped_column(String(300))
    place_id: Mapped[str | None] = mapped_column(String(200), index=True)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    date: Mapped[str | None] = mapped_column(String(40), index=True)
    date_precision: Mapped[str] = mapped_column(String(10), default="unknown")
    killed: Mapped[int | None] = mapped_column(Integer)
    injured: Mapped[int | None] = mapped_column(Integer)
    arrested: Mapped[int | None] = mapped_column(Integer)
    troops: Mapped[int | None] = mapped_column(Integer)
    modality: Mapped[str] = mapped_column(String(15), default="asserted")
    attributed_to: Mapped[str | None] = mapped_column(String(300))
    quote: Mapped[str | None] = mapped_column(Text)
    evidence_start: Mapped[int] = mapped_column(Integer)
    evidence_end: Mapped[int] = mapped_column(Integer)
    confidence: Mapped[float] = mapped_column(Float, default=0.5)
    trigger: Mapped[str | None] = mapped_column(String(200))
    weapon: Mapped[str | None] = mapped_column(String(200))
    actor_role: Mapped[str | None] = mapped_column(String(60))
    target_role: Mapped[str | None] = mapped_column(String(60))
    count_group: Mapped[str | None] = mapped_column(String(200))
    date_end: Mapped[str | None] = mapped_column(String(40))
    canonical_event_id: Mapped[str | None] = mapped_column(String(40), index=True)


class StoryRow(Base):
    __tablename__ = "stories"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    headline: Mapped[str] = mapped_column(Text)
    first_seen: Mapped[str | None] = mapped_column(String(10))
    last_seen: Mapped[str | None] = mapped_column(String(10))
    outlets: Mapped[list[Any]] = mapped_column(JSON, default=list)
    languages: Mapped[list[Any]] = mapped_column(JSON, default=list)
    centroid: Mapped[bytes | None] = mapped_column(LargeBinary)
    entity_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    size: Mapped[int] = mapped_column(Integer, default=0)


class StoryDocumentRow(Base):
    __tablename__ = "story_documents"
    story_id: Mapped[str] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    score: Mapped[float] = mapped_column(Float, default=1.0)


class DocumentEmbeddingRow(Base):
    __tablename__ = "document_embeddings"
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    vector: Mapped[bytes] = mapped_column(LargeBinary)


class CanonicalEventRow(Base):
    __tablename__ = "canonical_events"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    story_id: Mapped[str | None] = mapped_column(String(40), index=True)
    type: Mapped[str] = mapped_column(String(20), index=True)
    mode: Mapped[str | None] = mapped_column(String(40))
    date: Mapped[str | None] = mapped_column(String(40), index=True)
    date_precision: Mapped[str] = mapped_column(String(10), default="unknown")
    place: Mapped[str | None] = mapped_column(String(300))
    place_id: Mapped[str | None] = mapped_column(String(200))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    actor: Mapped[str | None] = mapped_column(String(300))
    target: Mapped[str | None] = mapped_column(String(300))
    mentions: Mapped[int] = mapped_column(Integer, default=1)


class ClaimRow(Base):
    __tablename__ = "claims"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    canonical_event_id: Mapped[str] = mapped_column(
        ForeignKey("canonical_events.id", ondelete="CASCADE"), index=True
    )
    attribute: Mapped[str] = mapped_column(String(40))
    value: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12))
    support: Mapped[int] = mapped_column(Integer, default=1)


class ClaimSourceRow(Base):
    __tablename__ = "claim_sources"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    claim_id: Mapped[str] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[str] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    outlet: Mapped[str | None] = mapped_column(String(300))
    speaker: Mapped[str | None] = mapped_column(String(300))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)


class OutletRow(Base):
    """A source profile; ``label`` is the user's (e.g. state-affiliated)."""

    __tablename__ = "outlets"
    name: Mapped[str] = mapped_column(String(300), primary_key=True)
    label: Mapped[str | None] = mapped_column(String(100))
    country: Mapped[str | None] = mapped_column(String(2))
    note: Mapped[str | None] = mapped_column(Text)


class SiteRow(Base):
    """A place a user must protect or watch."""

    __tablename__ = "sites"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    category: Mapped[str | None] = mapped_column(String(40))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    radius_km: Mapped[float] = mapped_column(Float, default=25.0)


class WatchRuleRow(Base):
    __tablename__ = "watch_rules"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    webhook: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AlertRow(Base):
    __tablename__ = "alerts"
    __table_args__ = (UniqueConstraint("rule_id", "event_id", name="uq_alert_rule_event"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("watch_rules.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[str] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    delivered: Mapped[bool] = mapped_column(Boolean, default=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0)


class CounterRow(Base):
    """Monotonic counters shown by ``lagebild stats`` (refused inputs, limits hit…)."""

    __tablename__ = "counters"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


Index("ix_events_date_type", EventRow.date, EventRow.type)
