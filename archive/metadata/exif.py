"""Decode the EXIF values Picture Desk needs, with exifread.

exifread is driven at the IFD level (``ExifHeader.dump_ifd``) on a block the
container walker already found, with MakerNote decoding off: IFD0, the EXIF
sub-IFD and the GPS sub-IFD are all we need, and skipping the thumbnail IFD
and the maker notes is what makes it fast.  Strings are decoded the way the
MWG asks (UTF-8), falling back to Windows-1252 for old cameras that wrote
Latin-1 bytes, so no value comes out as mojibake.
"""

from __future__ import annotations

import io
import logging
import re
import struct
from dataclasses import dataclass
from typing import Optional

from exifread.core.exif_header import ExifHeader
from exifread.core.ifd_tag import IfdTag
from exifread.utils import Ratio
from exifread.tags.fields import FieldType
from exifread.tags import DEFAULT_STOP_TAG
from exifread.tags.exif import EXIF_TAGS, GPS_TAGS

from .containers import ExifBlock

# exifread logs damaged fields as warnings; the reader reports problems in
# PhotoMetadata.warnings instead, and archive/ never prints.
logging.getLogger("exifread").addHandler(logging.NullHandler())
logging.getLogger("exifread").propagate = False


@dataclass
class ExifFacts:
    make: Optional[str] = None
    model: Optional[str] = None
    orientation: Optional[int] = None
    artist: Optional[str] = None
    copyright: Optional[str] = None
    description: Optional[str] = None
    image_width: Optional[int] = None       # IFD0 ImageWidth/ImageLength
    image_height: Optional[int] = None
    pixel_x: Optional[int] = None           # EXIF PixelXDimension/PixelYDimension
    pixel_y: Optional[int] = None
    date_original: Optional[str] = None     # "YYYY:MM:DD HH:MM:SS" as written
    subsec_original: Optional[str] = None
    offset_original: Optional[str] = None
    lens_model: Optional[str] = None
    lens_make: Optional[str] = None
    gps_lat: Optional[float] = None
    gps_lon: Optional[float] = None
    gps_alt: Optional[float] = None


def decode_text(value) -> Optional[str]:
    """EXIF ASCII as text: UTF-8 when valid, else Windows-1252 (Latin-1 for its holes)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, int) and 0 <= v < 256 for v in value):
        value = bytes(value)        # a string stored as UNDEFINED or BYTE
    if isinstance(value, (bytes, bytearray)):
        return _decode(bytes(value).split(b"\0", 1)[0])
    return None


def read_exif(blocks: list[ExifBlock], warnings: list[str]) -> ExifFacts:
    facts = ExifFacts()
    tags: dict = {}
    for block in blocks:
        damage: list[str] = []
        try:
            _dump(block, tags, damage)
        except Exception as exc:  # exifread on damaged data: keep what was read
            damage.append(f"EXIF: damaged block ({type(exc).__name__}: {exc}); partly read")
        warnings.extend(w for w in damage if w not in warnings)
    if not tags:
        return facts

    def text(key):
        tag = tags.get(key)
        return decode_text(tag.values) if tag is not None else None

    def num(key):
        tag = tags.get(key)
        if tag is None or isinstance(tag.values, (str, bytes)) or not tag.values:
            return None
        v = tag.values[0]
        return v if isinstance(v, int) else None

    facts.make = text("Image Make")
    facts.model = text("Image Model")
    facts.orientation = num("Image Orientation")
    facts.artist = text("Image Artist")
    facts.description = text("Image ImageDescription")
    facts.image_width = num("Image ImageWidth")
    facts.image_height = num("Image ImageLength")
    facts.pixel_x = num("EXIF ExifImageWidth")
    facts.pixel_y = num("EXIF ExifImageLength")
    facts.date_original = text("EXIF DateTimeOriginal")
    facts.subsec_original = text("EXIF SubSecTimeOriginal")
    facts.offset_original = text("EXIF OffsetTimeOriginal")
    facts.lens_model = text("EXIF LensModel")
    facts.lens_make = text("EXIF LensMake")
    copyright_tag = tags.get("Image Copyright")
    if copyright_tag is not None:
        facts.copyright = _copyright(copyright_tag)
    _gps(tags, facts, warnings)
    return facts


# The tags we use, per IFD.  Everything else (maker notes, thumbnails,
# interoperability, strip offsets of a 100 MB TIFF) is skipped unread.
_WANTED = {
    "Image": {0x010E, 0x010F, 0x0110, 0x0112, 0x013B, 0x8298, 0x0100, 0x0101, 0x8769, 0x8825},
    "EXIF": {0x9003, 0x9291, 0x9011, 0xA433, 0xA434, 0xA002, 0xA003},
    "GPS": {0x0001, 0x0002, 0x0003, 0x0004, 0x0005, 0x0006},
}


# TIFF field types whose values _NeededTags decodes itself: type -> (bytes
# per value, struct code, exifread's FieldType).  ASCII goes through
# exifread's own string reader; floats, unknown types and anything damaged
# (a value past the end of the data, 1000+ values) through exifread's whole
# ``_process_tag``, so the values are exifread's in every case.
_INTS = {1: "B", 3: "H", 4: "I", 6: "b", 7: "B", 8: "h", 9: "i", 13: "I"}
_FAST = {t: (struct.calcsize(c), c, FieldType(t)) for t, c in _INTS.items()}
_FAST.update({5: (8, "II", FieldType(5)), 10: (8, "ii", FieldType(10))})
_FAST[2] = (1, "", FieldType(2))


_IFD_NAMES = {"Image": "IFD0", "EXIF": "ExifIFD", "GPS": "GPS"}
_TYPE_BYTES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4}
MAX_VALUE = 1 << 20         # bytes: the largest value of a tag we use (a caption, a name, a date)
_MAX_BAD_ENTRIES = 10       # entries of no TIFF type before a directory counts as garbage


class _NeededTags(ExifHeader):
    """exifread's ExifHeader, decoding only the tags in _WANTED.

    exifread (with details=False) still decodes every tag of every IFD it
    visits, which is most of its time; here only the tags we use are
    decoded, each with one read and one ``struct.unpack`` instead of
    exifread's read per value (whose values, Ratio objects and IfdTag it
    builds the same way).  The printable form, which nothing here reads, is
    not made.  Odd entries go to exifread's own ``_process_tag``; if a future
    exifread renames that method, we fall back to the stock (slower)
    ``dump_ifd``.
    """

    # What was wrong with the directories read (exiftool's wording where it has one).
    damage: list

    def dump_ifd(self, ifd, ifd_name, tag_dict=None, relative=0, stop_tag=DEFAULT_STOP_TAG):
        wanted = _WANTED.get(ifd_name)
        if wanted is None or not hasattr(self, "_process_tag"):
            return super().dump_ifd(ifd, ifd_name, tag_dict, relative, stop_tag)
        tag_dict = EXIF_TAGS if tag_dict is None else tag_dict
        label = _IFD_NAMES.get(ifd_name, ifd_name)
        if not isinstance(ifd, int) or ifd < 0:
            # a pointer typed SLONG and negative, or a ratio: no place in the data
            self.damage.append(f"EXIF: bad {label} directory (at offset {ifd}); ignored")
            return
        fh = self.file_handle
        fh.seek(self.offset + ifd)
        head = fh.read(2)
        if len(head) < 2:
            return
        fmt = "<" if self.endian == "I" else ">"
        count = struct.unpack(fmt + "H", head)[0]
        table = fh.read(12 * count)
        if len(table) < 12 * count:
            # A directory that runs past the end of its data is not a directory: an IFD
            # "of 65,535 entries" read as far as the data goes turns whatever follows
            # (values, a thumbnail, maker notes) into tags, a caption of garbage among
            # them.  exiftool ignores such a directory ("Bad IFD0 directory"), so do we.
            self.damage.append(f"EXIF: bad {label} directory (it claims {count} entries, the data holds "
                               f"{len(table) // 12}); ignored")
            return
        bad = 0
        for i, (tag, typ, n, inline) in enumerate(struct.iter_unpack(fmt + "HHI4s", table)):
            if not 1 <= typ <= 13:
                bad += 1        # no TIFF type: damage, not a tag (exiftool: "Bad format")
                if bad > _MAX_BAD_ENTRIES:
                    self.damage.append(f"EXIF: too many bad entries in {label}; the rest is ignored")
                    return
                continue
            if tag in wanted:
                if typ in (11, 12):
                    # No tag we read is ever a float; exifread fails on a float value cut
                    # short (an IndexError that would cost the rest of the block).
                    self.damage.append(f"EXIF: {label} tag 0x{tag:04X} has a float type; ignored")
                    continue
                if n * _TYPE_BYTES[typ] > MAX_VALUE:
                    # A count no camera writes: a damaged entry.  exifread would read the
                    # value as far as the data goes, the whole of a 500 MB TIFF scan.
                    self.damage.append(f"EXIF: {label} tag 0x{tag:04X} claims {n * _TYPE_BYTES[typ]} bytes; "
                                       "ignored")
                    continue
                entry = tag_dict.get(tag)
                name = entry[0] if entry else "Tag 0x%04X" % tag
                pos = ifd + 2 + 12 * i
                if relative or not self._fast_tag(fmt, ifd_name, entry, pos, tag, name, typ, n, inline, stop_tag):
                    self._process_tag(ifd, ifd_name, entry, pos, tag, name, relative, stop_tag)

    def _fast_tag(self, fmt, ifd_name, tag_entry, pos, tag, tag_name, typ, count, inline, stop_tag) -> bool:
        """exifread's _process_tag for a well-formed entry; False if it must do it itself."""
        known = _FAST.get(typ)
        if known is None or (count >= 1000 and typ != 2):
            return False
        size, code, field_type = known
        length = count * size
        offset = struct.unpack(fmt + "I", inline)[0] if length > 4 else pos + 8
        if typ == 2:
            values = self._process_ascii_field(ifd_name, tag_name, count, offset)
        else:
            fh = self.file_handle
            fh.seek(self.offset + offset)
            buf = fh.read(length)
            if len(buf) != length:
                return False                 # exifread reads the missing values as 0
            numbers = struct.unpack(fmt + code * count, buf)
            if size == 8:
                values = [Ratio(numbers[k], numbers[k + 1]) for k in range(0, 2 * count, 2)]
            else:
                values = list(numbers)
        if tag_entry and isinstance(tag_entry[1], tuple):     # a sub-IFD (GPSInfo)
            try:
                self.dump_ifd(ifd=values[0], stop_tag=stop_tag, ifd_name=tag_entry[1][0],
                              tag_dict=tag_entry[1][1])
            except IndexError:
                pass
        self.tags[ifd_name + " " + tag_name] = IfdTag("", tag, field_type, values, offset, length, False)
        return True


def _dump(block: ExifBlock, tags: dict, damage: list[str]) -> None:
    src = block.source
    if block.base == 0 and len(src.head) >= src.size:
        fh = io.BytesIO(src.head)       # in memory: C-speed seeks and reads
    else:
        fh = src.view(block.base)       # a large TIFF: read past the head on demand
    header = fh.read(8)
    if len(header) < 8 or header[:2] not in (b"II", b"MM"):
        damage.append("EXIF: the block does not start with a TIFF header; ignored")
        return
    endian = "I" if header[:2] == b"II" else "M"
    first = struct.unpack(("<" if endian == "I" else ">") + "I", header[4:8])[0]
    hdr = _NeededTags(fh, endian, 0, 0, False, False, False, True)
    hdr.damage = damage
    if block.kind == "exif":
        hdr.dump_ifd(first, "EXIF")
    elif block.kind == "gps":
        hdr.dump_ifd(first, "GPS", tag_dict=GPS_TAGS)
    else:
        hdr.dump_ifd(first, "Image")
        exif_off = hdr.tags.get("Image ExifOffset")
        if exif_off is not None and exif_off.values and exif_off.values[0] != first:
            hdr.dump_ifd(exif_off.values[0], "EXIF")
    for key, tag in hdr.tags.items():
        tags.setdefault(key, tag)
    # the raw copyright bytes, for the photographer/editor split below
    cp = hdr.tags.get("Image Copyright")
    if cp is not None and cp.field_length <= 65536:
        fh.seek(cp.field_offset)
        cp.raw = fh.read(cp.field_length)


_FIRST_NUL = re.compile(r" *\0")
_SECOND_NUL = re.compile(r" *\0.*", re.S)


def _copyright(tag) -> Optional[str]:
    """exiftool's reading: "photographer NUL editor NUL" -> "photographer\\neditor"."""
    raw = getattr(tag, "raw", None)
    if raw is None:
        return decode_text(tag.values)
    text = _decode(raw)
    text = _FIRST_NUL.sub("\n", text, count=1)
    text = _SECOND_NUL.sub("", text, count=1)
    return text[:-1] if text.endswith("\n") else text


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError:
            return raw.decode("latin-1")


def _rationals(tag) -> Optional[list[float]]:
    """A rational tag's values as floats; None when any part is x/0.

    exiftool reads a coordinate with a zero denominator anywhere in it (0/0
    is how many cameras write "no fix") as undefined, so do we.
    """
    if tag is None or isinstance(tag.values, (str, bytes)):
        return None
    out = []
    for v in tag.values:
        try:
            out.append(float(v))
        except (ZeroDivisionError, TypeError, ValueError):
            return None
    return out


def _gps(tags: dict, facts: ExifFacts, warnings: list[str]) -> None:
    refs_set = True     # both coordinates carry an N/S/E/W reference
    for axis, limit, letters in (("Latitude", 90.0, ("N", "S")), ("Longitude", 180.0, ("E", "W"))):
        parts = _rationals(tags.get(f"GPS GPS{axis}"))
        if not parts:
            continue
        value = parts[0] + (parts[1] / 60 if len(parts) > 1 else 0) + (parts[2] / 3600 if len(parts) > 2 else 0)
        ref = decode_text(tags["GPS GPS%sRef" % axis].values) if f"GPS GPS{axis}Ref" in tags else ""
        letter = (ref or "").strip().upper()[:1]
        if letter not in letters:
            refs_set = False
        if letter in ("S", "W"):
            value = -value
        if abs(value) > limit:
            warnings.append(f"EXIF: GPS {axis.lower()} {value} is out of range; ignored")
            continue
        setattr(facts, "gps_lat" if axis == "Latitude" else "gps_lon", value)
    if facts.gps_lat == 0 and facts.gps_lon == 0 and not refs_set:
        # 0/0 with empty (or no) references: a GPS that never had a fix wrote
        # its blank fields, not a photo taken in the Gulf of Guinea.  With both
        # references set, 0,0 is a position like any other and stays.
        facts.gps_lat = facts.gps_lon = None
        return
    alt = _rationals(tags.get("GPS GPSAltitude"))
    if alt:
        ref_tag = tags.get("GPS GPSAltitudeRef")
        ref = ref_tag.values[0] if ref_tag is not None and ref_tag.values and not isinstance(ref_tag.values, str) else 0
        facts.gps_alt = -alt[0] if ref == 1 else alt[0]
