"""Protected sites: registration, import, threat view with sources, alerts through the implied radius rule."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lagebild.alerts import Notifier, atom_feed, evaluate_new_events
from lagebild.alerts.rules import add_rule, get_rule, list_rules, rule_from_definition
from lagebild.alerts.sites import (
    Site,
    SiteError,
    add_site,
    get_site,
    import_sites,
    list_sites,
    remove_site,
    severity,
    threat_view,
)
from lagebild.store import Store, open_store
from lagebild.store.schema import EventRow
from test_alerts import ALMATY, Receiver, add_report

FAST = Notifier(max_attempts=2, backoff_s=0.01, allow_private=True)


def test_site_in_almaty_shows_6_january_events_with_sources_and_alerts(store: Store) -> None:
    receiver = Receiver()
    try:
        add_site(store, Site("Flughafen Almaty", *ALMATY, "critical_infrastructure", 20.0))
        rule = get_rule(store, "site:Flughafen Almaty")
        add_rule(
            store, rule_from_definition(rule.name, rule.definition(), webhook=receiver.url), replace=True
        )
        ids = add_report(store)
        alerts = evaluate_new_events(store, ["doc-jan6"], notifier=FAST)
        with store.read_session() as session:
            view = threat_view(session, get_site(session, "Flughafen Almaty"), granularity="week")
            feed = atom_feed(session, rule.id or 0).decode()
    finally:
        receiver.close()
    assert {alert.event_id for alert in alerts} == set(ids[:2]) and all(alert.delivered for alert in alerts)
    assert {body["event"]["date"] for body in receiver.bodies} == {"2022-01-06"}
    assert feed.count("<entry>") == 2 and "Gewalt in Almaty" in feed
    assert [item.event.date for item in view.events] == ["2022-01-06", "2022-01-06"]
    assert all(
        item.source.document_id == "doc-jan6" and item.source.outlet == "example.de" for item in view.events
    )
    assert any("18 Menschen wurden getötet" in item.evidence for item in view.events)
    assert view.by_type == {"ASSAULT": 1, "COERCE": 1}
    assert view.level == "critical" and view.by_severity == {"critical": 1, "medium": 1}
    assert view.trend == [("2022-W01", 2)]


def test_site_radius_excludes_distant_events(store: Store) -> None:
    add_site(store, Site("Kapchagay", 43.88, 77.07, "military", 10.0))  # about 70 km from Almaty
    add_report(store)
    assert evaluate_new_events(store, ["doc-jan6"], deliver=False) == []
    with store.read_session() as session:
        view = threat_view(session, get_site(session, "Kapchagay"))
    assert view.events == [] and view.level == "none"


def test_severity_from_type_counts_and_modality() -> None:
    def event(kind: str, modality: str = "asserted", **counts: int) -> EventRow:
        return EventRow(type=kind, modality=modality, **counts)

    assert severity(event("CONSULT")) == 0
    assert severity(event("ACCUSE")) == 1
    assert severity(event("PROTEST")) == 2
    assert severity(event("PROTEST", injured=3)) == 2
    assert severity(event("PROTEST", killed=1)) == 3
    assert severity(event("ASSAULT")) == 3
    assert severity(event("ASSAULT", killed=10)) == 4
    assert severity(event("ASSAULT", "denied")) == 2
    assert severity(event("COERCE", arrested=50)) == 2


def test_import_csv_and_geojson_and_remove(store: Store, tmp_path: Path) -> None:
    csv_file = tmp_path / "sites.csv"
    csv_file.write_text(
        "name,lat,lon,category,radius_km\nBotschaft Astana,51.13,71.43,embassy,5\nKraftwerk,43.3,76.9,,\n",
        encoding="utf-8",
    )
    geojson_file = tmp_path / "sites.geojson"
    geojson_file.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "geometry": {"type": "Point", "coordinates": [76.93, 43.26]},
                        "properties": {"name": "Kaserne", "category": "military", "radius_km": 15},
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    assert len(import_sites(store, csv_file)) == 2 and len(import_sites(store, geojson_file)) == 1
    sites = {site.name: site for site in list_sites(store)}
    assert sites["Kaserne"] == Site("Kaserne", 43.26, 76.93, "military", 15.0)
    assert sites["Kraftwerk"].radius_km == 25.0 and sites["Kraftwerk"].category is None
    assert {rule.name for rule in list_rules(store)} == {
        "site:Botschaft Astana",
        "site:Kraftwerk",
        "site:Kaserne",
    }
    remove_site(store, "Kaserne")
    assert "site:Kaserne" not in {rule.name for rule in list_rules(store)}
    with pytest.raises(SiteError):
        import_sites(store, csv_file)  # already registered


@pytest.mark.parametrize(
    "arguments",
    [("", 0.0, 0.0), ("x", 91.0, 0.0), ("x", 0.0, 0.0, "castle"), ("x", 0.0, 0.0, None, 0.0)],
)
def test_malformed_sites_are_refused(arguments: tuple) -> None:
    with pytest.raises(SiteError):
        Site(*arguments)


def test_sites_cli(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from lagebild.cli import app
    from lagebild.cli import watch as _  # noqa: F401  registers the commands

    db = str(tmp_path / "cli.db")
    runner = CliRunner()
    added = runner.invoke(
        app,
        ["sites", "add", "Almaty", "--lat", "43.25", "--lon", "76.92", "--category", "civilian", "--db", db],
    )
    assert added.exit_code == 0, added.output
    add_report(open_store(db))
    listed = runner.invoke(app, ["sites", "list", "--db", db]).output
    assert "Almaty" in listed and "civilian" in listed and "2 events" in listed and "critical" in listed
    shown = runner.invoke(app, ["site", "Almaty", "--db", db])
    assert shown.exit_code == 0 and "doc-jan6 example.de „Gewalt in Almaty“" in shown.output
    assert runner.invoke(app, ["site", "Nowhere", "--db", db]).exit_code == 1


@pytest.mark.slow
def test_sample_corpus_site_in_almaty(tmp_path: Path, sample_dir: Path) -> None:
    """On the real sample corpus: a site in Almaty sees the 6 January reports and raises alerts."""
    from lagebild.ingest import ingest_paths

    store = open_store(str(tmp_path / "sample.db"))
    add_site(store, Site("Almaty", 43.2567, 76.9286, "civilian", 25.0))
    summary = ingest_paths(store, [sample_dir])
    assert summary.failed == 0, summary.failures
    alerts = evaluate_new_events(store, summary.document_ids, deliver=False)
    with store.read_session() as session:
        view = threat_view(session, get_site(session, "Almaty"))
    january_6 = [item for item in view.events if item.event.date == "2022-01-06"]
    assert january_6, [item.event.date for item in view.events]
    assert all(item.source.document_id in summary.document_ids and item.evidence for item in january_6)
    assert {item.event.id for item in january_6} <= {alert.event_id for alert in alerts}


def test_routes_json_atom_pages_and_token(store: Store) -> None:
    from fastapi.testclient import TestClient

    from lagebild.alerts.routes import router
    from lagebild.api.app import create_app

    app = create_app(store, token="secret-token")
    app.include_router(router)
    client = TestClient(app)
    site = {"name": "Almaty", "latitude": ALMATY[0], "longitude": ALMATY[1], "category": "civilian"}
    assert client.post("/api/v1/sites", json=site).status_code == 401
    created = client.post("/api/v1/sites", json=site, headers={"Authorization": "Bearer secret-token"})
    assert created.status_code == 201
    add_report(store)
    evaluate_new_events(store, ["doc-jan6"], deliver=False)
    (listed,) = client.get("/api/v1/sites").json()
    assert listed["threat_level"] == "critical" and {e["date"] for e in listed["events"]} == {"2022-01-06"}
    (rule,) = client.get("/api/v1/watch").json()
    feed = client.get(f"/api/v1/watch/{rule['id']}/feed.atom")
    assert feed.headers["content-type"].startswith("application/atom+xml") and feed.text.count("<entry>") == 2
    page = client.get("/sites")
    assert page.status_code == 200 and "Gewalt in Almaty" in page.text and "<script>" not in page.text
    assert client.get("/watch").status_code == 200 and client.get("/watch/static/sites.js").status_code == 200
