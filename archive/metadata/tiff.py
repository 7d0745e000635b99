"""TIFF and the raw formats built on it (DNG, CR2, NEF, ARW): IFD0's blocks and size.

The EXIF block of a TIFF is the file itself; besides it IFD0 carries XMP
(tag 700), IPTC (33723, the MWG's standard place) and the Photoshop IRB
(34377, for the IPTC digest).  Raw files keep a preview in IFD0 and the
sensor image in a SubIFD, or (CR2) give the size only in EXIF.
"""

from __future__ import annotations

import struct
from typing import Optional

from .blocks import MAX_BLOCK, Blocks, ExifBlock, Truncated, take_irb
from .source import Source

_TYPE_SIZE = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4}


class Ifd:
    """The entries of one TIFF IFD, read without decoding values we don't need."""

    def __init__(self, src: Source, base: int, offset: int, endian: str):
        self.src, self.base, self.endian = src, base, endian
        self.entries: dict[int, tuple[int, int, bytes]] = {}
        self.next = 0
        head = src.read(base + offset, 2)
        if len(head) < 2:
            return
        count = struct.unpack(endian + "H", head)[0]
        if count > 2000:
            return
        raw = src.read(base + offset + 2, count * 12 + 4)
        for i in range(min(count, len(raw) // 12)):
            tag, typ, n = struct.unpack(endian + "HHI", raw[i * 12:i * 12 + 8])
            self.entries.setdefault(tag, (typ, n, raw[i * 12 + 8:i * 12 + 12]))
        if len(raw) >= count * 12 + 4:
            self.next = struct.unpack(endian + "I", raw[count * 12:count * 12 + 4])[0]

    def raw(self, tag: int, limit: int = MAX_BLOCK) -> Optional[bytes]:
        e = self.entries.get(tag)
        if e is None:
            return None
        typ, n, inline = e
        length = _TYPE_SIZE.get(typ, 1) * n
        if length > limit:
            return None
        if length <= 4:
            return inline[:length]
        off = struct.unpack(self.endian + "I", inline)[0]
        return self.src.read(self.base + off, length)

    def ints(self, tag: int) -> list[int]:
        e = self.entries.get(tag)
        if e is None:
            return []
        typ = e[0]
        data = self.raw(tag, limit=4096)
        if not data:
            return []
        fmt = {1: "B", 3: "H", 4: "I", 13: "I", 8: "h", 9: "i"}.get(typ)
        if fmt is None:
            return []
        n = len(data) // struct.calcsize(fmt)
        return list(struct.unpack(self.endian + fmt * n, data[: n * struct.calcsize(fmt)]))

    def int(self, tag: int) -> Optional[int]:
        v = self.ints(tag)
        return v[0] if v else None


def tiff_endian(header: bytes) -> str:
    return "<" if header[:2] == b"II" else ">"


def scan_tiff(src: Source, ext: str) -> Blocks:
    header = src.read(0, 16)
    endian = tiff_endian(header)
    fmt = "TIFF"
    if header[8:10] == b"CR" and header[10] == 2:
        fmt = "CR2"
    ifd0_off = struct.unpack(endian + "I", header[4:8])[0]
    if ifd0_off < 8 or ifd0_off >= src.size:
        raise Truncated("TIFF header points past the end of the file; the file is truncated or damaged")
    ifd0 = Ifd(src, 0, ifd0_off, endian)
    if not ifd0.entries:
        raise Truncated("TIFF IFD0 is empty or truncated")
    if 0xC612 in ifd0.entries:
        fmt = "DNG"
    elif fmt == "TIFF" and ext in (".nef", ".arw"):
        fmt = ext[1:].upper()
    blocks = Blocks(fmt)
    blocks.exif.append(ExifBlock(src, 0))
    xmp = ifd0.raw(700)
    if xmp:
        blocks.xmp.append(xmp)
    iptc = ifd0.raw(33723)
    if iptc:
        blocks.iptc = iptc
    irb = ifd0.raw(34377)
    if irb:
        take_irb(blocks, irb, iptc_standard=False)
    if fmt == "CR2":
        blocks.pixel_size_from_exif = True
    else:
        blocks.width, blocks.height = _tiff_pixel_size(src, ifd0, endian)
    return blocks


def _tiff_pixel_size(src: Source, ifd0: Ifd, endian: str):
    """IFD0's size; if IFD0 is only a preview (DNG, NEF, ARW), the full-resolution SubIFD's."""
    if ifd0.int(254) in (None, 0):
        return ifd0.int(256), ifd0.int(257)
    best = None
    for off in ifd0.ints(330)[:8]:        # SubIFDs
        ifd = Ifd(src, 0, off, endian)
        w, h = ifd.int(256), ifd.int(257)
        if ifd.int(254) == 0 and w and h and (best is None or w * h > best[0] * best[1]):
            best = (w, h)
    return best or (ifd0.int(256), ifd0.int(257))
