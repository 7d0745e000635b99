"""read_metadata: one photo file (and its sidecars) -> PhotoMetadata.

The file is opened read-only once; its first HEAD_SIZE bytes are read into
memory and every parser works from there, reading further only where a
block lies past the head.  The steps: find the blocks (containers), decode
EXIF (exifread), IPTC and XMP, read the sidecars, reconcile (MWG).
"""

from __future__ import annotations

import errno
import os
import stat
import struct
from pathlib import Path
from typing import Optional

from ..errors import UnreadableFile
from . import xmp as X
from .containers import NotAnImage, Truncated, scan
from .exif import read_exif
from .iptc import parse_iptc
from .model import PhotoMetadata
from .reconcile import apply_sidecar, reconcile
from .sidecar import read_sidecar, sidecar_paths
from .source import HEAD_SIZE, Source

SUPPORTED_EXTENSIONS = frozenset({
    ".jpg", ".jpeg", ".tif", ".tiff", ".png", ".webp", ".heic", ".heif",
    ".dng", ".cr2", ".cr3", ".nef", ".arw",
})


def read_metadata(path, head: Optional[bytes] = None) -> PhotoMetadata:
    """The reconciled metadata of the photo at ``path``.

    ``head``, if the caller already read the start of the file (e.g. while
    hashing it), saves reading it again.  Raises UnreadableFile when the
    file is not a photo we can read; a photo without any metadata is fine.
    """
    p = Path(path)
    st = _stat(p)
    fh = None
    try:
        if head is None:
            try:
                fh = open(p, "rb")
                head = fh.read(HEAD_SIZE)
            except OSError as exc:
                raise UnreadableFile(p, _os_reason(exc)) from None
        if not head:
            raise UnreadableFile(p, "the file is empty (0 bytes)")
        src = Source(str(p), bytes(head), max(st.st_size, len(head)), fh)
        try:
            return _read(p, src)
        finally:
            src.close()
            fh = None
    except OSError as exc:
        raise UnreadableFile(p, _os_reason(exc)) from None
    finally:
        if fh is not None:
            fh.close()


def _stat(p: Path) -> os.stat_result:
    try:
        st = os.stat(p)
    except OSError as exc:
        raise UnreadableFile(p, _os_reason(exc)) from None
    if stat.S_ISDIR(st.st_mode):
        raise UnreadableFile(p, "is a directory, not a photo file")
    if not stat.S_ISREG(st.st_mode):
        raise UnreadableFile(p, "is not a regular file")
    if st.st_size == 0:
        raise UnreadableFile(p, "the file is empty (0 bytes)")
    if not os.access(p, os.R_OK):
        raise UnreadableFile(p, "permission denied (the file is not readable)")
    return st


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied (the file is not readable)"
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    if isinstance(exc, IsADirectoryError):
        return "is a directory, not a photo file"
    return f"cannot be read: {exc.strerror or errno.errorcode.get(exc.errno, exc)}"


def _read(p: Path, src: Source) -> PhotoMetadata:
    try:
        blocks = scan(src, p.suffix.lower())
    except NotAnImage as exc:
        raise UnreadableFile(p, f"not a photo we can read: the file is {exc}") from None
    except Truncated as exc:
        raise UnreadableFile(p, str(exc)) from None
    except (IndexError, ValueError, OverflowError, struct.error) as exc:  # a wrapper too damaged to walk
        # (a last resort: tests/archive/test_reader_fuzz.py checks it is never needed)
        raise UnreadableFile(p, f"damaged {p.suffix.lstrip('.').upper() or 'image'} structure ({exc})") from None
    warnings = blocks.warnings
    exif = read_exif(blocks.exif, warnings)
    iptc = parse_iptc(blocks.iptc, warnings) if blocks.iptc else None
    xmp_props = X.merge_packets(blocks.xmp, warnings, "XMP")
    if blocks.xmp_extended:
        guid = X.text(xmp_props, "xmpNote:HasExtendedXMP")
        for ext_guid, data in blocks.xmp_extended.items():
            if guid is None or ext_guid == guid:
                xmp_props.update(X.merge_packets([data], warnings, "extended XMP"))
    meta = reconcile(blocks, exif, iptc, xmp_props, warnings)
    if blocks.truncated and meta.width is None and not _has_values(meta):
        raise UnreadableFile(p, blocks.truncated)
    used: list[Path] = []
    for sidecar in sidecar_paths(p):
        try:
            data = read_sidecar(sidecar)
        except OSError as exc:
            warnings.append(f"sidecar {sidecar.name}: {_os_reason(exc)}")
            continue
        try:
            props = X.parse_xmp(data)
        except X.XmpError as exc:
            warnings.append(f"sidecar {sidecar.name}: {exc}; ignored")
            continue
        apply_sidecar(meta, props)
        used.append(sidecar)
    if used:
        meta.sidecar = str(used[-1])
        if len(used) > 1:
            warnings.append("two sidecars: %s overrides %s" % (used[-1].name, used[0].name))
    meta.warnings = warnings
    return meta


def _has_values(meta: PhotoMetadata) -> bool:
    """Whether a damaged file still gave anything worth keeping."""
    facts = meta.to_dict()
    return any(facts[k] not in (None, []) for k in facts if k not in ("format", "warnings", "sidecar", "origins", "overridden"))
