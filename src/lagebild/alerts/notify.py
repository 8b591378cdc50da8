"""Alerts out: evaluation after ingest, webhooks with retries, and one Atom feed per rule."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from xml.etree import ElementTree

from sqlalchemy import select
from sqlalchemy.orm import Session

from lagebild.alerts.rules import Alert, match_events, record_alerts
from lagebild.sources.fetch import AddressRefused, Fetcher, FetchError, FetchLimits
from lagebild.store import Store
from lagebild.store.schema import AlertRow, DocumentRow, EventRow, WatchRuleRow

LOGGER = logging.getLogger(__name__)
ATOM_NS = "http://www.w3.org/2005/Atom"
#: Set to 1 to let webhooks reach private or loopback addresses (a receiver on the same host).
ALLOW_PRIVATE_ENV = "LAGEBILD_WEBHOOK_ALLOW_PRIVATE"
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class Notifier:
    """How webhooks are delivered: up to ``max_attempts`` tries, waiting ``backoff_s * 2**n`` between."""

    max_attempts: int = 4
    backoff_s: float = 1.0
    allow_private: bool = field(default_factory=lambda: os.environ.get(ALLOW_PRIVATE_ENV) == "1")
    limits: FetchLimits = FetchLimits(connect_timeout=5.0, read_timeout=10.0, total_timeout=20.0)


def evaluate_new_events(
    store: Store, document_ids: Iterable[str], *, notifier: Notifier | None = None, deliver: bool = True
) -> list[Alert]:
    """Match the events of newly stored documents against every rule; record and deliver new alerts.

    Idempotent: an event raises at most one alert per rule, however often this runs.
    """
    alerts = record_alerts(store, match_events(store, document_ids))
    if alerts:
        LOGGER.info("%d new alert(s)", len(alerts))
    if deliver and any(alert.webhook for alert in alerts):
        alerts = deliver_alerts(store, alerts, notifier or Notifier())
    return alerts


def alert_payload(session: Session, alert: AlertRow) -> dict[str, Any]:
    """The JSON a webhook receives: the rule, the event with its evidence, and its document."""
    rule = session.get(WatchRuleRow, alert.rule_id)
    event = session.get(EventRow, alert.event_id)
    assert rule is not None and event is not None
    document = session.get(DocumentRow, event.document_id)
    assert document is not None
    return {
        "alert_id": alert.id,
        "rule": rule.name,
        "created_at": alert.created_at.isoformat(),
        "event": {
            "id": event.id,
            "type": event.type,
            "mode": event.mode,
            "date": event.date,
            "place": event.place,
            "latitude": event.latitude,
            "longitude": event.longitude,
            "actor": event.actor,
            "target": event.target,
            **{name: getattr(event, name) for name in ("killed", "injured", "arrested", "troops")},
            "modality": event.modality,
            "evidence": document.text[event.evidence_start : event.evidence_end],
        },
        "document": {
            "id": document.id,
            "title": document.title,
            "outlet": document.outlet,
            "url": document.url,
            "published": document.published,
        },
    }


def deliver_alerts(store: Store, alerts: list[Alert], notifier: Notifier) -> list[Alert]:
    """POST each alert to its rule's webhook, retrying with exponential back-off; returns updated alerts."""
    updated = []
    with Fetcher(limits=notifier.limits, allow_private=notifier.allow_private, politeness_s=0.0) as fetcher:
        for alert in alerts:
            updated.append(_deliver_one(store, alert, notifier, fetcher) if alert.webhook else alert)
    return updated


def deliver_pending(store: Store, notifier: Notifier | None = None) -> list[Alert]:
    """Retry alerts whose webhook has not taken them yet and that have attempts left."""
    notifier = notifier or Notifier()
    with store.read_session() as session:
        rows = session.execute(
            select(AlertRow, WatchRuleRow.name, WatchRuleRow.webhook, EventRow.document_id)
            .join(WatchRuleRow, WatchRuleRow.id == AlertRow.rule_id)
            .join(EventRow, EventRow.id == AlertRow.event_id)
            .where(
                AlertRow.delivered.is_(False),
                AlertRow.attempts < notifier.max_attempts,
                WatchRuleRow.webhook.is_not(None),
            )
            .order_by(AlertRow.id)
        ).all()
    pending = [
        Alert(
            row.id, row.rule_id, name, row.event_id, document_id, row.created_at, False, row.attempts, webhook
        )
        for row, name, webhook, document_id in rows
    ]
    return deliver_alerts(store, pending, notifier) if pending else []


def _deliver_one(store: Store, alert: Alert, notifier: Notifier, fetcher: Fetcher) -> Alert:
    assert alert.webhook is not None
    with store.read_session() as session:
        row = session.get(AlertRow, alert.id)
        assert row is not None
        payload = alert_payload(session, row)
        attempts = row.attempts
    delivered = False
    while attempts < notifier.max_attempts and not delivered:
        if attempts:
            time.sleep(notifier.backoff_s * 2 ** (attempts - 1))
        attempts += 1
        give_up = False
        try:
            status = fetcher.post_json(alert.webhook, payload)
            delivered = 200 <= status < 300
            give_up = not delivered and status not in RETRY_STATUSES
            if not delivered:
                LOGGER.warning("webhook %s answered %d (attempt %d)", alert.webhook, status, attempts)
        except AddressRefused as error:
            give_up = True
            LOGGER.warning("webhook %s refused: %s", alert.webhook, error.reason)
        except FetchError as error:
            LOGGER.warning("webhook %s failed (attempt %d): %s", alert.webhook, attempts, error.reason)
        if give_up:  # a permanent refusal uses up the attempts so that no retry follows
            attempts = notifier.max_attempts
        with store.session() as session:
            stored = session.get(AlertRow, alert.id)
            assert stored is not None
            stored.attempts = attempts
            stored.delivered = delivered
    return Alert(
        alert.id,
        alert.rule_id,
        alert.rule_name,
        alert.event_id,
        alert.document_id,
        alert.created_at,
        delivered,
        attempts,
        alert.webhook,
    )


# -- Atom ------------------------------------------------------------------------------------------


def _timestamp(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _add(
    parent: ElementTree.Element, tag: str, text: str | None = None, **attributes: str
) -> ElementTree.Element:
    element = ElementTree.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attributes)
    if text is not None:
        element.text = text
    return element


def event_title(event: EventRow) -> str:
    """A one-line description of an event: date, type, place and actor."""
    parts = [event.date or "undated", event.type + (f" ({event.mode})" if event.mode else "")]
    if event.place:
        parts.append(event.place)
    if event.actor:
        parts.append(event.actor)
    return " · ".join(parts)


def atom_feed(
    session: Session, rule_id: int, *, base_url: str = "http://localhost:8000", limit: int = 100
) -> bytes:
    """An Atom 1.0 feed of a rule's latest alerts (RFC 4287), built from the ``alerts`` rows."""
    rule = session.get(WatchRuleRow, rule_id)
    if rule is None:
        raise LookupError(f"no rule {rule_id}")
    base = base_url.rstrip("/")
    rows = session.execute(
        select(AlertRow, EventRow, DocumentRow)
        .join(EventRow, EventRow.id == AlertRow.event_id)
        .join(DocumentRow, DocumentRow.id == EventRow.document_id)
        .where(AlertRow.rule_id == rule_id)
        .order_by(AlertRow.created_at.desc(), AlertRow.id.desc())
        .limit(limit)
    ).all()
    ElementTree.register_namespace("", ATOM_NS)
    feed = ElementTree.Element(f"{{{ATOM_NS}}}feed")
    _add(feed, "id", f"urn:lagebild:watch:{rule.id}")
    _add(feed, "title", f"lagebild watch: {rule.name}")
    _add(feed, "updated", _timestamp(rows[0][0].created_at if rows else rule.created_at))
    author = _add(feed, "author")
    _add(author, "name", "lagebild")
    _add(
        feed, "link", rel="self", type="application/atom+xml", href=f"{base}/api/v1/watch/{rule.id}/feed.atom"
    )
    _add(feed, "generator", "lagebild")
    for alert, event, document in rows:
        entry = _add(feed, "entry")
        _add(entry, "id", f"urn:lagebild:alert:{rule.id}:{event.id}")
        _add(entry, "title", event_title(event))
        _add(entry, "updated", _timestamp(alert.created_at))
        _add(entry, "published", _timestamp(alert.created_at))
        _add(
            entry,
            "link",
            rel="alternate",
            type="text/html",
            href=f"{base}/documents/{document.id}?event={event.id}",
        )
        if document.url:
            _add(entry, "link", rel="via", href=document.url)
        _add(entry, "category", term=event.type)
        source = ", ".join(filter(None, [document.outlet, document.title, document.published]))
        evidence = document.text[event.evidence_start : event.evidence_end]
        _add(entry, "summary", f"{evidence} — {source} [{document.id}]", type="text")
    return ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True)
