"""Commands on what the analysis found: entities, entity, events, timeline."""

from __future__ import annotations

import typer
from rich.table import Table
from sqlalchemy import func, or_, select

from lagebild.cli import DB_HELP, app, console, errors
from lagebild.store import open_store
from lagebild.store.queries import (
    EventFilter,
    cooccurring_entities,
    entity_aliases,
    filter_events,
    sentence_of,
)
from lagebild.store.queries import (
    timeline as timeline_buckets,
)
from lagebild.store.schema import DocumentRow, EntityRow, EventRow, MentionRow


@app.command()
def entities(
    type_: str = typer.Option(None, "--type", help="PER, ORG, LOC or OTH."),
    query: str = typer.Option(None, "--query", "-q", help="Part of a name or alias."),
    limit: int = typer.Option(50, "--limit"),
    db: str = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """List entities with mention counts and the spellings seen."""
    store = open_store(db)
    mentions = func.count(MentionRow.id)
    statement = (
        select(EntityRow, mentions)
        .join(MentionRow, MentionRow.entity_id == EntityRow.id)
        .group_by(EntityRow.id)
        .order_by(mentions.desc(), EntityRow.name)
        .limit(limit)
    )
    if type_:
        statement = statement.where(EntityRow.type == type_.upper())
    if query:
        pattern = f"%{query.lower()}%"
        statement = statement.where(
            or_(func.lower(EntityRow.name).like(pattern), func.lower(MentionRow.text).like(pattern))
        )
    table = Table("id", "type", "name", "mentions", "spellings seen")
    with store.read_session() as session:
        for entity, count in session.execute(statement):
            seen = ", ".join(text for text, _ in entity_aliases(session, entity.id, limit=6))
            table.add_row(entity.id, entity.type, entity.name, str(count), seen)
    console.print(table)


@app.command()
def entity(
    entity_id: str = typer.Argument(..., help="Entity id, e.g. Q57327 or gn:1526384."),
    db: str = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Show an entity: aliases, every mention with its sentence and document, co-occurring entities."""
    store = open_store(db)
    with store.read_session() as session:
        row = session.get(EntityRow, entity_id)
        if row is None:
            errors.print(f"no entity {entity_id}")
            raise typer.Exit(1)
        console.print(f"[bold]{row.name}[/bold] ({row.type}) {row.id}", highlight=False)
        if row.wikidata or row.geonames_id:
            console.print(f"wikidata {row.wikidata or '-'}  geonames {row.geonames_id or '-'}")
        if row.latitude is not None:
            console.print(
                f"coordinates {row.latitude:.4f}, {row.longitude:.4f}  country {row.country or '-'}"
            )
        console.print(
            "spellings seen: " + ", ".join(f"{text} ({n})" for text, n in entity_aliases(session, row.id)),
            highlight=False,
        )
        table = Table("document", "span", "mention", "sentence")
        statement = (
            select(MentionRow, DocumentRow)
            .join(DocumentRow, DocumentRow.id == MentionRow.document_id)
            .where(MentionRow.entity_id == row.id)
            .order_by(DocumentRow.seq, MentionRow.start)
        )
        for mention, document in session.execute(statement):
            table.add_row(
                document.id, f"{mention.start}-{mention.end}", mention.text, sentence_of(document, mention)
            )
        console.print(table)
        related = cooccurring_entities(session, row.id, limit=10)
        if related:
            console.print(
                "co-occurring: " + ", ".join(f"{other.name} ({n})" for other, n in related), highlight=False
            )


def _event_filter(
    type_: str | None, actor: str | None, place: str | None, since: str | None, until: str | None
) -> EventFilter:
    return EventFilter(
        type=type_.upper() if type_ else None, actor=actor, place=place, since=since, until=until
    )


def _date(row: EventRow) -> str:
    if not row.date:
        return "?"
    shown = row.date + (f"…{row.date_end}" if row.date_end else "")
    return shown if row.date_precision == "day" else f"{shown} ({row.date_precision})"


@app.command()
def events(
    type_: str = typer.Option(None, "--type", help="PLOVER type, e.g. PROTEST, MOBILIZE, ASSAULT."),
    actor: str = typer.Option(None, "--actor", help="Actor id or part of its name."),
    place: str = typer.Option(None, "--place", help="Place id or part of its name."),
    since: str = typer.Option(None, "--since", help="ISO date, e.g. 2022-01-01."),
    until: str = typer.Option(None, "--until", help="ISO date."),
    db: str = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """List coded events with actor, target, place, date, counts, modality and source."""
    store = open_store(db)
    table = Table("date", "type/mode", "actor", "target", "place", "counts", "modality", "source", "evidence")
    with store.read_session() as session:
        statement = filter_events(select(EventRow), _event_filter(type_, actor, place, since, until))
        for row in session.scalars(statement.order_by(EventRow.date, EventRow.id)):
            document = session.get(DocumentRow, row.document_id)
            counts = ", ".join(
                f"{name} {getattr(row, name)}"
                for name in ("killed", "injured", "arrested", "troops")
                if getattr(row, name) is not None
            )
            said = row.modality + (f" ({row.attributed_to})" if row.attributed_to else "")
            evidence = document.text[row.evidence_start : row.evidence_end] if document else ""
            table.add_row(
                _date(row),
                f"{row.type}/{row.mode or '-'}",
                row.actor or "",
                row.target or "",
                row.place or "",
                counts,
                said,
                f"{document.outlet or ''} {row.document_id}" if document else row.document_id,
                evidence[:160],
            )
    console.print(table)


@app.command()
def timeline(
    by: str = typer.Option("day", "--by", help="day or month"),
    type_: str = typer.Option(None, "--type"),
    actor: str = typer.Option(None, "--actor"),
    place: str = typer.Option(None, "--place"),
    since: str = typer.Option(None, "--since"),
    until: str = typer.Option(None, "--until"),
    db: str = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Events in date order, grouped by day or month, with the precision of each date shown."""
    store = open_store(db)
    with store.read_session() as session:
        buckets = timeline_buckets(session, _event_filter(type_, actor, place, since, until), granularity=by)
        undated = session.scalar(
            filter_events(
                select(func.count()).select_from(EventRow), _event_filter(type_, actor, place, since, until)
            ).where(or_(EventRow.date.is_(None), EventRow.date.like("X%")))
        )
        for bucket in buckets:
            label = (
                bucket.period
                if bucket.precision == by
                else f"{bucket.period} (only the {bucket.precision} known)"
            )
            console.print(f"[bold]{label}[/bold]  {bucket.count} events", highlight=False)
            for row in bucket.events:
                where = f" in {row.place}" if row.place else ""
                who = f"{row.actor}: " if row.actor else ""
                whom = f" → {row.target}" if row.target else ""
                console.print(
                    f"  {_date(row):<22} {row.type:<9} {who}{row.mode or row.trigger or ''}{whom}{where}"
                    f"  [dim]{row.document_id}[/dim]",
                    highlight=False,
                )
        if undated:
            console.print(
                f"[dim]{undated} events without a known year or date are not on the timeline "
                f"(see `lagebild events`)[/dim]"
            )
