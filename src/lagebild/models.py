"""The typed records that flow between lagebild's stages.

sources -> ``RawDocument`` -> documents -> ``Document`` -> annotations (``Mention``,
``TimeExpression``) -> ``Event`` -> stories and claims.  Every derived record carries
character offsets into ``Document.text`` so that it can be traced to its evidence.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Literal

DatePrecision = Literal["day", "month", "year", "unknown"]
TimePrecision = Literal["day", "week", "month", "year", "decade", "unknown"]
Modality = Literal["asserted", "reported", "denied", "planned", "hypothetical"]


@dataclass(frozen=True)
class RawDocument:
    """Bytes as they were read, before any cleaning.

    ``hints`` carries metadata the container already states (a JSONL ``title``, a feed
    entry's ``published``, a user's ``--published``); cleaning prefers them to guesses.
    """

    data: bytes
    source: str
    media_type: str | None = None
    url: str | None = None
    fetched_at: datetime | None = None
    hints: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PublicationDate:
    """A publication date cut to what the evidence supports."""

    value: str | None
    precision: DatePrecision
    evidence: str | None = None

    @classmethod
    def unknown(cls) -> PublicationDate:
        return cls(None, "unknown", None)


@dataclass
class Document:
    """A cleaned news document: main text without boilerplate, with its metadata."""

    id: str
    source: str
    text: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: str | None = None
    published_precision: DatePrecision = "unknown"
    published_evidence: str | None = None
    language: str | None = None
    media_type: str | None = None
    raw_sha256: str | None = None
    duplicate_of: str | None = None
    duplicate_kind: Literal["exact", "near"] | None = None

    @property
    def words(self) -> int:
        return len(self.text.split())

    def to_dict(self) -> dict[str, Any]:
        record = asdict(self)
        record["words"] = self.words
        return record


@dataclass
class Mention:
    """A name found in the text and the canonical entity it refers to."""

    start: int
    end: int
    text: str
    label: str  # PER, ORG, LOC, OTH
    entity_id: str | None = None
    canonical_name: str | None = None
    confidence: float = 1.0
    latitude: float | None = None
    longitude: float | None = None
    geonames_id: int | None = None
    country: str | None = None


@dataclass
class TimeExpression:
    """A temporal expression normalised to a TIMEX3-style value.

    ``value`` is e.g. ``2022-01-06``, ``2022-01``, ``2022-W01``, ``XXXX-11-21`` (year
    unknown) or ``P10D`` for a duration; ``range_end`` closes an interval
    ("bis zum 19. Januar").
    """

    start: int
    end: int
    text: str
    value: str | None
    precision: TimePrecision
    kind: Literal["date", "duration", "range", "set"] = "date"
    range_end: str | None = None
    qualifier: str | None = None  # "early", "mid", "late", "approx"


@dataclass
class Event:
    """One coded event with its evidence, in PLOVER terms (CAMEO and ACLED derived)."""

    type: str
    mode: str | None
    cameo: str | None
    acled_type: str | None
    acled_subtype: str | None
    evidence_start: int
    evidence_end: int
    actor: str | None = None
    actor_id: str | None = None
    target: str | None = None
    target_id: str | None = None
    place: str | None = None
    place_id: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    date: str | None = None
    date_precision: TimePrecision = "unknown"
    killed: int | None = None
    injured: int | None = None
    arrested: int | None = None
    troops: int | None = None
    modality: Modality = "asserted"
    attributed_to: str | None = None
    quote: str | None = None
    confidence: float = 0.5
    trigger: str | None = None
    weapon: str | None = None
    actor_role: str | None = None  # "state forces", "protesters", "alliance", "government"
    target_role: str | None = None
    count_group: str | None = None  # who the counts refer to ("Sicherheitskräfte")
    date_end: str | None = None  # end of the event's interval ("bis zum 19. Januar")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Analysis:
    """Everything lagebild reads out of one text; each stage adds its part."""

    text: str
    document: Document | None = None
    published: str | None = None
    language: str | None = None
    sentences: list[tuple[int, int]] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    times: list[TimeExpression] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
