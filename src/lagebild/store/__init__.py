"""The store: documents, annotations, events, stories and claims in one SQL database."""

from lagebild.store.database import Store, open_store

__all__ = ["Store", "open_store"]
