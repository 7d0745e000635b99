"""Setting EXIF ImageDescription and Artist in a JPEG without rewriting its EXIF block.

exiv2 re-serialises a JPEG's whole EXIF block when it writes, and moves the
camera's maker note with it; many maker notes count their offsets from the
EXIF header and are then misread (Canon's, older Nikons').  The two tags
embedding keeps in step (embed.py) are ASCII values in IFD0, so they are
patched here instead, leaving every other byte of the block where it was:
the new value goes where the old one was when it fits, else at the end of
the block (TIFF offsets count from the block's start, so appending moves
nothing).  The JPEG's EXIF segment exiv2 wrote is then replaced by the
original one so patched.
"""

from __future__ import annotations

import struct
from typing import Optional

from .embed_bytes import JPEG_SOS, Unsupported, jpeg_segments, tiff_ifd0

EXIF_HEADER = b"Exif\x00\x00"
MAX_SEGMENT = 0xFFFF - 2


def exif_segment(data: bytes) -> Optional[tuple[int, int]]:
    """(start, end) of the whole APP1 Exif segment of a JPEG (marker included), None without one."""
    for marker, start, length in jpeg_segments(data):
        if marker == JPEG_SOS:
            return None
        if marker == 0xE1 and data[start:start + 6] == EXIF_HEADER:
            return start - 4, start + length
    return None


def set_ascii(tiff: bytes, changes: dict[int, str]) -> bytes:
    """IFD0 ASCII tags (tag -> new text; "" leaves it blank) set in the TIFF structure
    ``tiff``; tags it does not have are not added."""
    order, tags = tiff_ifd0(tiff)
    out = bytearray(tiff)
    offset = struct.unpack(order + "I", tiff[4:8])[0]
    count = struct.unpack(order + "H", tiff[offset:offset + 2])[0]
    for i in range(count):
        entry = offset + 2 + 12 * i
        tag, typ, n = struct.unpack(order + "HHI", out[entry:entry + 8])
        if tag not in changes:
            continue
        if typ != 2:
            raise Unsupported(f"EXIF tag 0x{tag:04x} is not text")
        raw = changes[tag].encode("utf-8") + b"\x00"
        if len(raw) <= 4:
            out[entry + 4:entry + 12] = struct.pack(order + "I", len(raw)) + raw.ljust(4, b"\x00")
            continue
        where = struct.unpack(order + "I", out[entry + 8:entry + 12])[0] if n > 4 else None
        if where is not None and len(raw) <= n:
            out[where:where + n] = raw.ljust(n, b"\x00")          # the old text's room, the rest zeroed
        else:
            if len(out) % 2:
                out += b"\x00"                                     # values start on a word boundary
            where = len(out)
            out += raw
        out[entry + 4:entry + 12] = struct.pack(order + "II", len(raw), where)
    return bytes(out)


def patched_jpeg(written: bytes, original: bytes, changes: dict[int, str]) -> bytes:
    """``written`` (the JPEG exiv2 wrote) with the original EXIF segment put back and its
    ``changes`` made in place."""
    old = exif_segment(original)
    new = exif_segment(written)
    if old is None or new is None:
        return written
    tiff = set_ascii(original[old[0] + 10:old[1]], changes)
    if len(EXIF_HEADER) + len(tiff) > MAX_SEGMENT:
        raise Unsupported("the EXIF block would outgrow its JPEG segment (64 KB)")
    segment = b"\xff\xe1" + struct.pack(">H", len(EXIF_HEADER) + len(tiff) + 2) + EXIF_HEADER + tiff
    return written[:new[0]] + segment + written[new[1]:]
