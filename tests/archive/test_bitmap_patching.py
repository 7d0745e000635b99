"""Cached bitmaps and facet pairs follow writes by re-judging only the photos the
change log names, and give exactly what a rebuild from scratch gives."""

from __future__ import annotations

import pytest

import archive.store.bitmaps as bitmaps_module
import archive.store.facets as facets_module
import archive.store.search as search_module
from archive.demo.build import demo_specs
from archive.demo.photos import write_photo
from archive.edit import edit_photo
from archive.store.bitmaps import _KEY_COLUMNS, forget_memory, generation, keep_now, prune_changes
from archive.store.search import search
from archive.sync import import_paths

QUERIES = ["place:Kyiv", "ukraine", "-has:caption", "by:Hoffman taken:2022-12", "country:Ukraine -kiev",
           "place:Lviv OR place:Minsk", "tree", "is:flagged", ""]


@pytest.fixture
def demo(archive, tmp_path, monkeypatch):
    folder = tmp_path / "photos"
    folder.mkdir()
    for seed, spec in enumerate(demo_specs()):
        write_photo(folder, spec, seed=seed)
    import_paths(archive, [folder], thumbnails=False)
    monkeypatch.setattr(search_module, "BIG", 0)          # every condition through a bitmap
    return archive


def answers(archive) -> dict:
    return {q: (search(archive.conn, q, facets=True).total,
                search(archive.conn, q, facets=True).facets) for q in QUERIES}


def from_scratch(archive) -> dict:
    forget_memory()
    archive.conn.execute("DELETE FROM bitmap_cache")
    return answers(archive)


def kyiv_photo(archive) -> int:
    return archive.conn.execute("SELECT id FROM photos WHERE path LIKE '%christmas_tree%'").fetchone()[0]


class Spy:
    def __init__(self, monkeypatch):
        self.patched = self.facets_patched = 0
        real_among, real_patched = bitmaps_module.Bitmaps._among, facets_module._patched
        spy = self

        def among(self_, where, params, ids, fts):
            spy.patched += 1
            return real_among(self_, where, params, ids, fts)

        def patched(conn, pairs, changed):
            spy.facets_patched += 1
            return real_patched(conn, pairs, changed)

        monkeypatch.setattr(bitmaps_module.Bitmaps, "_among", among)
        monkeypatch.setattr(facets_module, "_patched", patched)


def test_an_edit_patches_the_cached_bitmaps(demo, monkeypatch):
    answers(demo)                                          # every bitmap made and kept
    pid = kyiv_photo(demo)
    edit_photo(demo, pid, {"caption": "A market in Lviv.", "city": "Lviv", "creator": ["Brendan Hoffman"]})
    spy = Spy(monkeypatch)
    patched = answers(demo)
    assert spy.patched > 0 and spy.facets_patched == 1
    assert patched == from_scratch(demo)
    assert patched["place:Lviv OR place:Minsk"][0] == 3


def test_patched_bitmaps_survive_in_the_archive_for_the_next_process(demo, monkeypatch):
    answers(demo)
    keep_now()
    edit_photo(demo, kyiv_photo(demo), {"caption": "No place at all"})
    answers(demo)                                          # patched and stored at the new generation
    stored = {k: g for k, g in demo.conn.execute("SELECT key, generation FROM bitmap_cache")}
    # The facet pairs, the per-photo columns and the taken order (megabytes at a million
    # photos) are written by the keeper a moment later, not on the query's time ...
    late = ("facet-pairs", _KEY_COLUMNS, "order:taken")
    assert all(stored.pop(key) < generation(demo.conn) for key in late)
    assert stored and set(stored.values()) == {generation(demo.conn)}
    # ... and then a new process finds everything current and patches nothing.
    assert keep_now() == len(late)
    stored = {k: g for k, g in demo.conn.execute("SELECT key, generation FROM bitmap_cache")}
    assert set(stored.values()) == {generation(demo.conn)}
    forget_memory()
    spy = Spy(monkeypatch)
    assert answers(demo) == from_scratch(demo)
    assert (spy.patched, spy.facets_patched) == (0, 0)


def test_the_keeper_writes_a_moment_after_the_query(demo, monkeypatch):
    import time

    monkeypatch.setattr(bitmaps_module, "KEEP_DELAY", 0.05)
    answers(demo)
    keep_now()
    edit_photo(demo, kyiv_photo(demo), {"caption": "No place at all"})
    answers(demo)
    for _ in range(200):
        row = demo.conn.execute("SELECT generation FROM bitmap_cache WHERE key = 'facet-pairs'").fetchone()
        if row[0] == generation(demo.conn):
            break
        time.sleep(0.02)
    assert row[0] == generation(demo.conn)


def test_facet_pairs_are_stored_again_after_many_changes(demo, monkeypatch):
    monkeypatch.setattr(facets_module, "KEEP_AFTER", 1)
    answers(demo)
    edit_photo(demo, kyiv_photo(demo), {"caption": "No place at all"})
    answers(demo)
    keep_now()
    stored = dict(demo.conn.execute("SELECT key, generation FROM bitmap_cache WHERE key = 'facet-pairs'"))
    assert stored["facet-pairs"] == generation(demo.conn)


def test_too_many_changes_or_a_pruned_log_rebuild(demo, monkeypatch):
    answers(demo)
    edit_photo(demo, kyiv_photo(demo), {"caption": "Moved to Kharkiv", "city": "Kharkiv"})
    monkeypatch.setattr(bitmaps_module, "PATCH_LIMIT", 0)
    spy = Spy(monkeypatch)
    assert answers(demo) == from_scratch(demo) and spy.patched == spy.facets_patched == 0
    monkeypatch.setattr(bitmaps_module, "PATCH_LIMIT", 20_000)
    answers(demo)
    edit_photo(demo, kyiv_photo(demo), {"caption": "Back in Kyiv", "city": "Kyiv"})
    with demo.conn:
        prune_changes(demo.conn, keep=1)                   # the log no longer reaches the cached generation
    forget_memory()
    assert answers(demo) == from_scratch(demo) and spy.patched == spy.facets_patched == 0


def test_the_log_never_restarts_its_sequence(demo):
    before = generation(demo.conn)
    with demo.conn:
        prune_changes(demo.conn, keep=1)
    assert generation(demo.conn) == before
    edit_photo(demo, kyiv_photo(demo), {"caption": "Again"})
    assert generation(demo.conn) > before


def test_patched_facet_pairs_stay_in_photo_order(demo):
    answers(demo)
    for pid in (kyiv_photo(demo), 1):
        edit_photo(demo, pid, {"creator": ["Someone Else", "A Second Person"], "city": "Odesa"})
        answers(demo)
    pairs = facets_module._pairs(demo.conn)
    assert (pairs.photo_ids[1:] >= pairs.photo_ids[:-1]).all()
    fresh = facets_module._read_all(demo.conn)
    assert sorted(zip(pairs.photo_ids.tolist(), pairs.value_ids.tolist())) == \
        sorted(zip(fresh.photo_ids.tolist(), fresh.value_ids.tolist()))
    # Where each photo's pairs start, kept through the patch, is where they start.
    for pid in range(1, int(fresh.photo_ids.max()) + 1):
        lo, hi = pairs.offsets[pid], pairs.offsets[pid + 1]
        assert (pairs.photo_ids[lo:hi] == pid).all() and hi - lo == (fresh.photo_ids == pid).sum()
