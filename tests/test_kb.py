"""The knowledge base artefact: size, load time, ids, names, containment, matching keys."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
import yaml

from lagebild.kb import load_kb, name_key
from lagebild.kb.base import ARTEFACT

DATA = resources.files("lagebild.kb").joinpath("data")
ID_PATTERN = re.compile(r"^(Q\d+|gn:\d+|kb:[a-z0-9-]+)$")


@pytest.fixture(scope="module")
def kb():
    return load_kb()


@pytest.fixture(scope="module")
def curated() -> dict:
    return yaml.safe_load(DATA.joinpath("curated.yaml").read_text(encoding="utf-8"))


def test_artefact_is_small_and_loads_in_a_fresh_process() -> None:
    assert Path(str(DATA.joinpath(ARTEFACT))).stat().st_size < 4_000_000
    code = (
        "import time; t = time.perf_counter(); from lagebild.kb import load_kb; kb = load_kb(); "
        "print(time.perf_counter() - t, len(kb.entities))"
    )
    seconds, count = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert float(seconds) > 0  # the load time is measured by bench/ner.py, not asserted here
    assert int(count) > 30_000


def test_artefact_was_built_from_the_current_curated_file(kb) -> None:
    digest = hashlib.sha256(DATA.joinpath("curated.yaml").read_bytes()).hexdigest()
    assert kb.sources["curated_sha256"] == digest, "curated.yaml changed: run scripts/build_kb.py"


def test_ids_are_unique_and_follow_the_scheme(kb) -> None:
    ids = [entity.id for entity in kb.entities]
    assert len(ids) == len(set(ids))
    assert all(ID_PATTERN.match(entity_id) for entity_id in ids)
    for entity in kb.entities:
        if entity.qid:
            assert entity.id == entity.qid
        elif entity.geonames_id and entity.kind == "city":
            assert entity.id == f"gn:{entity.geonames_id}"


def test_curated_seed_is_in_the_kb_with_names_in_three_languages(kb, curated) -> None:
    assert len(curated["entities"]) >= 150
    for row in curated["entities"]:
        hits = kb.lookup(row["name"]["en"])
        assert any(entity.names == row["name"] for entity in hits), row["name"]["en"]
        assert {"de", "en", "ru"} <= set(row["name"])


def test_countries_have_names_per_language_and_coordinates(kb) -> None:
    kazakhstan = kb.country_entity("KZ")
    assert kazakhstan is not None and kazakhstan.id == "Q232"
    assert kazakhstan.names == {"de": "Kasachstan", "en": "Kazakhstan", "ru": "Казахстан"}
    assert 40 < kazakhstan.latitude < 55 and 50 < kazakhstan.longitude < 87
    assert kb.country_entity("RU").name("de") == "Russland"


def test_places_nest_in_regions_and_countries(kb) -> None:
    almaty, zhanaozen = kb.lookup("Almaty")[0], kb.lookup("Zhanaozen")[0]
    mangystau = kb.lookup("Mangystau Region")[0]
    assert kb.country_of(almaty.id) == "KZ"
    assert kb.contains("Q232", almaty.id)
    assert kb.contains(mangystau.id, zhanaozen.id)
    assert kb.contains("Q232", zhanaozen.id)
    assert not kb.contains("Q159", almaty.id)
    assert not kb.contains(almaty.id, "Q232")
    assert not kb.contains("Q232", "Q232")
    assert kb.country_of("Q7747") == "RU"
    assert kb.country_of("no:such-id") is None


def test_parts_of_bodies_resolve(kb) -> None:
    assert kb.contains("Q1065", "Q37470")  # the Security Council is part of the UN


SAME_KEY = [
    ("Tokajew", "Toqajew", "Tokayev", "Tokaev", "Токаев", "Тоқаев"),
    ("Qassym-Schomart", "Kassym-Schomart", "Касым-Жомарт"),
    ("Schoigu", "Shoigu", "Шойгу"),
    ("Schangaösen", "Zhanaozen", "Жанаозен", "Жаңаөзен", "Schangaoesen"),
    ("Peskow", "Peskov", "Песков"),
    ("Wladimir Putin", "Vladimir Putin", "Владимир Путин"),
    ("Dmitri", "Dmitry", "Dmitrij", "Дмитрий"),
    ("Lukaschenko", "Lukashenko", "Лукашенко"),
    ("Selenskyj", "Zelensky", "Зеленский"),
    ("Mangghystau", "Mangystau", "Маңғыстау"),
    ("Brjansk", "Bryansk", "Брянск"),
    ("Gorbatschow", "Gorbachev", "Горбачёв"),
]
DIFFERENT_KEY = [("Andrej", "Anatoli"), ("Sadyr", "Akylbek"), ("Kursk", "Brjansk"), ("Schoigu", "Soigu")]


@pytest.mark.parametrize("spellings", SAME_KEY, ids=lambda s: s[0])
def test_spelling_variants_share_a_key(spellings: tuple[str, ...]) -> None:
    assert len({name_key(spelling) for spelling in spellings}) == 1


@pytest.mark.parametrize(("first", "second"), DIFFERENT_KEY)
def test_different_names_keep_different_keys(first: str, second: str) -> None:
    assert name_key(first) != name_key(second)
