"""Results at any position in every sort: the same photos, in the same order, as the
keyset pages and as sorting the records in Python; and still right after edits."""

from __future__ import annotations

import importlib.util
import json
import os
import random
from pathlib import Path

import pytest

from archive.store import open_archive
from archive.store.search import search, window

BENCH = Path(__file__).resolve().parents[2] / "bench" / "search.py"
QUERIES = ["", "police", "police OR market", "-police", 'by:"Brendan Hoffman"', "place:Kyiv",
           "taken:2019", "police -place:Kyiv"]


@pytest.fixture(scope="module")
def archive_dir(tmp_path_factory):
    spec = importlib.util.spec_from_file_location("bench_search", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    path = tmp_path_factory.mktemp("window") / "archive"
    bench.build(path, 3000)
    return path


def keyset_ids(conn, q):
    out, cursor = [], None
    while True:
        page = search(conn, q, limit=700, after=cursor, count=False)
        out += page.photo_ids
        cursor = page.next
        if cursor is None:
            return out


def reference(conn, ids, sort):
    rows = {r[0]: r for r in conn.execute("SELECT id, path, creator, sort_key FROM photos")}
    if sort == "taken":
        return sorted(ids, key=lambda i: rows[i][3])
    if sort == "imported":
        return sorted(ids)
    if sort == "name":
        return sorted(ids, key=lambda i: (os.path.basename(rows[i][1]).casefold(), i))
    first = lambda i: (json.loads(rows[i][2]) or [None])[0]  # noqa: E731
    return sorted(ids, key=lambda i: (first(i) is None, (first(i) or "").casefold(), i))


@pytest.mark.parametrize("q", QUERIES)
def test_every_position_agrees_with_the_keyset_pages(archive_dir, q):
    with open_archive(archive_dir) as a:
        expected = keyset_ids(a.conn, q)
        got = []
        for offset in range(0, len(expected) + 50, 50):
            page = window(a.conn, q, offset=offset, limit=50)
            assert page.total == len(expected)
            got += page.photo_ids
        assert got == expected


@pytest.mark.parametrize("sort", ["taken", "imported", "name", "creator"])
def test_each_sort_both_ways(archive_dir, sort):
    rng = random.Random(sort)
    with open_archive(archive_dir) as a:
        for q in ("", "police OR market"):
            ids = keyset_ids(a.conn, q)
            natural = reference(a.conn, ids, sort)
            newest_first = sort == "taken"
            for descending in (True, False):
                want = natural if descending == newest_first else natural[::-1]
                offset = rng.randrange(0, max(1, len(want) - 40))
                page = window(a.conn, q, offset=offset, limit=40, sort=sort, descending=descending)
                assert page.photo_ids == want[offset:offset + 40], (q, sort, descending)


def test_orders_follow_edits(archive_dir, tmp_path):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(archive_dir, copy)
    from archive.desk import Desk

    with Desk.open(copy, create=False) as desk:
        before = window(desk.conn, "", offset=0, limit=3000, sort="creator", descending=False).photo_ids
        victim = before[-1]
        desk.edit([victim], {"creator": ["Aaron Aardvark"]})
        after = window(desk.conn, "", offset=0, limit=3000, sort="creator", descending=False).photo_ids
        assert after[0] == victim
        # A changed capture time moves the photo in the capture-time order (patched, not rebuilt).
        first = window(desk.conn, "", offset=0, limit=1).photo_ids[0]
        desk.conn.execute("UPDATE photos SET sort_key = sort_key + 4000000000000 WHERE id = ?", (first,))
        page = window(desk.conn, "", offset=0, limit=3000).photo_ids
        assert page == reference(desk.conn, page, "taken") and first in page and page[0] != first
