"""Commands for archive-scale runs: batch (Ray Data -> Parquet) and load (Parquet -> store)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from lagebild.cli import DB_HELP, app, console, errors


@app.command()
def batch(
    inputs: list[str] = typer.Argument(
        ..., help="Files, directories or fsspec URLs (WARC, JSONL, HTML, txt …)."
    ),
    out: Path = typer.Option(..., "--out", help="Output directory for the Parquet tables."),
    address: str = typer.Option(
        "local", "--address", help="'local' or a Ray cluster address (ray://host:10001)."
    ),
    workers: int = typer.Option(2, "--workers", help="Actors, each with its own copy of the models."),
) -> None:
    """Run the per-document pipeline on Ray Data and write Parquet partitioned by date."""
    try:
        from lagebild.scale.batch import run_batch
    except ImportError as error:
        errors.print(f"batch needs the 'scale' extra: pip install -e '.[scale]' ({error})")
        raise typer.Exit(2) from error
    results = run_batch(inputs, out, address=address, workers=workers)
    table = Table("shard", "documents", "failed")
    for result in results:
        table.add_row(result.shard, str(result.documents), str(result.failed))
    console.print(table)
    console.print(
        f"{len(results)} shards, {sum(r.documents for r in results)} documents, "
        f"{sum(r.failed for r in results)} failed -> {out}"
    )


@app.command()
def load(
    directory: Path = typer.Argument(..., help="Output directory of `lagebild batch`."),
    db: str = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Load a batch output into the store (idempotent), with duplicate detection across shards."""
    from lagebild.scale.load import load_batch
    from lagebild.store import open_store

    store = open_store(db)
    summary = load_batch(store, directory)
    for failure in summary.failures:
        errors.print(f"error {failure}", highlight=False, markup=False)
    console.print(summary.line())
