"""Knowledge base, entity linking and geocoding.

``link_mentions`` gives NER mentions canonical ids (and places coordinates),
``find_known_mentions`` finds known names without NER, ``merge_mentions`` combines the
two, ``load_kb`` exposes the entities themselves.  See docs/kb.md.
"""

from lagebild.kb.base import Entity, KnowledgeBase, load_kb

__all__ = ["Entity", "KnowledgeBase", "load_kb"]
