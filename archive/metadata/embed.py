"""Writing caption and credit into the photo file itself, on explicit request only.

Everything else Picture Desk writes goes to XMP sidecars (sidecar_write.py);
this is the one place an original image file is changed, so it is careful
(the exiv2 step itself is in embed_exiv2.py, the byte-level checks in
embed_bytes.py):

- Only JPEG, PNG and TIFF (by content and by name), the formats exiv2 (python-exiv2, the library
  digiKam and gThumb write with) rewrites without re-encoding the picture.
  HEIC, CR3 and camera raw files stay sidecar-only: a clear refusal, nothing
  touched.
- The work is done on a hidden copy in the same folder (``.NAME.embed-XXXX.EXT``,
  so the rename is on one file system and a sync never imports it), flushed
  to disk, checked, and only then renamed over the original (``os.replace``,
  atomic).  A full disk, a read-only folder, a writer error or a failed check
  leaves the original byte for byte as it was and no copy behind;
  :class:`EmbedError` names the file and the reason.
- A JPEG whose XMP segment has the broken header some agency systems write
  ("XMP\\0://ns.adobe.com/xap/1.0/", which exiftool reads with a warning) gets
  the standard one, so its packet is rewritten, not doubled; XMP in several
  segments or under another header is refused.
- The check: the picture's bytes (JPEG scan data from SOS on, PNG IHDR/IDAT,
  TIFF strips or tiles, see embed_bytes.py) are identical, and our own reader
  (the same MWG reconciliation as exiftool's) reads back the values written.

What goes where (the IPTC Photo Metadata Standard's mapping, which the MWG
follows):

- caption: XMP ``dc:description`` (x-default; the whole language alternative
  is replaced, so no stale translation stays) and IIM Caption-Abstract 2:120.
  EXIF ImageDescription only when the file already has a non-blank one: the MWG
  reads a non-blank ImageDescription before XMP and IIM, so leaving an old one would
  keep the old caption in every MWG reader; but creating one is not needed
  (the MWG then reads XMP/IIM) and would put UTF-8 into a tag EXIF defines as
  ASCII, which older readers show as mojibake.  In a JPEG the tag is patched in
  the original EXIF block (exif_patch.py), so the camera's maker note stays put.
- creator: XMP ``dc:creator`` (the full names) and IIM By-line 2:80, one
  dataset a name cut to 32 bytes on a UTF-8 character boundary (the IIM
  limit; readers recover the full name from XMP); EXIF Artist, joined with
  "; " as the MWG says, again only when the file has one.
- credit (the provider credit, IPTC "Credit Line"): XMP ``photoshop:Credit`` and
  IIM Credit 2:110 (cut to 32 bytes).
- credit line (the printed "Photograph: NAME/AGENCY"): XMP
  ``picturedesk:CreditLine`` only, as in sidecars; IPTC has no property for it
  and putting it into Credit would make the agency field a sentence.

IIM text is written as UTF-8 with CodedCharacterSet 1:90 = ESC % G; IIM the
file had in another character set is re-encoded to UTF-8 first, so its other
datasets keep reading the same.  The IPTC digest (Photoshop IRB 0x0425) keeps
its meaning: exiv2 leaves the old one, so a digest that matched the IIM is set
to the new block's MD5 (else MWG readers would take the IIM, and its cut
By-line, over XMP); a digest that was already stale (the IIM changed by a
tool that does not know XMP, so MWG readers take IIM for every field) is left
stale, so the other fields read as before, and the values written are in IIM
too (cut ones are completed from XMP, the MWG's RecoverTruncatedIPTC).
An empty value removes the
field from every place listed (a JPEG's EXIF tag is left blank, which MWG
readers pass over).
"""

from __future__ import annotations

import errno
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from archive.durable import sync_folder
from archive.errors import PictureDeskError

from . import embed_bytes
from .embed_exiv2 import WouldDrop, cut_utf8, write_fields

__all__ = ["FIELDS", "EmbedError", "Embedded", "embed", "cut_utf8"]

FIELDS = ("caption", "creator", "credit", "credit_line")
# By name as well as by content: DNG, CR2, NEF, ARW ... are TIFF inside, and raw
# files stay untouched whatever their structure.
WRITABLE_SUFFIXES = frozenset({".jpg", ".jpeg", ".jpe", ".png", ".tif", ".tiff"})
SIDECAR_ONLY = ("this kind of file is not written into (only JPEG, PNG and TIFF are): "
                "its caption and credit stay in the XMP sidecar")
CAMERA_FACTS = ("format", "width", "height", "orientation", "taken_at", "make", "model", "lens",
                "gps_lat", "gps_lon", "gps_alt")


class EmbedError(PictureDeskError):
    """A file that could not be written into; the file is as it was."""

    def __init__(self, path, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


@dataclass(frozen=True)
class Embedded:
    """A file written: its path and the fields now in it."""

    path: str
    fields: tuple[str, ...]


def _clean(field: str, value):
    """The value as written: a trimmed text or a list of trimmed names; None for empty."""
    if field == "creator":
        names = [str(v).strip() for v in (value or []) if str(v).strip()]
        return names or None
    text = str(value).strip() if value is not None else ""
    return text or None


def embed(path, fields: dict) -> Embedded:
    """Write ``fields`` (of FIELDS: caption, creator (a list), credit, credit_line) into
    the image file at ``path``; raises :class:`EmbedError` and leaves the file as it was
    when that cannot be done safely."""
    path = Path(path)
    real = Path(os.path.realpath(path))      # a link stays a link: its target is what is written
    values = {f: _clean(f, v) for f, v in fields.items() if f in FIELDS}
    try:
        with open(real, "rb") as fh:
            seen = os.fstat(fh.fileno())
            original = fh.read()
    except OSError as exc:
        raise EmbedError(path, _os_reason(exc)) from None
    if embed_bytes.kind(original[:16]) is None or path.suffix.lower() not in WRITABLE_SUFFIXES:
        raise EmbedError(path, SIDECAR_ONLY)
    if not seen.st_mode & 0o222:
        # renaming over it would work in a writable folder, but read-only says "leave me"
        raise EmbedError(path, "the file is read-only; it is unchanged")
    try:
        before = embed_bytes.image_data(original)
        prepared = embed_bytes.standard_xmp_header(original)
        stray = embed_bytes.stray_xmp(prepared)
    except (embed_bytes.Unsupported, IndexError, ValueError) as exc:
        raise EmbedError(path, f"its structure is not one Picture Desk can check ({exc}); not written") from None
    if stray:
        raise EmbedError(path, "its XMP is split over several JPEG segments or in a non-standard one, which the "
                               "writer would not keep as one, so the file would end up with two XMP packets that "
                               "disagree; not written (the caption and credit stay in the sidecar)")
    temp = _temp_copy(path, real, prepared)
    try:
        write_fields(temp, original, values)
        _check(path, temp, original, before, values)
        now = os.stat(real)
        if (now.st_size, now.st_mtime_ns, now.st_ino) != (seen.st_size, seen.st_mtime_ns, seen.st_ino):
            raise EmbedError(path, "the file changed while it was being written (another program?); "
                                   "its new version is kept as it is")
        os.replace(temp, real)
    except BaseException as exc:
        _remove(temp)
        if isinstance(exc, EmbedError):
            raise
        if isinstance(exc, WouldDrop):
            raise EmbedError(path, str(exc)) from None
        if isinstance(exc, OSError):
            raise EmbedError(path, _os_reason(exc)) from None
        if isinstance(exc, Exception):
            raise EmbedError(path, f"the metadata writer failed ({type(exc).__name__}: {exc}); "
                                   "the file is unchanged") from None
        raise
    sync_folder(real.parent)
    return Embedded(str(path), tuple(values))


# ------------------------------------------------------------------ the copy

def _temp_copy(path: Path, real: Path, data: bytes) -> Path:
    """A hidden copy of the file (``real``: ``path`` with links resolved) beside it, with
    its permissions, flushed to disk."""
    try:
        fd, name = tempfile.mkstemp(dir=real.parent, prefix=f".{real.stem}.embed-", suffix=real.suffix)
    except OSError as exc:
        raise EmbedError(path, _os_reason(exc)) from None
    temp = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(temp, os.stat(real).st_mode & 0o7777)
    except OSError as exc:
        _remove(temp)
        raise EmbedError(path, _os_reason(exc)) from None
    return temp


# ------------------------------------------------------------------ the check

def _check(path: Path, temp: Path, original: bytes, before: bytes, values: dict) -> None:
    """The copy's picture bytes, maker notes and every EXIF tag not written are the
    original's, the camera's facts (size, date, make, model, lens, GPS) read the same,
    and our reader finds the new values."""
    from .reader import read_metadata

    data = temp.read_bytes()
    try:
        after = embed_bytes.image_data(data)
    except (embed_bytes.Unsupported, IndexError, ValueError) as exc:
        raise EmbedError(path, f"the written file could not be checked ({exc}); the original is kept") from None
    if after != before:
        raise EmbedError(path, "writing would have changed the image data; the original is kept")
    if not embed_bytes.maker_note_kept(embed_bytes.maker_note(original), embed_bytes.maker_note(data)):
        raise EmbedError(path, "writing would move the camera's maker notes, which would then be misread; "
                               "not written (the caption and credit stay in the sidecar)")
    written = {("IFD0", 270), ("IFD0", 315)}               # ImageDescription, Artist
    was, now = embed_bytes.exif_tags(original), embed_bytes.exif_tags(data)
    lost = sorted(f"{ifd} 0x{tag:04x}" for ifd, tag in set(was) - written if now.get((ifd, tag)) != was[(ifd, tag)])
    if lost:
        raise EmbedError(path, f"the writer would change or drop EXIF tags it was not asked to ({', '.join(lost)}); "
                               "not written (the caption and credit stay in the sidecar)")
    if embed_bytes.iptc_digest_state(data) is False and embed_bytes.iptc_digest_state(original) is not False:
        raise EmbedError(path, "the IPTC digest could not be kept in step; the original is kept")
    meta = read_metadata(temp)
    was = read_metadata(path)
    moved = [f for f in CAMERA_FACTS if getattr(meta, f, None) != getattr(was, f, None)]
    if moved:
        raise EmbedError(path, f"writing would have changed the file's {', '.join(moved)}; the original is kept")
    wrong = [f for f, v in values.items() if _read_back(meta, f) != v]
    if wrong:
        raise EmbedError(path, f"the written file reads back other values for {', '.join(wrong)}; "
                               "the original is kept")


def _read_back(meta, field: str):
    return _clean(field, getattr(meta, field, None))


# ------------------------------------------------------------------ the file system

def _os_reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "the disk is full; the file is unchanged"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "the file or its folder cannot be written (read-only or no permission); the file is unchanged"
    if exc.errno == errno.ENOENT:
        return "the file is missing"
    return f"{exc.strerror or exc}; the file is unchanged"


def _remove(temp: Optional[Path]) -> None:
    try:
        if temp is not None:
            os.unlink(temp)
    except OSError:
        pass


