"""What the container walkers find: the raw EXIF, IPTC and XMP blocks of a file.

Shared by containers.py (JPEG, PNG, WebP), tiff.py and bmff.py (HEIF, CR3),
together with the Photoshop image resource (IRB) reader that JPEG, TIFF and
PNG all need.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from .source import Source


@dataclass
class ExifBlock:
    """A TIFF-structured EXIF block: ``source`` viewed from ``base``.

    ``kind`` says what its first IFD is: "tiff" (IFD0 with the EXIF and GPS
    sub-IFDs hanging off it, the usual case), or for Canon CR3, whose EXIF is
    split over several boxes, "ifd0", "exif" or "gps".
    """

    source: Source
    base: int
    kind: str = "tiff"


@dataclass
class Blocks:
    """One file's raw metadata blocks, its format and its pixel size."""

    format: str
    width: Optional[int] = None
    height: Optional[int] = None
    exif: list[ExifBlock] = field(default_factory=list)
    iptc: Optional[bytes] = None          # the IIM datasets, as stored
    iptc_digest: Optional[bytes] = None   # Photoshop IRB 0x0425 (16 bytes), if any
    xmp: list[bytes] = field(default_factory=list)   # packets in file order
    xmp_extended: dict[str, bytes] = field(default_factory=dict)  # GUID -> data
    pixel_size_from_exif: bool = False    # dims must come from EXIF (CR2)
    truncated: Optional[str] = None       # why the file is unusable if nothing else is found
    warnings: list[str] = field(default_factory=list)


# No metadata block is this big; a larger length field is damage, not data.
MAX_BLOCK = 32 * 1024 * 1024


class NotAnImage(Exception):
    """The bytes are no image format we know; the message says what they look like."""


class Truncated(Exception):
    """The file ends before anything usable was found."""


# --- Photoshop image resource blocks (IRB) -----------------------------------

IRB_SIGNATURES = (b"8BIM", b"PHUT", b"DCSR", b"AgHg", b"MeSa")


def parse_irb(data: bytes) -> dict[int, bytes]:
    """Resource id -> data of the first resource with that id."""
    out: dict[int, bytes] = {}
    pos, end = 0, len(data)
    while pos + 12 <= end and data[pos:pos + 4] in IRB_SIGNATURES:
        rid = int.from_bytes(data[pos + 4:pos + 6], "big")
        name_len = data[pos + 6] + 1
        name_len += name_len & 1
        p = pos + 6 + name_len
        if p + 4 > end:
            break
        size = int.from_bytes(data[p:p + 4], "big")
        p += 4
        out.setdefault(rid, data[p:p + size])
        pos = p + size + (size & 1)
    return out


def take_irb(blocks: Blocks, irb: bytes, iptc_standard: bool) -> None:
    res = parse_irb(irb)
    if 0x0425 in res and len(res[0x0425]) == 16:
        blocks.iptc_digest = res[0x0425]
    if iptc_standard and 0x0404 in res and blocks.iptc is None:
        blocks.iptc = res[0x0404]
