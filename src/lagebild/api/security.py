"""Bearer-token checks, security headers and the request body limit (pure ASGI middleware)."""

from __future__ import annotations

import hmac
import json
from typing import Any

from fastapi import HTTPException, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; frame-ancestors 'none'; base-uri 'none'"
)
#: A news article is rarely above 1 MB of HTML; the same limit as for files read from disk.
DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


def _token_matches(request: Request, expected: str) -> bool:
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not given:
        return False
    return hmac.compare_digest(given.strip().encode(), expected.encode())


def _unauthorized() -> HTTPException:
    return HTTPException(401, "missing or wrong API token", headers={"WWW-Authenticate": "Bearer"})


def require_read(request: Request) -> None:
    """Reads are open when the app was created with ``public_reads=True``, else they need the token."""
    settings = request.app.state.settings
    if settings.public_reads:
        return
    if settings.token is None:
        raise HTTPException(403, "reads need an API token and none is configured")
    if not _token_matches(request, settings.token):
        raise _unauthorized()


def require_write(request: Request) -> None:
    """Writes always need the token; with none configured they are refused, never open."""
    settings = request.app.state.settings
    if settings.token is None:
        raise HTTPException(403, "writes are disabled: no API token is configured (LAGEBILD_API_TOKEN)")
    if not _token_matches(request, settings.token):
        raise _unauthorized()


def refuse_nul_bytes(request: Request) -> None:
    """NUL bytes in the path or query are refused (400): SQLite ends a LIKE pattern at the
    NUL (so ``actor=%00`` would match every actor) and PostgreSQL rejects them outright."""
    values = [request.url.path, *(part for pair in request.query_params.multi_items() for part in pair)]
    if any("\x00" in value for value in values):
        raise HTTPException(400, "NUL bytes are not allowed in the request")


class SecurityHeaders:
    """Adds the Content-Security-Policy and related headers to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(name, value) for name, value in SECURITY_HEADERS if name not in names]
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """Answers 413 to request bodies above ``max_bytes``, whether declared or streamed."""

    def __init__(self, app: ASGIApp, max_bytes: int = DEFAULT_MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._refuse(scope, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(scope, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        payload: dict[str, Any] = {
            "error": {"status": 413, "message": f"request body above {self.max_bytes} bytes"}
        }
        body = json.dumps(payload).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})
