"""Import identifies photos by fingerprint; the whole-file content hash follows later.

Moves, renames and in-place edits are still found exactly: an edit changes the
file's stat, so it is read again; a move matches on the whole-content hash
whenever the vanished photo has one, on the fingerprint (size, first and last
64 KiB) only when it was never hashed.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil

import xxhash

from archive.demo.photos import PhotoSpec, write_photo
from archive.desk import Desk
from archive.hashing import EDGE, FINGERPRINT_ALGORITHM, content_hash, fingerprint
from archive.store import open_archive
from archive.store.search import search
from archive.sync import hash_contents, import_paths, sync_archive

KYIV = dt.timezone(dt.timedelta(hours=2))


def big_photo(folder, i):
    """A JPEG larger than both fingerprint edges (random bytes after its end)."""
    spec = PhotoSpec(f"big_{i:03d}.jpg", creator=[f"Photographer {i}"], caption=f"Scene {i} in Kyiv",
                     city="Kyiv", country="Ukraine", credit="Reuters",
                     taken=dt.datetime(2022, 12, 1 + i, 10, i, tzinfo=KYIV), size=(96, 64))
    path = write_photo(folder, spec, seed=i)
    with open(path, "ab") as f:
        f.write(os.urandom(3 * EDGE))
    return path


def rows(archive):
    return {r[1]: r for r in archive.conn.execute(
        "SELECT id, path, content_hash, fingerprint, missing_since FROM photos")}


def flip_middle(path):
    """Change a byte in the middle: same size, same head and tail."""
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle] ^= 0xFF
    return bytes(data)


def test_fingerprint_reads_the_edges_only(tmp_path):
    small = tmp_path / "small.bin"
    small.write_bytes(b"x" * 1000)
    fp, digest = fingerprint(small)
    assert fp.startswith(FINGERPRINT_ALGORITHM + ":") and digest == content_hash(small)
    big = tmp_path / "big.bin"
    data = os.urandom(5 * EDGE)
    big.write_bytes(data)
    fp, digest = fingerprint(big)
    assert digest is None
    expected = xxhash.xxh3_128(len(data).to_bytes(8, "little"))
    expected.update(data[:EDGE])
    expected.update(data[-EDGE:])
    assert fp == f"{FINGERPRINT_ALGORITHM}:{expected.hexdigest()}"
    other = tmp_path / "other.bin"
    other.write_bytes(flip_middle(big))
    assert fingerprint(other)[0] == fp                     # the middle is not looked at...
    assert content_hash(other) != content_hash(big)        # ...the content hash tells them apart


def test_import_without_content_hashes_is_searchable_and_identified(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    paths = [big_photo(folder, i) for i in range(4)]
    with open_archive(tmp_path / "archive") as archive:
        report = import_paths(archive, [folder], thumbnails=False, content_hashes=False)
        assert (report.added, report.hashed) == (4, 0)
        state = rows(archive)
        assert all(r[2] is None and r[3].startswith(FINGERPRINT_ALGORITHM) for r in state.values())
        assert search(archive.conn, 'by:"Photographer 2"').total == 1
        # The background job the window runs afterwards (sync does it too).
        assert hash_contents(archive) == 4
        assert all(rows(archive)[str(p)][2] == content_hash(p) for p in paths)
        assert hash_contents(archive) == 0


def test_the_desk_defers_hashing_only_without_thumbnails(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    big_photo(folder, 0)
    desk = Desk.open(tmp_path / "archive")
    try:
        desk.import_paths([folder], thumbnails=False)
        assert desk.archive.conn.execute("SELECT content_hash FROM photos").fetchone()[0] is None
        assert desk.hash_contents() == 1
        assert desk.archive.conn.execute("SELECT content_hash FROM photos").fetchone()[0].startswith("xxh3_128:")
    finally:
        desk.close()


def test_a_move_before_hashing_keeps_its_id_by_fingerprint(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    paths = [big_photo(folder, i) for i in range(3)]
    with open_archive(tmp_path / "archive") as archive:
        import_paths(archive, [folder], thumbnails=False, content_hashes=False)
        before = rows(archive)[str(paths[0])]
        (folder / "sub").mkdir()
        moved = folder / "sub" / "renamed.jpg"
        shutil.move(paths[0], moved)
        report = sync_archive(archive, thumbnails=False)
        assert (report.moved, report.added, report.missing) == (1, 0, 0)
        after = rows(archive)[str(moved)]
        assert after[0] == before[0] and after[3] == before[3]
        assert after[2] == content_hash(moved)             # sync hashed what was pending


def test_same_edges_different_content_is_not_a_move_once_hashed(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    paths = [big_photo(folder, i) for i in range(2)]
    with open_archive(tmp_path / "archive") as archive:
        import_paths(archive, [folder], thumbnails=False)          # hashed
        old_id = rows(archive)[str(paths[0])][0]
        impostor = folder / "impostor.jpg"
        impostor.write_bytes(flip_middle(paths[0]))
        os.remove(paths[0])
        report = sync_archive(archive, thumbnails=False)
        assert (report.moved, report.added, report.missing) == (0, 1, 1)
        state = rows(archive)
        assert state[str(impostor)][0] != old_id
        assert state[str(paths[0])][4] is not None                 # the original is missing


def test_an_edit_in_place_is_read_again_and_rehashed(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    path = big_photo(folder, 0)
    with open_archive(tmp_path / "archive") as archive:
        import_paths(archive, [folder], thumbnails=False)
        photo_id, _, old_hash, old_fp, _ = rows(archive)[str(path)]
        data = flip_middle(path)
        path.write_bytes(data)                                     # same size, new mtime
        st = os.stat(path)
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
        report = sync_archive(archive, thumbnails=False)
        assert (report.updated, report.added, report.moved) == (1, 0, 0)
        new_id, _, new_hash, new_fp, _ = rows(archive)[str(path)]
        assert new_id == photo_id and new_fp == old_fp            # same edges...
        assert new_hash == content_hash(path) != old_hash          # ...new content, known at once
