"""Geocoding: choose the place a name refers to, given the story it appears in.

Offline, from the GeoNames cities, countries and curated regions in the KB.  A story's
context is the countries it mentions (weighted by how often) and the places already
placed; among same-named candidates the one in the story's country, near its other
places and with the larger population wins.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from lagebild.kb.base import Entity, KnowledgeBase, load_kb

EARTH_RADIUS_KM = 6371.0088
_KIND_RANK = {"country": 3.0, "region": 1.5, "city": 0.0}
# Curated regions carry no population; rank them like a large city.
_DEFAULT_POPULATION = {"region": 1_000_000}


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


@dataclass
class PlaceContext:
    """What a story tells about where it happens: country weights and placed points."""

    countries: Counter[str] = field(default_factory=Counter)
    points: list[tuple[float, float]] = field(default_factory=list)

    @property
    def main_country(self) -> str | None:
        """The story's country: the most-mentioned one."""
        return self.countries.most_common(1)[0][0] if self.countries else None

    def add(self, entity: Entity, weight: float = 1.0) -> None:
        """Count an entity the story mentions (its country, and its point if it is a city)."""
        if entity.country:
            self.countries[entity.country] += weight
        if entity.kind == "city" and entity.latitude is not None and entity.longitude is not None:
            self.points.append((entity.latitude, entity.longitude))


def place_score(entity: Entity, context: PlaceContext) -> float:
    """How plausible ``entity`` is as the referent of a place name in this story."""
    population = entity.population or _DEFAULT_POPULATION.get(entity.kind, 0)
    score = _KIND_RANK.get(entity.kind, 0.0) + math.log10(population + 10)
    total = sum(context.countries.values())
    if entity.country and total:
        score += 3.0 * context.countries[entity.country] / total
        if entity.country == context.main_country:
            score += 2.0
    if context.points and entity.latitude is not None and entity.longitude is not None:
        nearest = min(haversine_km((entity.latitude, entity.longitude), point) for point in context.points)
        score += max(0.0, 1.0 - nearest / 1000.0)
    return score


def choose_place(
    candidates: list[Entity], context: PlaceContext | None = None, trust: dict[str, float] | None = None
) -> tuple[Entity, float] | None:
    """The best place among ``candidates`` and a confidence in [0.5, 0.99].

    ``trust`` optionally discounts candidates found through a less literal reading of
    the name (entity id → factor in (0, 1]).
    """
    places = [entity for entity in candidates if entity.is_place]
    if not places:
        return None
    context = context or PlaceContext()
    trust = trust or {}

    def score(entity: Entity) -> float:
        return place_score(entity, context) + 3.0 * math.log(trust.get(entity.id, 1.0))

    ranked = sorted(places, key=score, reverse=True)
    factor = trust.get(ranked[0].id, 1.0)
    if len(ranked) == 1:
        return ranked[0], round(0.95 * factor, 3)
    margin = score(ranked[0]) - score(ranked[1])
    return ranked[0], round(min(0.99, 0.5 + margin / 6.0) * factor, 3)


def geocode(name: str, context: PlaceContext | None = None, kb: KnowledgeBase | None = None) -> Entity | None:
    """The place ``name`` most plausibly refers to (any spelling), or None."""
    kb = kb or load_kb()
    chosen = choose_place(kb.lookup(name), context)
    return chosen[0] if chosen else None
