"""The guarded fetcher: address checks after DNS, redirects, robots.txt, size and time limits (127.0.0.1 only)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from lagebild.sources.fetch import (
    AddressRefused,
    Fetcher,
    FetchError,
    FetchLimitExceeded,
    FetchLimits,
    address_refusal,
)
from lagebild.store import Store

Route = Callable[[BaseHTTPRequestHandler], None]


class Server:
    """A local HTTP server whose routes are functions writing the response."""

    def __init__(self, routes: dict[str, Route]) -> None:
        self.requests: list[tuple[str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802
                server.requests.append((self.path, dict(self.headers)))
                route = routes.get(self.path)
                if route is None:
                    self.send_response(404)
                    self.send_header("content-length", "0")
                    self.end_headers()
                    return
                route(self)

            def log_message(self, *_: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def reply(body: bytes, status: int = 200, **headers: str) -> Route:
    def route(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        handler.send_header("content-length", str(len(body)))
        for name, value in headers.items():
            handler.send_header(name.replace("_", "-"), value)
        handler.end_headers()
        handler.wfile.write(body)

    return route


def trickle(handler: BaseHTTPRequestHandler) -> None:
    """Slow-loris: headers at once, then one byte every 0.2 s for ever (until the client leaves)."""
    handler.send_response(200)
    handler.send_header("content-length", "100000")
    handler.end_headers()
    for _ in range(200):
        try:
            handler.wfile.write(b"x")
            handler.wfile.flush()
        except OSError:
            return
        time.sleep(0.2)


def endless(handler: BaseHTTPRequestHandler) -> None:
    """A chunked response that never declares its size and keeps going."""
    handler.send_response(200)
    handler.send_header("transfer-encoding", "chunked")
    handler.end_headers()
    chunk = b"y" * 65536
    for _ in range(200):
        try:
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        except OSError:
            return


@pytest.fixture
def server() -> Iterator[Server]:
    routes: dict[str, Route] = {
        "/robots.txt": reply(b"User-agent: *\nDisallow: /private\n"),
        "/page": reply(b"<html><body>Hallo</body></html>", content_type="text/html; charset=utf-8"),
        "/private/page": reply(b"secret"),
        "/to-metadata": reply(b"", 302, location="http://169.254.169.254/latest/meta-data/"),
        "/to-page": reply(b"", 301, location="/page"),
        "/loop": reply(b"", 302, location="/loop"),
        "/slow": trickle,
        "/big": endless,
        "/declared-big": reply(b"z" * 5000),
    }
    running = Server(routes)
    yield running
    running.close()


def fetcher(store: Store | None = None, **limits: float) -> Fetcher:
    return Fetcher(store, allow_private=True, politeness_s=0.0, limits=FetchLimits(**limits))


@pytest.mark.parametrize(
    "address",
    [
        "10.0.0.1",
        "127.0.0.1",
        "192.168.1.1",
        "172.16.0.5",
        "169.254.169.254",
        "::1",
        "fd00:ec2::254",
        "::ffff:10.0.0.1",
        "224.0.0.1",
        "0.0.0.0",
        "100.64.0.1",
        "240.0.0.1",
        "fe80::1",
    ],
)
def test_non_global_addresses_are_refused(address: str) -> None:
    assert address_refusal(address) is not None
    assert address_refusal("93.184.216.34") is None and address_refusal("2a00:1450:4001:80b::200e") is None


def test_allow_private_never_allows_metadata_or_link_local() -> None:
    assert address_refusal("127.0.0.1", allow_private=True) is None
    assert address_refusal("10.0.0.1", allow_private=True) is None
    assert address_refusal("169.254.169.254", allow_private=True) == "cloud metadata address"
    assert address_refusal("100.100.100.200", allow_private=True) == "cloud metadata address"
    assert address_refusal("fe80::1", allow_private=True) is not None


def test_private_address_refused_before_any_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[object] = []

    def no_connection(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise AssertionError("a connection was attempted")

    monkeypatch.setattr(socket, "create_connection", no_connection)
    monkeypatch.setattr(socket.socket, "connect", no_connection)
    with Fetcher(politeness_s=0.0, respect_robots=False) as guarded, pytest.raises(AddressRefused) as refused:
        guarded.fetch("http://10.0.0.1/feed.xml")
    assert "10.0.0.1" in str(refused.value) and attempts == []


def test_hostname_is_checked_after_resolution() -> None:
    """A harmless-looking name that resolves to a private address is refused."""

    def resolve(host: str, port: int, **_: object) -> list[tuple]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", port))]

    with Fetcher(politeness_s=0.0, respect_robots=False, resolve=resolve) as guarded:
        with pytest.raises(AddressRefused, match="10.1.2.3"):
            guarded.fetch("http://news.example.org/feed.xml")


def test_loopback_refused_by_default(server: Server) -> None:
    with Fetcher(politeness_s=0.0) as guarded, pytest.raises(AddressRefused, match="loopback"):
        guarded.fetch(server.base + "/page")
    assert server.requests == []


def test_only_http_and_https() -> None:
    with Fetcher(politeness_s=0.0, respect_robots=False) as guarded:
        for url in ("file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1/"):
            with pytest.raises(AddressRefused, match="scheme"):
                guarded.fetch(url)


def test_fetch_and_redirect(server: Server) -> None:
    with fetcher() as guarded:
        result = guarded.fetch(server.base + "/to-page")
    assert result.status == 200 and result.content.startswith(b"<html>")
    assert result.final_url == server.base + "/page" and result.media_type == "text/html"


def test_redirect_to_metadata_address_is_refused(server: Server) -> None:
    with fetcher() as guarded, pytest.raises(AddressRefused, match="169.254.169.254"):
        guarded.fetch(server.base + "/to-metadata")


def test_redirect_loop_is_bounded(server: Server) -> None:
    with fetcher(max_redirects=3) as guarded, pytest.raises(FetchError, match="redirects"):
        guarded.fetch(server.base + "/loop")
    assert sum(path == "/loop" for path, _ in server.requests) == 4


def test_robots_txt_is_honoured_and_cached(server: Server) -> None:
    with fetcher() as guarded:
        with pytest.raises(FetchError, match="robots.txt"):
            guarded.fetch(server.base + "/private/page")
        guarded.fetch(server.base + "/page")
    assert [path for path, _ in server.requests].count("/robots.txt") == 1
    assert "/private/page" not in [path for path, _ in server.requests]


def test_slow_server_is_cut_off_by_the_total_time_limit(server: Server) -> None:
    started = time.monotonic()
    with (
        fetcher(read_timeout=5.0, total_timeout=1.0) as guarded,
        pytest.raises(FetchLimitExceeded, match="time"),
    ):
        guarded.fetch(server.base + "/slow")
    assert time.monotonic() - started < 4.0


def test_oversized_response_is_cut_off(server: Server) -> None:
    with fetcher(max_bytes=200_000) as guarded:
        with pytest.raises(FetchLimitExceeded, match="200000-byte limit"):
            guarded.fetch(server.base + "/big")
        with pytest.raises(FetchLimitExceeded, match="declares 5000 bytes"):
            Fetcher(allow_private=True, politeness_s=0.0, limits=FetchLimits(max_bytes=1000)).fetch(
                server.base + "/declared-big"
            )


def test_politeness_delay_spaces_requests_to_one_host(server: Server) -> None:
    with Fetcher(allow_private=True, politeness_s=0.3, respect_robots=False) as guarded:
        started = time.monotonic()
        guarded.fetch(server.base + "/page")
        guarded.fetch(server.base + "/page")
        assert time.monotonic() - started >= 0.3
