"""A result of few photos is kept as their ids (no mask over the archive), one of many
as a mask: both give the same pages, positions, totals and facets.  A phrase whose
words share no field is answered at once, and still found once an edit joins them."""

from __future__ import annotations

import pytest

import archive.store.search as search_module
from archive.edit import edit_photo
from archive.store.bitmaps import _KEY_COLUMNS, forget_memory
from archive.store.search import facets_of, prepare, search, window

from .test_search_any_position import ON, QUERIES, template, varied  # noqa: F401

MORE = ["-police -museum", "police -snow has:caption", "police -is:licensed", "-by:Hoffman taken:2021..2022",
        "snow -rules:error -has:gps", "is:cleared police", "-is:unlicensed", '"police protest" -taken:2020',
        "museum OR -has:caption", "police snow -place:Paris is:flagged",
        "police taken:2021 OR by:Boushnak", "snow is:missing OR -has:gps OR museum", "rain",
        "police -museum OR taken:2022-03 OR -is:licensed", "taken:2021-03..2021-09 -police",
        "taken:2020 OR snow taken:2022", "taken:..2021-01-31 has:gps", "taken:2022-06.. is:licensed OR museum",
        "taken:2021-05-01..2021-05-31 -taken:2021-05-10..2021-05-20", "taken:2021 taken:2021-02",
        'taken:2020..2022 "police protest" OR -has:caption', "taken:1999", "-taken:2020 taken:..2022 rain"]


def _answers(conn, query):
    pages, cursor = [], None
    while True:
        page = search(conn, query, limit=4, after=cursor, count=False, today=ON)
        pages.append(page.photo_ids)
        cursor = page.next
        if cursor is None:
            break
    windows = {(sort, d): window(conn, query, offset=1, limit=6, sort=sort, descending=d, today=ON).photo_ids
               for sort in ("taken", "imported", "name", "creator") for d in (True, False)}
    return search(conn, query, facets=True, today=ON).total, pages, windows, facets_of(conn, query, today=ON)


@pytest.mark.parametrize("query", QUERIES[:-1] + MORE)
def test_few_as_ids_and_many_as_a_mask_agree(varied, monkeypatch, query):
    conn = varied.conn
    as_ids = _answers(conn, query)
    monkeypatch.setattr(search_module, "FEW_RESULTS", -1)
    forget_memory()
    as_mask = _answers(conn, query)
    assert as_ids == as_mask


def test_a_phrase_across_fields_is_answered_at_once_and_found_after_an_edit(varied, monkeypatch):
    from archive.store.bitmaps import Bitmaps

    conn = varied.conn
    prepare(conn, min_photos=2)
    forget_memory()
    made = Bitmaps.of

    def of(self, where, params=(), **kw):
        assert '"hoffman police"' not in params, "the phrase's positions were read"
        return made(self, where, params, **kw)

    with monkeypatch.context() as m:
        m.setattr(Bitmaps, "of", of)
        assert search(conn, '"hoffman police"', today=ON).total == 0
        assert search(conn, '-"hoffman police"', today=ON).total == search(conn, "", today=ON).total
        assert search(conn, '"hoffman police" OR snow', today=ON, count=False).photo_ids == \
            search(conn, "snow", today=ON, count=False).photo_ids
    pid = conn.execute("SELECT id FROM photos ORDER BY id LIMIT 1").fetchone()[0]
    edit_photo(varied, pid, {"caption": "Hoffman police at the river."})
    for fresh in (False, True):
        if fresh:
            forget_memory()
        assert search(conn, '"hoffman police"', today=ON).photo_ids == [pid]
        assert search(conn, '"hoffman police" OR zzz', today=ON, count=False).photo_ids == [pid]
        assert pid not in window(conn, '-"hoffman police"', offset=0, limit=500, today=ON).photo_ids
    # Kept again at the new generation: still right.
    prepare(conn, min_photos=2)
    forget_memory()
    assert search(conn, '"hoffman police"', today=ON).photo_ids == [pid]


def test_an_import_into_a_big_archive_has_it_prepared_in_the_background(varied, monkeypatch, tmp_path):
    import time

    import archive.store.bitmaps as bitmaps_module
    from archive.demo.photos import PhotoSpec, write_photo
    from archive.sync import import_paths

    monkeypatch.setattr(bitmaps_module, "PREPARE_MIN", 1)
    monkeypatch.setattr(bitmaps_module, "KEEP_DELAY", 0.05)
    conn = varied.conn
    assert conn.execute("SELECT count(*) FROM bitmap_cache WHERE key = 'fts-word-columns'").fetchone()[0] == 0
    folder = tmp_path / "more"
    folder.mkdir()
    write_photo(folder, PhotoSpec("new.jpg", caption="Snow on the bridge.", size=(64, 48)))
    import_paths(varied, [folder], thumbnails=False)
    generation_after_import = max(r[0] for r in conn.execute("SELECT seq FROM changes WHERE photo_id = "
                                                             "(SELECT max(id) FROM photos)"))
    wanted = {_KEY_COLUMNS, "order:taken", "order:imported", "order:name", "order:creator", "facet-pairs",
              "fts-word-columns"}
    for _ in range(300):
        kept = dict(conn.execute("SELECT key, generation FROM bitmap_cache"))
        if wanted <= set(kept):
            break
        time.sleep(0.02)
    # Kept at the generation the import ended with (later writes are patched in).
    assert wanted <= set(kept), kept
    by_generation = wanted - {"order:name", "order:creator"}        # these count renames instead
    assert min(kept[k] for k in by_generation) >= generation_after_import, kept
    forget_memory()
    assert search(conn, "snow bridge", today=ON).total >= 1


def test_a_bad_term_is_an_error_even_where_nothing_is_left_to_judge(varied):
    from archive.errors import QueryError

    for query in ("zzzz clearance:bogus OR is:missing", "zzzz -clearance:bogus", "clearance:bogus OR has:gps"):
        with pytest.raises(QueryError):
            search(varied.conn, query, today=ON)


def test_the_words_fields_are_noted_again_in_the_background_after_many_edits(varied, monkeypatch):
    import time

    import archive.store.bitmaps as bitmaps_module
    from archive.store.bitmaps import generation

    conn = varied.conn
    prepare(conn, min_photos=2)
    monkeypatch.setattr(bitmaps_module, "KEEP_DELAY", 0.05)
    monkeypatch.setattr(search_module, "RENOTE_AFTER", 0)
    pid = conn.execute("SELECT id FROM photos ORDER BY id LIMIT 1").fetchone()[0]
    edit_photo(varied, pid, {"caption": "Hoffman police at the river."})
    forget_memory()
    assert search(conn, '"hoffman police"', today=ON).photo_ids == [pid]
    for _ in range(300):
        row = conn.execute("SELECT generation FROM bitmap_cache WHERE key = 'fts-word-columns'").fetchone()
        if row[0] == generation(conn):
            break
        time.sleep(0.02)
    assert row[0] == generation(conn)
    forget_memory()
    assert search(conn, '"hoffman police"', today=ON).photo_ids == [pid]
    assert search(conn, '"hoffman museum"', today=ON).total == 0


@pytest.mark.parametrize("overlay_max", [50_000, 0])
def test_facet_pairs_after_edits_are_counted_beside_the_older_ones_exactly(varied, monkeypatch, overlay_max):
    import numpy as np

    import archive.store.bitmaps as bitmaps_module
    import archive.store.facets as facets_module
    from archive.store.facets import _pairs

    monkeypatch.setattr(facets_module, "OVERLAY_MAX", overlay_max)
    monkeypatch.setattr(bitmaps_module, "OVERLAY_MAX", overlay_max)
    conn = varied.conn
    queries = ["", "police", "-has:caption", "snow OR museum", "taken:2021"]
    facets_of(conn, "", today=ON)                           # pairs made and kept
    ids = [r[0] for r in conn.execute("SELECT id FROM photos ORDER BY id LIMIT 4")]
    edits = [{"creator": ["Aaron Aardvark"]}, {"city": "Lviv", "country": "Ukraine"},
             {"creator": ["Brendan Hoffman", "Sam Lee"], "credit": "AFP"}, {"creator": []}]
    for pid, change in zip(ids + ids[:2], edits + edits[:2][::-1]):
        edit_photo(varied, pid, change)
        patched = {q: facets_of(conn, q, today=ON) for q in queries}
        assert isinstance(_pairs(conn), facets_module._Overlay if overlay_max else facets_module.Pairs)
        rows = conn.execute("SELECT photo_id, value_id FROM photo_facets").fetchall()
        pairs = _pairs(conn)
        mask = np.zeros(max(p for p, _ in rows) + 2, bool)
        mask[::3] = True
        expected = np.zeros(max(v for _, v in rows) + 1, np.int64)
        for p, v in rows:
            expected[v] += bool(mask[p])
        got = pairs.counts(mask)
        got = np.concatenate([got, np.zeros(max(0, len(expected) - len(got)), np.int64)])
        assert (got[:len(expected)] == expected).all() and not got[len(expected):].any()
        assert (pairs.totals[:len(expected)] == np.bincount([v for _, v in rows], minlength=len(expected))).all()
        if overlay_max:
            assert 1 <= len(pairs.changed) <= len(ids)           # one overlay over the same older pairs
    # Overlays on overlays agree with pairs made again from the table.
    conn.execute("DELETE FROM bitmap_cache")
    forget_memory()
    assert patched == {q: facets_of(conn, q, today=ON) for q in queries}
    assert isinstance(_pairs(conn), facets_module.Pairs)


@pytest.mark.parametrize("slices_up_to", [1_000, 0])
def test_orders_patched_slice_by_slice_or_in_one_pass_agree(varied, monkeypatch, slices_up_to):
    import archive.store.sortkey as sortkey_module

    from .test_search_any_position import _all_ids, _expected_order

    monkeypatch.setattr(sortkey_module, "SLICES_UP_TO", slices_up_to)
    conn = varied.conn
    for sort in ("taken", "imported"):
        window(conn, "", offset=0, limit=5, sort=sort)
    ids = [r[0] for r in conn.execute("SELECT id FROM photos ORDER BY id")]
    for pid in (ids[0], ids[len(ids) // 2], ids[-1]):
        conn.execute("UPDATE photos SET sort_key = sort_key + 7, added_at = '2031-01-01T00:00:00' WHERE id = ?",
                     (pid,))
        everything = _all_ids(conn, "")
        for sort in ("taken", "imported"):
            for descending in (True, False):
                page = window(conn, "", offset=0, limit=len(ids) + 1, sort=sort, descending=descending)
                assert page.photo_ids == _expected_order(conn, everything, sort, descending), (sort, descending)


def test_every_flag_read_from_its_byte_is_the_flag_of_the_whole_word(varied):
    from archive.store.bitmaps import FLAG_BIT, Bitmaps

    cols = Bitmaps(varied.conn).columns()
    assert cols.flags.any()
    for name, bit in FLAG_BIT.items():
        assert (cols.flag(name) == ((cols.flags & bit) != 0)).all(), name


def test_a_date_range_finds_each_photo_by_its_own_local_day_at_the_ends_of_the_earth(tmp_path, monkeypatch):
    """The taken order runs by UTC; a date term by the photo's local day.  Photos taken
    late at UTC-12 and early at UTC+14 (a day and more apart in UTC) are found on their
    own day, by the stretch of the taken order as by a mask over every photo."""
    import datetime as dt

    from archive.demo.photos import PhotoSpec, write_photo
    from archive.store import open_archive
    from archive.sync import import_paths

    folder = tmp_path / "photos"
    folder.mkdir()
    times = [dt.datetime(2021, 5, 10, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-12))),
             dt.datetime(2021, 5, 11, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=14))),
             dt.datetime(2021, 5, 9, 23, 59, tzinfo=dt.timezone(dt.timedelta(hours=14))),
             dt.datetime(2021, 5, 12, 0, 1, tzinfo=dt.timezone(dt.timedelta(hours=-12))), None]
    for i, taken in enumerate(times):
        write_photo(folder, PhotoSpec(f"t{i}.jpg", caption="Rain.", taken=taken, size=(32, 24)), seed=i)
    with open_archive(tmp_path / "archive") as archive:
        import_paths(archive, [folder], thumbnails=False)
        conn = archive.conn
        by_name = {r[1].rsplit("/", 1)[-1]: r[0] for r in conn.execute("SELECT id, path FROM photos")}
        expected = {"taken:2021-05-10": {"t0.jpg"}, "taken:2021-05-11": {"t1.jpg"}, "taken:2021-05-09": {"t2.jpg"},
                    "taken:2021-05-12": {"t3.jpg"}, "taken:2021-05-10..2021-05-11 rain": {"t0.jpg", "t1.jpg"},
                    "-taken:2021-05-10 taken:2021-05": {"t1.jpg", "t2.jpg", "t3.jpg"}}
        for query, names in expected.items():
            found = set(search(conn, query, limit=50, today=ON).photo_ids)
            assert found == {by_name[n] for n in names}, query
            monkeypatch.setattr(search_module, "FEW_RESULTS", -1)
            forget_memory()
            assert set(search(conn, query, limit=50, today=ON).photo_ids) == found, query
            monkeypatch.setattr(search_module, "FEW_RESULTS", 1 << 17)
            forget_memory()
