"""A careful HTTP(S) fetcher for feeds, articles and webhooks.

Every connection goes through ``GuardedBackend``: the host is resolved with
``socket.getaddrinfo``, every address is checked with ``ipaddress`` and the socket is
opened to a checked address, so private, loopback, link-local, multicast, reserved and
cloud-metadata targets are refused after DNS resolution and on every redirect hop
(redirects are followed by hand, up to ``FetchLimits.max_redirects``).  Responses are
streamed and cut off past ``max_bytes``; a total deadline bounds every socket operation,
so a server trickling bytes (slow-loris) cannot hold a fetch open.  robots.txt is
honoured (cached per host), requests to one host are spaced by a politeness delay, and
ETag / Last-Modified are remembered per URL in the ``fetch_state`` table for
conditional GETs.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import ssl
import threading
import time
import urllib.robotparser
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx
from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from lagebild.errors import LimitExceeded, SourceError
from lagebild.store import Store
from lagebild.store.schema import Base

LOGGER = logging.getLogger(__name__)

USER_AGENT = "lagebild/0.1 (news monitoring; respects robots.txt)"
#: Addresses of cloud instance-metadata services; refused even when private addresses are allowed.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(address)
    for address in ("169.254.169.254", "169.254.170.2", "100.100.100.200", "fd00:ec2::254")
)
ALLOWED_SCHEMES = ("http", "https")
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
#: robots.txt larger than this is treated as unreadable (RFC 9309 asks parsers to read 500 KiB).
ROBOTS_MAX_BYTES = 512 * 1024


class FetchStateRow(Base):
    """HTTP validators of the last successful fetch of a URL (table created by migration 0003)."""

    __tablename__ = "fetch_state"
    url: Mapped[str] = mapped_column(String(2000), primary_key=True)
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[int | None] = mapped_column(Integer)
    fetched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class FetchError(SourceError):
    """A URL could not be fetched (network error, bad status, robots.txt)."""


class AddressRefused(FetchError):
    """The URL's scheme or resolved address is not one lagebild may connect to."""


class FetchLimitExceeded(LimitExceeded, FetchError):
    """A response broke the size or time limit and was cut off."""


@dataclass(frozen=True)
class FetchLimits:
    """Time and size limits of one fetch (seconds and bytes)."""

    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    #: Bound on the whole exchange, redirects included: defeats servers that trickle bytes.
    total_timeout: float = 60.0
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5


@dataclass(frozen=True)
class FetchResult:
    """A completed fetch: ``not_modified`` is true for a 304 answer to a conditional GET."""

    url: str
    final_url: str
    status: int
    content: bytes
    media_type: str | None
    not_modified: bool = False
    headers: dict[str, str] = field(default_factory=dict)


def address_refusal(address: str, *, allow_private: bool = False) -> str | None:
    """Why lagebild must not connect to ``address``, or ``None`` when it may.

    Metadata, multicast, unspecified, reserved and link-local addresses are always
    refused; loopback, private (RFC 1918, ULA) and shared (100.64/10) ones unless
    ``allow_private``.  IPv4 addresses mapped into IPv6 are judged as IPv4.
    """
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip in METADATA_ADDRESSES:
        return "cloud metadata address"
    if ip.is_multicast:
        return "multicast address"
    if ip.is_unspecified:
        return "unspecified address"
    if ip.is_link_local:
        return "link-local address"
    if ip.is_reserved:
        return "reserved address"
    if ip.is_global:
        return None
    if allow_private and (ip.is_loopback or ip.is_private or ip in ipaddress.ip_network("100.64.0.0/10")):
        return None
    if ip.is_loopback:
        return "loopback address"
    return "private or non-global address"


Resolver = Callable[..., list[tuple[Any, ...]]]


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every operation is bounded by the fetch's remaining total time."""

    def __init__(self, inner: httpcore.NetworkStream, backend: GuardedBackend) -> None:
        self._inner = inner
        self._backend = backend

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._backend.bounded(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._backend.bounded(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        timeout = self._backend.bounded(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, timeout), self._backend)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class GuardedBackend(httpcore.NetworkBackend):
    """Resolves, checks and only then connects; bounds socket operations by a deadline."""

    def __init__(self, *, allow_private: bool = False, resolve: Resolver = socket.getaddrinfo) -> None:
        self.allow_private = allow_private
        self.resolve = resolve
        self._inner = httpcore.SyncBackend()
        self._local = threading.local()

    @contextmanager
    def deadline(self, seconds: float) -> Iterator[None]:
        """Bound every socket operation inside the block by ``seconds`` in total."""
        self._local.deadline = time.monotonic() + seconds
        try:
            yield
        finally:
            self._local.deadline = None

    def bounded(self, timeout: float | None, error: type[Exception]) -> float | None:
        deadline = getattr(self._local, "deadline", None)
        if deadline is None:
            return timeout
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise error("total time limit reached")
        return remaining if timeout is None else min(timeout, remaining)

    def checked_addresses(self, host: str, port: int) -> list[str]:
        """Every address ``host`` resolves to, each checked; refuses if any one is forbidden."""
        try:
            infos = self.resolve(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as error:
            raise FetchError(host, f"cannot resolve host ({error})") from error
        if not infos:
            raise FetchError(host, "host resolves to no address")
        for info in infos:
            reason = address_refusal(str(info[4][0]), allow_private=self.allow_private)
            if reason:
                raise AddressRefused(host, f"refused to connect to {info[4][0]}: {reason}")
        return list(dict.fromkeys(str(info[4][0]) for info in infos))

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        last_error: Exception | None = None
        for address in self.checked_addresses(host, port):
            try:  # connect to the checked address literal: no second DNS lookup can swap it
                stream = self._inner.connect_tcp(
                    address,
                    port,
                    self.bounded(timeout, httpcore.ConnectTimeout),
                    local_address,
                    socket_options,
                )
            except httpcore.ConnectError as error:
                last_error = error
                continue
            return _DeadlineStream(stream, self)
        raise httpcore.ConnectError(str(last_error or "no address could be connected"))


class GuardedTransport(httpx.HTTPTransport):
    """httpx's transport over a connection pool that only opens checked sockets."""

    def __init__(self, backend: GuardedBackend) -> None:
        super().__init__(trust_env=False)
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl.create_default_context(), network_backend=backend, max_connections=10
        )


class Fetcher:
    """Fetches URLs politely and safely; one instance per polling loop (not thread-safe)."""

    def __init__(
        self,
        store: Store | None = None,
        *,
        limits: FetchLimits | None = None,
        allow_private: bool = False,
        politeness_s: float = 1.0,
        respect_robots: bool = True,
        user_agent: str = USER_AGENT,
        resolve: Resolver = socket.getaddrinfo,
    ) -> None:
        self.store = store
        self.limits = limits or FetchLimits()
        self.politeness_s = politeness_s
        self.respect_robots = respect_robots
        self.user_agent = user_agent
        self.backend = GuardedBackend(allow_private=allow_private, resolve=resolve)
        self.client = httpx.Client(
            transport=GuardedTransport(self.backend),
            timeout=httpx.Timeout(
                connect=self.limits.connect_timeout,
                read=self.limits.read_timeout,
                write=self.limits.read_timeout,
                pool=self.limits.connect_timeout,
            ),
            follow_redirects=False,
            trust_env=False,
            headers={"User-Agent": user_agent},
        )
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        self._last_request: dict[str, float] = {}
        self._crawl_delays: dict[str, float] = {}

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- public --------------------------------------------------------------------------

    def fetch(self, url: str, *, conditional: bool = True) -> FetchResult:
        """GET ``url`` (conditionally when validators are remembered) and return the body.

        Raises ``AddressRefused``, ``FetchLimitExceeded`` or ``FetchError``.
        """
        if self.respect_robots and not self.allowed_by_robots(url):
            raise FetchError(url, "disallowed by robots.txt")
        headers: dict[str, str] = {}
        if conditional and self.store is not None:
            state = self._state(url)
            if state is not None and state.etag:
                headers["If-None-Match"] = state.etag
            if state is not None and state.last_modified:
                headers["If-Modified-Since"] = state.last_modified
        result = self._request("GET", url, headers=headers, max_bytes=self.limits.max_bytes)
        if result.not_modified:
            return result
        if not 200 <= result.status < 300:
            raise FetchError(url, f"HTTP {result.status}")
        if self.store is not None:
            self._remember(url, result)
        return result

    def post_json(self, url: str, payload: Any) -> int:
        """POST ``payload`` as JSON to ``url`` (no redirects followed); returns the status code."""
        _check_scheme(url)
        self._be_polite(url)
        try:
            with self.backend.deadline(self.limits.total_timeout):
                response = self.client.post(url, json=payload)
                response.close()
        except httpx.TimeoutException as error:
            raise FetchLimitExceeded(url, f"time limit reached ({error})") from error
        except httpx.HTTPError as error:
            raise FetchError(url, f"{type(error).__name__}: {error}") from error
        return response.status_code

    def allowed_by_robots(self, url: str) -> bool:
        """Whether robots.txt of the URL's host lets lagebild's user agent fetch it (cached per host)."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            self._robots[origin] = self._load_robots(origin)
        parser = self._robots[origin]
        return True if parser is None else parser.can_fetch(self.user_agent, url)

    # -- internals -------------------------------------------------------------------------

    def _load_robots(self, origin: str) -> urllib.robotparser.RobotFileParser | None:
        """RFC 9309: 4xx means no rules, 5xx or no answer means everything is disallowed."""
        parser = urllib.robotparser.RobotFileParser(origin + "/robots.txt")
        try:
            result = self._request("GET", origin + "/robots.txt", headers={}, max_bytes=ROBOTS_MAX_BYTES)
        except AddressRefused:
            raise
        except FetchError as error:
            LOGGER.warning("%s/robots.txt unreachable (%s): treating the host as disallowed", origin, error)
            parser.disallow_all = True
            return parser
        if 400 <= result.status < 500:
            return None
        if result.status >= 500 or not 200 <= result.status < 300:
            parser.disallow_all = True
            return parser
        parser.parse(result.content.decode("utf-8", errors="replace").splitlines())
        delay = parser.crawl_delay(self.user_agent)
        if delay:
            self._crawl_delays[urlsplit(origin).netloc] = float(delay)
        return parser

    def _be_polite(self, url: str) -> None:
        host = urlsplit(url).netloc
        delay = max(self.politeness_s, self._crawl_delays.get(host, 0.0))
        last = self._last_request.get(host)
        if last is not None:
            wait = last + delay - time.monotonic()
            if wait > 0:
                time.sleep(wait)
        self._last_request[host] = time.monotonic()

    def _request(self, method: str, url: str, *, headers: dict[str, str], max_bytes: int) -> FetchResult:
        """Follow redirects by hand, checking every hop, under one total deadline."""
        current = url
        try:
            with self.backend.deadline(self.limits.total_timeout):
                for _ in range(self.limits.max_redirects + 1):
                    _check_scheme(current)
                    self._be_polite(current)
                    with self.client.stream(method, current, headers=headers) as response:
                        if response.status_code in REDIRECT_STATUSES and "location" in response.headers:
                            current = urljoin(current, response.headers["location"])
                            continue
                        if response.status_code == 304:
                            return FetchResult(url, current, 304, b"", None, True, dict(response.headers))
                        content = _read_limited(response, max_bytes, current)
                        return FetchResult(
                            url,
                            current,
                            response.status_code,
                            content,
                            _media_type(response.headers.get("content-type")),
                            False,
                            dict(response.headers),
                        )
        except httpx.TimeoutException as error:
            raise FetchLimitExceeded(url, f"time limit reached ({type(error).__name__})") from error
        except httpx.HTTPError as error:
            raise FetchError(url, f"{type(error).__name__}: {error}") from error
        raise FetchError(url, f"more than {self.limits.max_redirects} redirects")

    def _state(self, url: str) -> FetchStateRow | None:
        assert self.store is not None
        with self.store.read_session() as session:
            return session.get(FetchStateRow, url)

    def _remember(self, url: str, result: FetchResult) -> None:
        assert self.store is not None
        with self.store.session() as session:
            session.merge(
                FetchStateRow(
                    url=url,
                    etag=result.headers.get("etag"),
                    last_modified=result.headers.get("last-modified"),
                    status=result.status,
                    fetched_at=datetime.now(UTC),
                )
            )

    def known(self, url: str) -> bool:
        """Whether ``url`` was fetched successfully before (its state is remembered)."""
        return self.store is not None and self._state(url) is not None


def _check_scheme(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ALLOWED_SCHEMES:
        raise AddressRefused(url, f"scheme {parts.scheme or '(none)'!r} is not http or https")
    if not parts.hostname:
        raise AddressRefused(url, "URL has no host")


def _read_limited(response: httpx.Response, max_bytes: int, url: str) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchLimitExceeded(url, f"response declares {declared} bytes, above the {max_bytes}-byte limit")
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise FetchLimitExceeded(url, f"response above the {max_bytes}-byte limit")
        chunks.append(chunk)
    return b"".join(chunks)


def _media_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    return content_type.split(";", 1)[0].strip().lower() or None
