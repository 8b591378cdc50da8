"""Loading a hand-annotated story corpus (JSONL) into a store, for tests and benchmarks.

Each line is a document (``id``, ``outlet``, ``url``, ``language``, ``published``,
``title``, ``text``, gold ``story``, optional ``duplicate_of``) with its ``mentions``
(``text``, ``label``, ``entity_id``, ``country``) and hand-made ``events`` (``Event``
fields; ``evidence`` is the sentence quoted, located in the text for the offsets).
"""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lagebild.models import Event
from lagebild.store import Store
from lagebild.store.schema import DocumentRow, EntityRow, EventRow, MentionRow

_EVENT_FIELDS = {field.name for field in fields(Event)}


def read_gold(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_gold(store: Store, path: Path) -> dict[str, str]:
    """Insert the corpus's documents, mentions and events; return document id → gold story."""
    records = read_gold(path)
    with store.session() as session:
        for seq, record in enumerate(records, start=1):
            text = record["text"]
            session.add(
                DocumentRow(
                    id=record["id"],
                    content_hash=record["id"],
                    source=record.get("url") or record["id"],
                    url=record.get("url"),
                    outlet=record.get("outlet"),
                    title=record.get("title"),
                    published=record.get("published"),
                    published_precision="day" if record.get("published") else "unknown",
                    language=record.get("language"),
                    text=text,
                    words=len(text.split()),
                    duplicate_of=record.get("duplicate_of"),
                    duplicate_kind="near" if record.get("duplicate_of") else None,
                    ingested_at=datetime.now(UTC),
                    analyzed=True,
                    seq=seq,
                )
            )
            session.flush()
            for mention in record.get("mentions", []):
                if session.get(EntityRow, mention["entity_id"]) is None:
                    session.add(
                        EntityRow(
                            id=mention["entity_id"],
                            type=mention["label"],
                            name=mention["text"],
                            country=mention.get("country"),
                        )
                    )
                    session.flush()
                start = max(text.find(mention["text"]), 0)
                session.add(
                    MentionRow(
                        document_id=record["id"],
                        start=start,
                        end=start + len(mention["text"]),
                        text=mention["text"],
                        label=mention["label"],
                        entity_id=mention["entity_id"],
                    )
                )
            for index, raw in enumerate(record.get("events", [])):
                start = text.find(raw["evidence"])
                if start < 0:
                    raise ValueError(f"{record['id']}: evidence not in text: {raw['evidence']!r}")
                values = {key: value for key, value in raw.items() if key in _EVENT_FIELDS}
                event = Event(
                    **{"mode": None, "cameo": None, "acled_type": None, "acled_subtype": None, **values},
                    evidence_start=start,
                    evidence_end=start + len(raw["evidence"]),
                )
                session.add(
                    EventRow(id=f"{record['id']}-e{index + 1}", document_id=record["id"], **event.to_dict())
                )
    return {record["id"]: record["story"] for record in records}
