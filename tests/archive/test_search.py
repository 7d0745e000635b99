"""Search over a real archive made by importing generated photos."""

from __future__ import annotations

import datetime as dt

import pytest

import archive.store.search as search_module
from archive.demo.build import demo_specs
from archive.demo.photos import PhotoSpec, write_photo
from archive.errors import QueryError
from archive.store.search import search
from archive.sync import import_paths

UTC = dt.timezone.utc


@pytest.fixture
def demo(archive, tmp_path):
    folder = tmp_path / "photos"
    folder.mkdir()
    for seed, spec in enumerate(demo_specs()):
        write_photo(folder, spec, seed=seed)
    import_paths(archive, [folder], thumbnails=False)
    return archive


def paths(archive, page):
    rows = {i: p for i, p in archive.conn.execute("SELECT id, path FROM photos")}
    return [rows[i].rsplit("/", 1)[1] for i in page.photo_ids]


def test_place_terms_go_through_the_gazetteer(demo):
    kyiv = set(paths(demo, search(demo.conn, "place:Kyiv")))
    assert {"hoffman_air_raid_kyiv.jpg", "boushnak_christmas_tree.jpg", "reuters_metro_kiev.jpg",
            "afp_kyiv_cyrillic.jpg", "exif_only_kyiv.jpg", "hoffman_market_kyiv.jpg"} == kyiv
    assert set(paths(demo, search(demo.conn, "place:Kiev"))) == kyiv
    assert set(paths(demo, search(demo.conn, "place:Київ"))) == kyiv
    assert paths(demo, search(demo.conn, "place:Copenhagen")) == ["pa_copenhagen.jpg"]
    assert "boushnak_lviv.jpg" not in kyiv


def test_words_are_case_and_accent_insensitive(demo):
    assert paths(demo, search(demo.conn, "KOBENHAVN")) == ["pa_copenhagen.jpg"]
    assert paths(demo, search(demo.conn, '"christmas tree"')) == ["boushnak_christmas_tree.jpg"]


def test_fields_dates_negation_and_or(demo):
    assert paths(demo, search(demo.conn, 'by:"Laura Boushnak" taken:2022-12-17')) == [
        "boushnak_lviv.jpg", "boushnak_christmas_tree.jpg"]
    assert paths(demo, search(demo.conn, "by:Boushnak -place:Lviv")) == ["boushnak_christmas_tree.jpg"]
    # Capture just after midnight local time belongs to the local day.
    assert "ap_kharkiv_midnight.jpg" in paths(demo, search(demo.conn, "taken:2022-12-19"))
    assert "ap_kharkiv_midnight.jpg" not in paths(demo, search(demo.conn, "taken:2022-12-18"))
    assert set(paths(demo, search(demo.conn, "place:Lviv OR place:Minsk"))) == {"boushnak_lviv.jpg", "getty_minsk.jpg"}
    assert "exif_only_kyiv.jpg" in paths(demo, search(demo.conn, "-has:caption"))
    assert paths(demo, search(demo.conn, "credit:Sputnik")) == ["getty_minsk.jpg"]
    assert search(demo.conn, "is:missing").total == 0


def test_newest_first_in_keyset_pages(demo):
    seen, cursor = [], None
    while True:
        page = search(demo.conn, "", limit=3, after=cursor)
        seen.extend(page.photo_ids)
        cursor = page.next
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 10
    taken = dict(demo.conn.execute("SELECT id, taken_at FROM photos"))
    moments = [dt.datetime.fromisoformat(taken[i]) for i in seen]
    assert moments == sorted(moments, reverse=True)


def test_facets_are_exact(demo):
    page = search(demo.conn, "place:Kyiv", facets=True)
    creators = {v[0]: v[1] for v in page.facets["creator"]}
    assert creators["Brendan Hoffman"] == 3
    assert {v[0]: v[1] for v in page.facets["place"]} == {"Kyiv": 6}
    everything = search(demo.conn, "", facets=True)
    assert everything.total == 10
    assert {v[0]: v[1] for v in everything.facets["agency"]}["The New York Times"] == 4


def test_bitmap_counts_equal_row_counts(demo, monkeypatch):
    queries = ["place:Kyiv", "ukraine", "-has:caption", "by:Hoffman taken:2022-12", "country:Ukraine -kiev",
               "place:Lviv OR place:Minsk"]
    expected = {q: (search(demo.conn, q, facets=True)) for q in queries}
    monkeypatch.setattr(search_module, "BIG", 0)          # force the bitmap path
    for q in queries:
        page = search(demo.conn, q, facets=True)
        assert page.total == expected[q].total, q
        assert page.facets == expected[q].facets, q


def test_bitmaps_follow_writes(demo, tmp_path, monkeypatch):
    monkeypatch.setattr(search_module, "BIG", 0)
    before = search(demo.conn, "place:Kyiv").total
    folder = tmp_path / "more"
    folder.mkdir()
    write_photo(folder, PhotoSpec("new_kyiv.jpg", creator=["New Person"], city="Kyiv",
                                  taken=dt.datetime(2023, 1, 1, 12, tzinfo=UTC), size=(80, 60)))
    import_paths(demo, [folder], thumbnails=False)
    assert search(demo.conn, "place:Kyiv").total == before + 1


@pytest.mark.parametrize("bad, message", [
    ("foo:bar", "unknown field"),
    ('"open', "unbalanced quote"),
    ("taken:2022-13", "bad date"),
    ("is:pretty", "not a known flag"),
])
def test_bad_queries_are_errors_not_empty_results(demo, bad, message):
    with pytest.raises(QueryError, match=message):
        search(demo.conn, bad)


def test_bad_cursor(demo):
    with pytest.raises(QueryError, match="cursor"):
        search(demo.conn, "", after="nonsense")
