"""The web UI: server-rendered pages (Jinja2, autoescaped) plus small static scripts.

Every page works offline: scripts, styles, the map library and the country outlines are
served from ``static/``; nothing is loaded from another host.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape

HERE = Path(__file__).resolve().parent
TEMPLATES = Jinja2Templates(
    env=Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
)


def mount_web(app: FastAPI) -> None:
    """Add the pages and ``/static`` to ``app``."""
    from lagebild.web.pages import router

    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(router)


def render_error(request: Request, status: int, message: str, headers: Mapping[str, str] | None) -> Response:
    """An error as a page of the UI."""
    return TEMPLATES.TemplateResponse(
        request,
        "error.html",
        {"status": status, "message": message},
        status_code=status,
        headers=dict(headers) if headers else None,
    )
