"""Per-client rate limits: an in-process token bucket per client address (reads) and per
token or address (writes), answering 429 with ``Retry-After`` (pure ASGI middleware).

Refusals are counted in the store's ``counters`` table as ``api.rate_limited``; the counter
is written at most once a second (and when the app shuts down), so a flood of refused
requests does not become a flood of database writes.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import threading
import time
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lagebild.store import Store

LOGGER = logging.getLogger(__name__)

RATE_ENV = "LAGEBILD_API_RATE_PER_MINUTE"
WRITE_RATE_ENV = "LAGEBILD_API_WRITE_RATE_PER_MINUTE"
#: Generous for one person or a script paging through results; stops a runaway loop.
DEFAULT_READS_PER_MINUTE = 600
#: Every write runs the analysis pipeline, so writes are much dearer than reads.
DEFAULT_WRITES_PER_MINUTE = 60
COUNTER = "api.rate_limited"
#: Static files (scripts, styles, the map outlines) are cheap and never counted.
UNCOUNTED_PREFIXES = ("/static/", "/watch/static/")
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Above this many tracked clients, buckets that are full again are forgotten.
MAX_TRACKED_CLIENTS = 10_000
COUNTER_FLUSH_SECONDS = 1.0


@dataclass(frozen=True)
class RateLimit:
    """Requests per minute per client; a bucket holds ``burst`` requests (default: a minute's
    worth) and refills continuously. ``0`` per minute disables that limit."""

    per_minute: int = DEFAULT_READS_PER_MINUTE
    burst: int | None = None
    writes_per_minute: int = DEFAULT_WRITES_PER_MINUTE
    write_burst: int | None = None

    @classmethod
    def from_env(cls) -> RateLimit:
        """Defaults, overridden by ``$LAGEBILD_API_RATE_PER_MINUTE`` and ``$LAGEBILD_API_WRITE_RATE_PER_MINUTE``."""
        return cls(
            per_minute=_env_int(RATE_ENV, DEFAULT_READS_PER_MINUTE),
            writes_per_minute=_env_int(WRITE_RATE_ENV, DEFAULT_WRITES_PER_MINUTE),
        )


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError as error:
        raise ValueError(f"${name} must be a whole number of requests per minute, not {value!r}") from error
    if number < 0:
        raise ValueError(f"${name} must not be negative")
    return number


class TokenBuckets:
    """One token bucket per key; thread-safe, memory bounded."""

    def __init__(self, per_minute: int, burst: int | None) -> None:
        self.rate = per_minute / 60.0
        self.capacity = float(burst if burst is not None else per_minute)
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str, now: float) -> float:
        """Take one token for ``key``: 0.0 when allowed, else the seconds until one is available."""
        with self._lock:
            tokens, stamp = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - stamp) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                if len(self._buckets) > MAX_TRACKED_CLIENTS:
                    self._forget_full(now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / self.rate

    def _forget_full(self, now: float) -> None:
        full = [
            key
            for key, (tokens, stamp) in self._buckets.items()
            if tokens + (now - stamp) * self.rate >= self.capacity
        ]
        for key in full:
            del self._buckets[key]


class RateLimiter:
    """ASGI middleware applying a :class:`RateLimit`; counts refusals in ``store``."""

    def __init__(self, app: ASGIApp, limit: RateLimit, store: Store) -> None:
        self.app = app
        self.store = store
        self.reads = TokenBuckets(limit.per_minute, limit.burst) if limit.per_minute > 0 else None
        self.writes = (
            TokenBuckets(limit.writes_per_minute, limit.write_burst) if limit.writes_per_minute > 0 else None
        )
        self._pending = 0
        self._last_flush = -math.inf
        self._pending_lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, self._flush_on_shutdown(send))
            return
        if scope["type"] != "http" or scope["path"].startswith(UNCOUNTED_PREFIXES):
            await self.app(scope, receive, send)
            return
        buckets, key = self._bucket_for(scope)
        wait = buckets.take(key, time.monotonic()) if buckets is not None else 0.0
        if wait <= 0.0:
            await self.app(scope, receive, send)
            return
        await self._count_refusal()
        await self._refuse(send, wait)

    def _bucket_for(self, scope: Scope) -> tuple[TokenBuckets | None, str]:
        client = scope.get("client")
        address = client[0] if client else "unknown"
        if scope["method"] in READ_METHODS:
            return self.reads, address
        authorization = dict(scope.get("headers", [])).get(b"authorization")
        if authorization:
            return self.writes, "token:" + hashlib.sha256(authorization).hexdigest()
        return self.writes, "address:" + address

    async def _count_refusal(self) -> None:
        with self._pending_lock:
            self._pending += 1
            now = time.monotonic()
            if now - self._last_flush < COUNTER_FLUSH_SECONDS:
                return
            self._last_flush = now
        await run_in_threadpool(self.flush)

    def flush(self) -> None:
        """Write the refusals counted since the last write to the ``counters`` table."""
        with self._pending_lock:
            pending, self._pending = self._pending, 0
        if pending:
            try:
                self.store.bump(COUNTER, pending)
            except Exception:  # a busy or closed database must not turn a 429 into a 500
                LOGGER.warning("could not record %d rate-limited requests", pending, exc_info=True)

    def _flush_on_shutdown(self, send: Send) -> Send:
        async def send_and_flush(message: Message) -> None:
            if message["type"] == "lifespan.shutdown.complete":
                await run_in_threadpool(self.flush)
            await send(message)

        return send_and_flush

    @staticmethod
    async def _refuse(send: Send, wait: float) -> None:
        retry_after = max(1, math.ceil(wait))
        payload = {"error": {"status": 429, "message": f"too many requests; retry after {retry_after} s"}}
        body = json.dumps(payload).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"retry-after", str(retry_after).encode()),
        ]
        await send({"type": "http.response.start", "status": 429, "headers": headers})
        await send({"type": "http.response.body", "body": body})
