"""Search over a varied archive: results at any position in every sort, facet values
whose terms find exactly their counts, caches that belong to one archive, and what a
fresh process reads back."""

from __future__ import annotations

import datetime as dt
import random
import shutil

import pytest

from archive.demo.photos import PhotoSpec, write_photo
from archive.edit import edit_photo
from archive.query import parse_query
from archive.store import open_archive
from archive.store.bitmaps import forget_memory
from archive.store.search import FACET_KINDS, facets_of, prepare, search, window
from archive.sync import import_paths

ON = dt.date(2022, 12, 19)
KYIV = dt.timezone(dt.timedelta(hours=2))
CREATORS = ["Brendan Hoffman", "Laura Boushnak", "Émilie Dupont", "Oleksii Chumachenko", "Sam Lee"]
CITIES = [("Kyiv", "Ukraine"), ("Kiev", "Ukraine"), ("Lviv", "Ukraine"), ("Paris", "France"), (None, None)]
AGENCIES = ["Reuters", "AFP", "Getty Images", "The New York Times", None]
WORDS = "police protest market river bridge museum festival concert snow rain".split()


def _specs(n: int, seed: int) -> list[PhotoSpec]:
    rng = random.Random(seed)
    specs = []
    for i in range(n):
        city, country = rng.choice(CITIES)
        creators = rng.sample(CREATORS, rng.choice([0, 1, 1, 1, 2]))
        agency = rng.choice(AGENCIES)
        words = rng.sample(WORDS, 3)
        taken = None if rng.random() < 0.15 else dt.datetime(rng.choice([2020, 2021, 2022]), rng.randint(1, 12),
                                                             rng.randint(1, 28), rng.randint(0, 23), 0, i % 60,
                                                             tzinfo=KYIV)
        caption = None if rng.random() < 0.1 else (" ".join(words).capitalize() + (f" in {city}." if city else "."))
        specs.append(PhotoSpec(f"{rng.choice('abcXYZ')}_{i:03d}.jpg", creator=creators, caption=caption,
                               credit=agency, city=city, country=country, taken=taken, size=(64, 48),
                               keywords=[rng.choice(WORDS)]))
    return specs


def _build(root, n=48, seed=3, licences=True):
    folders = []
    for f, specs in enumerate([_specs(n // 3, seed), _specs(n // 3, seed + 1), _specs(n - 2 * (n // 3), seed + 2)]):
        folder = root / "photos" / f"folder{f}"
        folder.mkdir(parents=True)
        for k, spec in enumerate(specs):
            write_photo(folder, spec, seed=k)
        folders.append(folder)
    with open_archive(root / "archive") as archive:
        import_paths(archive, folders, thumbnails=False)
        if licences:
            from archive.checking import keep_current
            from archive.licence_book import add_licence

            add_licence(archive, licensor="Reuters", valid_from="2020-01-01", valid_until="2030-12-31", cost="free")
            add_licence(archive, licensor="AFP", valid_from="2020-01-01", valid_until="2021-12-31")
            keep_current(archive, ON, processes=1)
    return root / "archive"


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return _build(tmp_path_factory.mktemp("varied"))


@pytest.fixture
def varied(template, tmp_path):
    target = tmp_path / "archive"
    shutil.copytree(template, target)
    forget_memory()
    with open_archive(target) as archive:
        yield archive


def _all_ids(conn, query):
    ids, cursor = [], None
    while True:
        page = search(conn, query, limit=7, after=cursor, count=False, today=ON)
        ids += page.photo_ids
        cursor = page.next
        if cursor is None:
            return ids


def _expected_order(conn, ids, sort, descending):
    rows = {r[0]: r for r in conn.execute("SELECT id, sort_key, added_at, path, creator, taken_at FROM photos")}
    import json

    if sort == "taken":
        dated = sorted((i for i in ids if rows[i][5]), key=lambda i: rows[i][1], reverse=not descending)
        return dated + sorted((i for i in ids if not rows[i][5]), key=lambda i: rows[i][1])
    if sort == "imported":
        out = sorted(ids, key=lambda i: (rows[i][2], i))
        return out[::-1] if descending else out
    if sort == "name":
        out = sorted(ids, key=lambda i: (rows[i][3].rsplit("/", 1)[1].casefold(), i))
        return out[::-1] if descending else out
    named = sorted((i for i in ids if json.loads(rows[i][4])),
                   key=lambda i: (json.loads(rows[i][4])[0].casefold(), i))
    rest = sorted(i for i in ids if not json.loads(rows[i][4]))
    return (named[::-1] if descending else named) + rest


QUERIES = ["", "police", "police OR museum OR snow", "-police", "place:Kyiv -by:Hoffman", '"police protest"',
           "taken:2022", "-taken:2021", "has:caption -has:gps", "is:licensed OR is:flagged", "city:Paris snow",
           "by:Boushnak OR agency:AFP", "rules:error", "clearance:cleared", "licence:Reuters", "folder:NOPE"]


@pytest.mark.parametrize("query", QUERIES)
def test_window_gives_every_position_in_every_sort(varied, query):
    conn = varied.conn
    if query == "folder:NOPE":
        query = "folder:" + conn.execute("SELECT path FROM folders ORDER BY id LIMIT 1").fetchone()[0]
    ids = _all_ids(conn, query)
    assert search(conn, query, today=ON).total == len(ids)
    for sort in ("taken", "imported", "name", "creator"):
        for descending in (True, False):
            expected = _expected_order(conn, ids, sort, descending)
            if sort == "taken" and descending:
                assert expected == ids
            got = []
            for offset in range(0, len(ids) + 5, 5):
                page = window(conn, query, offset=offset, limit=5, sort=sort, descending=descending, today=ON)
                assert page.total == len(ids) and page.offset == offset
                got += page.photo_ids
            assert got == expected, (sort, descending)
            # A far position asked first (the scrollbar dragged) agrees too.
            forget_memory()
            tail = window(conn, query, offset=max(0, len(ids) - 3), limit=5, sort=sort, descending=descending,
                          today=ON)
            assert tail.photo_ids == expected[max(0, len(ids) - 3):]


def test_orders_follow_edits_renames_and_new_photos(varied, tmp_path):
    conn = varied.conn
    for sort in ("taken", "imported", "name", "creator"):
        window(conn, "", offset=0, limit=5, sort=sort)          # made and kept
    pid = conn.execute("SELECT id FROM photos ORDER BY id LIMIT 1").fetchone()[0]
    edit_photo(varied, pid, {"creator": ["Aaron Aardvark"], "caption": "edited"})
    # A file renamed on disk and re-read with another capture time (as sync does).
    from archive.store.sortkey import base_key, taken_seconds

    other = conn.execute("SELECT id, path FROM photos ORDER BY id DESC LIMIT 1").fetchone()
    moment = "1999-01-01T10:00:00+00:00"
    conn.execute("UPDATE photos SET path = ?, taken_at = ?, taken_date = '1999-01-01', sort_key = ? WHERE id = ?",
                 (other[1].rsplit("/", 1)[0] + "/!renamed.jpg", moment, base_key(taken_seconds(moment)), other[0]))
    folder = tmp_path / "more"
    folder.mkdir()
    write_photo(folder, PhotoSpec("000_first.jpg", creator=["Zed"], taken=dt.datetime(2030, 1, 1, tzinfo=KYIV),
                                  size=(64, 48)))
    import_paths(varied, [folder], thumbnails=False)
    ids = _all_ids(conn, "")
    for sort in ("taken", "imported", "name", "creator"):
        for descending in (True, False):
            page = window(conn, "", offset=0, limit=len(ids) + 1, sort=sort, descending=descending)
            assert page.photo_ids == _expected_order(conn, ids, sort, descending), (sort, descending)
    assert window(conn, "", offset=0, limit=1, sort="creator", descending=False).photo_ids == [pid]
    assert window(conn, "", offset=0, limit=1, sort="name", descending=False).photo_ids == [other[0]]
    assert window(conn, "", offset=0, limit=1, sort="taken").photo_ids == \
        [conn.execute("SELECT id FROM photos WHERE path LIKE '%000_first.jpg'").fetchone()[0]]


def _check_facets(conn, query, *, and_with=None):
    facets = facets_of(conn, query, today=ON)
    assert set(facets) == set(FACET_KINDS)
    checked = 0
    for kind, values in facets.items():
        for name, count, term in values:
            parse_query(term)                             # a term the search bar takes
            assert search(conn, f"{query} {term}".strip(), today=ON).total == count, (query, kind, name, term)
            checked += 1
    return checked


def test_every_facet_value_has_a_term_that_finds_its_count(varied):
    conn = varied.conn
    checked = _check_facets(conn, "")
    facets = facets_of(conn, "", today=ON)
    for kind in FACET_KINDS:
        assert facets[kind], kind                          # the varied archive has every kind
    assert checked > 30
    for query in ("police", "-has:caption", "place:Kyiv OR snow", "taken:2021", "is:licensed"):
        _check_facets(conn, query)


def test_facet_terms_parse_and_name_what_they_count(varied):
    conn = varied.conn
    facets = facets_of(conn, "", today=ON)
    terms = {kind: [v[2] for v in values] for kind, values in facets.items()}
    assert any(t.startswith("agency:") for t in terms["agency"])
    assert all(t.startswith("taken:") and len(t) == len("taken:2022") for t in terms["year"])
    assert all(t.startswith("taken:") and len(t) == len("taken:2022-12") for t in terms["month"])
    assert all(t.startswith("folder:") for t in terms["folder"])
    assert {t for t in terms["clearance"]} <= {"clearance:cleared", "clearance:conditional", "clearance:not_cleared"}
    licence_id = conn.execute("SELECT id FROM licences WHERE licensor = 'Reuters'").fetchone()[0]
    assert search(conn, f"licence:{licence_id}", today=ON).total == search(conn, "licence:Reuters", today=ON).total
    total = search(conn, "", today=ON).total
    assert sum(search(conn, f"rules:{s}", today=ON).total for s in ("error", "warning", "ok")) == total
    assert search(conn, "taken:2021", today=ON).total == sum(
        c for n, c, _ in facets["month"] if n.startswith("2021")) or len(facets["month"]) == 20


def test_two_archives_in_one_process_never_share_cached_bitmaps(tmp_path):
    full = tmp_path / "full"
    full.mkdir()
    empty_captions = tmp_path / "bare"
    empty_captions.mkdir()
    for i in range(4):
        write_photo(full, PhotoSpec(f"c{i}.jpg", caption=f"A caption {i}.", size=(64, 48)), seed=i)
        write_photo(empty_captions, PhotoSpec(f"n{i}.jpg", caption=None, size=(64, 48)), seed=i)
    with open_archive(tmp_path / "a") as a, open_archive(tmp_path / "b") as b:
        import_paths(a, [full], thumbnails=False)
        import_paths(b, [empty_captions], thumbnails=False)
        # Same ids, same generation in both archives: only the database tells them apart.
        for _ in range(2):
            assert search(a.conn, "has:caption").total == 4
            assert search(b.conn, "has:caption").total == 0
            assert search(b.conn, "-has:caption").total == 4
            assert search(a.conn, "caption").total == 4
            assert search(b.conn, "caption").total == 0
            assert window(b.conn, "has:caption", offset=0, limit=5).photo_ids == []
    # A copy of an archive (same archive id) at another path is another archive too.
    shutil.copytree(tmp_path / "a", tmp_path / "copy")
    with open_archive(tmp_path / "copy") as c, open_archive(tmp_path / "a") as a:
        edit_photo(c, 1, {"caption": ""})
        assert search(c.conn, "has:caption").total == 3
        assert search(a.conn, "has:caption").total == 4


@pytest.mark.parametrize("in_files", [False, True])
def test_a_fresh_process_reads_back_what_was_kept(varied, monkeypatch, in_files):
    import archive.store.bitmaps as bitmaps_module

    if in_files:                                            # big values go to files beside the database
        monkeypatch.setattr(bitmaps_module, "FILE_MIN", 0)
    conn = varied.conn
    answers = {q: (search(conn, q, facets=True, today=ON).total, search(conn, q, facets=True, today=ON).facets,
                   window(conn, q, offset=2, limit=4, sort="name", today=ON).photo_ids) for q in QUERIES[:-1]}
    prepare(conn, min_photos=2)
    forget_memory()
    again = {q: (search(conn, q, facets=True, today=ON).total, search(conn, q, facets=True, today=ON).facets,
                 window(conn, q, offset=2, limit=4, sort="name", today=ON).photo_ids) for q in QUERIES[:-1]}
    assert again == answers
    from pathlib import Path

    folder = Path(str(varied.path) + "-search")
    assert folder.is_dir() == in_files
    if in_files:
        assert len(list(folder.iterdir())) >= 6
        # A file whose row is gone (or whose token differs) is never read.
        conn.execute("DELETE FROM bitmap_cache")
        forget_memory()
        edit_photo(varied, 1, {"caption": ""})
        bare = conn.execute("SELECT count(*) FROM photos WHERE coalesce(caption, '') = ''").fetchone()[0]
        assert search(conn, "-has:caption", today=ON, facets=True).total == bare


def test_the_first_page_of_a_new_phrase_is_the_first_page_of_its_whole_result(varied):
    """A phrase typed for the first time (nothing of it in memory or stored) is made
    whole from the index: judging it photo by photo cost a whole phrase query per
    probe (SQLite's FTS5 does not narrow a phrase's reading by rowid), 26 ms each."""
    captions = [r[0].rstrip(".").split() for r in varied.conn.execute(
        "SELECT caption FROM photos WHERE caption LIKE '% % % %' ORDER BY id LIMIT 3")]
    found_phrases = [f'"{c[1]} {c[2]}"' for c in captions] + [f'"{captions[0][0]} {captions[0][1]}" OR -"{c[2]} {c[3]}"'
                                                               for c in captions] + \
        [f'-by:Boushnak "{captions[1][1]} {captions[1][2]}" OR "{captions[2][0]} {captions[2][1]}" has:caption']
    nonempty = 0
    conn = varied.conn
    for q in ('"police protest"', '"police protest" -by:Hoffman', '"river bridge" has:caption', "snow",
              '"snow rain" OR by:Boushnak', '-"police protest" taken:2021..2022', '"market river" OR -"snow rain"',
              'police OR "museum festival" -"rain police"', '"in Kyiv" OR "in Paris" taken:2022', *found_phrases):
        forget_memory()
        conn.execute("DELETE FROM bitmap_cache WHERE key LIKE 'b:%'")
        walked = search(conn, q, limit=3, count=False, today=ON)
        full = search(conn, q, limit=3, today=ON)
        assert walked.photo_ids == full.photo_ids and walked.next == full.next, q
        nonempty += full.total > 0
        if full.next:
            forget_memory()
            conn.execute("DELETE FROM bitmap_cache WHERE key LIKE 'b:%'")
            assert search(conn, q, limit=3, after=full.next, count=False, today=ON).photo_ids == \
                search(conn, q, limit=3, after=full.next, today=ON).photo_ids
    assert nonempty >= 10


def test_facet_counts_agree_for_few_many_and_nearly_all_photos(varied):
    import numpy as np

    from archive.store.facets import _pairs

    conn = varied.conn
    pairs = _pairs(conn)
    rows = conn.execute("SELECT photo_id, value_id FROM photo_facets").fetchall()
    size = int(pairs.photo_ids.max()) + 3
    rng = np.random.default_rng(5)
    for share in (0.0, 0.05, 0.5, 0.95, 1.0):
        mask = rng.random(size) < share
        expected = np.zeros(int(pairs.value_ids.max()) + 1, np.int64)
        for pid, vid in rows:
            expected[vid] += bool(mask[pid])
        got = pairs.counts(mask)
        got = np.concatenate([got, np.zeros(len(expected) - len(got), np.int64)])[:len(expected)]
        assert (got == expected).all(), share


def test_what_a_rolled_back_write_showed_is_not_remembered(varied):
    conn = varied.conn
    before = search(conn, "has:caption", today=ON).total
    conn.execute("BEGIN")
    conn.execute("UPDATE photos SET caption = '' WHERE id IN (1, 2, 3)")
    inside = search(conn, "has:caption", today=ON).total
    conn.execute("ROLLBACK")
    # Another write takes the same generation numbers.
    conn.execute("UPDATE photos SET headline = 'x' WHERE id IN (1, 2, 3)")
    assert search(conn, "has:caption", today=ON).total == before
    assert inside <= before
