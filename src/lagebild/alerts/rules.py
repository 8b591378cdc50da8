"""Watch rules: which events a user wants to hear about, and the alerts they raise.

A rule's definition (stored as JSON in ``watch_rules.definition``) combines, with AND,
any of: event ``types``; ``actors`` and ``places`` (entity id or part of the name, any
of them); ``near`` a point (``lat``, ``lon``, ``radius_km``, great-circle distance);
``keywords`` (any, case-insensitive, in the event's evidence sentence); ``min_counts``
(``killed``, ``injured``, ``arrested``, ``troops``: all must be reached).  An empty
rule matches every event.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from lagebild.errors import LagebildError
from lagebild.store import Store
from lagebild.store.schema import AlertRow, DocumentRow, EventRow, WatchRuleRow

COUNT_FIELDS = ("killed", "injured", "arrested", "troops")
EARTH_RADIUS_KM = 6371.0088


#: Rule names are stored in a 200-character column (``watch_rules.name``).
MAX_RULE_NAME = 200


class RuleError(LagebildError):
    """A rule definition is malformed, or a named rule does not exist."""


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points in kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    """``(min_lon, min_lat, max_lon, max_lat)`` enclosing the circle (a pre-filter for SQL)."""
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    cos_lat = max(math.cos(math.radians(lat)), 1e-6)
    dlon = min(180.0, math.degrees(radius_km / (EARTH_RADIUS_KM * cos_lat)))
    return (max(-180.0, lon - dlon), max(-90.0, lat - dlat), min(180.0, lon + dlon), min(90.0, lat + dlat))


@dataclass(frozen=True)
class Near:
    lat: float
    lon: float
    radius_km: float

    def contains(self, lat: float | None, lon: float | None) -> bool:
        return (
            lat is not None
            and lon is not None
            and haversine_km(self.lat, self.lon, lat, lon) <= self.radius_km
        )


@dataclass(frozen=True)
class WatchRule:
    """A parsed rule definition (see the module docstring); ``webhook`` receives JSON POSTs."""

    name: str
    types: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    near: Near | None = None
    keywords: tuple[str, ...] = ()
    min_counts: dict[str, int] = field(default_factory=dict)
    webhook: str | None = None
    id: int | None = None

    def definition(self) -> dict[str, Any]:
        """The JSON stored in ``watch_rules.definition`` (empty conditions left out)."""
        record: dict[str, Any] = {
            "types": list(self.types),
            "actors": list(self.actors),
            "places": list(self.places),
            "keywords": list(self.keywords),
            "min_counts": dict(self.min_counts),
        }
        if self.near:
            record["near"] = {"lat": self.near.lat, "lon": self.near.lon, "radius_km": self.near.radius_km}
        return {key: value for key, value in record.items() if value}

    def matches(self, event: EventRow, evidence: str) -> bool:
        """Whether ``event`` (with its evidence sentence) satisfies every condition of the rule."""
        if self.types and event.type not in self.types:
            return False
        if self.actors and not any(
            _entity_matches(event.actor_id, event.actor, value) for value in self.actors
        ):
            return False
        if self.places and not any(
            _entity_matches(event.place_id, event.place, value) for value in self.places
        ):
            return False
        if self.near and not self.near.contains(event.latitude, event.longitude):
            return False
        if self.keywords and not any(keyword.casefold() in evidence.casefold() for keyword in self.keywords):
            return False
        return all((getattr(event, name) or 0) >= minimum for name, minimum in self.min_counts.items())


def _entity_matches(entity_id: str | None, name: str | None, value: str) -> bool:
    return entity_id == value or (name is not None and value.casefold() in name.casefold())


def _strings(value: Any, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(item, str) and item for item in value):
        return tuple(value)
    raise RuleError(f"{key} must be a string or a list of strings")


def rule_from_definition(
    name: str, definition: dict[str, Any], *, webhook: str | None = None, rule_id: int | None = None
) -> WatchRule:
    """Parse and check a rule definition (from JSON, YAML or the CLI)."""
    if not name or len(name) > MAX_RULE_NAME:
        raise RuleError(f"a rule needs a name of 1 to {MAX_RULE_NAME} characters")
    known = {"types", "actors", "places", "near", "keywords", "min_counts", "webhook", "name"}
    unknown = set(definition) - known
    if unknown:
        raise RuleError(f"rule {name!r}: unknown keys {sorted(unknown)}")
    near = None
    if definition.get("near") is not None:
        spec = definition["near"]
        try:
            near = Near(float(spec["lat"]), float(spec["lon"]), float(spec.get("radius_km", 25.0)))
        except (KeyError, TypeError, ValueError) as error:
            raise RuleError(f"rule {name!r}: near needs numeric lat, lon and radius_km") from error
        if not (-90 <= near.lat <= 90 and -180 <= near.lon <= 180 and 0 < near.radius_km <= 20000):
            raise RuleError(f"rule {name!r}: near is out of range")
    counts = definition.get("min_counts") or {}
    if not isinstance(counts, dict) or set(counts) - set(COUNT_FIELDS):
        raise RuleError(f"rule {name!r}: min_counts takes {', '.join(COUNT_FIELDS)}")
    try:
        min_counts = {key: int(value) for key, value in counts.items()}
    except (TypeError, ValueError) as error:
        raise RuleError(f"rule {name!r}: min_counts values must be integers") from error
    hook = webhook if webhook is not None else definition.get("webhook")
    if hook is not None and not (isinstance(hook, str) and hook.startswith(("http://", "https://"))):
        raise RuleError(f"rule {name!r}: webhook must be an http(s) URL")
    return WatchRule(
        name=name,
        types=tuple(value.upper() for value in _strings(definition.get("types"), "types")),
        actors=_strings(definition.get("actors"), "actors"),
        places=_strings(definition.get("places"), "places"),
        near=near,
        keywords=_strings(definition.get("keywords"), "keywords"),
        min_counts=min_counts,
        webhook=hook,
        id=rule_id,
    )


def _from_row(row: WatchRuleRow) -> WatchRule:
    return rule_from_definition(row.name, dict(row.definition or {}), webhook=row.webhook, rule_id=row.id)


def add_rule(store: Store, rule: WatchRule, *, replace: bool = False) -> WatchRule:
    """Store ``rule``; an existing rule of that name is an error unless ``replace``."""
    with store.session() as session:
        row = session.scalar(select(WatchRuleRow).where(WatchRuleRow.name == rule.name))
        if row is not None and not replace:
            raise RuleError(f"a rule named {rule.name!r} exists already")
        if row is None:
            row = WatchRuleRow(name=rule.name, created_at=datetime.now(UTC))
            session.add(row)
        row.definition = rule.definition()
        row.webhook = rule.webhook
        session.flush()
        return _from_row(row)


def list_rules(store: Store) -> list[WatchRule]:
    with store.read_session() as session:
        return [_from_row(row) for row in session.scalars(select(WatchRuleRow).order_by(WatchRuleRow.id))]


def get_rule(store: Store, name_or_id: str | int) -> WatchRule:
    with store.read_session() as session:
        row = _find_rule(session, name_or_id)
        if row is None:
            raise RuleError(f"no rule {name_or_id!r}")
        return _from_row(row)


def _find_rule(session: Any, name_or_id: str | int) -> WatchRuleRow | None:
    if isinstance(name_or_id, int) or str(name_or_id).isdigit():
        row = session.get(WatchRuleRow, int(name_or_id))
        if row is not None:
            return row
    return session.scalar(select(WatchRuleRow).where(WatchRuleRow.name == str(name_or_id)))


def remove_rule(store: Store, name_or_id: str | int) -> None:
    """Delete a rule and its alerts."""
    with store.session() as session:
        row = _find_rule(session, name_or_id)
        if row is None:
            raise RuleError(f"no rule {name_or_id!r}")
        session.query(AlertRow).filter(AlertRow.rule_id == row.id).delete()
        session.delete(row)


def load_rules_file(path: str | Path) -> list[WatchRule]:
    """Rules from YAML: ``rules: [{name: …, types: […], near: {…}, webhook: …}, …]`` (or a bare list)."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise RuleError(f"{path}: cannot read rules ({error})") from error
    items = data.get("rules") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise RuleError(f"{path}: expected a list of rules under 'rules'")
    rules = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise RuleError(f"{path}: every rule needs a name")
        rules.append(rule_from_definition(item["name"], item))
    return rules


@dataclass(frozen=True)
class Alert:
    """An event that matched a rule; ``delivered`` tells whether its webhook took it."""

    id: int
    rule_id: int
    rule_name: str
    event_id: str
    document_id: str
    created_at: datetime
    delivered: bool
    attempts: int
    webhook: str | None = None


def match_events(store: Store, document_ids: Iterable[str]) -> list[tuple[WatchRule, EventRow]]:
    """Every (rule, event) pair in which an event of ``document_ids`` satisfies a stored rule."""
    ids = list(dict.fromkeys(document_ids))
    rules = list_rules(store)
    if not ids or not rules:
        return []
    pairs = []
    with store.read_session() as session:
        texts = dict(
            session.execute(select(DocumentRow.id, DocumentRow.text).where(DocumentRow.id.in_(ids))).all()
        )
        events = session.scalars(
            select(EventRow).where(EventRow.document_id.in_(ids)).order_by(EventRow.id)
        ).all()
        for event in events:
            evidence = texts.get(event.document_id, "")[event.evidence_start : event.evidence_end]
            pairs.extend((rule, event) for rule in rules if rule.matches(event, evidence))
    return pairs


def record_alerts(store: Store, pairs: list[tuple[WatchRule, EventRow]]) -> list[Alert]:
    """Insert one alert per (rule, event) not alerted before; returns only the new ones."""
    created: list[Alert] = []
    insert = pg_insert if store.dialect == "postgresql" else sqlite_insert
    now = datetime.now(UTC)
    with store.session() as session:
        for rule, event in pairs:
            assert rule.id is not None
            statement = (
                insert(AlertRow)
                .values(rule_id=rule.id, event_id=event.id, created_at=now, delivered=False, attempts=0)
                .on_conflict_do_nothing(index_elements=["rule_id", "event_id"])
                .returning(AlertRow.id)
            )
            alert_id = session.execute(statement).scalar()
            if alert_id is not None:
                created.append(
                    Alert(
                        alert_id, rule.id, rule.name, event.id, event.document_id, now, False, 0, rule.webhook
                    )
                )
    return created
