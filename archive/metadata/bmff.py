"""ISO base media files: HEIF/HEIC/AVIF items and Canon CR3 boxes.

HEIF keeps EXIF and XMP as items of the meta box: iinf names them, iloc says
where their bytes are, ipma ties the primary image to its ispe (pixel size).
CR3 keeps its TIFF-structured metadata in the CMT1 (IFD0), CMT2 (EXIF) and
CMT4 (GPS) boxes of a Canon uuid box inside moov, and XMP in a top-level
uuid box.  Walking the boxes ourselves reads a few hundred bytes where a
decoder would load the whole image.
"""

from __future__ import annotations

import struct
from typing import Optional

from .blocks import MAX_BLOCK, Blocks, ExifBlock, Truncated
from .source import Source
from .tiff import Ifd, tiff_endian

_CANON_UUID = bytes.fromhex("85c0b687820f11e08111f4ce462b6a48")
_XMP_UUID = bytes.fromhex("be7acfcb97a942e89c71999491e3afac")


def _boxes(src: Source, start: int, end: int, warnings: Optional[list] = None, fmt: str = "HEIC"):
    """(type, payload_start, payload_end) of the boxes between start and end.

    A box whose size runs past its parent (or the file) is cut there, and one
    whose size is smaller than its own header ends the walk: both are damage
    (a file cut short, a size field overwritten), said in ``warnings`` when given.
    """
    pos = start
    while pos + 8 <= end:
        hdr = src.read(pos, 16)
        if len(hdr) < 8:
            return
        size = int.from_bytes(hdr[:4], "big")
        btype = hdr[4:8]
        name = btype.decode("latin-1")
        hlen = 8
        if size == 1:
            if len(hdr) < 16:
                return
            size = int.from_bytes(hdr[8:16], "big")
            hlen = 16
        elif size == 0:
            size = end - pos
        if size < hlen:
            if warnings is not None:
                warnings.append(f"{fmt}: box {name!r} at byte {pos} has an impossible size ({size}); "
                                "the rest of its parent is not read")
            return
        if pos + size > end and warnings is not None:
            warnings.append(f"{fmt}: box {name!r} at byte {pos} claims {size} bytes, past the end of "
                            f"{'the file' if end == src.size else 'its parent box'}; truncated or damaged")
        yield btype, pos + hlen, min(pos + size, end)
        pos += size


def scan_bmff(src: Source, fmt: str) -> Blocks:
    blocks = Blocks(fmt)
    found_meta = False
    for btype, start, end in _boxes(src, 0, src.size, blocks.warnings, blocks.format):
        if btype == b"meta":
            found_meta = True
            _heif_meta(src, blocks, start + 4, end)   # full box: skip version/flags
        elif btype == b"moov":
            found_meta = True
            for ctype, cstart, cend in _boxes(src, start, end, blocks.warnings, blocks.format):
                if ctype == b"uuid" and src.read(cstart, 16) == _CANON_UUID:
                    _cr3_canon(src, blocks, cstart + 16, cend)
        elif btype == b"uuid" and end - start <= MAX_BLOCK and src.read(start, 16) == _XMP_UUID:
            blocks.xmp.append(src.read(start + 16, end - start - 16))
    if not found_meta:
        raise Truncated(f"{fmt} file without a meta box; truncated or damaged")
    return blocks


def _cr3_canon(src: Source, blocks: Blocks, start: int, end: int) -> None:
    kinds = {b"CMT1": "ifd0", b"CMT2": "exif", b"CMT4": "gps"}
    for ctype, cstart, cend in _boxes(src, start, end, blocks.warnings, blocks.format):
        kind = kinds.get(ctype)
        if kind and cend - cstart <= MAX_BLOCK:
            data = src.read(cstart, cend - cstart)
            blocks.exif.append(ExifBlock(Source("", data, len(data)), 0, kind))
            if kind == "ifd0" and data[:4] in (b"II*\0", b"MM\0*") and len(data) >= 8:
                endian = tiff_endian(data)
                sub = Source("", data, len(data))
                ifd0 = Ifd(sub, 0, struct.unpack(endian + "I", data[4:8])[0], endian)
                blocks.width, blocks.height = ifd0.int(256), ifd0.int(257)


def _heif_meta(src: Source, blocks: Blocks, start: int, end: int) -> None:
    """pitm/iinf/iloc/iprp of a HEIF meta box: the Exif and XMP items and the primary size."""
    primary = None
    items: dict[int, tuple[bytes, bytes]] = {}   # id -> (type, content_type)
    iloc = ipma = b""
    props: list[tuple[bytes, bytes]] = []
    idat = (0, 0)
    for btype, bstart, bend in _boxes(src, start, end, blocks.warnings, blocks.format):
        if bend - bstart > MAX_BLOCK and btype != b"idat":
            continue
        if btype in _FULL_BOX_MIN and bend - bstart < _FULL_BOX_MIN[btype]:
            # too short for its own header (version, flags, first count): damage
            blocks.warnings.append(f"{blocks.format}: {btype.decode('latin-1')!r} box at byte {bstart - 8} "
                                   "is too short to read; ignored")
            continue
        if btype == b"pitm":
            d = src.read(bstart, bend - bstart)
            primary = int.from_bytes(d[4:6], "big") if d[0] == 0 else int.from_bytes(d[4:8], "big")
        elif btype == b"iinf":
            d = src.read(bstart, bend - bstart)
            p = 6 if d[0] == 0 else 8
            while p + 8 <= len(d):                  # the infe boxes, walked in memory
                size = int.from_bytes(d[p:p + 4], "big")
                if size < 8 or p + size > len(d) or (d[p + 4:p + 8] == b"infe"
                                                       and not _heif_infe(d[p + 8:p + size], items)):
                    blocks.warnings.append(f"{blocks.format}: damaged item entry at byte {bstart + p}; "
                                           "the items after it are not read")
                    break
                p += size
        elif btype == b"iloc":
            iloc = src.read(bstart, bend - bstart)
        elif btype == b"idat":
            idat = (bstart, bend)
        elif btype == b"iprp":
            for ptype, pstart, pend in _boxes(src, bstart, bend, blocks.warnings, blocks.format):
                if ptype == b"ipco":
                    for qtype, qstart, qend in _boxes(src, pstart, pend, blocks.warnings, blocks.format):
                        props.append((qtype, src.read(qstart, min(qend - qstart, 16)) if qtype == b"ispe" else b""))
                elif ptype == b"ipma":
                    ipma = src.read(pstart, pend - pstart)
    for prop_index in _heif_ipma(ipma, primary) if ipma and primary is not None else []:
        if 0 < prop_index <= len(props):
            ptype, pdata = props[prop_index - 1]
            if ptype == b"ispe" and len(pdata) >= 12 and blocks.width is None:
                blocks.width = int.from_bytes(pdata[4:8], "big")
                blocks.height = int.from_bytes(pdata[8:12], "big")
    wanted = {i for i, (t, ct) in items.items() if t == b"Exif" or (t == b"mime" and ct.startswith(b"application/rdf+xml"))}
    locations = _heif_iloc(iloc, wanted) if iloc and wanted else {}
    for item_id in sorted(wanted):
        if item_id not in locations:
            continue
        if items[item_id][0] == b"Exif":
            data = _heif_item_data(src, locations[item_id], idat)
            if len(data) >= 4:
                off = 4 + int.from_bytes(data[:4], "big")
                if data[off:off + 4] not in (b"II*\0", b"MM\0*"):
                    found = [i for i in (data.find(b"II*\0"), data.find(b"MM\0*")) if i >= 0]
                    off = min(found) if found else -1
                if off >= 0 and not blocks.exif:
                    tiff = data[off:]
                    blocks.exif.append(ExifBlock(Source("", tiff, len(tiff)), 0))
        else:
            blocks.xmp.append(_heif_item_data(src, locations[item_id], idat))


# The smallest payload of each full box we read: version and flags (4 bytes), then
# the fields read before any length check (pitm's item id, iinf's entry count, iloc's
# field sizes and item count, ipma's entry count).
_FULL_BOX_MIN = {b"pitm": 6, b"iinf": 6, b"iloc": 8, b"ipma": 8}


def _heif_infe(d: bytes, items: dict) -> bool:
    """Note one item's type (and MIME type); False when the entry is too short to be one."""
    if len(d) < 12:                 # version, flags, item id, protection index, item type
        return False
    version = d[0]
    if version < 2:
        return True                 # an old-style entry: no item type to read
    if version == 2:
        item_id = int.from_bytes(d[4:6], "big")
        p = 8
    else:
        item_id = int.from_bytes(d[4:8], "big")
        p = 10
    itype = d[p:p + 4]
    content_type = b""
    if itype == b"mime":
        _name, _, rest = d[p + 4:].partition(b"\0")
        content_type = rest.partition(b"\0")[0]
    items[item_id] = (itype, content_type)
    return True


_INT_FMT = {0: "", 2: "H", 4: "I", 8: "Q"}


def _heif_iloc(d: bytes, wanted: set[int]) -> dict:
    """item id -> (construction method, [(offset, length)]) for the wanted items."""
    version = d[0]
    sizes = (d[4] >> 4, d[4] & 15, d[5] >> 4, d[5] & 15 if version in (1, 2) else 0)
    if any(size not in _INT_FMT for size in sizes):
        return {}
    offset_f, length_f, base_f, index_f = (_INT_FMT[size] for size in sizes)
    id_f = "H" if version < 2 else "I"
    head = struct.Struct(">" + id_f + ("H" if version in (1, 2) else "") + "H" + base_f + "H")
    extent = struct.Struct(">" + index_f + offset_f + length_f)
    with_index = bool(index_f)
    p = 6 + (2 if version < 2 else 4)
    count = int.from_bytes(d[6:p], "big")
    out = {}
    for _ in range(count):
        if p + head.size > len(d) or len(out) == len(wanted):
            break
        fields = head.unpack_from(d, p)
        p += head.size
        item_id, n = fields[0], fields[-1]
        method = fields[1] & 15 if version in (1, 2) else 0
        base = fields[-2] if base_f else 0
        if item_id in wanted:
            extents = []
            for i in range(n):
                if p + extent.size * (i + 1) > len(d):
                    break
                values = extent.unpack_from(d, p + extent.size * i)[1 if with_index else 0:]
                offset = values[0] if offset_f else 0
                length = values[-1] if length_f else 0
                extents.append((base + offset, length))
            out[item_id] = (method, extents)
        p += extent.size * n
    return out


def _heif_ipma(d: bytes, item: int) -> list[int]:
    """The property indices associated with ``item``."""
    if len(d) < 8:                  # version, flags, entry count
        return []
    version, flags = d[0], int.from_bytes(d[1:4], "big")
    count = int.from_bytes(d[4:8], "big")
    id_size, wide = (2 if version < 1 else 4), flags & 1
    p = 8
    for _ in range(count):
        if p + id_size >= len(d):
            break
        item_id = int.from_bytes(d[p:p + id_size], "big")
        n = d[p + id_size]
        p += id_size + 1
        if item_id == item:
            if wide:
                return [int.from_bytes(d[p + 2 * i:p + 2 * i + 2], "big") & 0x7FFF for i in range(n)]
            return [b & 0x7F for b in d[p:p + n]]
        p += n * (2 if wide else 1)
    return []


def _heif_item_data(src: Source, location, idat) -> bytes:
    method, extents = location
    parts = []
    for off, length in extents:
        if length > MAX_BLOCK:
            return b""
        if method == 1:
            parts.append(src.read(idat[0] + off, min(length or (idat[1] - idat[0] - off), MAX_BLOCK)))
        elif method == 0:
            parts.append(src.read(off, min(length or (src.size - off), MAX_BLOCK)))
    return b"".join(parts)
