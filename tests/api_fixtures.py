"""A small, realistic store for API and web tests, written row by row (no NLP models needed).

Three German reports: protests and a crackdown in Almaty (January 2022) from two outlets
that disagree on the death toll, and the Oreshnik strike on Dnipro (November 2024).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from lagebild.store import Store, open_store
from lagebild.store.schema import (
    CanonicalEventRow,
    ClaimRow,
    ClaimSourceRow,
    DocumentRow,
    EntityRow,
    EventRow,
    MentionRow,
    OutletRow,
    StoryDocumentRow,
    StoryRow,
    TimeRow,
)

ALMATY_A = (
    "Am 5. Januar 2022 demonstrierten Tausende in Almaty gegen hohe Gaspreise. "
    "Präsident Tokajew bat die OVKS um Hilfe. "
    "Sicherheitskräfte schossen in Almaty auf Demonstranten, 164 Menschen wurden getötet."
)
ALMATY_B = (
    "Nach Angaben der Regierung starben bei den Unruhen in Almaty 225 Menschen. "
    "Russland entsandte am 6. Januar 2022 Fallschirmjäger nach Kasachstan."
)
DNIPRO = (
    "Russland griff am 21. November 2024 die ukrainische Stadt Dnipro mit einer neuen "
    "Mittelstreckenrakete vom Typ Oreschnik an. Die Ukraine sprach von einem Angriff auf Industrieanlagen."
)

ENTITIES = [
    ("geo:1526384", "LOC", "Almaty", 43.25, 76.92, "KZ"),
    ("geo:709930", "LOC", "Dnipro", 48.45, 34.98, "UA"),
    ("geo:1522867", "LOC", "Kasachstan", 48.0, 68.0, "KZ"),
    ("wd:Q159", "LOC", "Russland", 60.0, 100.0, "RU"),
    ("wd:Q212", "LOC", "Ukraine", 49.0, 32.0, "UA"),
    ("wd:Q4362947", "PER", "Kassym-Schomart Tokajew", None, None, None),
    ("wd:Q110072", "ORG", "OVKS", None, None, None),
]


def _span(text: str, needle: str, occurrence: int = 1) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def _sentence(text: str, offset: int) -> tuple[int, int]:
    """The sentence around ``offset`` (a period after a lower-case letter ends one, not "5. Januar")."""
    ends = [match.end() for match in re.finditer(r"(?<=[a-zäöüß])\.(?= |$)", text)]
    start = max((end + 1 for end in ends if end < offset), default=0)
    end = min((end for end in ends if end > offset), default=len(text))
    return start, end


def populate(store: Store) -> dict[str, str]:
    """Write the fixture rows; returns the ids the tests refer to by name."""
    documents = [
        ("doc-almaty-a", "tagesschau.de", "2022-01-07", "Proteste in Kasachstan eskalieren", ALMATY_A),
        ("doc-almaty-b", "dw.com", "2022-01-08", "Russische Truppen in Kasachstan", ALMATY_B),
        ("doc-dnipro", "zeit.de", "2024-11-21", "Russland greift Dnipro mit Oreschnik an", DNIPRO),
    ]
    mentions = {
        "doc-almaty-a": [
            ("Almaty", 1, "LOC", "geo:1526384"),
            ("Tokajew", 1, "PER", "wd:Q4362947"),
            ("OVKS", 1, "ORG", "wd:Q110072"),
            ("Almaty", 2, "LOC", "geo:1526384"),
        ],
        "doc-almaty-b": [
            ("Almaty", 1, "LOC", "geo:1526384"),
            ("Russland", 1, "LOC", "wd:Q159"),
            ("Kasachstan", 1, "LOC", "geo:1522867"),
        ],
        "doc-dnipro": [
            ("Russland", 1, "LOC", "wd:Q159"),
            ("Dnipro", 1, "LOC", "geo:709930"),
            ("Ukraine", 1, "LOC", "wd:Q212"),
            ("Oreschnik", 1, "OTH", None),
        ],
    }
    times = {
        "doc-almaty-a": [("5. Januar 2022", "2022-01-05", "day")],
        "doc-almaty-b": [("6. Januar 2022", "2022-01-06", "day")],
        "doc-dnipro": [("21. November 2024", "2024-11-21", "day")],
    }
    events = [
        (
            "ev-protest",
            "doc-almaty-a",
            "PROTEST",
            "demonstrierten",
            None,
            None,
            "geo:1526384",
            "2022-01-05",
            {},
        ),
        (
            "ev-assault-a",
            "doc-almaty-a",
            "ASSAULT",
            "schossen",
            "Sicherheitskräfte",
            None,
            "geo:1526384",
            "2022-01-05",
            {"killed": 164, "mode": "firearms"},
        ),
        (
            "ev-assault-b",
            "doc-almaty-b",
            "ASSAULT",
            "starben",
            None,
            None,
            "geo:1526384",
            "2022-01",
            {"killed": 225, "date_precision": "month", "attributed_to": "Regierung", "modality": "reported"},
        ),
        (
            "ev-mobilize",
            "doc-almaty-b",
            "MOBILIZE",
            "entsandte",
            "wd:Q159",
            None,
            "geo:1522867",
            "2022-01-06",
            {"troops": None},
        ),
        (
            "ev-dnipro",
            "doc-dnipro",
            "ASSAULT",
            "griff",
            "wd:Q159",
            "wd:Q212",
            "geo:709930",
            "2024-11-21",
            {"weapon": "Oreschnik", "mode": "missile"},
        ),
    ]
    names = {entity_id: name for entity_id, _, name, *_ in ENTITIES}
    coordinates = {entity_id: (lat, lon) for entity_id, _, _, lat, lon, _ in ENTITIES}
    with store.session() as session:
        for entity_id, label, name, latitude, longitude, country in ENTITIES:
            session.add(
                EntityRow(
                    id=entity_id,
                    type=label,
                    name=name,
                    names={"de": name},
                    aliases=[],
                    latitude=latitude,
                    longitude=longitude,
                    country=country,
                )
            )
        session.add(OutletRow(name="tagesschau.de", label="public broadcaster", country="DE"))
        for seq, (doc_id, outlet, published, title, body) in enumerate(documents, start=1):
            session.add(
                DocumentRow(
                    id=doc_id,
                    content_hash=doc_id,
                    source=f"https://{outlet}/{doc_id}",
                    url=f"https://{outlet}/{doc_id}",
                    outlet=outlet,
                    title=title,
                    published=published,
                    published_precision="day",
                    language="de",
                    media_type="text/html",
                    text=body,
                    words=len(body.split()),
                    ingested_at=datetime(2026, 1, 1, tzinfo=UTC),
                    analyzed=True,
                    seq=seq,
                )
            )
        session.flush()
        for doc_id, _, _, _, body in documents:
            for needle, occurrence, label, entity_id in mentions[doc_id]:
                start, end = _span(body, needle, occurrence)
                sentence = _sentence(body, start)
                session.add(
                    MentionRow(
                        document_id=doc_id,
                        start=start,
                        end=end,
                        text=needle,
                        label=label,
                        entity_id=entity_id,
                        sentence_start=sentence[0],
                        sentence_end=sentence[1],
                    )
                )
            for needle, value, precision in times[doc_id]:
                start, end = _span(body, needle)
                session.add(
                    TimeRow(
                        document_id=doc_id,
                        start=start,
                        end=end,
                        text=needle,
                        value=value,
                        precision=precision,
                    )
                )
        bodies = {doc_id: body for doc_id, _, _, _, body in documents}
        for event_id, doc_id, event_type, trigger, actor, target, place, date, extra in events:
            start, _ = _span(bodies[doc_id], trigger)
            evidence = _sentence(bodies[doc_id], start)
            latitude, longitude = coordinates[place]
            session.add(
                EventRow(
                    id=event_id,
                    document_id=doc_id,
                    type=event_type,
                    mode=extra.get("mode"),
                    actor=names.get(actor or "", actor),
                    actor_id=actor if actor in names else None,
                    target=names.get(target or "") if target else None,
                    target_id=target,
                    place=names[place],
                    place_id=place,
                    latitude=latitude,
                    longitude=longitude,
                    date=date,
                    date_precision=extra.get("date_precision", "day"),
                    killed=extra.get("killed"),
                    modality=extra.get("modality", "asserted"),
                    attributed_to=extra.get("attributed_to"),
                    weapon=extra.get("weapon"),
                    evidence_start=evidence[0],
                    evidence_end=evidence[1],
                    trigger=trigger,
                    confidence=0.8,
                    canonical_event_id="ce-almaty-crackdown" if event_id.startswith("ev-assault") else None,
                )
            )
        session.add(
            StoryRow(
                id="story-kz",
                headline="Unruhen in Kasachstan",
                first_seen="2022-01-07",
                last_seen="2022-01-08",
                outlets=["tagesschau.de", "dw.com"],
                languages=["de"],
                entity_ids=["geo:1526384", "geo:1522867"],
                size=2,
            )
        )
        session.add(
            StoryRow(
                id="story-dnipro",
                headline="Oreschnik-Angriff auf Dnipro",
                first_seen="2024-11-21",
                last_seen="2024-11-21",
                outlets=["zeit.de"],
                languages=["de"],
                entity_ids=["geo:709930"],
                size=1,
            )
        )
        session.flush()
        for story_id, doc_id in (
            ("story-kz", "doc-almaty-a"),
            ("story-kz", "doc-almaty-b"),
            ("story-dnipro", "doc-dnipro"),
        ):
            session.add(StoryDocumentRow(story_id=story_id, document_id=doc_id))
        session.add(
            CanonicalEventRow(
                id="ce-almaty-crackdown",
                story_id="story-kz",
                type="ASSAULT",
                date="2022-01-05",
                date_precision="day",
                place="Almaty",
                place_id="geo:1526384",
                latitude=43.25,
                longitude=76.92,
                actor="Sicherheitskräfte",
                mentions=2,
            )
        )
        session.flush()
        claims = [
            (
                "claim-killed-164",
                "killed",
                "164",
                "conflict",
                "ev-assault-a",
                "doc-almaty-a",
                "tagesschau.de",
                None,
            ),
            (
                "claim-killed-225",
                "killed",
                "225",
                "conflict",
                "ev-assault-b",
                "doc-almaty-b",
                "dw.com",
                "Regierung",
            ),
        ]
        for claim_id, attribute, value, status, *_ in claims:
            session.add(
                ClaimRow(
                    id=claim_id,
                    canonical_event_id="ce-almaty-crackdown",
                    attribute=attribute,
                    value=value,
                    status=status,
                    support=1,
                )
            )
        session.add(
            ClaimRow(
                id="claim-place",
                canonical_event_id="ce-almaty-crackdown",
                attribute="place",
                value="Almaty",
                status="consensus",
                support=2,
            )
        )
        session.flush()
        for claim_id, _, value, _, event_id, doc_id, outlet, speaker in claims:
            start, end = _span(bodies[doc_id], value)
            session.add(
                ClaimSourceRow(
                    claim_id=claim_id,
                    event_id=event_id,
                    document_id=doc_id,
                    outlet=outlet,
                    speaker=speaker,
                    start=start,
                    end=end,
                )
            )
            start, end = _span(bodies[doc_id], "Almaty")
            session.add(
                ClaimSourceRow(
                    claim_id="claim-place",
                    event_id=event_id,
                    document_id=doc_id,
                    outlet=outlet,
                    start=start,
                    end=end,
                )
            )
    return {"almaty": "geo:1526384", "dnipro": "geo:709930", "story": "story-kz"}


def build_store(path: Path) -> Store:
    """A fresh SQLite store at ``path`` holding the fixture rows."""
    store = open_store(str(path))
    populate(store)
    return store
