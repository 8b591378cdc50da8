"""Situation briefs: a sourced report generated from the store, never written freehand.

Every statement of a brief is built from stored events (and, where stories were
reconciled, from ``claims``) and carries footnotes to the documents it rests on; each
footnote names the document id, outlet, title and publication date.  Sections: key
developments in date order, actors, casualty figures with their range across sources,
and open contradictions.  Rendered by Jinja2 templates as Markdown or printable HTML.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from lagebild.alerts.sites import SourceRef, events_near, get_site, severity
from lagebild.store.queries import EventFilter, claims_with_sources, filter_events
from lagebild.store.schema import DocumentRow, EntityRow, EventRow

Language = Literal["de", "en"]
TEMPLATES = Path(__file__).resolve().parent / "templates"
#: At most this many developments; when there are more, the most severe are kept.
MAX_DEVELOPMENTS = 150
MAX_ACTORS = 15
#: Footnotes cited by one actor line (the most recent documents).
MAX_NOTES_PER_LINE = 6

PHRASES: dict[str, dict[str, str]] = {
    "de": {
        "title": "Lagebericht",
        "developments": "Wichtige Entwicklungen",
        "actors": "Akteure",
        "casualties": "Opferzahlen und Festnahmen",
        "contradictions": "Offene Widersprüche",
        "sources": "Quellen",
        "period": "Zeitraum",
        "scope": "Gebiet",
        "generated": "Erstellt",
        "from": "aus",
        "documents": "Dokumenten",
        "open": "offen",
        "undated": "ohne Datum",
        "in": "in",
        "target": "Ziel",
        "by": "laut",
        "events": "Ereignisse",
        "event": "Ereignis",
        "killed": "Getötete",
        "injured": "Verletzte",
        "arrested": "Festgenommene",
        "troops": "Soldaten",
        "denied": "dementiert",
        "planned": "angekündigt",
        "hypothetical": "hypothetisch",
        "reported": "berichtet",
        "figures": "gemeldete Zahlen",
        "conflict": "Die Quellen widersprechen sich zu",
        "versus": "gegenüber",
        "no_events": "Im gewählten Ausschnitt sind keine Ereignisse gespeichert.",
    },
    "en": {
        "title": "Situation report",
        "developments": "Key developments",
        "actors": "Actors",
        "casualties": "Casualties and arrests",
        "contradictions": "Open contradictions",
        "sources": "Sources",
        "period": "Period",
        "scope": "Area",
        "generated": "Generated",
        "from": "from",
        "documents": "documents",
        "open": "open",
        "undated": "undated",
        "in": "in",
        "target": "target",
        "by": "according to",
        "events": "events",
        "event": "event",
        "killed": "killed",
        "injured": "injured",
        "arrested": "arrested",
        "troops": "troops",
        "denied": "denied",
        "planned": "announced",
        "hypothetical": "hypothetical",
        "reported": "reported",
        "figures": "reported figures",
        "conflict": "Sources disagree on",
        "versus": "versus",
        "no_events": "No events are stored for this selection.",
    },
}
TYPE_LABELS: dict[str, dict[str, str]] = {
    "de": {
        "AGREE": "Vereinbarung",
        "CONSULT": "Konsultation",
        "SUPPORT": "Unterstützung",
        "COOPERATE": "Zusammenarbeit",
        "AID": "Hilfe",
        "CONCEDE": "Zugeständnis",
        "RETREAT": "Rückzug",
        "INVESTIGATE": "Untersuchung",
        "REQUEST": "Ersuchen",
        "DEMAND": "Forderung",
        "DISAPPROVE": "Kritik",
        "ACCUSE": "Vorwurf",
        "REJECT": "Ablehnung",
        "THREATEN": "Drohung",
        "PROTEST": "Protest",
        "MOBILIZE": "Mobilisierung",
        "SANCTION": "Sanktion",
        "COERCE": "Zwangsmaßnahme",
        "ASSAULT": "Angriff",
        "FIGHT": "Kampf",
    },
    "en": {
        "AGREE": "agreement",
        "CONSULT": "consultation",
        "SUPPORT": "support",
        "COOPERATE": "cooperation",
        "AID": "aid",
        "CONCEDE": "concession",
        "RETREAT": "withdrawal",
        "INVESTIGATE": "investigation",
        "REQUEST": "request",
        "DEMAND": "demand",
        "DISAPPROVE": "criticism",
        "ACCUSE": "accusation",
        "REJECT": "rejection",
        "THREATEN": "threat",
        "PROTEST": "protest",
        "MOBILIZE": "mobilisation",
        "SANCTION": "sanction",
        "COERCE": "coercion",
        "ASSAULT": "assault",
        "FIGHT": "fighting",
    },
}
COUNT_FIELDS = ("killed", "injured", "arrested")


@dataclass(frozen=True)
class BriefOptions:
    region: str | None = None
    since: str | None = None
    until: str | None = None
    site: str | None = None
    lang: Language = "de"


@dataclass(frozen=True)
class Statement:
    """One sentence of the brief and the footnote numbers of the documents it rests on."""

    text: str
    notes: tuple[int, ...]


@dataclass
class Brief:
    options: BriefOptions
    phrases: dict[str, str]
    generated: str
    developments: list[Statement] = field(default_factory=list)
    actors: list[Statement] = field(default_factory=list)
    casualties: list[Statement] = field(default_factory=list)
    contradictions: list[Statement] = field(default_factory=list)
    footnotes: list[tuple[int, SourceRef]] = field(default_factory=list)


class _Citations:
    """Numbers documents in order of first citation."""

    def __init__(self, documents: dict[str, SourceRef]) -> None:
        self.documents = documents
        self.numbers: dict[str, int] = {}

    def cite(self, document_ids: list[str]) -> tuple[int, ...]:
        notes = []
        for document_id in dict.fromkeys(document_ids):
            if document_id in self.documents:
                notes.append(self.numbers.setdefault(document_id, len(self.numbers) + 1))
        return tuple(sorted(notes))

    def footnotes(self) -> list[tuple[int, SourceRef]]:
        return sorted((number, self.documents[doc_id]) for doc_id, number in self.numbers.items())


def _format_date(value: str | None, lang: Language, phrases: dict[str, str]) -> str:
    if not value or value.startswith("X"):
        return phrases["undated"]
    if lang == "de" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value[:10]) and len(value) >= 10:
        year, month, day = value[:10].split("-")
        return f"{day}.{month}.{year}"
    return value


def _scoped_events(session: Session, options: BriefOptions) -> list[EventRow]:
    conditions = EventFilter(since=options.since, until=options.until)
    if options.site:
        site = get_site(session, options.site)
        return [
            item.event
            for item in events_near(session, site.latitude, site.longitude, site.radius_km, conditions)
        ]
    statement = filter_events(select(EventRow), conditions)
    if options.region:
        region = options.region.casefold()
        countries = select(EntityRow.country).where(
            or_(EntityRow.id == options.region, func.lower(EntityRow.name) == region),
            EntityRow.country.is_not(None),
        )
        in_country = select(EntityRow.id).where(EntityRow.country.in_(countries))
        statement = statement.where(
            or_(
                EventRow.place_id == options.region,
                func.lower(EventRow.place).like(f"%{region}%"),
                EventRow.place_id.in_(in_country),
            )
        )
    return list(session.scalars(statement.order_by(EventRow.date, EventRow.id)))


def _localised(session: Session, events: list[EventRow], lang: Language) -> list[EventRow]:
    """The events with actor, target and place named in the brief's language where the KB knows how.

    The rows are detached first, so renaming them for the report never writes to the store.
    """
    ids = {value for event in events for value in (event.actor_id, event.target_id, event.place_id) if value}
    names = {
        row.id: row.names.get(lang)
        for row in session.scalars(select(EntityRow).where(EntityRow.id.in_(ids)))
        if row.names.get(lang)
    }
    for event in events:
        if event in session:
            session.expunge(event)
        for id_field, name_field in (("actor_id", "actor"), ("target_id", "target"), ("place_id", "place")):
            local = names.get(getattr(event, id_field) or "")
            if local:
                setattr(event, name_field, local)
    return events


def _development_key(event: EventRow) -> tuple[str | None, ...]:
    if event.canonical_event_id:
        return ("canonical", event.canonical_event_id)
    return ("event", event.date, event.type, event.mode, event.place, event.actor, event.target)


def _range(values: list[int]) -> str:
    low, high = min(values), max(values)
    return str(low) if low == high else f"{low}–{high}"


def _development(events: list[EventRow], lang: Language, phrases: dict[str, str]) -> str:
    first = events[0]
    label = TYPE_LABELS[lang].get(first.type, first.type.lower())
    if first.mode:
        label += f" ({first.mode})"
    head = f"{_format_date(first.date, lang, phrases)}: "
    head += f"{first.actor} – {label}" if first.actor else label[:1].upper() + label[1:]
    if first.place:
        head += f" {phrases['in']} {first.place}"
    if first.target:
        head += f", {phrases['target']}: {first.target}"
    counts = []
    for name in COUNT_FIELDS + ("troops",):
        values = [getattr(event, name) for event in events if getattr(event, name) is not None]
        if values:
            counts.append(f"{_range(values)} {phrases[name]}")
    if counts:
        head += "; " + ", ".join(counts)
    modalities = sorted({event.modality for event in events if event.modality != "asserted"})
    speakers = sorted({event.attributed_to for event in events if event.attributed_to})
    qualifiers = [phrases[modality] for modality in modalities if modality in phrases]
    if speakers:
        qualifiers.append(f"{phrases['by']} {', '.join(speakers)}")
    if qualifiers:
        head += f" ({'; '.join(qualifiers)})"
    return _sentence(head)


def _sentence(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def build_brief(session: Session, options: BriefOptions) -> Brief:
    """Collect the brief's statements and footnotes from the store."""
    phrases = PHRASES[options.lang]
    events = _localised(session, _scoped_events(session, options), options.lang)
    document_ids = {event.document_id for event in events}
    documents = {
        row.id: SourceRef(row.id, row.outlet, row.title, row.published, row.url)
        for row in session.scalars(select(DocumentRow).where(DocumentRow.id.in_(document_ids)))
    }
    citations = _Citations(documents)
    brief = Brief(options, phrases, datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"))

    groups: dict[tuple[str | None, ...], list[EventRow]] = defaultdict(list)
    for event in events:
        groups[_development_key(event)].append(event)
    chosen = sorted(groups.values(), key=lambda group: (-max(severity(e) for e in group), -len(group)))
    chosen = sorted(chosen[:MAX_DEVELOPMENTS], key=lambda group: (group[0].date or "9999", group[0].id))
    for group in chosen:
        notes = citations.cite([event.document_id for event in group])
        if notes:
            brief.developments.append(Statement(_development(group, options.lang, phrases), notes))

    by_actor: dict[str, list[EventRow]] = defaultdict(list)
    for event in events:
        if event.actor:
            by_actor[event.actor].append(event)
    for actor, acted in sorted(by_actor.items(), key=lambda item: (-len(item[1]), item[0]))[:MAX_ACTORS]:
        types = ", ".join(
            TYPE_LABELS[options.lang].get(t, t) for t, _ in Counter(e.type for e in acted).most_common(4)
        )
        recent = sorted(acted, key=lambda event: event.date or "", reverse=True)
        notes = citations.cite([event.document_id for event in recent][:MAX_NOTES_PER_LINE])
        if notes:
            brief.actors.append(
                Statement(
                    _sentence(
                        f"{actor}: {len(acted)} {phrases['event' if len(acted) == 1 else 'events']} ({types})"
                    ),
                    notes,
                )
            )

    brief.casualties = _casualties(events, documents, citations, options.lang, phrases)
    brief.contradictions = _contradictions(session, events, citations, phrases)
    brief.footnotes = citations.footnotes()
    return brief


def _casualties(
    events: list[EventRow],
    documents: dict[str, SourceRef],
    citations: _Citations,
    lang: Language,
    phrases: dict[str, str],
) -> list[Statement]:
    """Per place and month (or canonical event): the range of each figure across sources."""
    grouped: dict[tuple[str, str], list[EventRow]] = defaultdict(list)
    for event in events:
        if any(getattr(event, name) is not None for name in COUNT_FIELDS):
            period = (event.date or "")[:7] if event.date and not event.date.startswith("X") else ""
            grouped[(event.place or "", period)].append(event)
    statements = []
    for (place, period), group in sorted(grouped.items(), key=lambda item: (item[0][1], item[0][0])):
        for name in COUNT_FIELDS:
            values: dict[int, list[str]] = defaultdict(list)
            for event in group:
                if getattr(event, name) is not None:
                    values[getattr(event, name)].append(event.document_id)
            if not values:
                continue
            where = ", ".join(filter(None, [place, period])) or phrases["undated"]
            parts = []
            all_ids: list[str] = []
            for value, ids in sorted(values.items()):
                outlets = sorted({documents[i].outlet or i for i in ids if i in documents})
                parts.append(f"{value} ({', '.join(outlets)})")
                all_ids.extend(ids)
            notes = citations.cite(all_ids)
            if notes:
                text = f"{phrases[name]}, {where}: {_range(list(values))} – {phrases['figures']}: {'; '.join(parts)}"
                statements.append(Statement(_sentence(text), notes))
    return statements


def _contradictions(
    session: Session, events: list[EventRow], citations: _Citations, phrases: dict[str, str]
) -> list[Statement]:
    """Attributes of reconciled events on which stored claims are in conflict."""
    canonical_ids = sorted({event.canonical_event_id for event in events if event.canonical_event_id})
    labels = {
        event.canonical_event_id: f"{event.type} {event.place or ''} {event.date or ''}".strip()
        for event in events
        if event.canonical_event_id
    }
    statements = []
    for canonical_id, claims in claims_with_sources(session, canonical_ids).items():
        by_attribute: dict[str, list[tuple[str, list[str], list[str]]]] = defaultdict(list)
        for claim, sources in claims:
            if claim.status != "conflict":
                continue
            outlets = sorted({source.outlet for source in sources if source.outlet})
            by_attribute[claim.attribute].append(
                (claim.value, outlets, [source.document_id for source in sources])
            )
        for attribute, values in sorted(by_attribute.items()):
            ids = [doc_id for _, _, doc_ids in values for doc_id in doc_ids]
            notes = citations.cite(ids)
            if len(values) < 2 or not notes:
                continue
            sides = f" {phrases['versus']} ".join(
                f"{value} ({', '.join(outlets)})" if outlets else value for value, outlets, _ in values
            )
            text = f"{phrases['conflict']} {attribute} ({labels.get(canonical_id, canonical_id)}): {sides}"
            statements.append(Statement(_sentence(text), notes))
    return statements


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def _markdown_escape(value: object) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(value))


def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html", "html.j2"), default_for_string=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["md"] = _markdown_escape
    return environment


def render_brief(brief: Brief, fmt: Literal["md", "html"] = "md") -> str:
    """The brief as Markdown (footnotes ``[^n]``) or as a self-contained printable HTML page."""
    template = _environment().get_template("brief.md.j2" if fmt == "md" else "brief.html.j2")
    return template.render(brief=brief, p=brief.phrases, options=brief.options)
