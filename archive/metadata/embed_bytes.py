"""The parts of a JPEG, PNG or TIFF that embedding must not touch, and its IPTC digest.

Embedding (embed.py) lets exiv2 rewrite a file's metadata blocks; this module
checks the result byte for byte where it matters and mends the one thing
exiv2 leaves behind:

- ``image_data(data)``: the bytes that are the picture, so the file before and
  after can be compared exactly: for a JPEG everything from the first SOS
  marker on (the entropy-coded scans to EOI, and whatever trails it, such as
  the previews of an MPF file); for a PNG the IHDR, PLTE and IDAT chunks; for
  a TIFF the header of IFD0's image (size, compression, photometric) and its
  strips or tiles.
- ``refresh_iptc_digest(data)``: exiv2 writes new IPTC-IIM but keeps the old
  IPTC digest (Photoshop IRB 0x0425); where it matched the old IIM a stale one
  would make exiftool's MWG reading (and ours, reconcile.py) believe the IIM was changed by a tool that
  does not know XMP, so the IIM would win over XMP and a By-line cut at the
  IIM's 32 bytes would be read instead of the full name.  The digest is set to the MD5
  of the new IIM block, in place (same 16 bytes, nothing moves).  A file
  without a digest keeps none: MWG then prefers XMP where it has the value.
"""

from __future__ import annotations

import hashlib
import struct
from typing import Optional

JPEG_SOS = 0xDA
_STANDALONE = set(range(0xD0, 0xD8)) | {0x01, 0xD8}
PHOTOSHOP = b"Photoshop 3.0\x00"
IRB_IPTC, IRB_DIGEST = 0x0404, 0x0425
TIFF_IPTC, TIFF_IRB = 33723, 34377
_TIFF_PIXEL_TAGS = (256, 257, 258, 259, 262, 277, 284, 317, 322, 323, 338, 339)
_TIFF_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4}


class Unsupported(ValueError):
    """The file's structure is one this module does not follow (and so cannot vouch for)."""


def kind(head: bytes) -> Optional[str]:
    """"JPEG", "PNG", "TIFF" for the formats embedding writes, else None."""
    if head[:3] == b"\xff\xd8\xff":
        return "JPEG"
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return "PNG"
    if head[:4] in (b"II*\0", b"MM\0*"):
        return "TIFF"
    return None


# ------------------------------------------------------------------ JPEG

def jpeg_segments(data: bytes):
    """(marker, start of its payload, payload length) of each segment before the first SOS,
    and finally (SOS, offset of the SOS marker, 0)."""
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            raise Unsupported(f"no JPEG marker at byte {pos}")
        marker = data[pos + 1]
        if marker == 0xFF:                      # fill byte
            pos += 1
            continue
        if marker in _STANDALONE:
            pos += 2
            continue
        if marker == JPEG_SOS:
            yield marker, pos, 0
            return
        length = struct.unpack(">H", data[pos + 2:pos + 4])[0]
        yield marker, pos + 4, length - 2
        pos += 2 + length
    raise Unsupported("the JPEG has no image data (no SOS marker)")


def _jpeg_image(data: bytes) -> bytes:
    for marker, start, _ in jpeg_segments(data):
        if marker == JPEG_SOS:
            return data[start:]
    raise Unsupported("the JPEG has no image data")


XMP_HEADER = b"http://ns.adobe.com/xap/1.0/\x00"
# What some agency systems write instead (PA's, the Guardian's and Corbis's files in
# the corpus): exiftool reads it with a warning, exiv2 does not see it.  Same length.
BROKEN_XMP_HEADER = b"XMP\x00://ns.adobe.com/xap/1.0/\x00"


def standard_xmp_header(data: bytes) -> bytes:
    """A JPEG whose XMP segment starts "XMP\\0://ns.adobe.com/..." with the standard
    header instead (4 bytes in place, nothing moves), so exiv2 reads and rewrites that
    packet rather than adding a second one beside it."""
    if kind(data[:16]) != "JPEG":
        return data
    out = None
    for marker, start, length in jpeg_segments(data):
        if marker == 0xE1 and data[start:start + len(BROKEN_XMP_HEADER)] == BROKEN_XMP_HEADER:
            out = out if out is not None else bytearray(data)
            out[start:start + 4] = b"http"
    return bytes(out) if out is not None else data


def stray_xmp(data: bytes) -> bool:
    """Does a JPEG carry XMP that exiv2 would not rewrite as the one packet: in an APP1
    segment without the standard header, or in more than one standard segment?  exiftool
    reads them all, exiv2 one, so writing would leave packets that disagree
    (grid_guardian-turner.jpg and grid_cech.jpg of the corpus)."""
    if kind(data[:16]) != "JPEG":
        return False
    packets = 0
    for marker, start, length in jpeg_segments(data):
        body = data[start:start + length]
        if marker != 0xE1 or body.startswith((b"Exif\0", b"http://ns.adobe.com/xmp/extension/")):
            continue
        if body.startswith(XMP_HEADER):
            packets += 1
        elif b"<x:xmpmeta" in body or b"<rdf:RDF" in body:
            return True
    return packets > 1


def _irb_blocks(irb: bytes, base: int):
    """(resource id, absolute offset of its data, data length) of each 8BIM resource."""
    pos = 0
    while pos + 12 <= len(irb) and irb[pos:pos + 4] == b"8BIM":
        rid = struct.unpack(">H", irb[pos + 4:pos + 6])[0]
        name_len = irb[pos + 6]
        pos += 6 + ((name_len + 2) & ~1)         # Pascal name padded to even length
        if pos + 4 > len(irb):
            return
        size = struct.unpack(">I", irb[pos:pos + 4])[0]
        pos += 4
        yield rid, base + pos, size
        pos += size + (size & 1)


# ------------------------------------------------------------------ PNG

def _png_image(data: bytes) -> bytes:
    out = []
    pos = 8
    while pos + 8 <= len(data):
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        if ctype in (b"IHDR", b"PLTE", b"IDAT", b"tRNS"):
            out.append(data[pos:pos + 12 + length])
        if ctype == b"IEND":
            break
        pos += 12 + length
    if not any(c[4:8] == b"IDAT" for c in out):
        raise Unsupported("the PNG has no image data (no IDAT chunk)")
    return b"".join(out)


# ------------------------------------------------------------------ TIFF

def tiff_ifd0(data: bytes) -> tuple[str, dict[int, tuple[int, int, int]]]:
    """(byte order, tag -> (type, count, offset of the value)) of IFD0 of a classic TIFF."""
    order = "<" if data[:2] == b"II" else ">"
    return order, tiff_ifd(data, order, struct.unpack(order + "I", data[4:8])[0])


def tiff_ifd(data: bytes, order: str, offset: int) -> dict[int, tuple[int, int, int]]:
    """tag -> (type, count, offset of the value) of the IFD at ``offset``."""
    if offset + 2 > len(data):
        raise Unsupported("an IFD lies outside the file")
    count = struct.unpack(order + "H", data[offset:offset + 2])[0]
    tags = {}
    for i in range(count):
        entry = offset + 2 + 12 * i
        if entry + 12 > len(data):
            raise Unsupported("an IFD is cut short")
        tag, typ, n = struct.unpack(order + "HHI", data[entry:entry + 8])
        size = _TIFF_SIZES.get(typ, 1) * n
        where = entry + 8 if size <= 4 else struct.unpack(order + "I", data[entry + 8:entry + 12])[0]
        tags[tag] = (typ, n, where)
    return tags


def _exif_tiff(data: bytes) -> Optional[bytes]:
    """The EXIF TIFF structure of a JPEG (APP1 "Exif"), PNG (eXIf) or TIFF (the file)."""
    fmt = kind(data[:16])
    if fmt == "TIFF":
        return data
    if fmt == "JPEG":
        for marker, start, length in jpeg_segments(data):
            if marker == 0xE1 and data[start:start + 6] == b"Exif\0\0":
                return data[start + 6:start + length]
        return None
    pos = 8
    while pos + 8 <= len(data):
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        if ctype == b"eXIf":
            return data[pos + 8:pos + 8 + length]
        if ctype == b"IEND":
            break
        pos += 12 + length
    return None


def maker_note(data: bytes) -> Optional[tuple[int, bytes]]:
    """(offset in the EXIF structure, bytes) of the camera's MakerNote, None without one.

    Many maker notes point at their own data with offsets counted from the EXIF
    header, so they survive a rewrite only where the writer knows their layout;
    embedding refuses a file whose maker note would move or change (embed.py)."""
    tiff = _exif_tiff(data)
    if not tiff or tiff[:4] not in (b"II*\0", b"MM\0*"):
        return None
    order, ifd0 = tiff_ifd0(tiff)
    if 34665 not in ifd0:
        return None
    exif_ifd = tiff_ifd(tiff, order, struct.unpack(order + "I", tiff[ifd0[34665][2]:ifd0[34665][2] + 4])[0])
    if 0x927C not in exif_ifd:
        return None
    _, n, where = exif_ifd[0x927C]
    return where, tiff[where:where + n]


# offsets, what is checked on its own (maker note, strips), and the XMP, IPTC and Photoshop
# blocks of a TIFF, which are what embedding rewrites
_POINTERS = {34665, 34853, 40965, 0x927C, 513, 514, 273, 279, 324, 325, 700, 33723, 34377}
_SUB_IFDS = ((34665, "Exif"), (34853, "GPS"), (40965, "Interop"))


def exif_tags(data: bytes) -> dict[tuple[str, int], tuple[int, bytes]]:
    """(IFD name, tag) -> (type, value bytes) of IFD0 and its Exif, GPS and Interop IFDs,
    pointers and the maker note left out: what a rewrite of the EXIF block must keep."""
    tiff = _exif_tiff(data)
    if not tiff or tiff[:4] not in (b"II*\0", b"MM\0*"):
        return {}
    order, ifd0 = tiff_ifd0(tiff)
    out: dict[tuple[str, int], tuple[int, bytes]] = {}
    pending = [("IFD0", ifd0)]
    while pending:
        name, tags = pending.pop()
        for tag, (typ, n, where) in tags.items():
            for pointer, sub in _SUB_IFDS:
                if tag == pointer and name in ("IFD0", "Exif"):
                    offset = struct.unpack(order + "I", tiff[where:where + 4])[0]
                    pending.append((sub, tiff_ifd(tiff, order, offset)))
            if tag not in _POINTERS:
                out[(name, tag)] = (typ, tiff[where:where + _TIFF_SIZES.get(typ, 1) * n])
    return out


def maker_note_kept(before: Optional[tuple[int, bytes]], after: Optional[tuple[int, bytes]]) -> bool:
    """Is the maker note as good as before: the same bytes at the same place, or the same
    bytes moved when they carry their own TIFF header (Nikon's type 3: "Nikon\\0" 2 x x
    then II/MM), so their offsets count from inside them and a move changes nothing."""
    if before == after:
        return True
    if before is None or after is None or before[1] != after[1]:
        return False
    return before[1][:7] == b"Nikon\x00\x02" and before[1][10:12] in (b"II", b"MM")


def _tiff_numbers(data: bytes, order: str, entry: tuple[int, int, int]) -> list[int]:
    typ, n, where = entry
    fmt = {3: "H", 4: "I", 16: "Q"}.get(typ)
    if fmt is None:
        raise Unsupported(f"unexpected TIFF value type {typ} for strip offsets")
    return list(struct.unpack(f"{order}{n}{fmt}", data[where:where + n * struct.calcsize(fmt)]))


def _tiff_image(data: bytes) -> bytes:
    order, tags = tiff_ifd0(data)
    parts = []
    for tag in _TIFF_PIXEL_TAGS:                 # what the pixels mean
        if tag in tags:
            typ, n, where = tags[tag]
            parts.append(data[where:where + _TIFF_SIZES.get(typ, 1) * n])
    pairs = ((273, 279), (324, 325))
    for offsets_tag, counts_tag in pairs:
        if offsets_tag in tags and counts_tag in tags:
            offsets = _tiff_numbers(data, order, tags[offsets_tag])
            counts = _tiff_numbers(data, order, tags[counts_tag])
            parts.extend(data[o:o + c] for o, c in zip(offsets, counts))
            return b"".join(parts)
    raise Unsupported("the TIFF's first image has no strips or tiles")


def image_data(data: bytes) -> bytes:
    """The bytes of the picture itself (see the module's docstring), to compare exactly."""
    fmt = kind(data[:16])
    if fmt == "JPEG":
        return _jpeg_image(data)
    if fmt == "PNG":
        return _png_image(data)
    if fmt == "TIFF":
        return _tiff_image(data)
    raise Unsupported("not a JPEG, PNG or TIFF")


# ------------------------------------------------------------------ IPTC digest

def _digest_places(data: bytes) -> tuple[Optional[bytes], list[int]]:
    """(the IIM block as stored, the offsets of each 16-byte IPTC digest) in a JPEG or TIFF."""
    fmt = kind(data[:16])
    iptc, digests = None, []
    if fmt == "JPEG":
        for marker, start, length in jpeg_segments(data):
            if marker == 0xED and data[start:start + len(PHOTOSHOP)] == PHOTOSHOP:
                base = start + len(PHOTOSHOP)
                for rid, where, size in _irb_blocks(data[base:start + length], base):
                    if rid == IRB_IPTC and iptc is None:
                        iptc = data[where:where + size]
                    elif rid == IRB_DIGEST and size == 16:
                        digests.append(where)
    elif fmt == "TIFF":
        _, tags = tiff_ifd0(data)
        if TIFF_IPTC in tags:
            typ, n, where = tags[TIFF_IPTC]
            iptc = data[where:where + _TIFF_SIZES.get(typ, 1) * n]
        if TIFF_IRB in tags:
            _, n, where = tags[TIFF_IRB]
            for rid, at, size in _irb_blocks(data[where:where + n], where):
                if rid == IRB_DIGEST and size == 16:
                    digests.append(at)
    return iptc, digests


def refresh_iptc_digest(data: bytes) -> bytes:
    """The file with every IPTC digest set to the MD5 of its IIM block as it is now."""
    iptc, digests = _digest_places(data)
    if iptc is None or not digests:
        return data
    md5 = hashlib.md5(iptc).digest()
    out = bytearray(data)
    for where in digests:
        out[where:where + 16] = md5
    return bytes(out)


def iptc_digest_state(data: bytes) -> Optional[bool]:
    """True when the stored digest matches the IIM, False when it is stale, None without one."""
    iptc, digests = _digest_places(data)
    if iptc is None or not digests:
        return None
    md5 = hashlib.md5(iptc).digest()
    return all(data[w:w + 16] == md5 for w in digests)
