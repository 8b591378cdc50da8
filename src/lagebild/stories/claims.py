"""Claims: every attribute value reported about a canonical event, who reports it, and whether
the sources agree.

Values are normalised before they are compared (``Haselnuss`` = ``Oreschnik`` = Oreshnik;
``2022-01`` is compatible with ``2022-01-06``; a place with the region containing it).
A value is a ``conflict`` when another reported value of the same attribute is
incompatible with it (Oreshnik against an ICBM), else ``consensus`` (a generic "missile"
beside both stays ``consensus``); a value reported by one document only is a
``consensus`` with ``support`` 1 (nobody contradicts it, nobody confirms it).

Most attributes are single-valued per event (the weapon, the date, a casualty count, the
place of a strike, the perpetrator of an attack).  The actors and targets of events that
several parties take part in (a round of phone calls, a joint deployment, an agreement,
the two sides of a clash) are sets of participants: each named participant is a
``consensus`` claim with its own sources, and a ``conflict`` only where a source denies
that party's part.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import combinations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from lagebild.store import Store
from lagebild.store.schema import (
    CanonicalEventRow,
    ClaimRow,
    ClaimSourceRow,
    DocumentRow,
    EntityRow,
    EventRow,
)
from lagebild.stories.merge import types_compatible
from lagebild.stories.values import (
    date_relation,
    date_span,
    dates_compatible,
    label_category,
    place_relation,
    weapon_key,
    weapons_compatible,
)

LOGGER = logging.getLogger(__name__)

COUNT_ATTRIBUTES = ("killed", "injured", "arrested", "troops")

#: Event types whose actor and target are participant sets, not competing claims.
PARTICIPANT_TYPES = frozenset(
    {"AGREE", "CONSULT", "SUPPORT", "COOPERATE", "AID", "MOBILIZE", "RETREAT", "REJECT", "SANCTION", "FIGHT"}
)
#: Two-sided events: each side's label is compared with the other side's only when both are non-state.
SIDED_TYPES = frozenset({"FIGHT"})
#: Operations that span several days (a deployment, a withdrawal): adjacent days are phases, not rival dates.
OPERATION_TYPES = frozenset({"MOBILIZE", "RETREAT"})
FORCE_LABELS = frozenset({"state forces", "alliance forces"})
PARTICIPANT_ATTRIBUTES = frozenset({"actor", "target"})
LABEL_ATTRIBUTES = frozenset({"actor_label", "target_label"})


@dataclass
class Observation:
    """One event record's value for one attribute."""

    attribute: str
    key: str
    surface: str
    event: EventRow
    outlet: str | None
    name: str | None = None


@dataclass
class ClaimValue:
    """A normalised value of an attribute with everything that reports it."""

    attribute: str
    key: str
    name: str
    surfaces: list[str] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)

    @property
    def support(self) -> int:
        return len({observation.event.document_id for observation in self.observations})

    @property
    def display(self) -> str:
        shown = [
            surface for surface in dict.fromkeys(self.surfaces) if surface.casefold() != self.name.casefold()
        ]
        return f"{self.name} ({', '.join(shown)})" if shown else self.name


def claim_id(canonical_event_id: str, attribute: str, key: str) -> str:
    return hashlib.sha256(f"{canonical_event_id}\n{attribute}\n{key}".encode()).hexdigest()[:20]


def update_claims(store: Store, canonical_event_ids: list[str]) -> int:
    """Recompute the claims of the given canonical events; return how many claim rows exist now."""
    with store.session() as session:
        return sum(claims_in_session(session, canonical_id) for canonical_id in canonical_event_ids)


def claims_in_session(session: Session, canonical_event_id: str) -> int:
    """Replace the claims of one canonical event with ones computed from its member events."""
    old = select(ClaimRow.id).where(ClaimRow.canonical_event_id == canonical_event_id)
    session.execute(delete(ClaimSourceRow).where(ClaimSourceRow.claim_id.in_(old)))
    session.execute(delete(ClaimRow).where(ClaimRow.canonical_event_id == canonical_event_id))
    canonical = session.get(CanonicalEventRow, canonical_event_id)
    if canonical is None:
        return 0
    rows = session.execute(
        select(EventRow, DocumentRow.outlet)
        .join(DocumentRow, DocumentRow.id == EventRow.document_id)
        .where(EventRow.canonical_event_id == canonical_event_id)
        .order_by(DocumentRow.seq, EventRow.evidence_start, EventRow.id)
    ).all()
    names = _entity_names(session, rows)
    countries = _place_countries(session, rows)
    by_attribute: dict[str, dict[str, ClaimValue]] = {}
    for event, outlet in rows:
        for observation in observations_of(event, outlet, names):
            values = by_attribute.setdefault(observation.attribute, {})
            value = values.setdefault(
                observation.key,
                ClaimValue(observation.attribute, observation.key, observation.name or observation.key),
            )
            value.surfaces.append(observation.surface)
            value.observations.append(observation)
    written = 0
    for attribute, values in by_attribute.items():
        contradicted = contradicted_values(attribute, list(values.values()), countries, canonical.type)
        for value in values.values():
            status = "conflict" if value.key in contradicted else "consensus"
            identifier = claim_id(canonical_event_id, attribute, value.key)
            session.add(
                ClaimRow(
                    id=identifier,
                    canonical_event_id=canonical_event_id,
                    attribute=attribute,
                    value=value.display,
                    status=status,
                    support=value.support,
                )
            )
            session.flush()
            seen: set[str] = set()
            for observation in value.observations:
                if observation.event.id in seen:
                    continue
                seen.add(observation.event.id)
                session.add(
                    ClaimSourceRow(
                        claim_id=identifier,
                        event_id=observation.event.id,
                        document_id=observation.event.document_id,
                        outlet=observation.outlet,
                        speaker=observation.event.attributed_to,
                        start=observation.event.evidence_start,
                        end=observation.event.evidence_end,
                    )
                )
            written += 1
    session.flush()
    return written


def observations_of(event: EventRow, outlet: str | None, names: dict[str, str]) -> list[Observation]:
    """Every attribute value one event record reports, normalised."""
    found: list[Observation] = []

    def add(attribute: str, key: str | None, surface: str | None, name: str | None = None) -> None:
        if key:
            found.append(Observation(attribute, key, surface or key, event, outlet, name))

    add("type", event.type, event.type)
    if event.date:
        add("date", event.date if not event.date_end else f"{event.date}/{event.date_end}", event.date)
    if event.place or event.place_id:
        name = names.get(event.place_id or "") or event.place
        add("place", event.place_id or " ".join((event.place or "").casefold().split()), event.place, name)
    for role in ("actor", "target"):
        surface, entity_id = getattr(event, role), getattr(event, f"{role}_id")
        if entity_id:
            add(role, entity_id, surface, names.get(entity_id) or surface)
        category = label_category(surface, None if entity_id else getattr(event, f"{role}_role"))
        if category and surface:
            add(f"{role}_label", category, surface)
    group = label_category(event.count_group) or (
        " ".join(event.count_group.split()) if event.count_group else None
    )
    for attribute in COUNT_ATTRIBUTES:
        number = getattr(event, attribute)
        if number is not None:
            add(f"{attribute} ({group})" if group else attribute, str(number), str(number))
    if event.weapon:
        add("weapon", weapon_key(event.weapon), event.weapon)
    return found


def _compatible(
    attribute: str, countries: dict[str, str | None], event_type: str | None
) -> Callable[[ClaimValue, ClaimValue], bool]:
    if attribute == "date":
        if event_type in OPERATION_TYPES:
            return lambda a, b: _dates_overlap_or_adjacent(a.key, b.key)
        return lambda a, b: dates_compatible(
            *_interval(a.key)[:1], *_interval(b.key)[:1], _interval(a.key)[1], _interval(b.key)[1]
        )
    if attribute in LABEL_ATTRIBUTES and event_type in SIDED_TYPES:  # the two sides of a clash
        return lambda a, b: a.key == b.key or bool({a.key, b.key} & FORCE_LABELS)
    if attribute == "place":
        return lambda a, b: _places_compatible(a, b, countries)
    if attribute == "weapon":
        return lambda a, b: weapons_compatible(a.key, b.key)
    if attribute in {"actor", "target"}:  # a capital stands for its country (Moskau, Russland)
        return lambda a, b: a.key == b.key or place_relation(a.key, None, b.key, None) == "contains"
    if attribute == "type":
        return lambda a, b: types_compatible(a.key, b.key)
    return lambda a, b: a.key == b.key


def is_participant_set(attribute: str, event_type: str | None) -> bool:
    """Whether ``attribute`` of an event of ``event_type`` holds several participants rather than one value."""
    if event_type not in PARTICIPANT_TYPES:
        return False
    return attribute in PARTICIPANT_ATTRIBUTES or (
        attribute in LABEL_ATTRIBUTES and event_type not in SIDED_TYPES
    )


def contradicted_values(
    attribute: str,
    values: list[ClaimValue],
    countries: dict[str, str | None],
    event_type: str | None = None,
) -> set[str]:
    """Keys of the values of ``attribute`` that are incompatible with another reported value.

    For a participant set (``is_participant_set``) values do not exclude each other: a
    participant entity is contradicted only when one source states its part (asserted or
    reported) and another denies it; participant labels are never contradicted.
    """
    if is_participant_set(attribute, event_type):
        if attribute not in PARTICIPANT_ATTRIBUTES:  # a generic label names no party that could be denied
            return set()
        return {value.key for value in values if _stated_and_denied(value)}
    compatible = _compatible(attribute, countries, event_type)
    contradicted: set[str] = set()
    for a, b in combinations(values, 2):
        if not compatible(a, b):
            contradicted |= {a.key, b.key}
    return contradicted


def _stated_and_denied(value: ClaimValue) -> bool:
    modalities = {observation.event.modality for observation in value.observations}
    return "denied" in modalities and bool(modalities & {"asserted", "reported"})


def _dates_overlap_or_adjacent(a: str, b: str) -> bool:
    """Dates of one multi-day operation: compatible, overlapping or on adjacent days."""
    (a_start, a_end), (b_start, b_end) = _interval(a), _interval(b)
    relation = date_relation(date_span(a_start, a_end), date_span(b_start, b_end), near_days=1)
    return relation in {"same", "overlap", "partial", "near", "unknown"}


def _interval(key: str) -> tuple[str, str | None]:
    """A date key ``start`` or ``start/end`` as (start, end)."""
    start, _, end = key.partition("/")
    return start, end or None


def _places_compatible(a: ClaimValue, b: ClaimValue, countries: dict[str, str | None]) -> bool:
    first, second = a.observations[0].event, b.observations[0].event
    relation = place_relation(first.place_id, first.place, second.place_id, second.place, countries)
    return relation != "different"


def _entity_names(session: Session, rows: list) -> dict[str, str]:
    ids = {
        identifier
        for event, _ in rows
        for identifier in (event.actor_id, event.target_id, event.place_id)
        if identifier
    }
    if not ids:
        return {}
    return dict(session.execute(select(EntityRow.id, EntityRow.name).where(EntityRow.id.in_(ids))).all())


def _place_countries(session: Session, rows: list) -> dict[str, str | None]:
    ids = {event.place_id for event, _ in rows if event.place_id}
    if not ids:
        return {}
    return dict(session.execute(select(EntityRow.id, EntityRow.country).where(EntityRow.id.in_(ids))).all())
