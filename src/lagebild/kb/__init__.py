"""Knowledge base, entity linking and geocoding.

``link_mentions`` gives NER mentions canonical ids (and places coordinates),
``find_known_mentions`` finds known names without NER, ``merge_mentions`` combines the
two, ``geocode`` places a single name, ``load_kb`` exposes the entities themselves.
See docs/kb.md.
"""

from lagebild.kb.base import Entity, KnowledgeBase, load_kb
from lagebild.kb.geocode import PlaceContext, geocode, haversine_km
from lagebild.kb.link import find_known_mentions, link_mentions, merge_mentions, provisional_id
from lagebild.kb.normalize import name_key

__all__ = [
    "Entity",
    "KnowledgeBase",
    "PlaceContext",
    "find_known_mentions",
    "geocode",
    "haversine_km",
    "link_mentions",
    "load_kb",
    "merge_mentions",
    "name_key",
    "provisional_id",
]
