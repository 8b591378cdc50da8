"""Geocoding: place mentions in the sample corpus land within 25 km of the true place."""

from __future__ import annotations

from pathlib import Path

import pytest

from lagebild.kb import PlaceContext, geocode, haversine_km, link_mentions, load_kb
from lagebild.kb.geocode import choose_place
from lagebild.models import Mention

REPO = Path(__file__).resolve().parents[1]
CORPUS_DIRS = [REPO / "examples" / "kz-2022-de", REPO.parent / "shared" / "corpus" / "kz-2022-de"]
MAX_ERROR_KM = 25.0


@pytest.fixture(scope="module")
def corpus() -> dict[str, str]:
    """The five sample documents keyed by prefix ("000" … "004")."""
    for directory in CORPUS_DIRS:
        files = sorted(directory.glob("*.txt"))
        if files:
            return {path.name[:3]: path.read_text(encoding="utf-8") for path in files}
    raise FileNotFoundError(f"sample corpus not found in {CORPUS_DIRS}")


def test_haversine_matches_known_distances() -> None:
    assert haversine_km((43.25, 76.92), (43.25, 76.92)) == 0.0
    assert 950 < haversine_km((43.25, 76.92), (51.17, 71.43)) < 1000  # Almaty – Astana ≈ 970 km
    assert 19_900 < haversine_km((0.0, 0.0), (0.0, 180.0)) < 20_100


TRUE_PLACES = [
    ("003", "Almaty", (43.25, 76.92), "KZ"),
    ("001", "Aktau", (43.65, 51.16), "KZ"),
    ("001", "Schangaösen", (43.34, 52.86), "KZ"),
    ("000", "Dnipro", (48.45, 35.05), "UA"),
    ("000", "Brjansk", (53.25, 34.37), "RU"),
    ("000", "Kursk", (51.73, 36.19), "RU"),
    ("000", "Astana", (51.17, 71.43), "KZ"),
    ("002", "Nur-Sultan", (51.17, 71.43), "KZ"),
    ("000", "Kiew", (50.45, 30.52), "UA"),
    ("004", "Uljanowsk", (54.32, 48.40), "RU"),
    ("004", "Iwanowo", (57.00, 40.97), "RU"),
    ("003", "Baikonur", (45.62, 63.32), "KZ"),
]


@pytest.mark.parametrize(("doc", "surface", "truth", "country"), TRUE_PLACES)
def test_corpus_places_are_within_25_km(
    corpus: dict[str, str], doc: str, surface: str, truth: tuple[float, float], country: str
) -> None:
    text = corpus[doc]
    start = text.index(surface)
    linked = link_mentions(text, [Mention(start, start + len(surface), surface, "LOC")])[0]
    assert linked.latitude is not None and linked.longitude is not None
    assert haversine_km((linked.latitude, linked.longitude), truth) < MAX_ERROR_KM
    assert linked.country == country
    assert isinstance(linked.geonames_id, int)


def test_geocode_picks_the_populous_namesake_without_context() -> None:
    aktau = geocode("Aktau")
    assert (
        aktau is not None and haversine_km((aktau.latitude, aktau.longitude), (43.65, 51.16)) < MAX_ERROR_KM
    )
    assert len([e for e in load_kb().lookup("Aktau") if e.is_place]) > 1  # there are smaller Aktaus


def test_story_country_decides_between_namesakes() -> None:
    ukraine = "Raketen trafen Odessa. Die Ukraine meldete Schäden; Kiew protestierte."
    texas = "In Texas, USA, wurde Odessa von einem Tornado getroffen; die USA schickten Helfer. USA!"
    ukrainian, american = (
        link_mentions(text, [Mention(text.index("Odessa"), text.index("Odessa") + 6, "Odessa", "LOC")])[0]
        for text in (ukraine, texas)
    )
    assert ukrainian.country == "UA" and american.country == "US"
    assert haversine_km((ukrainian.latitude, ukrainian.longitude), (46.48, 30.73)) < MAX_ERROR_KM


def test_nearby_places_decide_between_equal_namesakes() -> None:
    kb = load_kb()
    candidates = [e for e in kb.lookup("Aktau") if e.is_place and e.population < 50_000]
    assert len(candidates) >= 2
    near_first = PlaceContext(points=[(candidates[0].latitude, candidates[0].longitude + 0.1)])
    near_second = PlaceContext(points=[(candidates[1].latitude, candidates[1].longitude + 0.1)])
    assert choose_place(candidates, near_first)[0] == candidates[0]
    assert choose_place(candidates, near_second)[0] == candidates[1]


def test_countries_and_regions_are_placed() -> None:
    kazakhstan = geocode("Kasachstan")
    assert kazakhstan is not None and kazakhstan.kind == "country" and kazakhstan.country == "KZ"
    region = geocode("Oblast Kursk")
    assert region is not None and region.kind == "region"
    assert haversine_km((region.latitude, region.longitude), (51.73, 36.19)) < 150


def test_unknown_place_is_not_invented() -> None:
    assert geocode("Qwertzuiopstadt") is None
