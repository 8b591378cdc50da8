"""Opening the database, running migrations, and writing one document's records atomically."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.resources import files
from typing import TYPE_CHECKING

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, and_, create_engine, event, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from lagebild.config import database_url
from lagebild.models import Analysis, Mention

if TYPE_CHECKING:
    from lagebild.pipeline import Processed
from lagebild.store.schema import (
    CounterRow,
    DocumentRow,
    EntityRow,
    EventRow,
    MentionRow,
    MinhashBandRow,
    RawInput,
    TimeRow,
)

LOGGER = logging.getLogger(__name__)
#: Bumped whenever the per-document analysis changes so stale documents can be re-analysed.
ANALYSIS_VERSION = "1"


@dataclass(frozen=True)
class StoredOutcome:
    """What happened to one document: ``new``, ``known`` (already stored) or ``duplicate``."""

    document_id: str
    status: str
    duplicate_of: str | None = None


def document_key(source: str, content_hash: str) -> str:
    """Stable id of a document: the same text read from the same source is the same document."""
    return hashlib.sha256(f"{source}\n{content_hash}".encode()).hexdigest()[:16]


class Store:
    """A lagebild database, SQLite by default, any SQLAlchemy URL accepted."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine: Engine = create_engine(url, future=True, **_engine_options(url))
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def migrate(self) -> None:
        """Create or upgrade the schema to the newest Alembic revision."""
        config = Config()
        config.set_main_option("script_location", str(files("lagebild.store") / "migrations"))
        with self.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # Serialise concurrent first-time migrations from parallel ingests.
                connection.exec_driver_sql("SELECT pg_advisory_xact_lock(4242)")
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions() as session, session.begin():
            yield session

    def read_session(self) -> Session:
        return self._sessions()

    def close(self) -> None:
        self.engine.dispose()

    # -- writing -----------------------------------------------------------------------

    def has_document(self, document_id: str) -> bool:
        with self._sessions() as session:
            return session.get(DocumentRow, document_id) is not None

    def find_exact(self, content_hash: str, excluding: str) -> str | None:
        with self._sessions() as session:
            return session.scalar(
                select(DocumentRow.id)
                .where(DocumentRow.content_hash == content_hash, DocumentRow.id != excluding)
                .order_by(DocumentRow.seq)
                .limit(1)
            )

    def near_duplicates(self, signature: bytes) -> list[tuple[str, float]]:
        """Indexed documents whose estimated Jaccard with ``signature`` reaches the dedup threshold.

        Candidates share an LSH band key (``minhash_bands``); returns ``(document id, estimate)``
        pairs, most similar first, as :meth:`NearDuplicateIndex.query_scored` does in memory.
        """
        from lagebild.documents.dedup import DEFAULT_THRESHOLD, band_keys, estimated_jaccard

        with self._sessions() as session:
            # OR of (band, key) pairs, not a row-value IN: SQLite searches the primary key per pair
            candidates = select(MinhashBandRow.document_id).where(
                or_(
                    *(
                        and_(MinhashBandRow.band == band, MinhashBandRow.key == key)
                        for band, key in band_keys(signature)
                    )
                )
            )
            stored = session.execute(
                select(DocumentRow.id, DocumentRow.minhash).where(DocumentRow.id.in_(candidates))
            ).all()
        scored = [(doc_id, estimated_jaccard(signature, other)) for doc_id, other in stored if other]
        return sorted(
            ((doc_id, score) for doc_id, score in scored if score >= DEFAULT_THRESHOLD),
            key=lambda pair: (-pair[1], pair[0]),
        )

    def save(self, processed: Processed) -> StoredOutcome:
        """Store a document with everything derived from it in one transaction.

        Either all of a document's rows are written or none: a crash mid-ingest leaves
        no half-analysed document behind, and re-running the ingest completes it.
        """
        raw, document, analysis = processed.raw, processed.document, processed.analysis
        with self.session() as session:
            if session.get(DocumentRow, document.id) is not None:
                return StoredOutcome(document.id, "known", document.duplicate_of)
            raw_sha = hashlib.sha256(raw.data).hexdigest()
            self._insert_ignore(
                session,
                RawInput,
                {
                    "sha256": raw_sha,
                    "media_type": raw.media_type,
                    "size": len(raw.data),
                    "data": raw.data,
                },
                ["sha256"],
            )
            seq = (session.scalar(select(func.max(DocumentRow.seq))) or 0) + 1
            session.add(
                DocumentRow(
                    id=document.id,
                    content_hash=processed.content_hash,
                    source=document.source,
                    url=document.url,
                    outlet=document.outlet,
                    title=document.title,
                    author=document.author,
                    published=document.published,
                    published_precision=document.published_precision,
                    published_evidence=document.published_evidence,
                    language=document.language,
                    media_type=document.media_type,
                    text=document.text,
                    words=document.words,
                    raw_sha256=raw_sha,
                    duplicate_of=document.duplicate_of,
                    duplicate_kind=document.duplicate_kind,
                    minhash=processed.minhash,
                    duplicate_score=processed.duplicate_score,
                    ingested_at=datetime.now(UTC),
                    analyzed=analysis is not None,
                    analysis_version=ANALYSIS_VERSION if analysis is not None else None,
                    seq=seq,
                )
            )
            session.flush()
            if processed.minhash and document.duplicate_kind != "exact":
                from lagebild.documents.dedup import band_keys

                session.execute(
                    insert(MinhashBandRow.__table__),
                    [
                        {"band": band, "key": key, "document_id": document.id}
                        for band, key in band_keys(processed.minhash)
                    ],
                )
            if analysis is not None:
                self._save_analysis(session, document.id, analysis)
        status = "duplicate" if document.duplicate_of else "new"
        return StoredOutcome(document.id, status, document.duplicate_of)

    def replace_analysis(self, document_id: str, analysis: Analysis) -> None:
        """Re-run results for a stored document replace its old mentions, times and events."""
        with self.session() as session:
            for table in (EventRow, MentionRow, TimeRow):
                session.query(table).filter(table.document_id == document_id).delete()
            self._save_analysis(session, document_id, analysis)
            session.execute(
                update(DocumentRow)
                .where(DocumentRow.id == document_id)
                .values(analyzed=True, analysis_version=ANALYSIS_VERSION)
            )

    def _save_analysis(self, session: Session, document_id: str, analysis: Analysis) -> None:
        sentence_of = _sentence_lookup(analysis.sentences)
        self._upsert_entities(session, analysis.mentions)
        for mention in analysis.mentions:
            sentence = sentence_of(mention.start)
            session.add(
                MentionRow(
                    document_id=document_id,
                    start=mention.start,
                    end=mention.end,
                    text=mention.text[:500],
                    label=mention.label,
                    entity_id=mention.entity_id,
                    confidence=mention.confidence,
                    sentence_start=sentence[0] if sentence else None,
                    sentence_end=sentence[1] if sentence else None,
                )
            )
        for time in analysis.times:
            session.add(
                TimeRow(
                    document_id=document_id,
                    start=time.start,
                    end=time.end,
                    text=time.text[:500],
                    value=time.value,
                    precision=time.precision,
                    kind=time.kind,
                    range_end=time.range_end,
                    qualifier=time.qualifier,
                )
            )
        for index, found in enumerate(analysis.events):
            event_id = hashlib.sha256(
                f"{document_id}:{found.evidence_start}:{found.type}:{found.mode}:{index}".encode()
            ).hexdigest()[:20]
            session.add(
                EventRow(
                    id=event_id,
                    document_id=document_id,
                    **{key: value for key, value in found.to_dict().items()},
                )
            )

    def _upsert_entities(self, session: Session, mentions: list[Mention]) -> None:
        """Materialise the mentions' canonical entities (from the knowledge base when known).

        One statement for the document; the first mention of an entity describes it, and an
        entity already stored stays as it is.
        """
        from lagebild.kb import load_kb

        records: dict[str, dict] = {}
        for mention in mentions:
            if not mention.entity_id or mention.entity_id in records:
                continue
            known = load_kb().get(mention.entity_id)
            records[mention.entity_id] = {
                "id": mention.entity_id,
                "type": known.type if known else mention.label,
                "name": mention.canonical_name or (known.name() if known else mention.text),
                "names": dict(known.names) if known else {},
                "aliases": list(known.aliases) if known else [],
                "wikidata": known.qid if known else None,
                "geonames_id": known.geonames_id if known else mention.geonames_id,
                "latitude": known.latitude if known else mention.latitude,
                "longitude": known.longitude if known else mention.longitude,
                "country": known.country if known else mention.country,
                "provisional": known is None,
            }
        if records:
            insert = pg_insert if self.dialect == "postgresql" else sqlite_insert
            session.execute(
                insert(EntityRow.__table__).on_conflict_do_nothing(index_elements=["id"]),
                list(records.values()),
            )

    def _insert_ignore(self, session: Session, table: type, values: dict, keys: list[str]) -> None:
        insert = pg_insert if self.dialect == "postgresql" else sqlite_insert
        session.execute(insert(table).values(**values).on_conflict_do_nothing(index_elements=keys))

    # -- counters ----------------------------------------------------------------------

    def bump(self, name: str, by: int = 1) -> None:
        """Add to a named counter (refused inputs, limits hit) shown by ``lagebild stats``."""
        if by == 0:
            return
        insert = pg_insert if self.dialect == "postgresql" else sqlite_insert
        statement = insert(CounterRow).values(name=name, value=by)
        statement = statement.on_conflict_do_update(
            index_elements=["name"], set_={"value": CounterRow.value + by}
        )
        with self.session() as session:
            session.execute(statement)

    def counters(self) -> dict[str, int]:
        with self._sessions() as session:
            return {row.name: row.value for row in session.scalars(select(CounterRow))}


def open_store(db: str | None = None, *, migrate: bool = True) -> Store:
    """Open (and by default create or upgrade) the database named by ``db`` or ``$LAGEBILD_DB``."""
    store = Store(database_url(db))
    if migrate:
        store.migrate()
    return store


def _engine_options(url: str) -> dict:
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 60, "check_same_thread": False}}
    return {"pool_pre_ping": True}


def _sqlite_pragmas(connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sentence_lookup(sentences: list[tuple[int, int]]):  # type: ignore[no-untyped-def]
    import bisect

    starts = [start for start, _ in sentences]

    def find(offset: int) -> tuple[int, int] | None:
        index = bisect.bisect_right(starts, offset) - 1
        if index >= 0 and sentences[index][0] <= offset < sentences[index][1]:
            return sentences[index]
        return None

    return find
