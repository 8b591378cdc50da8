"""Commands that serve the situation picture: ``serve`` and ``demo``."""

from __future__ import annotations

import threading
import webbrowser
from pathlib import Path

import typer

import lagebild
from lagebild.cli import DB_HELP, app, console, errors

DEMO_CORPUS = Path(lagebild.__file__).resolve().parents[2] / "examples" / "kz-2022-de"
DEMO_DB = "lagebild-demo.db"


def _run(
    store_or_url: object,
    host: str,
    port: int,
    token: str | None,
    *,
    public_reads: bool = True,
    open_browser: bool = False,
) -> None:
    import uvicorn

    from lagebild.api import create_app

    if not public_reads and not token:
        errors.print("--private needs a token (--token or $LAGEBILD_API_TOKEN)")
        raise typer.Exit(2)
    application = create_app(store_or_url, token=token, public_reads=public_reads)  # type: ignore[arg-type]
    url = f"http://{host}:{port}/"
    console.print(f"lagebild serves at [bold]{url}[/bold] (Ctrl+C to stop)")
    if public_reads and host not in ("127.0.0.1", "localhost", "::1"):
        errors.print(f"note: bound to {host}: anyone who can reach this address can read the store")
    if open_browser:
        threading.Timer(1.5, webbrowser.open, args=(url,)).start()
    uvicorn.run(application, host=host, port=port, log_level="warning")


@app.command()
def serve(
    db: str = typer.Option(None, "--db", help=DB_HELP),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind (default: this machine only)."),
    port: int = typer.Option(8000, "--port", help="TCP port."),
    token: str = typer.Option(
        None, "--token", envvar="LAGEBILD_API_TOKEN", help="API token for writes (POST /api/v1/documents)."
    ),
    private: bool = typer.Option(False, "--private", help="Require the token for reads too (API and pages)."),
) -> None:
    """Serve the REST API and the web UI over a database."""
    from lagebild.store import open_store

    _run(open_store(db), host, port, token, public_reads=not private)


@app.command()
def demo(
    port: int = typer.Option(8000, "--port", help="TCP port."),
    db: Path = typer.Option(Path(DEMO_DB), "--db", help="Database file to recreate for the demo."),
    no_browser: bool = typer.Option(False, "--no-browser", help="Do not open a web browser."),
) -> None:
    """Ingest the bundled sample corpus into a fresh database and serve it."""
    from lagebild.ingest import ingest_paths
    from lagebild.store import open_store

    if not DEMO_CORPUS.is_dir():
        errors.print(f"sample corpus not found at {DEMO_CORPUS}")
        raise typer.Exit(1)
    for path in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        path.unlink(missing_ok=True)
    store = open_store(str(db))
    console.print(f"ingesting the sample corpus into {db} …")
    summary = ingest_paths(store, [DEMO_CORPUS])
    console.print(summary.line())
    _run(store, "127.0.0.1", port, None, open_browser=not no_browser)
