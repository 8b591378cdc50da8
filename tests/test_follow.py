"""``lagebild follow``: a local feed server on 127.0.0.1, conditional GET, refusals, alerts."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import select

from lagebild.alerts.follow import FeedSpec, FollowConfig, Follower, load_follow_config
from lagebild.errors import LagebildError
from lagebild.sources.fetch import FetchStateRow
from lagebild.store import Store
from lagebild.store.schema import DocumentRow

ARTICLE = (
    "<html><head><title>Proteste in Almaty</title></head><body><article><h1>Proteste in Almaty</h1>"
    "<p>Almaty, 6. Januar 2022 – Tausende Menschen protestierten am Donnerstag in der Innenstadt von Almaty "
    "gegen die Regierung und gegen die gestiegenen Preise für Flüssiggas.</p>"
    "<p>Die Polizei setzte nach Angaben von Augenzeugen Tränengas und Blendgranaten gegen die Demonstranten "
    "ein, Dutzende Menschen wurden festgenommen.</p></article></body></html>"
)


def feed(base: str) -> bytes:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Testfeed</title><link>{base}/</link><description>t</description>
<item><title>Proteste in Almaty</title><link>{base}/article/1</link><guid>{base}/article/1</guid>
<pubDate>Thu, 06 Jan 2022 10:00:00 GMT</pubDate><description>Kurzfassung: Proteste in Almaty.</description></item>
</channel></rss>""".encode()


class FeedServer:
    """Serves a feed with an ETag (answering 304 to a matching If-None-Match) and its article."""

    def __init__(self) -> None:
        self.log: list[tuple[str, int]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802
                if self.path == "/feed.xml":
                    if self.headers.get("if-none-match") == '"v1"':
                        return self._send(304, b"")
                    return self._send(200, feed(server.base), "application/rss+xml", etag='"v1"')
                if self.path == "/article/1":
                    return self._send(200, ARTICLE.encode(), "text/html; charset=utf-8")
                return self._send(404, b"")

            def _send(self, status: int, body: bytes, media_type: str = "text/plain", etag: str = "") -> None:
                server.log.append((self.path, status))
                self.send_response(status)
                if etag:
                    self.send_header("etag", etag)
                self.send_header("content-type", media_type)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    running = FeedServer()
    yield running
    running.close()


def follower(store: Store, *urls: str, allow_private: bool = True) -> Follower:
    config = FollowConfig(tuple(FeedSpec(url) for url in urls), interval_s=0.0, allow_private=allow_private)
    return Follower(store, config, politeness_s=0.0, with_analysis=False)


def test_follow_ingests_then_conditional_get_ingests_nothing(store: Store, feed_server: FeedServer) -> None:
    polling = follower(store, feed_server.base + "/feed.xml")
    try:
        first = polling.poll()
        assert first.errors == [] and first.summary.new == 1 and first.articles_fetched == 1
        second = polling.poll()
    finally:
        polling.close()
    assert second.not_modified == 1 and second.summary.read == 0 and second.summary.document_ids == []
    assert ("/feed.xml", 304) in feed_server.log
    assert [path for path, _ in feed_server.log].count("/article/1") == 1
    with store.read_session() as session:
        (document,) = session.scalars(select(DocumentRow)).all()
        state = session.get(FetchStateRow, feed_server.base + "/feed.xml")
    assert document.url == feed_server.base + "/article/1" and "Tränengas" in document.text
    assert document.title == "Proteste in Almaty"
    assert state is not None and state.etag == '"v1"'


def test_follow_refuses_private_feed_without_connecting(store: Store) -> None:
    polling = follower(store, "http://10.0.0.1/feed.xml", allow_private=False)
    try:
        report = polling.poll()
    finally:
        polling.close()
    assert report.summary.read == 0
    assert len(report.errors) == 1 and "10.0.0.1" in report.errors[0] and "private" in report.errors[0]


def test_follow_refuses_loopback_unless_allowed(store: Store, feed_server: FeedServer) -> None:
    polling = follower(store, feed_server.base + "/feed.xml", allow_private=False)
    try:
        report = polling.poll()
    finally:
        polling.close()
    assert "loopback" in report.errors[0] and feed_server.log == []


def test_feeds_yaml(tmp_path: Path) -> None:
    path = tmp_path / "feeds.yaml"
    path.write_text(
        "interval: 60\nfeeds:\n  - https://a.example/rss\n  - {url: https://b.example/atom, fetch_articles: false}\n",
        encoding="utf-8",
    )
    config = load_follow_config(path)
    assert config.interval_s == 60 and not config.allow_private
    assert config.feeds == (FeedSpec("https://a.example/rss"), FeedSpec("https://b.example/atom", False))
    path.write_text("feeds:\n  - file:///etc/passwd\n", encoding="utf-8")
    with pytest.raises(LagebildError):
        load_follow_config(path)


def test_follow_cli_once(tmp_path: Path, feed_server: FeedServer) -> None:
    from typer.testing import CliRunner

    from lagebild.cli import app
    from lagebild.cli import watch as _  # noqa: F401  registers the commands

    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(f"feeds:\n  - {feed_server.base}/feed.xml\n", encoding="utf-8")
    db = str(tmp_path / "follow.db")
    refused = CliRunner().invoke(app, ["follow", str(feeds), "--once", "--db", db])
    assert refused.exit_code == 0 and "loopback" in refused.output
    assert feed_server.log == []
