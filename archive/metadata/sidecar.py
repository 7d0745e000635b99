"""Find the XMP sidecars peers write beside a photo.

Two naming conventions are in use: ``IMG_0001.xmp`` (Lightroom, Bridge,
Camera Raw, Photo Mechanic) and ``IMG_0001.CR3.xmp`` (digiKam, darktable).
Both are read; when both exist the ``NAME.EXT.xmp`` one is applied last and
so wins, because it names exactly one photo, while ``NAME.xmp`` may be shared
by a RAW+JPEG pair.  The extension is matched in lower and upper case
(Photo Mechanic on Windows writes ``.XMP``).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


def sidecar_paths(path) -> list[Path]:
    """Existing sidecars of ``path``, in the order they are applied (last wins)."""
    name = os.fspath(path)
    stem, ext = os.path.splitext(name)
    candidates = [stem + ".xmp", stem + ".XMP"] if ext else []
    candidates += [name + ".xmp", name + ".XMP"]
    found: list[Path] = []
    seen: set = set()
    for candidate in candidates:
        if candidate == name:
            continue
        try:
            st = os.stat(candidate)
        except OSError:
            continue
        if not stat.S_ISREG(st.st_mode):
            continue
        key = (st.st_dev, st.st_ino)
        if key in seen:       # .xmp and .XMP are one file on case-insensitive disks
            continue
        seen.add(key)
        found.append(Path(candidate))
    return found


MAX_SIDECAR_BYTES = 16 * 1024 * 1024


def read_sidecar(path: Path) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(MAX_SIDECAR_BYTES)
