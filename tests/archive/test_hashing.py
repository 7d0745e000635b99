"""The content hash names its algorithm and equals xxh3-128 of the bytes."""

import xxhash

from archive.hashing import content_hash


def test_hash_of_a_file_and_of_an_empty_file(tmp_path):
    data = bytes(range(256)) * 20000
    (tmp_path / "a.jpg").write_bytes(data)
    (tmp_path / "empty.jpg").write_bytes(b"")
    assert content_hash(tmp_path / "a.jpg") == "xxh3_128:" + xxhash.xxh3_128(data).hexdigest()
    assert content_hash(tmp_path / "empty.jpg") == "xxh3_128:" + xxhash.xxh3_128(b"").hexdigest()
    (tmp_path / "b.jpg").write_bytes(data[:-1] + b"\x00")
    assert content_hash(tmp_path / "b.jpg") != content_hash(tmp_path / "a.jpg")
