"""Arrays kept beside the database are mapped, not read: aligned in place, and those
stored before alignment (the old file layout) still read back."""

from __future__ import annotations

import secrets
import struct

import numpy as np

from archive.store import open_archive
from archive.store import bitmaps as bm


def _arrays():
    return {"a": np.arange(7, dtype=np.uint8) % 2 == 1, "b": np.arange(5, dtype=np.int32) * 3,
            "c": np.arange(3, dtype=np.int64) - 9, "d": np.arange(4, dtype=np.uint32)}


def test_packed_arrays_start_aligned_and_round_trip():
    data = bm.pack(_arrays())
    got = bm.unpack(data)
    for name, a in _arrays().items():
        assert got[name].tolist() == a.tolist()
        assert got[name].dtype == a.dtype


def test_a_file_is_mapped_aligned_and_an_old_unaligned_file_still_reads(tmp_path, monkeypatch):
    monkeypatch.setattr(bm, "FILE_MIN", 0)
    with open_archive(tmp_path / "a") as archive:
        conn = archive.conn
        bm._store(conn, "test-arrays", 0, bm.pack(_arrays()))
        gen, ref = bm._read_stored(conn, "test-arrays")
        assert isinstance(ref, bm._FileRef) and ref.offset == 24
        got = bm.unpack(ref)
        for name, a in _arrays().items():
            assert got[name].flags.aligned and got[name].tolist() == a.tolist()
        # Kept again: a new file (the mapped one is never replaced in place), the old one removed.
        first = ref.path
        bm._store(conn, "test-arrays", 1, bm.pack(_arrays()))
        gen, again = bm._read_stored(conn, "test-arrays")
        assert gen == 1 and again.path != first and not first.exists()
        assert got["b"].tolist() == _arrays()["b"].tolist()            # the mapping still reads
        assert bm.unpack(again)["c"].tolist() == _arrays()["c"].tolist()
        # The layout before alignment: "PDSC", token, then arrays packed back to back.
        head = {n: [a.dtype.str, int(a.size)] for n, a in _arrays().items()}
        import json

        text = json.dumps(head).encode()
        old = struct.pack("<I", len(text)) + text + b"".join(a.tobytes() for a in _arrays().values())
        token = secrets.token_bytes(16)
        folder = bm._sidecar_dir(conn)
        (folder / bm._file_name("old-arrays")).write_bytes(b"PDSC" + token + old)
        conn.execute("INSERT INTO bitmap_cache(key, generation, data) VALUES (?, 0, ?)",
                     ("old-arrays", b"PDSC" + token))
        gen, ref = bm._read_stored(conn, "old-arrays")
        assert ref.offset == 20
        got = bm.unpack(ref)
        for name, a in _arrays().items():
            assert got[name].tolist() == a.tolist()
