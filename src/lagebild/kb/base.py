"""The knowledge base: canonical entities, their names and how places nest.

The built artefact ``data/kb.json.gz`` (made by ``scripts/build_kb.py``) holds every
entity once and an index from matching key (:func:`lagebild.kb.normalize.name_key`)
to entities, plus the exact surface forms the gazetteer matcher may look for.  It is
read lazily, once per process, through :func:`load_kb`.
"""

from __future__ import annotations

import gc
import gzip
import json
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from lagebild.kb.normalize import KEY_VERSION, adjective_stem, name_key, token_keys

logger = logging.getLogger(__name__)

ARTEFACT = "kb.json.gz"


@dataclass(frozen=True)
class Entity:
    """One canonical entity.

    ``id`` is the Wikidata QID when known, else ``gn:<GeoNames id>``, else
    ``kb:<slug>``.  ``kind`` refines ``type``: person, org, thing, country, region,
    city.  ``part_of`` is the id of the containing entity (a city's region or country).
    """

    id: str
    type: str
    kind: str
    names: dict[str, str]
    aliases: tuple[str, ...] = ()
    qid: str | None = None
    geonames_id: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    country: str | None = None
    part_of: str | None = None
    population: int = 0

    def name(self, language: str = "de") -> str:
        """The preferred name in ``language``, falling back to English."""
        return self.names.get(language) or self.names.get("en") or next(iter(self.names.values()))

    @property
    def is_place(self) -> bool:
        return self.latitude is not None and self.longitude is not None


@dataclass
class KnowledgeBase:
    """Entities with an alias index; see :func:`load_kb`.

    ``keys`` maps a matching key to comma-separated entity indexes (parsed on lookup, which
    keeps loading fast); ``surfaces`` maps exact gazetteer spellings to entity indexes.
    """

    entities: list[Entity]
    keys: dict[str, str]
    surfaces: dict[str, list[int]]
    sources: dict[str, str] = field(default_factory=dict)
    adjectives: dict[str, str] = field(default_factory=dict)
    by_id: dict[str, Entity] = field(init=False)
    by_country: dict[str, Entity] = field(init=False)
    _surnames: dict[str, list[Entity]] | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.by_id = {entity.id: entity for entity in self.entities}
        self.by_country = {e.country: e for e in self.entities if e.kind == "country" and e.country}

    @classmethod
    def from_json(cls, record: dict[str, Any]) -> KnowledgeBase:
        if record.get("key_version") != KEY_VERSION:
            raise ValueError(
                f"KB built with key version {record.get('key_version')}, code has {KEY_VERSION}: "
                "rebuild with scripts/build_kb.py"
            )
        entities = [
            Entity(
                id=row["id"],
                type=row["type"],
                kind=row["kind"],
                names=row["names"],
                aliases=tuple(row.get("aliases", ())),
                qid=row.get("qid"),
                geonames_id=row.get("gn"),
                latitude=row.get("lat"),
                longitude=row.get("lon"),
                country=row.get("country"),
                part_of=row.get("part_of"),
                population=row.get("pop", 0),
            )
            for row in record["entities"]
        ]
        keys = dict(line.split("\t", 1) for line in record["keys"].split("\n"))
        return cls(
            entities, keys, record["surfaces"], record.get("sources", {}), record.get("adjectives", {})
        )

    def get(self, entity_id: str) -> Entity | None:
        """The entity with this id, or None."""
        return self.by_id.get(entity_id)

    def candidates(self, key: str) -> list[Entity]:
        """Entities one of whose names has the matching key ``key``."""
        indexes = self.keys.get(key)
        return [self.entities[int(index)] for index in indexes.split(",")] if indexes else []

    def lookup(self, name: str) -> list[Entity]:
        """Entities one of whose names matches ``name`` in any spelling."""
        return self.candidates(name_key(name))

    def surface_candidates(self, surface: str) -> list[Entity]:
        """Entities with ``surface`` among their gazetteer forms (exact spelling)."""
        return [self.entities[index] for index in self.surfaces.get(surface, ())]

    def country_of_adjective(self, word: str) -> Entity | None:
        """The country an adjective refers to ("kasachischen", "Russian"), if known."""
        entity_id = self.adjectives.get(adjective_stem(word))
        return self.by_id.get(entity_id) if entity_id else None

    def country_entity(self, iso2: str) -> Entity | None:
        """The country entity for an ISO 3166-1 alpha-2 code."""
        return self.by_country.get(iso2.upper())

    def country_of(self, entity_id: str) -> str | None:
        """ISO2 code of the country an entity belongs to or lies in, if known."""
        entity = self.by_id.get(entity_id)
        return entity.country if entity else None

    def ancestors(self, entity_id: str) -> Iterator[str]:
        """Ids of the entities containing ``entity_id``, innermost first, ending with its country."""
        seen = {entity_id}
        entity = self.by_id.get(entity_id)
        while entity is not None and entity.part_of and entity.part_of not in seen:
            seen.add(entity.part_of)
            yield entity.part_of
            entity = self.by_id.get(entity.part_of)
        start = self.by_id.get(entity_id)
        country = self.country_entity(start.country) if start and start.country else None
        if country is not None and country.id not in seen:
            yield country.id

    def contains(self, outer_id: str, inner_id: str) -> bool:
        """Whether ``inner_id`` lies in (or belongs to) ``outer_id``, transitively."""
        return outer_id != inner_id and any(ancestor == outer_id for ancestor in self.ancestors(inner_id))

    def people_by_surname(self, surname_key: str) -> list[Entity]:
        """People whose (last) family name has the matching key ``surname_key``."""
        if self._surnames is None:
            index: dict[str, list[Entity]] = {}
            for entity in self.entities:
                if entity.type != "PER":
                    continue
                surnames = {token_keys(name)[-1] for name in person_names(entity) if token_keys(name)}
                for key in surnames:
                    index.setdefault(key, []).append(entity)
            self._surnames = index
        return self._surnames.get(surname_key, [])


def person_names(entity: Entity) -> list[str]:
    """All written forms of a person's full name."""
    return [*entity.names.values(), *entity.aliases]


@cache
def load_kb() -> KnowledgeBase:
    """The packaged knowledge base, read on first use and kept for the process."""
    started = time.perf_counter()
    data = resources.files("lagebild.kb").joinpath("data").joinpath(ARTEFACT).read_bytes()
    gc_was_enabled = gc.isenabled()
    gc.disable()  # hundreds of thousands of small objects: collection passes would double the time
    try:
        kb = KnowledgeBase.from_json(json.loads(gzip.decompress(data)))
    finally:
        if gc_was_enabled:
            gc.enable()
    logger.info("loaded KB: %d entities in %.2f s", len(kb.entities), time.perf_counter() - started)
    return kb
