"""Content hash and fingerprint: identity of a photo's bytes, named by algorithm.

xxh3-128: measured on 3.6 MB JPEGs it runs at 29 GB/s against sha256's
1.4 GB/s, so hashing costs less than reading the file.  It is an identity
check between the desk's own files (moved, renamed, duplicated), not a
defence against forgery, so a non-cryptographic hash is the right tool.
The value carries its name ("xxh3_128:...") so another algorithm can follow.
"""

from __future__ import annotations

import mmap
import os

import xxhash

ALGORITHM = "xxh3_128"
FINGERPRINT_ALGORITHM = "xxh3_128-edges"   # size, first and last EDGE bytes
EDGE = 64 * 1024


def content_hash(path) -> str:
    """Hash the file through a read-only memory map: the kernel's pages are hashed
    in place, no copy into Python (measured 0.83 ms against 1.94 ms a 3.5 MB JPEG
    with read into a reused buffer).  A file that grows meanwhile is hashed at the
    length it had when opened; sync re-reads it at the next run because its size
    and mtime changed."""
    h = xxhash.xxh3_128()
    with open(path, "rb", buffering=0) as f:
        try:
            with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
                h.update(mapped)
        except ValueError:          # an empty file cannot be mapped
            pass
    return f"{ALGORITHM}:{h.hexdigest()}"


def fingerprint(path) -> tuple[str, str | None]:
    """(fingerprint, content hash or None): a photo's identity from its size and
    its first and last 64 KiB, as digiKam's unique hash does.

    Import identifies photos by it so that it reads 128 KiB of a file, not all
    of it (3.6 MB for a 12-MP JPEG): the head holds every metadata block, the
    tail the end of the image data, and an edit that keeps the size, the head
    and the tail is all but unknown.  The full content hash follows later (a
    phase of its own, the thumbnails, sync, or the window's background job).
    A file no larger than both edges is read whole, so its content hash comes
    free and is returned too.
    """
    with open(path, "rb", buffering=0) as f:
        size = os.fstat(f.fileno()).st_size
        if size <= 2 * EDGE:
            data = _read_all(f)
            size = len(data)
            return _fingerprint(size, data, b""), f"{ALGORITHM}:{xxhash.xxh3_128(data).hexdigest()}"
        head = _read_all(f, EDGE)
        f.seek(size - EDGE)
        tail = _read_all(f, EDGE)
    return _fingerprint(size, head, tail), None


def _fingerprint(size: int, head: bytes, tail: bytes) -> str:
    h = xxhash.xxh3_128(size.to_bytes(8, "little"))
    h.update(head)
    h.update(tail)
    return f"{FINGERPRINT_ALGORITHM}:{h.hexdigest()}"


def _read_all(f, n: int = -1) -> bytes:
    if n < 0:
        parts = []
        while chunk := f.read(1 << 20):
            parts.append(chunk)
        return b"".join(parts)
    data = f.read(n)
    while len(data) < n:
        more = f.read(n - len(data))
        if not more:
            break
        data += more
    return data
