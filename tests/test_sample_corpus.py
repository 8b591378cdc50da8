"""End to end on the bundled sample corpus: entities linked, events coded, exports valid.

The corpus is ingested once for the module with the real pipeline (NER model, knowledge
base, time expressions, event coding), exactly as ``lagebild ingest`` does.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from lagebild.exports import ACLED_COLUMNS, write_export
from lagebild.ingest import ingest_paths
from lagebild.store import Store, open_store
from lagebild.store.schema import DocumentRow, EntityRow, EventRow, MentionRow


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory: pytest.TempPathFactory, sample_dir: Path) -> Iterator[Store]:
    store = open_store(str(tmp_path_factory.mktemp("sample") / "sample.db"))
    summary = ingest_paths(store, [sample_dir])
    assert (summary.new, summary.failed) == (5, 0), summary.failures
    yield store
    store.close()


def entity_of(store: Store, surface: str, document_prefix: str | None = None) -> EntityRow:
    """The entity a mention with exactly this text is linked to (the same in every document)."""
    with store.read_session() as session:
        statement = (
            select(EntityRow)
            .join(MentionRow, MentionRow.entity_id == EntityRow.id)
            .where(MentionRow.text == surface)
        )
        if document_prefix:
            statement = statement.join(DocumentRow, DocumentRow.id == MentionRow.document_id).where(
                DocumentRow.source.like(f"%/{document_prefix}%")
            )
        found = session.scalars(statement).unique().all()
    assert len(found) == 1, f"{surface!r} linked to {[e.id for e in found]}"
    return found[0]


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(h))


SAME_ENTITY = [
    ("Kassym-Schomart Tokajew", "Toqajew", "Tokajew"),
    ("Wladimir Putin", "Putin"),
    ("OVKS", "CSTO"),
    ("Nur-Sultan", "Astana"),
]


@pytest.mark.parametrize("spellings", SAME_ENTITY, ids=lambda s: s[0])
def test_spellings_link_to_one_entity(sample_store: Store, spellings: tuple[str, ...]) -> None:
    ids = {entity_of(sample_store, spelling).id for spelling in spellings}
    assert len(ids) == 1, ids


@pytest.mark.parametrize(
    "name", ["Dmitri Peskow", "Sergej Schoigu", "Alexander Lukaschenko", "Stanislav Zas"]
)
def test_people_are_found_and_linked_to_the_knowledge_base(sample_store: Store, name: str) -> None:
    entity = entity_of(sample_store, name)
    assert entity.type == "PER" and not entity.provisional


PLACES = {
    "Kasachstan": (48.0, 67.0, 900),  # a country: its centre, loosely
    "Almaty": (43.25, 76.92, 25),
    "Aktau": (43.65, 51.16, 25),
    "Schangaösen": (43.34, 52.86, 25),
    "Dnipro": (48.45, 35.05, 25),
    "Brjansk": (53.25, 34.37, 25),
    "Kursk": (51.73, 36.19, 25),
    "Nur-Sultan": (51.17, 71.43, 25),
}


@pytest.mark.parametrize("place", sorted(PLACES))
def test_places_have_the_right_coordinates(sample_store: Store, place: str) -> None:
    lat, lon, tolerance = PLACES[place]
    entity = entity_of(sample_store, place)
    assert entity.latitude is not None, f"{place} has no coordinates"
    assert km((entity.latitude, entity.longitude), (lat, lon)) <= tolerance


def events(store: Store, **conditions: str) -> list[EventRow]:
    with store.read_session() as session:
        statement = select(EventRow)
        for key, value in conditions.items():
            statement = statement.where(getattr(EventRow, key) == value)
        return list(session.scalars(statement))


def test_state_of_emergency_is_dated_to_wednesday_the_fifth(sample_store: Store) -> None:
    found = [e for e in events(sample_store, type="COERCE") if e.date == "2022-01-05"]
    assert found, "no COERCE event on 2022-01-05"


def test_withdrawal_begins_on_the_thirteenth(sample_store: Store) -> None:
    assert any(e.date == "2022-01-13" for e in events(sample_store, type="RETREAT"))


def test_missile_strike_on_dnipro_keeps_its_year_unknown(sample_store: Store) -> None:
    strikes = [e for e in events(sample_store, type="ASSAULT") if e.date == "XXXX-11-21"]
    assert strikes and any(e.place == "Dnipro" or (e.place or "").startswith("Dnipro") for e in strikes)


def test_almaty_casualties_are_counted_and_attributed(sample_store: Store) -> None:
    counted = [e for e in events(sample_store) if e.killed == 18 and e.injured == 748]
    assert counted
    assert all(e.modality == "reported" and e.attributed_to for e in counted)


def export(store: Store, what: str, fmt: str) -> str:
    out = io.StringIO()
    with store.read_session() as session:
        write_export(session, what, fmt, out)
    return out.getvalue()


def test_geojson_export_is_valid_rfc7946(sample_store: Store) -> None:
    from geojson_pydantic import FeatureCollection

    collection = FeatureCollection.model_validate_json(export(sample_store, "events", "geojson"))
    assert collection.features
    for feature in collection.features:
        lon, lat = feature.geometry.coordinates[:2]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
    places = {feature.properties["place"] for feature in collection.features}
    assert {"Almaty", "Dnipro"} <= places


def test_acled_export_has_acled_columns_and_dated_rows(sample_store: Store) -> None:
    rows = list(csv.DictReader(io.StringIO(export(sample_store, "events", "acled"))))
    assert rows and list(rows[0]) == ACLED_COLUMNS
    assert all(len(row["event_date"]) == 10 and row["year"].isdigit() for row in rows)
    assert any(row["country"] == "Kazakhstan" and row["event_type"] for row in rows)


@pytest.mark.parametrize("what", ["documents", "entities", "mentions", "events"])
def test_jsonl_and_csv_exports_agree(sample_store: Store, what: str) -> None:
    lines = export(sample_store, what, "jsonl").splitlines()
    records = [json.loads(line) for line in lines]
    rows = list(csv.DictReader(io.StringIO(export(sample_store, what, "csv"))))
    assert records and len(rows) == len(records)
    assert [str(r["id"] if "id" in r else r["start"]) for r in records] == [
        row["id"] if "id" in row else row["start"] for row in rows
    ]


def run_cli(store: Store, *arguments: str) -> str:
    from typer.testing import CliRunner

    import lagebild.cli.annotations  # noqa: F401  (registers the commands)
    from lagebild.cli import app

    result = CliRunner().invoke(app, [*arguments, "--db", store.url], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    return result.output


def test_timeline_reads_in_date_order_with_precision(sample_store: Store) -> None:
    output = run_cli(sample_store, "timeline", "--by", "day")
    periods = [line.split()[0] for line in output.splitlines() if line[:4].isdigit()]
    assert periods == sorted(periods)
    assert "2022-01 (only the month known)" in output
    assert {"2022-01-05", "2022-01-06", "2022-01-13"} <= set(periods)
    assert "without a known year" in output  # the Dnipro strike of XXXX-11-21 is not forced into a year


def test_entities_and_entity_commands_show_spellings_and_sentences(sample_store: Store) -> None:
    tokajew = entity_of(sample_store, "Toqajew")
    listing = run_cli(sample_store, "entities", "--type", "PER")
    assert tokajew.id in listing and "Toqajew" in listing
    detail = run_cli(sample_store, "entity", tokajew.id)
    assert "Präsident Qassym-Schomart Toqajew machte bösartige ausländische Kräfte" in detail


def test_events_command_filters_by_type_and_place(sample_store: Store) -> None:
    output = run_cli(sample_store, "events", "--type", "RETREAT", "--since", "2022-01-13")
    assert "RETREAT" in output and "MOBILIZE" not in output


def test_a_publication_date_given_by_the_user_resolves_the_year(tmp_path: Path, sample_dir: Path) -> None:
    store = open_store(str(tmp_path / "dated.db"))
    (page,) = sample_dir.glob("000_*.txt")
    summary = ingest_paths(store, [page], hints={"published": "2024-11-22"})
    assert summary.new == 1
    with store.read_session() as session:
        document = session.scalars(select(DocumentRow)).one()
    assert (document.published, document.published_precision) == ("2024-11-22", "day")
    assert any(e.date == "2024-11-21" for e in events(store, type="ASSAULT"))
