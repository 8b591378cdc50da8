"""The application factory: one FastAPI app serving the REST API and the web UI."""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from lagebild.api.ratelimit import RateLimit, RateLimiter
from lagebild.api.schemas import IngestResult
from lagebild.api.security import (
    DEFAULT_MAX_BODY_BYTES,
    SECURITY_HEADERS,
    BodyLimit,
    SecurityHeaders,
    refuse_nul_bytes,
)
from lagebild.models import RawDocument
from lagebild.store import Store, open_store
from lagebild.store.schema import DocumentRow

LOGGER = logging.getLogger(__name__)
TOKEN_ENV = "LAGEBILD_API_TOKEN"


@dataclass(frozen=True)
class ApiSettings:
    token: str | None
    public_reads: bool
    max_body_bytes: int


class IngestService:
    """Runs posted documents through the same ``Ingestor`` as ``lagebild ingest``, one at a time."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._ingestor: Any = None

    def __call__(self, raw: RawDocument) -> IngestResult:
        try:
            from lagebild.ingest import Ingestor, IngestSummary
        except ImportError as error:
            raise HTTPException(503, f"the analysis pipeline is not available ({error})") from error
        with self._lock:
            if self._ingestor is None:
                self._ingestor = Ingestor(self.store)
            summary = IngestSummary()
            self._ingestor.ingest_raw(raw, summary)
            if summary.failed:
                raise HTTPException(422, f"document refused: {summary.failures[-1].reason}")
            if summary.known:
                document = self._ingestor.pipeline.prepare(raw).document
                return IngestResult(status="known", document_id=document.id)
        document_id = summary.document_ids[-1]
        with self.store.read_session() as session:
            duplicate_of = session.get(DocumentRow, document_id).duplicate_of  # type: ignore[union-attr]
        return IngestResult(
            status="duplicate" if summary.duplicate else "new",
            document_id=document_id,
            duplicate_of=duplicate_of,
        )


def error_response(request: Request, error: Exception) -> Response:
    """The one error handler: JSON ``{"error": {"status", "message"}}`` for the API, a page for the UI."""
    if isinstance(error, StarletteHTTPException):
        status, message, headers = error.status_code, str(error.detail), error.headers
    elif isinstance(error, RequestValidationError):
        status, headers = 422, None
        message = "; ".join(
            f"{'.'.join(str(part) for part in item['loc'])}: {item['msg']}" for item in error.errors()
        )
    else:
        LOGGER.exception("unhandled error on %s %s", request.method, request.url.path)
        status, message = 500, "internal error"
        headers = {name.decode(): value.decode() for name, value in SECURITY_HEADERS}
    if request.url.path.startswith("/api/"):
        return JSONResponse(
            {"error": {"status": status, "message": message}}, status_code=status, headers=headers
        )
    from lagebild.web import render_error

    return render_error(request, status, message, headers)


def create_app(
    store_or_url: Store | str | None = None,
    *,
    token: str | None = None,
    public_reads: bool = True,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    rate_limit: RateLimit | None = None,
) -> FastAPI:
    """The lagebild web app over a store (or a database file or URL; default ``$LAGEBILD_DB``).

    Writes need ``token`` (default ``$LAGEBILD_API_TOKEN``) and are refused when there is
    none; reads are public unless ``public_reads`` is false. CORS stays off. Requests per
    client are limited by ``rate_limit`` (default :meth:`RateLimit.from_env`).
    """
    from lagebild.alerts.routes import router as watch_router
    from lagebild.api.routes import ERROR_RESPONSES, router, write_router
    from lagebild.web import mount_web

    store = store_or_url if isinstance(store_or_url, Store) else open_store(store_or_url)
    app = FastAPI(
        title="lagebild",
        version="1",
        summary="News reports in, a sourced situation picture out.",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
        dependencies=[Depends(refuse_nul_bytes)],
    )
    app.state.store = store
    app.state.settings = ApiSettings(
        token=token or os.environ.get(TOKEN_ENV) or None,
        public_reads=public_reads,
        max_body_bytes=max_body_bytes,
    )
    app.state.ingest = IngestService(store)
    for error_type in (StarletteHTTPException, RequestValidationError, Exception):
        app.add_exception_handler(error_type, error_response)
    app.include_router(router)
    app.include_router(write_router)
    app.include_router(watch_router, responses=ERROR_RESPONSES)
    mount_web(app)
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)
    app.add_middleware(RateLimiter, limit=rate_limit or RateLimit.from_env(), store=store)
    app.add_middleware(SecurityHeaders)
    return app
