"""The bytes of one photo file: its head in memory, the rest read on demand.

Metadata sits near the start of almost every photo (JPEG APP segments, PNG
chunks before IDAT, the HEIF meta box), so the reader keeps the first
``HEAD_SIZE`` bytes in memory and parses from there.  Some files put it
further in (a TIFF written by libtiff keeps IFD0 after the pixels, a HEIC
keeps its Exif item in mdat); for those ``Source.read`` opens the file
read-only and reads just the bytes that are asked for.  Nothing here ever
writes.
"""

from __future__ import annotations

import os

HEAD_SIZE = 256 * 1024


class Source:
    """Random access to one file's bytes, from memory where possible."""

    def __init__(self, path: str, head: bytes, size: int, fh=None):
        self.path = path
        self.head = head
        self.size = size
        self._fh = fh
        self._whole = len(head) >= size

    def read(self, offset: int, length: int) -> bytes:
        """Up to ``length`` bytes at ``offset`` (fewer at the end of the file)."""
        if offset < 0 or length <= 0:
            return b""
        end = offset + length
        if end <= len(self.head) or self._whole:
            return self.head[offset:end]
        if offset >= self.size:
            return b""
        if self._fh is None:
            self._fh = open(self.path, "rb")  # read-only, never "r+"
        self._fh.seek(offset)
        return self._fh.read(min(length, self.size - offset))

    def view(self, base: int = 0) -> "SourceView":
        return SourceView(self, base)

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None


class SourceView:
    """A read-only file-like window on a Source starting at ``base``.

    exifread wants a file object with seek/read/tell; this one serves its many
    small reads from the in-memory head and only touches the disk for offsets
    past it (e.g. IFD0 at the end of a large TIFF).
    """

    def __init__(self, source: Source, base: int = 0):
        self._src = source
        self._base = base
        self._pos = 0

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        if whence == os.SEEK_SET:
            self._pos = offset
        elif whence == os.SEEK_CUR:
            self._pos += offset
        else:
            self._pos = self._src.size - self._base + offset
        return self._pos

    def tell(self) -> int:
        return self._pos

    def read(self, n: int = -1) -> bytes:
        if n is None or n < 0:
            n = max(0, self._src.size - self._base - self._pos)
        data = self._src.read(self._base + self._pos, n)
        self._pos += len(data)
        return data
