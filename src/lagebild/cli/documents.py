"""Commands on documents: ingest, docs, show, export, stats, demo."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from lagebild.cli import DB_HELP, app, console, errors
from lagebild.store import open_store
from lagebild.store.queries import document_record, get_document, iter_documents, stats


@app.command()
def ingest(
    paths: list[Path] = typer.Argument(
        ..., help="Files or directories (txt, html, warc, rss/atom, jsonl, .gz)."
    ),
    db: str = typer.Option(None, "--db", help=DB_HELP),
    published: str = typer.Option(
        None, "--published", help="Publication date (ISO) for inputs that state none."
    ),
    outlet: str = typer.Option(None, "--outlet", help="Outlet name for inputs that state none."),
    analysis: bool = typer.Option(True, "--analysis/--no-analysis", help="Find entities, times and events."),
) -> None:
    """Read, clean, analyse and store documents; ends with a summary line."""
    from lagebild.ingest import ingest_paths

    hints = {key: value for key, value in (("published", published), ("outlet", outlet)) if value}
    store = open_store(db)
    with Progress(
        TextColumn("[bold]ingest"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=errors,
        transient=True,
        disable=not errors.is_terminal,
    ) as bar:
        task = bar.add_task("", total=None)

        def advance(source: str) -> None:
            bar.update(task, advance=1, description=Path(source.split("#")[0]).name[-40:])

        summary = ingest_paths(
            store,
            paths,
            hints=hints,
            with_analysis=analysis,
            on_progress=advance,
            on_failure=lambda failure: errors.print(
                f"[red]error[/red] {failure}", markup=True, highlight=False, soft_wrap=True
            ),
        )
    console.print(summary.line())
    store.close()
    if summary.failed:
        raise typer.Exit(1)


@app.command()
def docs(db: str = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """List stored documents."""
    store = open_store(db)
    table = Table()
    table.add_column("id", no_wrap=True)
    for column in ("outlet", "published", "lang", "title", "words", "duplicate of"):
        table.add_column(column)
    with store.read_session() as session:
        for row in iter_documents(session):
            date = f"{row.published or '?'}" + (
                "" if row.published_precision == "day" else f" ({row.published_precision})"
            )
            table.add_row(
                row.id,
                row.outlet or "",
                date,
                row.language or "",
                (row.title or "")[:60],
                str(row.words),
                f"{row.duplicate_of} ({row.duplicate_kind})" if row.duplicate_of else "",
            )
    console.print(table)


@app.command()
def show(
    document_id: str = typer.Argument(..., help="Document id (or a unique prefix)."),
    db: str = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Show one document: metadata and clean text."""
    store = open_store(db)
    with store.read_session() as session:
        row = get_document(session, document_id)
        if row is None:
            errors.print(f"no document {document_id}")
            raise typer.Exit(1)
        record = document_record(row)
    text = record.pop("text")
    for key, value in record.items():
        console.print(f"[bold]{key}[/bold]: {value}", highlight=False)
    console.print()
    console.print(text, highlight=False, markup=False)


@app.command()
def export(
    what: str = typer.Option(
        "documents", "--what", help="documents, entities, mentions, events, stories, claims"
    ),
    fmt: str = typer.Option("jsonl", "--format", help="jsonl, csv (events also geojson, acled)"),
    output: Path = typer.Option(None, "-o", "--output", help="Output file (default: standard output)."),
    db: str = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Export stored records."""
    from lagebild.exports import EXPORTERS, UnknownExport, write_export

    store = open_store(db)
    handle: IO[str] = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
    try:
        with store.read_session() as session:
            write_export(session, what, fmt, handle)
    except UnknownExport as error:
        errors.print(f"{error}; available: {', '.join(sorted(f'{w}:{f}' for w, f in EXPORTERS))}")
        raise typer.Exit(2) from error
    finally:
        if output:
            handle.close()


@app.command("stats")
def show_stats(db: str = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Counts of what the store holds, and of refused inputs and limits hit."""
    store = open_store(db)
    with store.read_session() as session:
        figures = stats(session)
    table = Table("what", "count")
    for name, value in vars(figures).items():
        table.add_row(name, json.dumps(value, ensure_ascii=False) if isinstance(value, dict) else str(value))
    for name, value in sorted(store.counters().items()):
        table.add_row(name, str(value))
    console.print(table)
