"""The ``lagebild`` command: parses options, calls the library, prints. No logic lives here."""

from __future__ import annotations

import logging

import typer
from rich.console import Console

app = typer.Typer(
    help="lagebild: news reports in, a sourced situation picture out.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
console = Console()
errors = Console(stderr=True)

DB_HELP = "Database file or SQLAlchemy URL (default: $LAGEBILD_DB or lagebild.db)."


@app.callback()
def _configure(verbose: bool = typer.Option(False, "--verbose", "-v", help="Log progress details.")) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.ERROR, format="%(levelname)s %(name)s: %(message)s"
    )


def main() -> None:
    """Entry point: import every command module of this package (each registers itself), then run."""
    import importlib
    import pkgutil

    for module in pkgutil.iter_modules(__path__):
        if not module.name.startswith("_"):
            importlib.import_module(f"{__name__}.{module.name}")
    app()
