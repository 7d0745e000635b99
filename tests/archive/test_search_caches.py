"""Search caches belong to one archive: two archives open in one process never share
a cached bitmap or facet pairs, even at the same generation."""

from __future__ import annotations

from archive.store import open_archive
from archive.store.search import search
from archive.sync import import_paths


def _photos(folder, captions):

    folder.mkdir(parents=True)
    from archive.demo.photos import PhotoSpec, write_photo

    for i, caption in enumerate(captions):
        write_photo(folder, PhotoSpec(f"p{i}.jpg", creator=["Ann Example"], caption=caption, city="Kyiv",
                                      country="Ukraine"), seed=i)
    return folder


def test_two_archives_in_one_process_do_not_share_cached_bitmaps(tmp_path):
    a_dir = _photos(tmp_path / "a", ["Tree in Kyiv.", "Market in Kyiv.", "Metro in Kyiv."])
    b_dir = _photos(tmp_path / "b", ["", "", "Snow in Kyiv."])
    with open_archive(tmp_path / "arch-a") as a, open_archive(tmp_path / "arch-b") as b:
        import_paths(a, [a_dir], thumbnails=False)
        import_paths(b, [b_dir], thumbnails=False)
        # Same number of writes: the same generation in both archives.
        assert search(a.conn, "has:caption").total == 3
        assert search(b.conn, "has:caption").total == 1
        assert search(a.conn, "has:caption", facets=True).facets["creator"][0][1] == 3
        assert search(b.conn, "has:caption", facets=True).facets["creator"][0][1] == 1
        assert search(b.conn, "-has:caption").total == 2
        assert search(a.conn, "-has:caption").total == 0
