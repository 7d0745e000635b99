"""The JPEG previews that photo and raw files carry inside them.

Cameras write small, ready-made JPEGs into their files: the EXIF IFD1
thumbnail (160x120) of nearly every camera JPEG, large previews (VGA to full HD) in the
CIPA DC-007 multi-picture format (MPF, an APP2 segment pointing at JPEGs
appended after the main image), and in raw files one or more JPEGs that are the
only part of a raw we can show without a raw developer.  Decoding such a
preview is far cheaper than decoding the photo, so thumbnails start here.

This module only *finds* them: it walks the container (JPEG markers, TIFF
IFDs, ISO BMFF boxes) with seeks, reading headers and never the image data,
and reports each preview's place in the file and its size as its own SOF
marker states it.  Whatever is damaged or unexpected is skipped silently: a
file that yields nothing simply has no usable previews.

Formats: JPEG (EXIF IFD1, MPF), PNG (an eXIf chunk's IFD1), TIFF-based raws
(DNG, CR2, NEF, ARW, PEF, SRW ...: JPEGs in IFD0, IFD1..n and SubIFDs, and
RW2's JpgFromRaw), Fujifilm RAF (its embedded JPEG), Canon CR3 (PRVW and THMB
boxes).  HEIF carries HEVC thumbnails, not JPEGs, so it yields none;
maker-note previews (Nikon PreviewIFD, Olympus, Canon CRW) are not read.
"""

from __future__ import annotations

import io
import os
import struct
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import BinaryIO, Iterator, Union

Source = Union[str, "os.PathLike[str]", bytes, bytearray, memoryview, BinaryIO]

# Sources of a preview, as Preview.source names them.
EXIF_IFD1 = "exif-ifd1"
MPF = "mpf"
TIFF_IFD = "tiff-ifd"          # + index: "tiff-ifd0", "tiff-ifd1", ...
TIFF_SUBIFD = "tiff-subifd"
RW2_JPG_FROM_RAW = "rw2-jpgfromraw"
RAF_JPEG = "raf-jpeg"
CR3_PRVW = "cr3-prvw"
CR3_THMB = "cr3-thmb"

CR3_PREVIEW_UUID = bytes.fromhex("eaf42b5e1c984b88b9fbb7dc406e4d16")
CR3_METADATA_UUID = bytes.fromhex("85c0b687820f11e08111f4ce462b6a48")

# SOF markers of the JPEG processes Pillow (libjpeg) decodes: baseline,
# extended sequential, progressive.  Lossless (SOF3) is how DNG and CR2 store
# raw sensor data in "JPEG" strips, so it must never count as a preview.
_DECODABLE_SOF = {0xC0, 0xC1, 0xC2}
_ALL_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}

_MAX_MARKERS = 200       # a sane JPEG has a few dozen segments before its frame
_MAX_IFDS = 64           # IFDs visited per TIFF file, against loops and bombs
_MAX_IFD_ENTRIES = 1000
_MAX_BOXES = 10_000


@dataclass(frozen=True)
class Preview:
    """One embedded JPEG: its pixel size (from its own SOF) and its bytes' place."""

    width: int
    height: int
    offset: int
    length: int
    source: str

    @property
    def long_edge(self) -> int:
        return max(self.width, self.height)

    @property
    def aspect(self) -> float:
        return self.width / self.height


@dataclass(frozen=True)
class PreviewScan:
    """What one pass over a file's headers found.

    ``width``/``height`` are the main image's stored size when the container
    states it cheaply (JPEG SOF, TIFF IFD0 of a non-raw TIFF), else None.
    ``orientation`` is the EXIF orientation met on the way (1..8) or None.
    ``raw`` is True for camera raw files, which can only be shown through
    their previews.
    """

    format: str
    width: int | None = None
    height: int | None = None
    orientation: int | None = None
    raw: bool = False
    previews: tuple[Preview, ...] = field(default_factory=tuple)


def embedded_previews(source: Source) -> list[Preview]:
    """The decodable JPEG previews inside a file (path, bytes or binary file), largest first."""
    return list(scan_file(source).previews)


def scan_file(source: Source) -> PreviewScan:
    """Sniff the format and find the previews; never raises for a damaged file.

    A path that cannot be opened raises OSError: that is the caller's to report.
    """
    with _open(source) as reader:
        return _scan(reader)


def read_preview(source: Source, preview: Preview) -> bytes:
    """The bytes of one preview, read with one seek."""
    with _open(source) as reader:
        return reader.read_at(preview.offset, preview.length)


# --- reading ----------------------------------------------------------------

class _Reader:
    """Positioned reads over a seekable binary file; short reads near the end."""

    def __init__(self, fp: BinaryIO):
        self.fp = fp
        fp.seek(0, os.SEEK_END)
        self.size = fp.tell()

    def read_at(self, offset: int, length: int) -> bytes:
        if offset < 0 or length <= 0 or offset >= self.size:
            return b""
        self.fp.seek(offset)
        return self.fp.read(min(length, self.size - offset))


@contextmanager
def _open(source: Source) -> Iterator[_Reader]:
    """A reader over a path (opened and closed here), bytes, or a binary file (left open, moved)."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        yield _Reader(io.BytesIO(bytes(source)))
    elif isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as fp:
            yield _Reader(fp)
    else:
        yield _Reader(source)


def _scan(r: _Reader) -> PreviewScan:
    head = r.read_at(0, 16)
    try:
        if head[:2] == b"\xff\xd8":
            return _scan_jpeg(r)
        if head[:4] in (b"II*\x00", b"MM\x00*", b"IIRO", b"IIRS", b"MMOR", b"IIU\x00"):
            return _scan_tiff(r)
        if head[:16] == b"FUJIFILMCCD-RAW ":
            return _scan_raf(r)
        if head[4:8] == b"ftyp":
            return _scan_bmff(r, head[8:12])
        if head[:8] == b"\x89PNG\r\n\x1a\n":
            return _scan_png(r)
    except (struct.error, ValueError, OverflowError, OSError):
        pass  # a damaged header: no previews
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return PreviewScan("png")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return PreviewScan("webp")
    if head[:2] == b"\xff\xd8":
        return PreviewScan("jpeg")
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return PreviewScan("tiff")
    return PreviewScan("unknown")


def _ordered(previews: list[Preview]) -> tuple[Preview, ...]:
    unique: dict[tuple[int, int], Preview] = {}
    for p in previews:
        unique.setdefault((p.offset, p.length), p)
    return tuple(sorted(unique.values(), key=lambda p: p.width * p.height, reverse=True))


def _valid_orientation(value: int | None) -> int | None:
    return value if isinstance(value, int) and 1 <= value <= 8 else None


# --- JPEG -------------------------------------------------------------------

def _jpeg_frame(r: _Reader, offset: int, end: int) -> tuple[int, int, int] | None:
    """(SOF marker, width, height) of the JPEG at offset, walking its segments."""
    if r.read_at(offset, 2) != b"\xff\xd8":
        return None
    pos = offset + 2
    for _ in range(_MAX_MARKERS):
        if pos + 4 > end:
            return None
        hdr = r.read_at(pos, 4)
        if len(hdr) < 4 or hdr[0] != 0xFF:
            return None
        marker = hdr[1]
        if marker == 0xFF:            # fill byte
            pos += 1
            continue
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        if marker in (0xD9, 0xDA):    # EOI or SOS before any frame header
            return None
        seg_len = struct.unpack(">H", hdr[2:4])[0]
        if marker in _ALL_SOF:
            sof = r.read_at(pos + 4, 5)
            if len(sof) < 5:
                return None
            height, width = struct.unpack(">HH", sof[1:5])
            return marker, width, height
        if seg_len < 2:
            return None
        pos += 2 + seg_len
    return None


def _preview_at(r: _Reader, offset: int, length: int, source: str) -> Preview | None:
    """A Preview for the JPEG said to lie at offset, if it is there and decodable."""
    if offset <= 0 or length < 64 or offset >= r.size:
        return None
    length = min(length, r.size - offset)  # a length running past the end: keep what is there
    frame = _jpeg_frame(r, offset, offset + length)
    if frame is None:
        return None
    marker, width, height = frame
    if marker not in _DECODABLE_SOF or width == 0 or height == 0:
        return None
    return Preview(width, height, offset, length, source)


def _scan_jpeg(r: _Reader, start: int = 0) -> PreviewScan:
    previews: list[Preview] = []
    orientation = width = height = None
    seen_exif = seen_mpf = False
    pos = start + 2
    for _ in range(_MAX_MARKERS):
        hdr = r.read_at(pos, 4)
        if len(hdr) < 4 or hdr[0] != 0xFF:
            break
        marker = hdr[1]
        if marker == 0xFF:
            pos += 1
            continue
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        if marker in (0xD9, 0xDA):
            break
        seg_len = struct.unpack(">H", hdr[2:4])[0]
        if seg_len < 2:
            break
        body = pos + 4
        if marker == 0xE1 and not seen_exif and r.read_at(body, 6) == b"Exif\x00\x00":
            seen_exif = True
            tiff = r.read_at(body + 6, seg_len - 8)
            orientation, found = _exif_segment(r, tiff, body + 6)
            previews += found
        elif marker == 0xE2 and not seen_mpf and r.read_at(body, 4) == b"MPF\x00":
            seen_mpf = True
            previews += _mpf_segment(r, r.read_at(body + 4, seg_len - 6), body + 4)
        elif marker in _ALL_SOF:
            sof = r.read_at(body + 1, 4)
            if len(sof) == 4:
                height, width = struct.unpack(">HH", sof)
            break  # metadata segments come before the frame; nothing more to find
        pos += 2 + seg_len
    return PreviewScan("jpeg", width or None, height or None,
                       _valid_orientation(orientation), False, _ordered(previews))


class _Tiff:
    """A TIFF structure held in memory (an EXIF or MPF segment)."""

    def __init__(self, data: bytes):
        if data[:2] == b"II":
            self.e = "<"
        elif data[:2] == b"MM":
            self.e = ">"
        else:
            raise ValueError("not a TIFF header")
        self.data = data

    def u16(self, at: int) -> int:
        return struct.unpack_from(self.e + "H", self.data, at)[0]

    def u32(self, at: int) -> int:
        return struct.unpack_from(self.e + "I", self.data, at)[0]

    def ifd(self, at: int) -> tuple[dict[int, tuple[int, int, int]], int]:
        """Entries {tag: (type, count, entry position)} and the next IFD's offset."""
        count = self.u16(at)
        if count > _MAX_IFD_ENTRIES:
            raise ValueError("implausible IFD")
        entries = {}
        for i in range(count):
            p = at + 2 + 12 * i
            entries.setdefault(self.u16(p), (self.u16(p + 2), self.u32(p + 4), p))
        nxt = at + 2 + 12 * count
        return entries, (self.u32(nxt) if nxt + 4 <= len(self.data) else 0)

    def scalar(self, entries, tag: int) -> int | None:
        if tag not in entries:
            return None
        typ, _count, p = entries[tag]
        if typ == 3:
            return self.u16(p + 8)
        if typ in (4, 13):
            return self.u32(p + 8)
        return None


def _exif_segment(r: _Reader, data: bytes, base: int) -> tuple[int | None, list[Preview]]:
    """Orientation from IFD0 and the IFD1 thumbnail of an EXIF APP1 segment."""
    try:
        t = _Tiff(data)
        ifd0, next_ifd = t.ifd(t.u32(4))
        orientation = t.scalar(ifd0, 0x0112)
        previews = []
        if 8 <= next_ifd < len(data):
            ifd1, _ = t.ifd(next_ifd)
            offset, length = t.scalar(ifd1, 0x0201), t.scalar(ifd1, 0x0202)
            if offset and length:
                p = _preview_at(r, base + offset, length, EXIF_IFD1)
                if p:
                    previews.append(p)
        return orientation, previews
    except (struct.error, ValueError):
        return None, []


def _mpf_segment(r: _Reader, data: bytes, base: int) -> list[Preview]:
    """The non-primary images an MPF index lists (offsets count from its TIFF header)."""
    try:
        t = _Tiff(data)
        entries, _ = t.ifd(t.u32(4))
        if 0xB002 not in entries:
            return []
        _typ, size, p = entries[0xB002]
        table = data[t.u32(p + 8):t.u32(p + 8) + size] if size > 4 else data[p + 8:p + 12]
        previews = []
        for i in range(len(table) // 16):
            attr, length, offset = struct.unpack_from(t.e + "III", table, 16 * i)
            if offset == 0 or attr & 0xFFFFFF == 0x030000:
                continue  # the primary image, which is the file itself
            found = _preview_at(r, base + offset, length, MPF)
            if found:
                previews.append(found)
        return previews
    except (struct.error, ValueError):
        return []


# --- PNG --------------------------------------------------------------------

def _scan_png(r: _Reader) -> PreviewScan:
    """Size from IHDR; orientation and an IFD1 thumbnail from an eXIf chunk, if any."""
    width, height = struct.unpack(">II", r.read_at(16, 8))
    orientation, previews = None, []
    pos = 8
    for _ in range(_MAX_BOXES):
        head = r.read_at(pos, 8)
        if len(head) < 8:
            break
        length, kind = struct.unpack(">I4s", head)
        if kind == b"eXIf":
            data = r.read_at(pos + 8, length)
            if data.startswith(b"Exif\x00\x00"):  # some writers keep the JPEG prefix
                data, base = data[6:], pos + 14
            else:
                base = pos + 8
            orientation, previews = _exif_segment(r, data, base)
            break
        if kind == b"IEND":
            break
        pos += 12 + length
    return PreviewScan("png", width or None, height or None,
                       _valid_orientation(orientation), False, _ordered(previews))


# --- TIFF-based raws --------------------------------------------------------

_TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4, 16: 8}
_RAW_PHOTOMETRIC = {32803, 34892}  # CFA, LinearRaw: sensor data, so the file is a raw


class _FileTiff:
    """IFDs read from a file by seeks (raws are too big to read whole)."""

    def __init__(self, r: _Reader, e: str, base: int = 0):
        self.r, self.e, self.base = r, e, base

    def ifd(self, at: int) -> tuple[dict[int, tuple[int, int, bytes]], int]:
        head = self.r.read_at(self.base + at, 2)
        if len(head) < 2:
            raise ValueError("IFD past the end")
        count = struct.unpack(self.e + "H", head)[0]
        if count == 0 or count > _MAX_IFD_ENTRIES:
            raise ValueError("implausible IFD")
        raw = self.r.read_at(self.base + at + 2, 12 * count + 4)
        if len(raw) < 12 * count:
            raise ValueError("IFD past the end")
        entries = {}
        for i in range(count):
            tag, typ, n = struct.unpack_from(self.e + "HHI", raw, 12 * i)
            entries.setdefault(tag, (typ, n, raw[12 * i + 8:12 * i + 12]))
        nxt = struct.unpack_from(self.e + "I", raw, 12 * count)[0] if len(raw) >= 12 * count + 4 else 0
        return entries, nxt

    def ints(self, entries, tag: int, limit: int = 4096) -> list[int]:
        if tag not in entries:
            return []
        typ, n, value = entries[tag]
        fmt = {3: "H", 4: "I", 8: "h", 9: "i", 13: "I", 16: "Q"}.get(typ)
        if fmt is None or n == 0 or n > limit:
            return []
        size = _TYPE_SIZES[typ] * n
        if size <= 4:
            data = value[:size]
        else:
            data = self.r.read_at(self.base + struct.unpack(self.e + "I", value)[0], size)
            if len(data) < size:
                return []
        return list(struct.unpack(self.e + fmt * n, data))

    def first(self, entries, tag: int) -> int | None:
        values = self.ints(entries, tag, limit=1 << 16)
        return values[0] if values else None


def _scan_tiff(r: _Reader) -> PreviewScan:
    head = r.read_at(0, 16)
    e = "<" if head[:2] == b"II" else ">"
    walk = _TiffWalk(r, e)
    # ORF and RW2 change the magic number; CR2 signs bytes 8..10.
    walk.raw = head[:4] in (b"IIRO", b"IIRS", b"MMOR", b"IIU\x00") or head[8:10] == b"CR"
    ifd0 = walk.chain(struct.unpack(e + "I", head[4:8])[0], lambda i: f"{TIFF_IFD}{i}", 0)
    orientation = width = height = None
    if ifd0 is not None:
        orientation = walk.t.first(ifd0, 0x0112)
        if not walk.raw:  # IFD0 of a raw is often a thumbnail, not the photo
            width, height = walk.t.first(ifd0, 0x0100), walk.t.first(ifd0, 0x0101)
    return PreviewScan("tiff", width or None, height or None,
                       _valid_orientation(orientation), walk.raw, _ordered(walk.previews))


class _TiffWalk:
    """Visits each IFD of a TIFF once (chains and SubIFDs), collecting JPEG previews."""

    def __init__(self, r: _Reader, e: str):
        self.r, self.e = r, e
        self.t = _FileTiff(r, e)
        self.previews: list[Preview] = []
        self.visited: set[int] = set()
        self.raw = False

    def chain(self, at: int, name_for, depth: int) -> dict | None:
        """Visit the IFD at ``at`` and those its next-IFD links lead to; the first one's entries."""
        first, index = None, 0
        while at >= 8 and at not in self.visited and len(self.visited) < _MAX_IFDS:
            self.visited.add(at)
            try:
                entries, at = self.t.ifd(at)
            except (ValueError, struct.error):
                break
            self._look(entries, name_for(index), depth)
            if first is None:
                first = entries
            index += 1
        return first

    def _look(self, entries: dict, name: str, depth: int) -> None:
        t = self.t
        if 0xC612 in entries or t.first(entries, 0x0106) in _RAW_PHOTOMETRIC:
            self.raw = True  # DNGVersion, or sensor data
        offset, length = t.first(entries, 0x0201), t.first(entries, 0x0202)
        if offset and length:                        # JPEGInterchangeFormat(Length)
            _add(self.r, self.previews, offset, length, name)
        if t.first(entries, 0x0103) in (6, 7):       # one JPEG-compressed strip
            strips, counts = t.ints(entries, 0x0111), t.ints(entries, 0x0117)
            if len(strips) == 1 and len(counts) == 1:
                _add(self.r, self.previews, strips[0], counts[0], name)
        if 0x002E in entries:                        # Panasonic RW2 JpgFromRaw
            typ, n, value = entries[0x002E]
            if typ == 7:
                _add(self.r, self.previews, struct.unpack(self.e + "I", value)[0], n, RW2_JPG_FROM_RAW)
        if depth < 3:
            for sub in t.ints(entries, 0x014A, limit=64):
                self.chain(sub, lambda i: TIFF_SUBIFD, depth + 1)


def _add(r: _Reader, previews: list[Preview], offset: int, length: int, source: str) -> None:
    p = _preview_at(r, offset, length, source)
    if p:
        previews.append(p)


# --- Fujifilm RAF -----------------------------------------------------------

def _scan_raf(r: _Reader) -> PreviewScan:
    """RAF: a header pointing at a complete camera JPEG, which may carry its own previews."""
    offset, length = struct.unpack(">II", r.read_at(84, 8))
    main = _preview_at(r, offset, length, RAF_JPEG)
    if main is None:
        return PreviewScan("raf", raw=True)
    inner = _scan_jpeg(r, offset)
    return PreviewScan("raf", None, None, inner.orientation, True, _ordered([main, *inner.previews]))


# --- ISO BMFF: CR3, HEIF ----------------------------------------------------

def _boxes(r: _Reader, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """(type, payload start, box end) of the boxes between start and end."""
    pos = start
    for _ in range(_MAX_BOXES):
        if pos + 8 > end:
            return
        size, kind = struct.unpack(">I4s", r.read_at(pos, 8))
        header = 8
        if size == 1:
            size = struct.unpack(">Q", r.read_at(pos + 8, 8))[0]
            header = 16
        elif size == 0:
            size = end - pos
        if size < header or pos + size > end:
            return
        yield kind, pos + header, pos + size
        pos += size


def _scan_bmff(r: _Reader, brand: bytes) -> PreviewScan:
    if brand != b"crx ":
        heif = brand in (b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1", b"hevc", b"avif")
        return PreviewScan("heif" if heif else "bmff")
    previews: list[Preview] = []
    orientation = None
    for kind, body, end in _boxes(r, 0, r.size):
        if kind == b"moov":
            for k2, b2, e2 in _boxes(r, body, end):
                if k2 == b"uuid" and r.read_at(b2, 16) == CR3_METADATA_UUID:
                    for k3, b3, e3 in _boxes(r, b2 + 16, e2):
                        if k3 == b"THMB":
                            # version/flags(4) width(2) height(2) size(4) unknown(4), JPEG
                            size = struct.unpack(">I", r.read_at(b3 + 8, 4))[0]
                            _add(r, previews, b3 + 16, min(size, e3 - b3 - 16), CR3_THMB)
                        elif k3 == b"CMT1":  # IFD0 as a TIFF: the orientation
                            orientation = _tiff_orientation(r.read_at(b3, min(e3 - b3, 65536)))
        elif kind == b"uuid" and r.read_at(body, 16) == CR3_PREVIEW_UUID:
            # uuid(16), 8 unknown bytes, then the PRVW box
            for k2, b2, e2 in _boxes(r, body + 24, end):
                if k2 == b"PRVW":
                    # unknown(4) 1(2) width(2) height(2) 1(2) size(4), JPEG
                    size = struct.unpack(">I", r.read_at(b2 + 12, 4))[0]
                    _add(r, previews, b2 + 16, min(size, e2 - b2 - 16), CR3_PRVW)
    return PreviewScan("cr3", None, None, _valid_orientation(orientation), True, _ordered(previews))


def _tiff_orientation(data: bytes) -> int | None:
    try:
        t = _Tiff(data)
        entries, _ = t.ifd(t.u32(4))
        return t.scalar(entries, 0x0112)
    except (struct.error, ValueError):
        return None
