"""Watch rules and alerts: matching, idempotence, Atom 1.0 feed, webhook POST with retries (127.0.0.1 only)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.etree import ElementTree

import feedparser
import pytest

from lagebild.alerts import Notifier, add_rule, atom_feed, deliver_pending, evaluate_new_events
from lagebild.alerts.rules import RuleError, load_rules_file, remove_rule, rule_from_definition
from lagebild.store import Store, open_store
from lagebild.store.schema import AlertRow, DocumentRow, EventRow

ALMATY = (43.2567, 76.9286)
REPORT = (
    "Am 6. Januar 2022 schossen Sicherheitskräfte in Almaty auf Demonstranten, 18 Menschen wurden getötet. "
    "Die Polizei nahm in Almaty 2000 Menschen fest. "
    "In Dnipro wurde ein Industriegebiet mit Raketen beschossen."
)
ATOM = "{http://www.w3.org/2005/Atom}"


def add_report(store: Store, document_id: str = "doc-jan6", *, outlet: str = "example.de") -> list[str]:
    """One stored report with three events: two in Almaty on 6 January 2022, one in Dnipro."""
    ends = [REPORT.index("getötet.") + len("getötet."), REPORT.index("fest.") + len("fest."), len(REPORT)]
    starts = [0, ends[0] + 1, ends[1] + 1]
    offsets = list(zip(starts, ends, strict=True))
    events = [
        (
            "ASSAULT",
            "shooting",
            "Sicherheitskräfte",
            "Almaty",
            *ALMATY,
            "2022-01-06",
            {"killed": 18},
            offsets[0],
        ),
        ("COERCE", "arrest", "Polizei", "Almaty", *ALMATY, "2022-01-06", {"arrested": 2000}, offsets[1]),
        ("ASSAULT", "missile strike", None, "Dnipro", 48.45, 34.98, "2024-11-21", {}, offsets[2]),
    ]
    ids = []
    with store.session() as session:
        session.add(
            DocumentRow(
                id=document_id,
                content_hash=document_id,
                source=f"test/{document_id}",
                outlet=outlet,
                title="Gewalt in Almaty",
                published="2022-01-07",
                language="de",
                text=REPORT,
                words=len(REPORT.split()),
                ingested_at=datetime.now(UTC),
            )
        )
        session.flush()
        for index, (kind, mode, actor, place, lat, lon, date, counts, (start, end)) in enumerate(events):
            event_id = f"{document_id}-ev{index}"
            ids.append(event_id)
            session.add(
                EventRow(
                    id=event_id,
                    document_id=document_id,
                    type=kind,
                    mode=mode,
                    actor=actor,
                    place=place,
                    place_id=f"geo:{place}",
                    latitude=lat,
                    longitude=lon,
                    date=date,
                    date_precision="day",
                    evidence_start=start,
                    evidence_end=end,
                    **counts,
                )
            )
    return ids


class Receiver:
    """A webhook receiver on 127.0.0.1 answering ``failures`` times 503 before 200."""

    def __init__(self, failures: int = 0) -> None:
        self.bodies: list[dict] = []
        self.failures = failures
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["content-length"]))
                receiver.bodies.append(json.loads(body))
                status = 503 if receiver.failures > 0 else 200
                receiver.failures -= 1
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *_: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    running = Receiver()
    yield running
    running.close()


FAST = Notifier(max_attempts=3, backoff_s=0.01, allow_private=True)


def test_rule_selects_by_type_place_radius_keyword_and_counts(store: Store) -> None:
    rule = add_rule(
        store,
        rule_from_definition(
            "almaty-deaths",
            {
                "types": ["assault"],
                "places": ["almaty"],
                "near": {"lat": ALMATY[0], "lon": ALMATY[1], "radius_km": 30},
                "keywords": ["demonstranten"],
                "min_counts": {"killed": 10},
            },
        ),
    )
    add_rule(store, rule_from_definition("many-killed", {"min_counts": {"killed": 100}}))
    add_rule(store, rule_from_definition("arrests", {"types": ["COERCE"], "actors": ["Polizei"]}))
    ids = add_report(store)
    alerts = evaluate_new_events(store, ["doc-jan6"], deliver=False)
    assert {(alert.rule_name, alert.event_id) for alert in alerts} == {
        ("almaty-deaths", ids[0]),
        ("arrests", ids[1]),
    }
    assert all(alert.rule_id for alert in alerts) and rule.id is not None


def test_alerts_are_idempotent(store: Store) -> None:
    add_rule(store, rule_from_definition("all", {}))
    add_report(store)
    first = evaluate_new_events(store, ["doc-jan6"], deliver=False)
    again = evaluate_new_events(store, ["doc-jan6", "doc-jan6"], deliver=False)
    assert len(first) == 3 and again == []
    with store.read_session() as session:
        assert session.query(AlertRow).count() == 3


def test_atom_feed_is_valid_atom_from_alert_rows(store: Store) -> None:
    rule = add_rule(
        store, rule_from_definition("near-almaty", {"near": {"lat": 43.25, "lon": 76.92, "radius_km": 25}})
    )
    ids = add_report(store)
    evaluate_new_events(store, ["doc-jan6"], deliver=False)
    with store.read_session() as session:
        data = atom_feed(session, rule.id or 0, base_url="http://127.0.0.1:8000")
    root = ElementTree.fromstring(data)
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{required}") is not None, required
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 2
    for entry in entries:
        for required in ("id", "title", "updated", "summary"):
            assert entry.find(f"{ATOM}{required}") is not None, required
    assert {entry.find(f"{ATOM}id").text for entry in entries} == {
        f"urn:lagebild:alert:{rule.id}:{event_id}" for event_id in ids[:2]
    }
    parsed = feedparser.parse(data)
    assert not parsed.bozo and parsed.version == "atom10"
    assert "18 Menschen wurden getötet" in " ".join(entry.summary for entry in parsed.entries)
    assert all(entry.link.startswith("http://127.0.0.1:8000/documents/doc-jan6") for entry in parsed.entries)


def test_webhook_receives_json_post(store: Store, receiver: Receiver) -> None:
    add_rule(store, rule_from_definition("killed", {"min_counts": {"killed": 1}}, webhook=receiver.url))
    ids = add_report(store)
    alerts = evaluate_new_events(store, ["doc-jan6"], notifier=FAST)
    assert [alert.delivered for alert in alerts] == [True]
    (body,) = receiver.bodies
    assert body["rule"] == "killed"
    assert body["event"]["id"] == ids[0] and body["event"]["killed"] == 18
    assert body["event"]["evidence"].startswith("Am 6. Januar 2022 schossen")
    assert body["document"] == {
        "id": "doc-jan6",
        "title": "Gewalt in Almaty",
        "outlet": "example.de",
        "url": None,
        "published": "2022-01-07",
    }


def test_webhook_retries_with_backoff_and_stops(store: Store) -> None:
    flaky = Receiver(failures=2)
    try:
        add_rule(store, rule_from_definition("killed", {"min_counts": {"killed": 1}}, webhook=flaky.url))
        add_report(store)
        (alert,) = evaluate_new_events(store, ["doc-jan6"], notifier=FAST)
        assert alert.delivered and alert.attempts == 3 and len(flaky.bodies) == 3
        flaky.failures = 10
        add_report(store, "doc-two")
        (failed,) = evaluate_new_events(store, ["doc-two"], notifier=FAST)
        assert not failed.delivered and failed.attempts == FAST.max_attempts
        assert len(flaky.bodies) == 6  # bounded: three more tries, no more
        assert deliver_pending(store, FAST) == []  # attempts used up
    finally:
        flaky.close()


def test_webhook_to_loopback_is_refused_unless_allowed(store: Store, receiver: Receiver) -> None:
    add_rule(store, rule_from_definition("killed", {"min_counts": {"killed": 1}}, webhook=receiver.url))
    add_report(store)
    (alert,) = evaluate_new_events(store, ["doc-jan6"], notifier=Notifier(max_attempts=3, backoff_s=0.01))
    assert not alert.delivered and receiver.bodies == []


def test_rules_from_yaml_and_removal(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(
        "rules:\n"
        "  - name: almaty\n    places: Almaty\n    near: {lat: 43.25, lon: 76.92, radius_km: 10}\n"
        "  - name: arrests\n    types: [COERCE]\n    min_counts: {arrested: 100}\n",
        encoding="utf-8",
    )
    for rule in load_rules_file(path):
        add_rule(store, rule)
    add_report(store)
    assert len(evaluate_new_events(store, ["doc-jan6"], deliver=False)) == 3
    remove_rule(store, "almaty")
    with store.read_session() as session:
        assert session.query(AlertRow).count() == 1


@pytest.mark.parametrize(
    "definition",
    [
        {"near": {"lat": 95, "lon": 0}},
        {"min_counts": {"wounded": 1}},
        {"types": [1]},
        {"colour": "red"},
        {"webhook": "file:///etc/passwd"},
    ],
)
def test_malformed_rules_are_refused(definition: dict) -> None:
    with pytest.raises(RuleError):
        rule_from_definition("bad", definition)


def test_watch_cli(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from lagebild.cli import app
    from lagebild.cli import watch as _  # noqa: F401  registers the commands

    db = str(tmp_path / "cli.db")
    runner = CliRunner()
    added = runner.invoke(
        app, ["watch", "add", "deaths", "--min-killed", "5", "--type", "ASSAULT", "--db", db]
    )
    assert added.exit_code == 0, added.output
    store = open_store(db)
    add_report(store)
    listed = runner.invoke(app, ["watch", "list", "--db", db])
    assert "deaths" in listed.output and '"killed": 5' in listed.output
    assert "1 new alert" in runner.invoke(app, ["watch", "run", "--db", db]).output
    feed = runner.invoke(app, ["watch", "feed", "deaths", "--db", db])
    assert feed.exit_code == 0 and "urn:lagebild:alert:" in feed.output
    assert runner.invoke(app, ["watch", "remove", "deaths", "--db", db]).exit_code == 0
    assert runner.invoke(app, ["watch", "remove", "deaths", "--db", db]).exit_code == 1
