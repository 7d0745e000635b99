"""A command that imports into a big archive leaves it prepared for search when it
returns: the background keeper is a daemon thread that would die with the process,
so the next start would otherwise rebuild every array (42 s at a million photos)."""

import json
import sqlite3

from archive.demo.photos import PhotoSpec, write_photo
from archive.store.bitmaps import _KEY_COLUMNS
from tests.conftest import run_cli

WANTED = {_KEY_COLUMNS, "order:taken", "order:imported", "order:name", "order:creator", "facet-pairs",
          "fts-word-columns"}


def _kept(archive_dir) -> set:
    conn = sqlite3.connect(archive_dir / "archive.db")
    try:
        return {r[0] for r in conn.execute("SELECT key FROM bitmap_cache")}
    finally:
        conn.close()


def test_import_and_sync_prepare_a_big_archive_before_they_return(tmp_path, monkeypatch):
    import archive.store.bitmaps as bitmaps

    monkeypatch.setattr(bitmaps, "PREPARE_MIN", 1)       # every archive counts as big
    monkeypatch.setattr(bitmaps, "KEEP_DELAY", 3600)     # the keeper would not get to it in time
    folder = tmp_path / "photos"
    folder.mkdir()
    for i in range(3):
        write_photo(folder, PhotoSpec(f"p{i}.jpg", caption=f"Snow on bridge {i}.", creator=["Ann Lee"],
                                      size=(64, 48)))
    archive_dir = tmp_path / "archive"
    result = run_cli("import", folder, "--no-thumbnails", archive_dir=archive_dir)
    assert result.returncode == 0, result.stderr
    assert "preparing the archive for search" in result.stderr
    assert WANTED <= _kept(archive_dir)

    write_photo(folder, PhotoSpec("p9.jpg", caption="Rain on the square.", size=(64, 48)))
    result = run_cli("sync", "--no-thumbnails", archive_dir=archive_dir)
    assert result.returncode == 0, result.stderr
    assert "preparing the archive for search" in result.stderr
    found = run_cli("search", "rain square", "--json", archive_dir=archive_dir)
    assert json.loads(found.stdout)["total"] == 1, found.stdout


def test_a_small_archive_is_not_held_up(tmp_path):
    folder = tmp_path / "photos"
    folder.mkdir()
    write_photo(folder, PhotoSpec("p.jpg", caption="Snow.", size=(64, 48)))
    result = run_cli("import", folder, "--no-thumbnails", archive_dir=tmp_path / "archive")
    assert result.returncode == 0 and "preparing" not in result.stderr
