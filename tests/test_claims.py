"""Event merging, claims with consensus/conflict, source profiles and exports."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from sqlalchemy import select

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from lagebild.store import Store, open_store
from lagebild.store.schema import CanonicalEventRow, ClaimRow, EventRow, OutletRow
from lagebild.stories.claims import update_claims
from lagebild.stories.gold import load_gold
from lagebild.stories.merge import merge_events
from lagebild.stories.queries import claim_records, contested
from lagebild.stories.sources import (
    country_of_url,
    import_labels,
    outlet_profiles,
    set_label,
    translation_signs,
)
from lagebild.stories.values import (
    date_relation,
    date_span,
    dates_compatible,
    label_category,
    place_relation,
    weapon_key,
    weapons_compatible,
)

CORPUS = Path(__file__).parent / "fixtures" / "stories" / "corpus.jsonl"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "kz-2022-de"


@pytest.fixture(scope="module")
def merged(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('claims') / 'claims.db'}")
    gold = load_gold(store, CORPUS)
    update_claims(store, merge_events(store, list(gold)))
    return store


def canonical_members(store: Store) -> dict[str, set[str]]:
    with store.read_session() as session:
        members: dict[str, set[str]] = {}
        for event_id, canonical_id in session.execute(select(EventRow.id, EventRow.canonical_event_id)):
            members.setdefault(canonical_id, set()).add(event_id)
        return members


def test_reports_of_one_event_become_one_canonical_event(merged: Store) -> None:
    assert sorted(map(sorted, canonical_members(merged).values())) == [
        ["d05-e1", "d06-e1", "d07-e1"],  # resignation: day, month precision; Warsaw and Poland
        ["d08-e1", "d08-e2", "d09-e1", "d10-e1"],  # Dnipro strike, incl. the year-less 21 Nov sentence
        ["d08-e3"],  # Putin's threat is another event of the same story
        ["d11-e1"],  # Kharkiv, three days later: another strike
        ["d12-e1", "d13-e1", "d14-e1"],  # Tbilisi protest
    ]


def test_canonical_event_takes_the_most_precise_date_and_place(merged: Store) -> None:
    with merged.read_session() as session:
        strike = session.get(CanonicalEventRow, "ce-d08-e1")
        resignation = session.get(CanonicalEventRow, "ce-d05-e1")
    assert strike is not None and resignation is not None
    assert (strike.date, strike.place_id, strike.mentions) == ("2024-11-21", "gn:709930", 4)
    assert (resignation.date, resignation.place_id) == ("2025-03-14", "gn:756135")


def test_conflicts_are_exactly_the_contested_attributes(merged: Store) -> None:
    with merged.read_session() as session:
        conflicting = set(
            session.execute(
                select(ClaimRow.canonical_event_id, ClaimRow.attribute).where(ClaimRow.status == "conflict")
            )
        )
    assert conflicting == {
        ("ce-d08-e1", "weapon"),
        ("ce-d08-e1", "injured"),
        ("ce-d12-e1", "actor_label"),
        ("ce-d12-e1", "arrested"),
    }


def test_missile_type_conflict_names_both_sides(merged: Store) -> None:
    with merged.read_session() as session:
        weapons = {
            record["value"].split(" (")[0]: record
            for record in claim_records(session, ["ce-d08-e1"])
            if record["attribute"] == "weapon"
        }
    assert set(weapons) == {"Oreshnik", "intercontinental ballistic missile"}
    oreshnik, icbm = weapons["Oreshnik"], weapons["intercontinental ballistic missile"]
    assert {source["speaker"] for source in oreshnik["sources"]} == {
        "Wladimir Putin",
        "Pentagon",
        "Минобороны России",
    }
    assert oreshnik["support"] == 3 and "Haselnuss" in oreshnik["value"]
    assert [source["speaker"] for source in icbm["sources"]] == ["ukrainische Luftwaffe"]
    assert icbm["sources"][0]["quote"].startswith("Russland hat am 21. November")


def test_agreeing_values_are_consensus_and_single_sources_have_support_one(merged: Store) -> None:
    with merged.read_session() as session:
        records = claim_records(session)
    by_key = {(record["event_id"], record["attribute"], record["value"]): record for record in records}
    assert by_key[("ce-d05-e1", "date", "2025-03-14")]["status"] == "consensus"
    assert by_key[("ce-d05-e1", "date", "2025-03")]["status"] == "consensus"
    assert by_key[("ce-d08-e1", "date", "XXXX-11-21")]["status"] == "consensus"
    place = by_key[("ce-d12-e1", "place", "Tiflis (Tbilisi, Тбилиси)")]
    assert (place["status"], place["support"]) == ("consensus", 3)
    killed = by_key[("ce-d11-e1", "killed", "1")]
    assert (killed["status"], killed["support"]) == ("consensus", 1)
    assert {record["status"] for record in records} == {"consensus", "conflict"}


def test_framing_conflict_separates_protesters_from_radicals(merged: Store) -> None:
    with merged.read_session() as session:
        items = [item for item in contested(session) if item["attribute"] == "actor_label"]
    assert len(items) == 1
    values = {
        value["value"]: [source["outlet"] for source in value["sources"]] for value in items[0]["values"]
    }
    assert values == {
        "protesters (Demonstranten)": ["Kaukasus-Rundschau", "Caucasus Monitor"],
        "terrorists and armed groups (радикалы)": ["Vesti Segodnya"],
    }


def test_merging_and_claims_are_idempotent(merged: Store) -> None:
    with merged.read_session() as session:
        before = sorted(session.execute(select(ClaimRow.id, ClaimRow.status, ClaimRow.support)).all())
    assert merge_events(merged, ["d08", "d09"]) == []
    update_claims(merged, ["ce-d08-e1"])
    with merged.read_session() as session:
        assert sorted(session.execute(select(ClaimRow.id, ClaimRow.status, ClaimRow.support)).all()) == before


def test_claims_export_lines_carry_event_value_status_and_sources(merged: Store) -> None:
    from lagebild.stories.exports import export_claims

    handle = io.StringIO()
    with merged.read_session() as session:
        export_claims(session, "jsonl", handle)
    lines = [json.loads(line) for line in handle.getvalue().splitlines()]
    assert lines and {
        "event_id",
        "event_type",
        "event_date",
        "attribute",
        "value",
        "status",
        "sources",
    } <= set(lines[0])
    assert {line["status"] for line in lines} == {"consensus", "conflict"}
    assert set(lines[0]["sources"][0]) >= {"document_id", "outlet", "speaker", "start", "end"}


def test_dates_compare_by_precision() -> None:
    assert date_relation(date_span("2022-01"), date_span("2022-01-06")) == "overlap"
    assert date_relation(date_span("XXXX-11-21"), date_span("2024-11-21")) == "partial"
    assert date_relation(date_span("XXXX-11-21"), date_span("2024-11-22")) == "disjoint"
    assert date_relation(date_span("2022-01-06"), date_span("2022-01-07")) == "near"
    assert date_relation(date_span("2022-01-06"), date_span("2022-01-19")) == "disjoint"
    assert date_relation(date_span("2022-01-06", "2022-01-19"), date_span("2022-01-13")) == "overlap"
    assert dates_compatible("2022", "2022-12-31") and not dates_compatible("2021-12", "2022-01-01")


def test_weapons_normalise_across_languages_and_compare_along_the_hierarchy() -> None:
    assert weapon_key("Haselnuss") == weapon_key("Oreschnik") == weapon_key("«Орешник»") == "Oreshnik"
    assert weapon_key("interkontinentale ballistische Rakete") == "intercontinental ballistic missile"
    assert weapons_compatible("Oreshnik", "intermediate-range ballistic missile")
    assert weapons_compatible("ballistic missile", "Oreshnik")
    assert not weapons_compatible("Oreshnik", "intercontinental ballistic missile")
    assert not weapons_compatible("cruise missile", "ballistic missile")


def test_actor_labels_fall_into_framing_categories() -> None:
    assert label_category("Demonstranten") == label_category("Protestierende") == "protesters"
    assert (
        label_category("ausländische Banden") == label_category("Militante") == "terrorists and armed groups"
    )
    assert label_category("боевики") == label_category("terrorists") == "terrorists and armed groups"
    assert label_category("Eingang") is None and label_category("Russland") is None


def test_places_contain_each_other_through_the_kb() -> None:
    assert place_relation("Q232", "Kasachstan", "Q35493", "Almaty") == "contains"
    assert place_relation("gn:709930", "Dnipro", "gn:706483", "Charkiw") == "different"
    assert place_relation(None, "Almaty", None, "almaty") == "same"


def test_machine_translation_signs_in_german_text() -> None:
    flagged = translation_signs(
        "Die State of affairs eskalierte. Die Kämpfe in der Area Berg-Karabach dauern an."
    )
    assert flagged.flagged and "State of affairs" in flagged.hits
    assert "der Area Berg-Karabach" in flagged.hits
    clean = translation_signs(
        'Die "New York Times" berichtete, der Präsident habe die Lage als ernst bezeichnet.'
    )
    assert clean.hits == [] and not clean.flagged


def test_outlet_profiles_use_user_labels_over_tld_guesses(merged: Store, tmp_path: Path) -> None:
    labels = tmp_path / "labels.csv"
    labels.write_text(
        "name,label,country,note\nVesti Segodnya,state-affiliated,RU,test note\n", encoding="utf-8"
    )
    assert import_labels(merged, labels) == 1
    set_label(merged, "Atlantic Wire", "wire service", country="us")
    with merged.read_session() as session:
        profiles = {profile.name: profile for profile in outlet_profiles(session)}
        assert session.get(OutletRow, "Atlantic Wire").country == "US"
    vesti = profiles["Vesti Segodnya"]
    assert (vesti.label, vesti.country, vesti.country_from, vesti.note) == (
        "state-affiliated",
        "RU",
        "label",
        "test note",
    )
    assert profiles["Kiewer Bote"].country_from == "tld" and profiles["Kiewer Bote"].documents == 2
    # Vesti goes against the majority on the Tbilisi arrests and framing (the weapon majority is shared)
    assert vesti.against_majority == 2 and vesti.claims > 2
    assert profiles["Atlantic Wire"].label == "wire service"
    assert country_of_url("https://rivernews.co.uk/x") == "GB" and country_of_url("https://x.com/a") is None


@pytest.mark.slow
def test_sample_corpus_conflict_and_csto_deployment(tmp_path: Path) -> None:
    """Against the real pipeline: the missile-type conflict and one CSTO deployment event."""
    pytest.importorskip("lagebild.events")
    from lagebild.ingest import ingest_paths
    from lagebild.stories import update_stories

    store = open_store(f"sqlite:///{tmp_path / 'kz.db'}")
    summary = ingest_paths(store, [EXAMPLES])
    assert summary.failed == 0, summary.failures
    update_stories(store, summary.document_ids)
    with store.read_session() as session:
        weapon_conflicts = [item for item in contested(session) if item["attribute"] == "weapon"]
        prefix = {row_id: row_id for row_id in summary.document_ids}
        deployments = session.execute(
            select(EventRow.canonical_event_id, EventRow.document_id).where(EventRow.type == "MOBILIZE")
        ).all()
    assert weapon_conflicts, "the Oreshnik/ICBM conflict was not found"
    keys = {value["value"].split(" (")[0] for value in weapon_conflicts[0]["values"]}
    assert {"Oreshnik", "intercontinental ballistic missile"} <= keys
    for value in weapon_conflicts[0]["values"]:
        assert value["sources"] and all(source["document_id"] in prefix for source in value["sources"])
    files = {path.name[:3]: path for path in EXAMPLES.iterdir()}
    by_document = {}
    with store.read_session() as session:
        from lagebild.store.schema import DocumentRow

        for doc_id, source in session.execute(select(DocumentRow.id, DocumentRow.source)):
            by_document[doc_id] = Path(source.split("#")[0]).name[:3]
    canonical_by_file: dict[str, set[str]] = {}
    for canonical_id, document_id in deployments:
        canonical_by_file.setdefault(by_document[document_id], set()).add(canonical_id)
    assert {"001", "003", "004"} <= set(canonical_by_file), canonical_by_file
    shared = canonical_by_file["001"] & canonical_by_file["003"] & canonical_by_file["004"]
    assert shared, f"no canonical deployment event shared by 001, 003, 004: {canonical_by_file}"
    assert files


def test_a_generic_value_beside_contradicting_ones_stays_consensus() -> None:
    from lagebild.stories.claims import ClaimValue, contradicted_values

    values = [
        ClaimValue("weapon", key, key)
        for key in ("missile", "Oreshnik", "intercontinental ballistic missile")
    ]
    assert contradicted_values("weapon", values, {}) == {"Oreshnik", "intercontinental ballistic missile"}
    assert (
        contradicted_values("killed", [ClaimValue("killed", "5", "5"), ClaimValue("killed", "5", "5")], {})
        == set()
    )


def test_date_ranges_and_capitals_are_compatible_claims() -> None:
    from lagebild.stories.claims import ClaimValue, contradicted_values

    dates = [ClaimValue("date", key, key) for key in ("2022-01-05/2022-01-19", "2022-01-06", "2022-02-01")]
    assert contradicted_values("date", dates, {}) == {"2022-01-05/2022-01-19", "2022-01-06", "2022-02-01"}
    assert contradicted_values("date", dates[:2], {}) == set()
    actors = [ClaimValue("actor", key, key) for key in ("Q159", "Q649")]  # Russland, Moskau
    assert contradicted_values("actor", actors, {}) == set()


def _participant_values(attribute: str, reports: list[tuple[str, str, str]]) -> list:
    """ClaimValues of one attribute from (document id, value key, modality) reports."""
    from lagebild.stories.claims import ClaimValue, Observation

    values: dict[str, ClaimValue] = {}
    for index, (document_id, key, modality) in enumerate(reports):
        event = EventRow(id=f"e{index}", document_id=document_id, type="CONSULT", modality=modality)
        value = values.setdefault(key, ClaimValue(attribute, key, key))
        value.observations.append(Observation(attribute, key, key, event, None))
    return list(values.values())


def test_participants_of_a_multi_party_event_are_not_competing_claims() -> None:
    from lagebild.stories.claims import contradicted_values, is_participant_set

    # Putin phoned several leaders; Russia, Belarus and the CSTO all deploy troops
    called = _participant_values(
        "target",
        [
            ("d1", "Q-tokajew", "reported"),
            ("d1", "Q-dschaparow", "reported"),
            ("d2", "Q-paschinjan", "asserted"),
        ],
    )
    assert contradicted_values("target", called, {}, "CONSULT") == set()
    deployers = _participant_values(
        "actor", [("d1", "Q159", "asserted"), ("d2", "Q184", "asserted"), ("d3", "Q-csto", "asserted")]
    )
    assert contradicted_values("actor", deployers, {}, "MOBILIZE") == set()
    # the same two actors of an attack are mutually exclusive perpetrators
    assert contradicted_values("actor", deployers, {}, "ASSAULT") == {"Q159", "Q184", "Q-csto"}
    # a party one source names and another denies is contested; a hypothetical is not a statement
    denied = _participant_values(
        "actor",
        [
            ("d1", "Q232", "asserted"),
            ("d2", "Q232", "denied"),
            ("d3", "Q159", "denied"),
            ("d3", "Q159", "hypothetical"),
        ],
    )
    assert contradicted_values("actor", denied, {}, "MOBILIZE") == {"Q232"}
    assert is_participant_set("actor_label", "MOBILIZE") and not is_participant_set("actor_label", "FIGHT")
    assert not is_participant_set("weapon", "MOBILIZE") and not is_participant_set("date", "CONSULT")


def test_the_two_sides_of_a_clash_are_not_a_framing_conflict() -> None:
    from lagebild.stories.claims import ClaimValue, contradicted_values

    sides = [ClaimValue("target_label", key, key) for key in ("state forces", "terrorists and armed groups")]
    assert contradicted_values("target_label", sides, {}, "FIGHT") == set()
    framing = [ClaimValue("actor_label", key, key) for key in ("protesters", "terrorists and armed groups")]
    assert contradicted_values("actor_label", framing, {}, "FIGHT") == {
        "protesters",
        "terrorists and armed groups",
    }
    assert contradicted_values("actor_label", framing, {}, "PROTEST") == {
        "protesters",
        "terrorists and armed groups",
    }


def test_adjacent_days_of_a_deployment_are_phases_but_a_strike_has_one_date() -> None:
    from lagebild.stories.claims import ClaimValue, contradicted_values

    days = [ClaimValue("date", key, key) for key in ("2022-01-06", "2022-01-07")]
    assert contradicted_values("date", days, {}, "MOBILIZE") == set()
    assert contradicted_values("date", days, {}, "ASSAULT") == {"2022-01-06", "2022-01-07"}
    apart = [ClaimValue("date", key, key) for key in ("2022-01-06", "2022-01-09")]
    assert contradicted_values("date", apart, {}, "RETREAT") == {"2022-01-06", "2022-01-09"}
