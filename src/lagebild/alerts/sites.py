"""Protected sites and their threat view.

A site (military, civilian, critical infrastructure, embassy) is a point with a radius.
Registering one also registers a watch rule ``site:NAME`` with that radius, so a new
event near the site raises an alert like any other rule.

Severity of an event (0 ``info`` … 4 ``critical``) is read from its type and counts:

* base by PLOVER type: ASSAULT, FIGHT → high (3); COERCE, THREATEN, MOBILIZE, PROTEST →
  medium (2); DEMAND, ACCUSE, DISAPPROVE, REJECT, SANCTION, INVESTIGATE → low (1);
  every other (cooperative) type → info (0);
* counts raise it: 10 or more killed → critical; any killed or 10 or more injured → at
  least high; any injured or 10 or more arrested → at least medium;
* an event that is denied, planned or hypothetical is one level lower.

A site's threat level is the highest severity among the events inside its radius in the
period looked at (``none`` without events).
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lagebild.alerts.rules import (
    MAX_RULE_NAME,
    Near,
    RuleError,
    WatchRule,
    add_rule,
    bounding_box,
    haversine_km,
    remove_rule,
)
from lagebild.store import Store
from lagebild.store.queries import EventFilter, filter_events
from lagebild.store.schema import DocumentRow, EventRow, SiteRow

CATEGORIES = ("military", "civilian", "critical_infrastructure", "embassy")
SEVERITY_LABELS = ("info", "low", "medium", "high", "critical")
DEFAULT_RADIUS_KM = 25.0
SITE_RULE_PREFIX = "site:"
_BASE_SEVERITY = {
    **dict.fromkeys(("ASSAULT", "FIGHT"), 3),
    **dict.fromkeys(("COERCE", "THREATEN", "MOBILIZE", "PROTEST"), 2),
    **dict.fromkeys(("DEMAND", "ACCUSE", "DISAPPROVE", "REJECT", "SANCTION", "INVESTIGATE"), 1),
}


class SiteError(RuleError):
    """A site is malformed, duplicated or unknown, or an import file cannot be read."""


@dataclass(frozen=True)
class Site:
    name: str
    latitude: float
    longitude: float
    category: str | None = None
    radius_km: float = DEFAULT_RADIUS_KM

    def __post_init__(self) -> None:
        if not self.name.strip() or len(self.name) > 300:
            raise SiteError("a site needs a name of 1 to 300 characters")
        if not (-90 <= self.latitude <= 90 and -180 <= self.longitude <= 180):
            raise SiteError(f"site {self.name!r}: coordinates out of range")
        if not 0 < self.radius_km <= 2000:
            raise SiteError(f"site {self.name!r}: radius must be above 0 and at most 2000 km")
        if self.category is not None and self.category not in CATEGORIES:
            raise SiteError(f"site {self.name!r}: category must be one of {', '.join(CATEGORIES)}")

    @property
    def rule_name(self) -> str:
        return SITE_RULE_PREFIX + self.name


def severity(event: EventRow) -> int:
    """Severity 0 (info) to 4 (critical) from type, counts and modality (see the module docstring)."""
    level = _BASE_SEVERITY.get(event.type, 0)
    killed, injured, arrested = event.killed or 0, event.injured or 0, event.arrested or 0
    if killed >= 10:
        level = 4
    elif killed or injured >= 10:
        level = max(level, 3)
    elif injured or arrested >= 10:
        level = max(level, 2)
    if event.modality in ("denied", "planned", "hypothetical"):
        level = max(0, level - 1)
    return level


def _site(row: SiteRow) -> Site:
    return Site(row.name, row.latitude, row.longitude, row.category, row.radius_km)


def add_site(store: Store, site: Site, *, overwrite: bool = False) -> Site:
    """Register ``site`` and its radius watch rule (``overwrite`` updates an existing one)."""
    if not site.name.strip() or len(site.rule_name) > MAX_RULE_NAME:
        raise SiteError(
            f"a site needs a name of 1 to {MAX_RULE_NAME - len(site.rule_name) + len(site.name)} characters"
        )
    with store.session() as session:
        row = session.scalar(select(SiteRow).where(SiteRow.name == site.name))
        if row is not None and not overwrite:
            raise SiteError(f"a site named {site.name!r} exists already")
        if row is None:
            row = SiteRow(name=site.name)
            session.add(row)
        row.latitude, row.longitude = site.latitude, site.longitude
        row.category, row.radius_km = site.category, site.radius_km
    add_rule(
        store,
        WatchRule(site.rule_name, near=Near(site.latitude, site.longitude, site.radius_km)),
        replace=True,
    )
    return site


def list_sites(store_or_session: Store | Session) -> list[Site]:
    def read(session: Session) -> list[Site]:
        return [_site(row) for row in session.scalars(select(SiteRow).order_by(SiteRow.name))]

    if isinstance(store_or_session, Store):
        with store_or_session.read_session() as session:
            return read(session)
    return read(store_or_session)


def get_site(session: Session, name: str) -> Site:
    row = session.scalar(select(SiteRow).where(SiteRow.name == name))
    if row is None:
        raise SiteError(f"no site {name!r}")
    return _site(row)


def remove_site(store: Store, name: str) -> None:
    """Delete a site with its watch rule and that rule's alerts."""
    with store.session() as session:
        row = session.scalar(select(SiteRow).where(SiteRow.name == name))
        if row is None:
            raise SiteError(f"no site {name!r}")
        session.delete(row)
    try:
        remove_rule(store, SITE_RULE_PREFIX + name)
    except RuleError:
        pass  # the rule was removed by hand before


def _number(value: Any, what: str, name: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError) as error:
        raise SiteError(f"site {name!r}: {what} is not a number ({value!r})") from error


def parse_sites(data: str, fmt: str) -> list[Site]:
    """Sites from CSV (columns ``name, lat|latitude, lon|longitude, category, radius_km``) or GeoJSON points."""
    sites = []
    if fmt == "csv":
        for record in csv.DictReader(io.StringIO(data)):
            row = {(key or "").strip().lower(): (value or "").strip() for key, value in record.items()}
            name = row.get("name", "")
            sites.append(
                Site(
                    name=name,
                    latitude=_number(row.get("lat") or row.get("latitude"), "latitude", name),
                    longitude=_number(row.get("lon") or row.get("longitude"), "longitude", name),
                    category=row.get("category") or None,
                    radius_km=_number(row.get("radius_km") or DEFAULT_RADIUS_KM, "radius_km", name),
                )
            )
    elif fmt == "geojson":
        try:
            collection = json.loads(data)
        except json.JSONDecodeError as error:
            raise SiteError(f"not JSON ({error})") from error
        features = collection.get("features") if isinstance(collection, dict) else None
        if not isinstance(features, list):
            raise SiteError("GeoJSON must be a FeatureCollection")
        for feature in features:
            geometry = (feature or {}).get("geometry") or {}
            properties = (feature or {}).get("properties") or {}
            name = str(properties.get("name") or "")
            coordinates = geometry.get("coordinates")
            if geometry.get("type") != "Point" or not isinstance(coordinates, list) or len(coordinates) < 2:
                raise SiteError(f"site {name!r}: only Point features can be sites")
            sites.append(
                Site(
                    name=name,
                    latitude=_number(coordinates[1], "latitude", name),
                    longitude=_number(coordinates[0], "longitude", name),
                    category=properties.get("category") or None,
                    radius_km=_number(properties.get("radius_km") or DEFAULT_RADIUS_KM, "radius_km", name),
                )
            )
    else:
        raise SiteError(f"unknown site file format {fmt!r} (csv or geojson)")
    return sites


def import_sites(store: Store, path: str | Path, *, overwrite: bool = False) -> list[Site]:
    """Register every site of a ``.csv`` or ``.geojson``/``.json`` file; all are checked before any is stored."""
    path = Path(path)
    fmt = "csv" if path.suffix.lower() == ".csv" else "geojson"
    try:
        data = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise SiteError(f"{path}: {error.strerror or error}") from error
    sites = parse_sites(data, fmt)
    return [add_site(store, site, overwrite=overwrite) for site in sites]


# -- threat view -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceRef:
    document_id: str
    outlet: str | None
    title: str | None
    published: str | None
    url: str | None


@dataclass(frozen=True)
class NearbyEvent:
    event: EventRow
    distance_km: float
    severity: int
    evidence: str
    source: SourceRef

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS[self.severity]


@dataclass
class ThreatView:
    site: Site
    events: list[NearbyEvent]
    by_type: dict[str, int] = field(default_factory=dict)
    by_severity: dict[str, int] = field(default_factory=dict)
    trend: list[tuple[str, int]] = field(default_factory=list)
    level: str = "none"


def events_near(
    session: Session,
    latitude: float,
    longitude: float,
    radius_km: float,
    conditions: EventFilter | None = None,
    *,
    limit: int = 2000,
) -> list[NearbyEvent]:
    """Located events within ``radius_km`` of a point, newest date first, each with its source."""
    base = conditions or EventFilter()
    statement = filter_events(
        select(EventRow, DocumentRow).join(DocumentRow, DocumentRow.id == EventRow.document_id),
        replace(base, bbox=bounding_box(latitude, longitude, radius_km), located=True),
    )
    found = []
    for event, document in session.execute(
        statement.order_by(EventRow.date.desc(), EventRow.id).limit(limit)
    ):
        distance = haversine_km(latitude, longitude, event.latitude, event.longitude)
        if distance > radius_km:
            continue
        source = SourceRef(document.id, document.outlet, document.title, document.published, document.url)
        evidence = document.text[event.evidence_start : event.evidence_end]
        found.append(NearbyEvent(event, round(distance, 1), severity(event), evidence, source))
    return found


def _week_or_month(value: str, granularity: str) -> str | None:
    if granularity == "month":
        return value[:7] if len(value) >= 7 and value[4] == "-" else None
    try:
        year, week, _ = date.fromisoformat(value[:10]).isocalendar()
    except ValueError:
        return None
    return f"{year}-W{week:02d}"


def threat_view(
    session: Session,
    site: Site,
    *,
    since: str | None = None,
    until: str | None = None,
    granularity: str = "month",
) -> ThreatView:
    """Events inside a site's radius with their sources, counts by type and severity, and the trend."""
    events = events_near(
        session, site.latitude, site.longitude, site.radius_km, EventFilter(since=since, until=until)
    )
    trend: Counter[str] = Counter()
    for item in events:
        period = _week_or_month(item.event.date or "", granularity)
        if period:
            trend[period] += 1
    by_severity = Counter(item.severity_label for item in events)
    return ThreatView(
        site=site,
        events=events,
        by_type=dict(Counter(item.event.type for item in events).most_common()),
        by_severity={label: by_severity[label] for label in reversed(SEVERITY_LABELS) if by_severity[label]},
        trend=sorted(trend.items()),
        level=SEVERITY_LABELS[max(item.severity for item in events)] if events else "none",
    )
