"""Commands on stories and claims: stories, story, conflicts, sources, label, restory."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from lagebild.cli import DB_HELP, app, console, errors
from lagebild.store import open_store

CONSENSUS, CONFLICT = "[green]✓[/green]", "[red]⚠[/red]"


def _who(source: dict) -> str:
    speaker = f" ({source['speaker']})" if source.get("speaker") else ""
    return f"{source.get('outlet') or '?'}{speaker} [dim]{source['document_id']}[/dim]"


@app.command("stories")
def list_stories(
    db: str = typer.Option(None, "--db", help=DB_HELP),
    limit: int = typer.Option(50, "--limit", help="Show at most this many stories."),
) -> None:
    """List stories: headline, dates, size, outlets and languages."""
    from lagebild.stories.queries import story_records

    store = open_store(db)
    table = Table("id", "headline", "first seen", "last seen", "docs", "outlets", "languages")
    with store.read_session() as session:
        for index, record in enumerate(story_records(session)):
            if index >= limit:
                break
            table.add_row(
                record["id"],
                record["headline"][:70],
                record["first_seen"] or "",
                record["last_seen"] or "",
                str(record["size"]),
                ", ".join(record["outlets"])[:50],
                ", ".join(record["languages"]),
            )
    console.print(table)


@app.command("story")
def show_story(
    story_id: str = typer.Argument(..., help="Story id (or a unique prefix)."),
    db: str = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """One story: its documents, canonical events and claims (✓ consensus, ⚠ conflict, who said what)."""
    from lagebild.stories.queries import claim_records, find_story, story_documents, story_events

    store = open_store(db)
    with store.read_session() as session:
        story = find_story(session, story_id)
        if story is None:
            errors.print(f"no story {story_id}")
            raise typer.Exit(1)
        console.print(f"[bold]{story.headline}[/bold]  ({story.id}, {story.first_seen} – {story.last_seen})")
        documents = Table("document", "published", "outlet", "lang", "title", title="documents")
        for row in story_documents(session, story.id):
            documents.add_row(
                row.id, row.published or "", row.outlet or "", row.language or "", (row.title or "")[:60]
            )
        console.print(documents)
        events = story_events(session, story.id)
        claims = claim_records(session, [event.id for event in events])
    by_event: dict[str, list[dict]] = {}
    for claim in claims:
        by_event.setdefault(claim["event_id"], []).append(claim)
    for event in events:
        table = Table(
            "", "attribute", "value", "support", "sources", title=_event_title(event), title_justify="left"
        )
        for claim in by_event.get(event.id, []):
            mark = CONFLICT if claim["status"] == "conflict" else CONSENSUS
            table.add_row(
                mark,
                claim["attribute"],
                claim["value"],
                str(claim["support"]),
                "\n".join(_who(source) for source in claim["sources"]),
            )
        console.print(table)


def _event_title(event) -> str:  # type: ignore[no-untyped-def]
    parts = [event.type, event.date or "date ?", event.place or "place ?", f"{event.mentions} reports"]
    return f"[bold]{event.id}[/bold]: " + " · ".join(parts)


@app.command()
def conflicts(
    db: str = typer.Option(None, "--db", help=DB_HELP),
    limit: int = typer.Option(50, "--limit", help="Show at most this many contested attributes."),
) -> None:
    """Contested attributes, most contested first, each value with its sources and evidence."""
    from lagebild.stories.queries import contested

    store = open_store(db)
    with store.read_session() as session:
        items = contested(session)[:limit]
    if not items:
        console.print("no conflicting claims")
        return
    for item in items:
        title = f"⚠ {item['attribute']} of {item['event_type']} {item['event_date'] or ''} {item['event_place'] or ''}"
        table = Table("value", "outlet", "speaker", "document", "evidence", title=title, title_justify="left")
        for value in item["values"]:
            for source in value["sources"]:
                table.add_row(
                    value["value"],
                    source["outlet"] or "",
                    source["speaker"] or "",
                    source["document_id"],
                    " ".join(source["quote"].split())[:160],
                )
        console.print(table)


@app.command()
def sources(
    db: str = typer.Option(None, "--db", help=DB_HELP),
    import_labels: Path = typer.Option(
        None, "--import-labels", help="CSV with name,label,country,note rows to store first."
    ),
) -> None:
    """Source profiles: label, country, languages, documents, claims against the majority, MT signs."""
    from lagebild.stories.sources import import_labels as read_labels
    from lagebild.stories.sources import outlet_profiles

    store = open_store(db)
    if import_labels:
        console.print(f"imported {read_labels(store, import_labels)} labels")
    table = Table("outlet", "label", "country", "languages", "docs", "claims", "against majority", "MT score")
    with store.read_session() as session:
        for profile in outlet_profiles(session):
            country = f"{profile.country} ({profile.country_from})" if profile.country else ""
            mt = f"{profile.translation_score:.1f}‰"
            if profile.flagged_documents:
                mt += f" ⚠ {profile.flagged_documents} docs: {'; '.join(profile.translation_examples[:2])}"
            table.add_row(
                profile.name,
                profile.label or "",
                country,
                ", ".join(profile.languages),
                str(profile.documents),
                str(profile.claims),
                f"{profile.against_majority} ({profile.against_majority_rate:.0%})",
                mt,
            )
    console.print(table)


@app.command()
def label(
    outlet: str = typer.Argument(..., help="Outlet name as shown by `lagebild sources`."),
    value: str = typer.Argument(..., help="Label, e.g. state-affiliated ('' removes it)."),
    country: str = typer.Option(None, "--country", help="ISO 3166 alpha-2 code of the outlet's country."),
    note: str = typer.Option(None, "--note", help="A note kept with the label."),
    db: str = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Set the user's label of an outlet."""
    from lagebild.stories.sources import set_label

    store = open_store(db)
    set_label(store, outlet, value, country=country, note=note)
    console.print(f"{outlet}: {value or '(no label)'}")


@app.command()
def restory(db: str = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Recompute stories, canonical events and claims from scratch."""
    from lagebild.stories import rebuild

    store = open_store(db)
    console.print(f"{rebuild(store)} stories")
