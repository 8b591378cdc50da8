"""Continuous ingestion: poll feeds, fetch new articles, ingest them, raise alerts.

``FEEDS.yaml``::

    interval: 900          # seconds between polls (default 900)
    allow_private: false   # let feeds live on private or loopback addresses
    feeds:
      - https://example.org/rss.xml
      - url: https://example.net/atom.xml
        fetch_articles: false   # use the entry's own text instead of the linked page

A feed answered with 304 (ETag / Last-Modified unchanged) costs one request and adds
nothing.  An entry whose article URL was fetched before is skipped.  When the linked
page cannot be fetched (robots.txt, refused address, limits) the entry's own text is used.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import yaml

from lagebild.alerts.notify import Notifier, deliver_pending
from lagebild.alerts.rules import Alert
from lagebild.errors import LagebildError, SourceError
from lagebild.ingest import Ingestor, IngestSummary, after_batch
from lagebild.sources.feeds import read_feed
from lagebild.sources.fetch import Fetcher, FetchError, FetchLimits
from lagebild.store import Store

LOGGER = logging.getLogger(__name__)
DEFAULT_INTERVAL_S = 900.0


@dataclass(frozen=True)
class FeedSpec:
    url: str
    fetch_articles: bool = True


@dataclass(frozen=True)
class FollowConfig:
    feeds: tuple[FeedSpec, ...]
    interval_s: float = DEFAULT_INTERVAL_S
    allow_private: bool = False


@dataclass
class PollReport:
    """What one poll did: feeds unchanged (304), articles fetched, the ingest summary, new alerts."""

    feeds: int = 0
    not_modified: int = 0
    articles_fetched: int = 0
    errors: list[str] = field(default_factory=list)
    summary: IngestSummary = field(default_factory=IngestSummary)
    alerts: list[Alert] = field(default_factory=list)


def load_follow_config(path: str | Path) -> FollowConfig:
    """Read ``FEEDS.yaml`` (see the module docstring)."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise LagebildError(f"{path}: cannot read feeds ({error})") from error
    if isinstance(data, list):
        data = {"feeds": data}
    if not isinstance(data, dict) or not isinstance(data.get("feeds"), list):
        raise LagebildError(f"{path}: expected a list of feeds under 'feeds'")
    feeds = []
    for item in data["feeds"]:
        spec = (
            FeedSpec(item) if isinstance(item, str) else FeedSpec(**item) if isinstance(item, dict) else None
        )
        if spec is None or not spec.url.startswith(("http://", "https://")):
            raise LagebildError(f"{path}: every feed needs an http(s) url ({item!r})")
        feeds.append(spec)
    return FollowConfig(
        tuple(feeds),
        float(data.get("interval", DEFAULT_INTERVAL_S)),
        bool(data.get("allow_private", False)),
    )


class Follower:
    """Polls a set of feeds into a store; keeps one fetcher (robots cache, politeness) and one ingestor."""

    def __init__(
        self,
        store: Store,
        config: FollowConfig,
        *,
        limits: FetchLimits | None = None,
        politeness_s: float = 1.0,
        notifier: Notifier | None = None,
        with_analysis: bool = True,
    ) -> None:
        self.store = store
        self.config = config
        self.fetcher = Fetcher(
            store, limits=limits, allow_private=config.allow_private, politeness_s=politeness_s
        )
        self.ingestor = Ingestor(store, with_analysis=with_analysis)
        self.notifier = notifier or Notifier(allow_private=config.allow_private)

    def close(self) -> None:
        self.fetcher.close()

    def poll(self) -> PollReport:
        """Poll every feed once, ingest what is new and evaluate the watch rules on it."""
        report = PollReport()
        for feed in self.config.feeds:
            report.feeds += 1
            try:
                self._poll_feed(feed, report)
            except (FetchError, SourceError) as error:
                report.errors.append(f"{feed.url}: {error.reason}")
                LOGGER.warning("%s: %s", feed.url, error.reason)
        report.alerts = after_batch(self.store, report.summary.document_ids, notifier=self.notifier)
        deliver_pending(self.store, self.notifier)
        return report

    def _poll_feed(self, feed: FeedSpec, report: PollReport) -> None:
        result = self.fetcher.fetch(feed.url)
        if result.not_modified:
            report.not_modified += 1
            return
        fetched_at = datetime.now(UTC)
        for entry in read_feed(result.content, feed.url):
            raw = replace(entry, fetched_at=fetched_at)
            if feed.fetch_articles and entry.url and entry.url.startswith(("http://", "https://")):
                if self.fetcher.known(entry.url):
                    continue
                try:
                    article = self.fetcher.fetch(entry.url, conditional=False)
                except FetchError as error:
                    LOGGER.warning("%s: %s; using the feed entry's text", entry.url, error.reason)
                else:
                    report.articles_fetched += 1
                    raw = replace(
                        raw,
                        data=article.content,
                        media_type=article.media_type or "text/html",
                        source=article.final_url,
                        url=article.final_url,
                    )
            self.ingestor.ingest_raw(raw, report.summary)

    def run(self, *, once: bool = False, max_polls: int | None = None) -> list[PollReport]:
        """Poll now and then every ``interval_s`` seconds (once with ``once``; up to ``max_polls``)."""
        reports = []
        while True:
            started = time.monotonic()
            reports.append(self.poll())
            if once or (max_polls is not None and len(reports) >= max_polls):
                return reports
            time.sleep(max(0.0, self.config.interval_s - (time.monotonic() - started)))
