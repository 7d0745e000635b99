"""Find the EXIF, IPTC and XMP blocks inside an image file, and its pixel size.

Each image format hides metadata in its own wrapper: JPEG APP segments,
TIFF IFD0 tags, PNG chunks, WebP RIFF chunks, ISO-BMFF boxes (HEIC, CR3).
This module tells the formats apart and walks JPEG, PNG and WebP itself
(TIFF-based files: tiff.py, HEIF and CR3: bmff.py); all hand back the raw
blocks in a ``Blocks`` value, and decoding them is the job of exif.py,
iptc.py and xmp.py.

Where the Metadata Working Group names a "standard location" (EXIF in the
JPEG APP1 "Exif" segment, IPTC in the Photoshop APP13 IRB or TIFF tag 33723,
XMP in the APP1 "http://ns.adobe.com/xap/1.0/" segment or TIFF tag 700) we
read only that location, as exiftool does in its strict MWG mode, so the
IPTC digest means the same thing to us as to exiftool.
"""

from __future__ import annotations

import re
import struct
import zlib
from typing import Optional

from .blocks import IRB_SIGNATURES, MAX_BLOCK, Blocks, ExifBlock, NotAnImage, Truncated, take_irb
from .bmff import scan_bmff
from .source import Source
from .tiff import scan_tiff

__all__ = ["Blocks", "ExifBlock", "NotAnImage", "Truncated", "scan"]

# --- format detection --------------------------------------------------------

_BMFF_BRANDS = {
    b"heic": "HEIC", b"heix": "HEIC", b"heim": "HEIC", b"heis": "HEIC",
    b"hevc": "HEIC", b"hevx": "HEIC", b"mif1": "HEIF", b"msf1": "HEIF",
    b"avif": "AVIF", b"avis": "AVIF", b"crx ": "CR3",
}


def scan(src: Source, ext: str = "") -> Blocks:
    """Detect the format from the magic bytes and collect the blocks."""
    head = src.head[:16]
    if head[:3] == b"\xff\xd8\xff":
        return _scan_jpeg(src)
    if head[:4] in (b"II*\0", b"MM\0*", b"II+\0", b"MM\0+"):     # TIFF, BigTIFF
        return scan_tiff(src, ext)
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return _scan_png(src)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return _scan_webp(src)
    if head[4:8] == b"ftyp":
        major = head[8:12]
        fmt = _BMFF_BRANDS.get(major)
        if fmt is None:
            ftyp_len = int.from_bytes(head[0:4], "big")
            brands = src.read(16, max(0, min(ftyp_len, 256) - 16))
            for i in range(0, len(brands) - 3, 4):
                fmt = _BMFF_BRANDS.get(brands[i:i + 4])
                if fmt:
                    break
        if fmt is None:
            raise NotAnImage(f"an ISO media file of brand {major.decode('latin-1')!r}, not a photo")
        return scan_bmff(src, fmt)
    raise NotAnImage(_describe(src.head[:512]))


def _describe(data: bytes) -> str:
    if data[:2] == b"\xff\xd8":
        return "a JPEG start marker without a segment after it"
    if data[:5] == b"%PDF-":
        return "a PDF document, not a photo"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "a GIF image, which is not supported"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and all(c.isprintable() or c in "\r\n\t" for c in text):
        if text.lstrip().startswith("<"):
            return "an XML or HTML text file, not a photo"
        return "a text file, not a photo"
    return "not a known image format (unrecognised magic bytes %s)" % data[:8].hex(" ")


# --- JPEG --------------------------------------------------------------------

_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
XMP_STD_HEADER = b"http://ns.adobe.com/xap/1.0/\0"
XMP_EXT_HEADER = b"http://ns.adobe.com/xmp/extension/\0"


def _scan_jpeg(src: Source) -> Blocks:
    blocks = Blocks("JPEG")
    pos, size = 2, src.size
    exif_data: Optional[bytearray] = None
    app13 = bytearray()
    seen_sos = False
    ext_parts: dict[str, dict] = {}
    while True:
        hdr = src.read(pos, 4)
        if len(hdr) < 2:
            break
        if hdr[0] != 0xFF:
            blocks.warnings.append(f"JPEG: garbage instead of a marker at byte {pos}; stopped reading")
            break
        marker = hdr[1]
        if marker == 0xFF:          # fill byte
            pos += 1
            continue
        if marker == 0xD8 or marker == 0x01 or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        if marker == 0xD9:          # EOI before any scan
            break
        if len(hdr) < 4:
            break
        seg_len = int.from_bytes(hdr[2:4], "big")
        if seg_len < 2:
            blocks.warnings.append(f"JPEG: bad segment length at byte {pos}; stopped reading")
            break
        start, length = pos + 4, seg_len - 2
        if marker == 0xDA:
            seen_sos = True
            if _cut_in_scan(src, start + length):
                blocks.warnings.append("JPEG: the image data is cut short (the file ends inside the scan, "
                                       "with no end-of-image marker); the file is truncated")
            break
        if start + length > size:
            blocks.warnings.append(f"JPEG: segment 0x{marker:02X} at byte {pos} runs past the end of the file")
            if marker not in (0xE1, 0xED) and marker not in _SOF:
                break
        if marker in _SOF:
            if blocks.width is None:
                sof = src.read(start, 5)
                if len(sof) == 5:
                    blocks.height = int.from_bytes(sof[1:3], "big")
                    blocks.width = int.from_bytes(sof[3:5], "big")
        elif marker == 0xE1:
            data = src.read(start, length)
            exif_data = _jpeg_app1(blocks, data, exif_data, ext_parts)
        elif marker == 0xED:
            data = src.read(start, length)
            if data.startswith(b"Photoshop 3.0\0"):
                app13 += data[14:]
            elif data.startswith(b"Adobe_Photoshop2.5:"):
                app13 += data[19:]
        pos = start + length
        if pos >= size:
            break
    if exif_data is not None:
        blocks.exif.append(ExifBlock(Source("", bytes(exif_data), len(exif_data)), 0))
    if app13:
        take_irb(blocks, bytes(app13), iptc_standard=True)
    for guid, part in ext_parts.items():
        # The size a header declares is believed only once the chunks that fill it are
        # here: a 6 KB file claiming 4 GiB of extended XMP must not make us allocate it.
        got = sum(len(chunk) for chunk in part["chunks"].values())
        if got < part["size"] or part["size"] > MAX_BLOCK:
            blocks.warnings.append("JPEG: extended XMP is incomplete or too large; ignored")
            continue
        data = bytearray(part["size"])
        for off, chunk in part["chunks"].items():
            data[off:off + len(chunk)] = chunk[: max(0, part["size"] - off)]
        blocks.xmp_extended[guid] = bytes(data)
    if blocks.width is None and not seen_sos:
        blocks.truncated = "truncated JPEG: the file ends before the image header (no SOF segment)"
        blocks.warnings.append("JPEG: no image header (SOF) found; the file may be truncated")
    elif not seen_sos:
        blocks.warnings.append("JPEG: no image data (SOS) found; the file may be truncated")
    return blocks


JPEG_TAIL = 8 * 1024
# 0xFF followed by what cannot be inside a JPEG's scans (where it is a stuffed zero, a
# restart marker, a fill byte, or a table or scan header between progressive scans).
_NOT_IN_SCAN = re.compile(rb"\xff[^\x00\xd0-\xd7\xc4\xda\xdb\xdd\xfe\xff]")


def _cut_in_scan(src: Source, scan: int) -> bool:
    """Whether the file ends inside the entropy-coded data that begins at ``scan``.

    Only the last JPEG_TAIL bytes are read.  A whole JPEG ends with the EOI marker
    (FF D9), perhaps followed by a trailer (padding, a maker's data, a phone's
    video).  A JPEG cut mid-scan ends in scan data, which has a telltale
    grammar: every FF in it is a stuffed FF 00, a restart marker or (between
    progressive scans) a table.  A trailer of video or text breaks that grammar
    within a few hundred bytes, and zero padding has no FF 00 at all, so neither
    is taken for a cut.
    """
    start = max(scan, src.size - JPEG_TAIL)
    tail = src.read(start, src.size - start)
    if len(tail) < 2:
        return scan >= src.size             # nothing after the scan header at all
    if b"\xff\xd9" in tail or b"\xff\x00" not in tail:
        return False
    return _NOT_IN_SCAN.search(tail) is None


def _jpeg_app1(blocks: Blocks, data: bytes, exif_data, ext_parts) -> Optional[bytearray]:
    idx = data.find(b"Exif\0", 0, 10)
    if 0 <= idx <= 4:
        body = data[idx + 6:]
        if exif_data is None:
            return bytearray(body)
        if body[:4] not in (b"II*\0", b"MM\0*"):
            exif_data += body       # multi-segment EXIF continues
        else:
            blocks.warnings.append("JPEG: more than one EXIF segment; the first is used")
        return exif_data
    if data.startswith(XMP_STD_HEADER):
        if blocks.xmp:
            blocks.warnings.append("JPEG: duplicate XMP segment; later values override earlier ones")
        blocks.xmp.append(data[len(XMP_STD_HEADER):])
    elif data.startswith(XMP_EXT_HEADER):
        if len(data) > 75:
            guid = data[35:67].decode("latin-1")
            total, off = struct.unpack(">II", data[67:75])
            part = ext_parts.setdefault(guid, {"size": total, "chunks": {}})
            if total == part["size"] and total <= MAX_BLOCK:
                part["chunks"][off] = data[75:]
    elif data.startswith((b"http", b"XMP\0")) or b"<exif:" in data or b"<?xpacket" in data:
        # exiftool reads these too ("Non-standard header for APP1 XMP segment")
        blocks.warnings.append("JPEG: XMP segment with a non-standard header")
        blocks.xmp.append(data)
    return exif_data


# --- PNG ---------------------------------------------------------------------


def _scan_png(src: Source) -> Blocks:
    """The chunks of a PNG, with a warning for each one that is damaged.

    A chunk's CRC is checked where that costs no reading: every chunk in the
    head (all of a small PNG, the metadata chunks of most), and each chunk whose
    data is read anyway.  A bad CRC says the bytes changed after they were
    written; Pillow does not check IDAT's, so without this a damaged picture
    would go in without a word.
    """
    blocks = Blocks("PNG")
    pos = 8
    while True:
        hdr = src.read(pos, 8)
        if len(hdr) < 8:
            if blocks.width is None:
                raise Truncated("truncated PNG: the file ends before the IHDR chunk")
            blocks.warnings.append("PNG: the file ends before IEND; it may be truncated")
            break
        length = int.from_bytes(hdr[:4], "big")
        ctype = hdr[4:8]
        start = pos + 8
        name = ctype.decode("latin-1")
        if not _is_fourcc(ctype):
            blocks.warnings.append(f"PNG: damaged chunk header at byte {pos}; the rest of the file is not read")
            break
        if start + length + 4 > src.size:
            blocks.warnings.append(f"PNG: {name} chunk at byte {pos} runs past the end of the file; "
                                   "the file is truncated or damaged")
            if ctype != b"IHDR":
                break
        elif start + length + 4 <= len(src.head) or ctype in _PNG_READ:
            if length <= MAX_BLOCK and not _png_crc_ok(src, ctype, start, length):
                blocks.warnings.append(f"PNG: {name} chunk at byte {pos} has a bad CRC; the file is damaged")
        if ctype == b"IHDR":
            ihdr = src.read(start, 8)
            if len(ihdr) == 8:
                blocks.width = int.from_bytes(ihdr[:4], "big")
                blocks.height = int.from_bytes(ihdr[4:], "big")
        elif length > MAX_BLOCK:
            if ctype != b"IDAT":
                blocks.warnings.append(f"PNG: {ctype.decode('latin-1')} chunk of {length} bytes skipped")
        elif ctype == b"eXIf":
            data = src.read(start, length)
            if data.startswith(b"Exif\0\0"):
                data = data[6:]
            if not blocks.exif:
                blocks.exif.append(ExifBlock(Source("", data, len(data)), 0))
        elif ctype in (b"iTXt", b"tEXt", b"zTXt"):
            _png_text(blocks, ctype, src.read(start, length))
        elif ctype == b"IEND":
            break
        pos = start + length + 4
    return blocks


_PNG_READ = {b"IHDR", b"eXIf", b"iTXt", b"tEXt", b"zTXt"}     # chunks whose data we read


def _is_fourcc(ctype: bytes) -> bool:
    """PNG and RIFF chunk types are four ASCII letters (RIFF: digits and space too)."""
    return len(ctype) == 4 and all(c == 0x20 or 0x30 <= c <= 0x39 or 0x41 <= c <= 0x5A or 0x61 <= c <= 0x7A
                                   for c in ctype)


def _png_crc_ok(src: Source, ctype: bytes, start: int, length: int) -> bool:
    stored = src.read(start + length, 4)
    return len(stored) == 4 and zlib.crc32(src.read(start, length), zlib.crc32(ctype)) == int.from_bytes(stored, "big")


def _inflate(data: bytes) -> Optional[bytes]:
    """zlib data, decompressed up to MAX_BLOCK; None if it would expand past it (a zlib
    bomb: a few KB that inflate to gigabytes)."""
    inflater = zlib.decompressobj()
    out = inflater.decompress(data, MAX_BLOCK)
    if inflater.unconsumed_tail:
        return None
    return out


def _png_text(blocks: Blocks, ctype: bytes, data: bytes) -> None:
    key, _, rest = data.partition(b"\0")
    try:
        if ctype == b"iTXt":
            compressed, _method = rest[0], rest[1]
            _lang, _, rest = rest[2:].partition(b"\0")
            _tkey, _, text = rest.partition(b"\0")
            if compressed:
                text = _inflate(text)
        elif ctype == b"zTXt":
            text = _inflate(rest[1:])
        else:
            text = rest
    except (IndexError, zlib.error):
        blocks.warnings.append(f"PNG: damaged {ctype.decode()} chunk {key.decode('latin-1')!r}")
        return
    if text is None:
        blocks.warnings.append(f"PNG: {ctype.decode()} chunk {key.decode('latin-1')!r} expands past "
                               f"{MAX_BLOCK // 2**20} MB; ignored")
        return
    if key == b"XML:com.adobe.xmp":
        blocks.xmp.append(text)
    elif key.startswith(b"Raw profile type "):
        kind = key[17:].lower()
        raw = _raw_profile(text)
        if raw is None:
            return
        if kind in (b"exif", b"app1"):
            if raw.startswith(b"Exif\0\0"):
                raw = raw[6:]
            if not blocks.exif and raw[:4] in (b"II*\0", b"MM\0*"):
                blocks.exif.append(ExifBlock(Source("", raw, len(raw)), 0))
        elif kind == b"iptc":
            if raw.startswith(b"Photoshop 3.0\0"):
                raw = raw[14:]
            if raw[:4] in IRB_SIGNATURES:
                take_irb(blocks, raw, iptc_standard=True)
            elif raw[:1] == b"\x1c" and blocks.iptc is None:
                blocks.iptc = raw
        elif kind == b"xmp":
            blocks.xmp.append(raw)


def _raw_profile(text: bytes) -> Optional[bytes]:
    """ImageMagick's hex 'Raw profile type': "\\nNAME\\n  LENGTH\\nHEX..."."""
    lines = text.lstrip(b"\n").split(b"\n", 2)     # the name may contain spaces
    if len(lines) < 3:
        return None
    try:
        length = int(lines[1])
        return bytes.fromhex(lines[2].decode("ascii").replace("\n", "").replace(" ", ""))[:length]
    except (ValueError, UnicodeDecodeError):
        return None


# --- WebP --------------------------------------------------------------------


def _scan_webp(src: Source) -> Blocks:
    """The chunks of a WebP; the RIFF size and each chunk's size are checked against the
    file, so a truncated or damaged one says so (libwebp would refuse it later)."""
    blocks = Blocks("WEBP")
    declared = 8 + int.from_bytes(src.read(4, 4), "little")
    if declared > src.size:
        blocks.warnings.append(f"WebP: the RIFF header says the file has {declared} bytes, it has "
                               f"{src.size}; the file is truncated or damaged")
    elif declared < src.size:
        blocks.warnings.append(f"WebP: {src.size - declared} bytes after the end of the RIFF data "
                               "(a bad RIFF size or something appended)")
    riff_end = min(src.size, declared)
    pos = 12
    while pos + 8 <= riff_end:
        hdr = src.read(pos, 8)
        if len(hdr) < 8:
            break
        ctype, length = hdr[:4], int.from_bytes(hdr[4:], "little")
        start = pos + 8
        if not _is_fourcc(ctype):
            blocks.warnings.append(f"WebP: damaged chunk header at byte {pos}; the rest of the file is not read")
            break
        if start + length > riff_end:
            blocks.warnings.append(f"WebP: {ctype.decode('latin-1')} chunk at byte {pos} runs past the end "
                                   "of the file; the file is truncated or damaged")
        if ctype == b"VP8X":
            d = src.read(start, 10)
            if len(d) == 10:
                blocks.width = int.from_bytes(d[4:7], "little") + 1
                blocks.height = int.from_bytes(d[7:10], "little") + 1
        elif ctype == b"VP8 " and blocks.width is None:
            d = src.read(start, 10)
            if len(d) == 10 and d[3:6] == b"\x9d\x01\x2a":
                blocks.width = int.from_bytes(d[6:8], "little") & 0x3FFF
                blocks.height = int.from_bytes(d[8:10], "little") & 0x3FFF
        elif ctype == b"VP8L" and blocks.width is None:
            d = src.read(start, 5)
            if len(d) == 5 and d[0] == 0x2F:
                bits = int.from_bytes(d[1:5], "little")
                blocks.width = (bits & 0x3FFF) + 1
                blocks.height = ((bits >> 14) & 0x3FFF) + 1
        elif length > MAX_BLOCK:
            pass
        elif ctype == b"EXIF":
            data = src.read(start, length)
            if data.startswith(b"Exif\0\0"):
                data = data[6:]
            if not blocks.exif:
                blocks.exif.append(ExifBlock(Source("", data, len(data)), 0))
        elif ctype == b"XMP ":
            blocks.xmp.append(src.read(start, length))
        pos = start + length + (length & 1)
    if blocks.width is None:
        raise Truncated("WebP file without an image chunk (VP8/VP8L/VP8X); truncated or damaged")
    return blocks
