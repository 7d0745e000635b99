"""has:warnings over the search arrays (issue 18): right after an import, after later
warnings (a thumbnail) are put on a photo, and on an archive whose arrays were kept by
a version without the flag."""

from __future__ import annotations

import json

import numpy as np

from archive.demo.photos import PhotoSpec, write_photo
from archive.store import photos as store
from archive.store.bitmaps import _KEY_COLUMNS, _store, forget_memory, keep_now
from archive.store.db import transaction
from archive.store.search import search
from archive.sync import import_paths

from . import hostile_files as H


def _archive_with_damage(archive, tmp_path):
    folder = tmp_path / "feed"
    folder.mkdir()
    for i in range(4):
        write_photo(folder, PhotoSpec(f"fine{i}.jpg", caption=f"Snow on the bridge {i}.", size=(64, 48)))
    (folder / "bad-crc.png").write_bytes(H.png_with_bad_crc(b"IDAT"))
    (folder / "runaway.jpg").write_bytes(H.jpeg_with_exif(H.tiff_with_runaway_ifd0()))
    import_paths(archive, [folder], thumbnails=False)
    return {path.rsplit("/", 1)[-1]: pid for pid, path in archive.conn.execute("SELECT id, path FROM photos")}


def _names(archive, ids, query) -> set[str]:
    by_id = {v: k for k, v in ids.items()}
    return {by_id[i] for i in search(archive.conn, query, limit=100).photo_ids}


def test_has_warnings_follows_the_warnings_as_they_change(archive, tmp_path):
    ids = _archive_with_damage(archive, tmp_path)
    assert _names(archive, ids, "has:warnings") == {"bad-crc.png", "runaway.jpg"}
    assert _names(archive, ids, "-has:warnings") == {f"fine{i}.jpg" for i in range(4)}
    assert _names(archive, ids, "snow has:warnings") == set()

    with transaction(archive.conn):                      # a thumbnail failed for fine0.jpg
        store.set_later_warnings(archive.conn, {ids["fine0.jpg"]: ["thumbnail: cannot decode the image"]})
    assert _names(archive, ids, "has:warnings") == {"bad-crc.png", "runaway.jpg", "fine0.jpg"}
    assert _names(archive, ids, "snow has:warnings") == {"fine0.jpg"}

    with transaction(archive.conn):                      # made cleanly the next time
        store.set_later_warnings(archive.conn, {ids["fine0.jpg"]: [], ids["bad-crc.png"]: []})
    assert _names(archive, ids, "has:warnings") == {"bad-crc.png", "runaway.jpg"}   # the reader's stay
    stored = archive.conn.execute("SELECT warnings FROM photos WHERE id = ?", (ids["bad-crc.png"],)).fetchone()[0]
    assert [w for w in json.loads(stored) if "bad CRC" in w]


def test_arrays_kept_before_has_warnings_are_made_again(archive, tmp_path):
    ids = _archive_with_damage(archive, tmp_path)
    conn = archive.conn
    # What an older version kept: arrays under the plain key, without the warnings bit.
    stale = {"present": np.ones(max(ids.values()) + 1, bool)}
    for key in ("columns", "columns:00000000"):
        _store(conn, key, 10 ** 9, stale)
    forget_memory()
    assert _names(archive, ids, "has:warnings") == {"bad-crc.png", "runaway.jpg"}
    keep_now()
    keys = {r[0] for r in conn.execute("SELECT key FROM bitmap_cache WHERE key LIKE 'columns%'")}
    assert keys == {_KEY_COLUMNS}
