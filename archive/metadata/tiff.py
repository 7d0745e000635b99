"""TIFF and the raw formats built on it (DNG, CR2, NEF, ARW): IFD0's blocks and size.

The EXIF block of a TIFF is the file itself; besides it IFD0 carries XMP
(tag 700), IPTC (33723, the MWG's standard place) and the Photoshop IRB
(34377, for the IPTC digest).  Raw files keep a preview in IFD0 and the
sensor image in a SubIFD, or (CR2) give the size only in EXIF.

BigTIFF (version 43: 8-byte offsets and counts, 20-byte IFD entries, the
8-byte types LONG8, SLONG8 and IFD8) is read here too.  The EXIF decoder
(exifread) knows only classic TIFF, so the tags of a BigTIFF's IFD0, EXIF
and GPS IFDs are copied into a small classic TIFF in memory for it.
"""

from __future__ import annotations

import struct
from typing import Optional

from .blocks import MAX_BLOCK, Blocks, ExifBlock, Truncated, take_irb
from .source import Source

_TYPE_SIZE = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4,
              16: 8, 17: 8, 18: 8}      # BigTIFF: LONG8, SLONG8, IFD8


class Ifd:
    """The entries of one TIFF IFD, read without decoding values we don't need.

    ``big``: a BigTIFF IFD (8-byte entry count, 20-byte entries with an
    8-byte count and an 8-byte value-or-offset field, 8-byte next offset).
    """

    def __init__(self, src: Source, base: int, offset: int, endian: str, big: bool = False):
        self.src, self.base, self.endian, self.big = src, base, endian, big
        self.entries: dict[int, tuple[int, int, bytes]] = {}
        self.next = 0
        count_size, entry_size, layout = (8, 20, "HHQ") if big else (2, 12, "HHI")
        field = 8 if big else 4
        head = src.read(base + offset, count_size)
        if len(head) < count_size:
            return
        count = struct.unpack(endian + ("Q" if big else "H"), head)[0]
        if count > 2000:
            return
        raw = src.read(base + offset + count_size, count * entry_size + field)
        for i in range(min(count, len(raw) // entry_size)):
            at = i * entry_size
            tag, typ, n = struct.unpack(endian + layout, raw[at:at + entry_size - field])
            self.entries.setdefault(tag, (typ, n, raw[at + entry_size - field:at + entry_size]))
        end = count * entry_size
        if len(raw) >= end + field:
            self.next = struct.unpack(endian + ("Q" if big else "I"), raw[end:end + field])[0]

    def raw(self, tag: int, limit: int = MAX_BLOCK) -> Optional[bytes]:
        e = self.entries.get(tag)
        if e is None:
            return None
        typ, n, inline = e
        length = _TYPE_SIZE.get(typ, 1) * n
        if length > limit:
            return None
        if length <= len(inline):
            return inline[:length]
        off = struct.unpack(self.endian + ("Q" if self.big else "I"), inline)[0]
        return self.src.read(self.base + off, length)

    def ints(self, tag: int, limit: int = 4096) -> list[int]:
        e = self.entries.get(tag)
        if e is None:
            return []
        typ = e[0]
        data = self.raw(tag, limit=limit)
        if not data:
            return []
        fmt = {1: "B", 3: "H", 4: "I", 13: "I", 8: "h", 9: "i", 16: "Q", 17: "q", 18: "Q"}.get(typ)
        if fmt is None:
            return []
        n = len(data) // struct.calcsize(fmt)
        return list(struct.unpack(self.endian + fmt * n, data[: n * struct.calcsize(fmt)]))

    def int(self, tag: int) -> Optional[int]:
        v = self.ints(tag)
        return v[0] if v else None


def tiff_endian(header: bytes) -> str:
    return "<" if header[:2] == b"II" else ">"


def is_bigtiff(header: bytes) -> bool:
    return header[:4] in (b"II+\0", b"MM\0+")


def scan_tiff(src: Source, ext: str) -> Blocks:
    header = src.read(0, 16)
    endian = tiff_endian(header)
    big = is_bigtiff(header)
    fmt = "TIFF"
    if big:
        # bytesize of offsets (8) and a reserved 0, then IFD0's 8-byte offset
        if len(header) < 16 or struct.unpack(endian + "HH", header[4:8]) != (8, 0):
            raise Truncated("BigTIFF header is damaged (offset size is not 8)")
        ifd0_off = struct.unpack(endian + "Q", header[8:16])[0]
        first = 16
    else:
        if len(header) < 8:
            raise Truncated("truncated TIFF: the file ends inside its header")
        if header[8:11] == b"CR\x02":
            fmt = "CR2"
        ifd0_off = struct.unpack(endian + "I", header[4:8])[0]
        first = 8
    if ifd0_off < first or ifd0_off >= src.size:
        raise Truncated("TIFF header points past the end of the file; the file is truncated or damaged")
    ifd0 = Ifd(src, 0, ifd0_off, endian, big)
    if not ifd0.entries:
        raise Truncated("TIFF IFD0 is empty or truncated")
    if 0xC612 in ifd0.entries:
        fmt = "DNG"
    elif fmt == "TIFF" and ext in (".nef", ".arw"):
        fmt = ext[1:].upper()
    blocks = Blocks(fmt)
    if big:
        classic = classic_tiff(src, ifd0, endian)
        blocks.exif.append(ExifBlock(Source("", classic, len(classic)), 0))
    else:
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
    missing = _image_data_missing(src, ifd0)
    if missing:
        blocks.warnings.append(f"TIFF: the image data runs {missing} bytes past the end of the file; "
                               "the file is truncated")
    return blocks


_DATA_ARRAY_LIMIT = 64 * 1024       # offsets of 16,384 strips: more is not read


def _image_data_missing(src: Source, ifd0: Ifd) -> int:
    """How far IFD0's strips (or tiles) reach past the end of the file; 0 when whole.

    A TIFF cut short keeps its header and IFD0 (written first by most writers),
    so its metadata reads well and only the pixels are gone: the offsets and
    byte counts of the image data say so without reading it.
    """
    for offsets_tag, counts_tag in ((273, 279), (324, 325)):
        offsets = _ints(ifd0, offsets_tag)
        counts = _ints(ifd0, counts_tag)
        if offsets and len(offsets) == len(counts):
            return max(0, max(o + c for o, c in zip(offsets, counts)) - src.size)
    return 0


def _ints(ifd: Ifd, tag: int) -> list[int]:
    e = ifd.entries.get(tag)
    if e is None or _TYPE_SIZE.get(e[0], 1) * e[1] > _DATA_ARRAY_LIMIT:
        return []
    return ifd.ints(tag, limit=_DATA_ARRAY_LIMIT)


def _tiff_pixel_size(src: Source, ifd0: Ifd, endian: str):
    """IFD0's size; if IFD0 is only a preview (DNG, NEF, ARW), the full-resolution SubIFD's."""
    if ifd0.int(254) in (None, 0):
        return ifd0.int(256), ifd0.int(257)
    best = None
    for off in ifd0.ints(330)[:8]:        # SubIFDs
        ifd = Ifd(src, 0, off, endian, ifd0.big)
        w, h = ifd.int(256), ifd.int(257)
        if ifd.int(254) == 0 and w and h and (best is None or w * h > best[0] * best[1]):
            best = (w, h)
    return best or (ifd0.int(256), ifd0.int(257))


# --- BigTIFF -> classic TIFF, for the EXIF decoder ------------------------------------

_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
_POINTERS = {_EXIF_IFD, _GPS_IFD}
_CLASSIC_VALUE_LIMIT = 64 * 1024        # strip offsets and the like: not metadata


def classic_tiff(src: Source, ifd0: Ifd, endian: str) -> bytes:
    """IFD0, EXIF and GPS IFDs of a BigTIFF as a classic TIFF (values copied, offsets new).

    8-byte integers (LONG8, SLONG8) become LONG/SLONG when they fit in 32
    bits and are left out when they don't; a value too big to be metadata is
    left out; pointers to the EXIF and GPS IFDs are rewritten to the copies.
    """
    ifds: list[dict[int, tuple[int, int, bytes]]] = [_classic_entries(ifd0, endian)]
    links = []
    for tag in (_EXIF_IFD, _GPS_IFD):
        off = ifd0.int(tag)
        if off:
            sub = Ifd(src, 0, off, endian, big=True)
            if sub.entries:
                links.append((tag, len(ifds)))
                ifds.append(_classic_entries(sub, endian))
    for tag, _ in links:
        ifds[0][tag] = (4, 1, b"\0\0\0\0")       # filled in below
    # layout: header, then each IFD followed by its out-of-line values
    offsets, pos = [], 8
    for ifd in ifds:
        offsets.append(pos)
        pos += 2 + 12 * len(ifd) + 4 + sum(len(v) + (len(v) & 1) for _, _, v in ifd.values() if len(v) > 4)
    for tag, index in links:
        ifds[0][tag] = (4, 1, struct.pack(endian + "I", offsets[index]))
    out = bytearray((b"II*\0" if endian == "<" else b"MM\0*") + struct.pack(endian + "I", offsets[0]))
    for ifd, offset in zip(ifds, offsets):
        table, values = bytearray(struct.pack(endian + "H", len(ifd))), bytearray()
        data_pos = offset + 2 + 12 * len(ifd) + 4
        for tag in sorted(ifd):
            typ, n, data = ifd[tag]
            if len(data) <= 4:
                field = data.ljust(4, b"\0")
            else:
                field = struct.pack(endian + "I", data_pos + len(values))
                values += data + (b"\0" if len(data) & 1 else b"")
            table += struct.pack(endian + "HHI", tag, typ, n) + field
        out += table + b"\0\0\0\0" + values
    return bytes(out)


def _classic_entries(ifd: Ifd, endian: str) -> dict[int, tuple[int, int, bytes]]:
    entries = {}
    for tag, (typ, n, _inline) in ifd.entries.items():
        if tag in _POINTERS:
            continue
        if typ not in _TYPE_SIZE or _TYPE_SIZE[typ] * n > _CLASSIC_VALUE_LIMIT or n > 0xFFFFFFFF:
            continue
        data = ifd.raw(tag, limit=_CLASSIC_VALUE_LIMIT)
        if data is None or len(data) < _TYPE_SIZE[typ] * n:
            continue
        if typ in (16, 17, 18):
            values = struct.unpack(endian + ("q" if typ == 17 else "Q") * n, data)
            if typ == 17 and all(-2 ** 31 <= v < 2 ** 31 for v in values):
                typ, data = 9, struct.pack(endian + "i" * n, *values)
            elif typ != 17 and all(v < 2 ** 32 for v in values):
                typ, data = 4, struct.pack(endian + "I" * n, *values)
            else:
                continue
        entries[tag] = (typ, n, data)
    return entries
