"""Every supported container, on small generated files, judged by exiftool.

The corpus has no WebP, no PNG with XMP in iTXt, no CR3 or DNG; these tests
make such files (Pillow for the pixels, exiftool to write IPTC/XMP, and a few
hand-built TIFF and ISO-BMFF structures for the raw and HEIF containers) and
check that our reading equals ``exiftool -j -n -use MWG`` on the same file,
with the comparison rules of test_metadata_corpus.
"""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin

from archive.metadata import read_metadata

from .test_metadata_corpus import as_datetime, normalise

EXIFTOOL = shutil.which("exiftool")
needs_exiftool = pytest.mark.skipif(EXIFTOOL is None, reason="exiftool is not installed")

XMP_TEMPLATE = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
    xmlns:Iptc4xmpCore="http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/"
    xmlns:xmpRights="http://ns.adobe.com/xap/1.0/rights/"
    photoshop:City="Kyiv" photoshop:Country="Ukraine" photoshop:Credit="The New York Times"
    photoshop:DateCreated="2022-12-17T14:03:10+02:00" Iptc4xmpCore:Location="Sofiivska Square">
   <dc:creator><rdf:Seq><rdf:li>Brendan Hoffman</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">Workers install a Christmas tree in central Kyiv, Ukraine.</rdf:li></rdf:Alt></dc:description>
   <dc:rights><rdf:Alt><rdf:li xml:lang="x-default">© 2022 The New York Times</rdf:li></rdf:Alt></dc:rights>
   <dc:subject><rdf:Bag><rdf:li>Kyiv</rdf:li><rdf:li>Christmas</rdf:li></rdf:Bag></dc:subject>
   <photoshop:Instructions>Embargoed until 2022-12-19</photoshop:Instructions>
   <xmpRights:UsageTerms><rdf:Alt><rdf:li xml:lang="x-default">Editorial use only</rdf:li></rdf:Alt></xmpRights:UsageTerms>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
XMP = XMP_TEMPLATE.encode("utf-8")


def exiftool_reading(path: Path) -> dict:
    out = subprocess.run(
        [EXIFTOOL, "-j", "-G1", "-n", "-a", "-struct", "-use", "MWG", "-charset", "iptc=Latin", str(path)],
        capture_output=True, text=True, check=True,
    ).stdout
    warnings: list[str] = []

    def pairs(items):
        for key, value in items:
            if key == "ExifTool:Warning":
                warnings.append(value)
        return dict(items)

    data = json.loads(out, object_pairs_hook=pairs, parse_int=str, parse_float=str)[0]
    data["_warnings"] = warnings
    return data


def exiftool_write(path: Path, *args: str) -> None:
    subprocess.run([EXIFTOOL, "-q", "-q", "-overwrite_original", *args, str(path)], check=True)


def assert_same_as_exiftool(path: Path, skip: tuple = ()) -> None:
    ours = read_metadata(path)
    exp = exiftool_reading(path)
    want = normalise(exp, ours.format)
    if ours.format not in ("JPEG", "PNG", "TIFF", "HEIC", "HEIF"):
        size = exp.get("Composite:ImageSize") or ""
        if size:
            want["width"], want["height"] = (int(v) for v in size.replace("x", " ").split())
    if ours.format == "WEBP":
        want["width"], want["height"] = int(exp["RIFF:ImageWidth"]), int(exp["RIFF:ImageHeight"])
    bad = []
    for field, value in want.items():
        if field in skip:
            continue
        got = getattr(ours, field)
        if field == "taken_at":
            same = as_datetime(got) == as_datetime(value)
        elif field.startswith("gps") and value is not None and got is not None:
            same = abs(got - value) < 1e-6
        else:
            same = got == value
        if not same:
            bad.append(f"{field}: ours {got!r} != exiftool {value!r}")
    assert not bad, f"{path.name}:\n  " + "\n  ".join(bad)


def camera_exif(**extra) -> bytes:
    """EXIF as Pillow writes it: IFD0, EXIF sub-IFD and GPS."""
    exif = Image.Exif()
    exif[0x010F] = "Canon"
    exif[0x0110] = "Canon EOS R5"
    exif[0x0112] = 6
    exif[0x013B] = extra.get("artist", "Brendan Hoffman")
    sub = exif.get_ifd(0x8769)
    sub[0x9003] = "2022:12:17 14:03:10"
    sub[0x9291] = "25"
    sub[0x9011] = "+02:00"
    sub[0xA434] = "RF24-105mm F4 L IS USM"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (50.0, 27.0, 1.5)
    gps[3], gps[4] = "E", (30.0, 31.0, 26.0)
    gps[5], gps[6] = b"\x01", 12.5
    return exif.tobytes()


# --- JPEG, PNG, WebP, TIFF made with Pillow ----------------------------------------


@needs_exiftool
def test_jpeg_with_exif_iptc_and_xmp(tmp_path):
    path = tmp_path / "full.jpg"
    Image.new("RGB", (64, 48), "grey").save(path, exif=camera_exif())
    exiftool_write(path, "-IPTC:By-line=Brendan Hoffman", "-IPTC:City=Kyiv", "-IPTC:Credit=NYT",
                   "-IPTC:Keywords=Kyiv", "-IPTC:Keywords=Christmas", "-XMP-dc:Description=A tree",
                   "-XMP-photoshop:Credit=The New York Times", "-codedcharacterset=utf8")
    assert_same_as_exiftool(path)
    meta = read_metadata(path)
    assert meta.taken_at == "2022-12-17T14:03:10.25+02:00"
    assert meta.orientation == 6 and meta.lens == "RF24-105mm F4 L IS USM"
    assert meta.gps_alt == pytest.approx(-12.5)           # GPSAltitudeRef 1: below sea level
    assert meta.gps_lat == pytest.approx(50.450417, abs=1e-6)


@needs_exiftool
def test_png_with_exif_chunk_and_itxt_xmp(tmp_path):
    path = tmp_path / "picture.png"
    info = PngImagePlugin.PngInfo()
    info.add_itxt("XML:com.adobe.xmp", XMP.decode("utf-8"))
    Image.new("RGB", (30, 20), "white").save(path, exif=camera_exif(), pnginfo=info)
    assert_same_as_exiftool(path)
    meta = read_metadata(path)
    assert (meta.format, meta.width, meta.height) == ("PNG", 30, 20)
    assert meta.creator == ["Brendan Hoffman"] and meta.city == "Kyiv"
    assert meta.usage_terms == "Editorial use only"


def _raw_profile(kind: str, data: bytes) -> str:
    hexed = data.hex()
    lines = "\n".join(hexed[i:i + 72] for i in range(0, len(hexed), 72))
    return f"\n{kind}\n{len(data):8d}\n{lines}\n"


@needs_exiftool
def test_png_with_imagemagick_raw_profiles(tmp_path):
    """ImageMagick stores EXIF and XMP as hex text in zTXt "Raw profile type ..."."""
    path = tmp_path / "magick.png"
    info = PngImagePlugin.PngInfo()
    info.add_text("Raw profile type exif", _raw_profile("exif", b"Exif\0\0" + camera_exif()[6:]), zip=True)
    info.add_text("Raw profile type xmp", _raw_profile("xmp", XMP), zip=True)
    Image.new("L", (12, 10)).save(path, pnginfo=info)
    assert_same_as_exiftool(path)
    meta = read_metadata(path)
    assert meta.make == "Canon" and meta.caption.startswith("Workers install")


@needs_exiftool
@pytest.mark.parametrize("lossless", [False, True])
def test_webp_with_exif_and_xmp_chunks(tmp_path, lossless):
    path = tmp_path / "photo.webp"
    Image.new("RGB", (33, 21), "green").save(path, exif=camera_exif(), xmp=XMP, lossless=lossless)
    assert_same_as_exiftool(path)
    meta = read_metadata(path)
    assert (meta.format, meta.width, meta.height) == ("WEBP", 33, 21)
    assert meta.model == "Canon EOS R5" and meta.keywords == ["Kyiv", "Christmas"]


@needs_exiftool
def test_webp_without_metadata_gives_its_size(tmp_path):
    path = tmp_path / "plain.webp"
    Image.new("RGB", (17, 9)).save(path, lossless=True)
    meta = read_metadata(path)
    assert (meta.format, meta.width, meta.height, meta.caption) == ("WEBP", 17, 9, None)


@needs_exiftool
def test_tiff_with_iptc_and_xmp_tags(tmp_path):
    path = tmp_path / "scan.tif"
    Image.new("RGB", (25, 15), "red").save(path, exif=camera_exif())
    exiftool_write(path, "-IPTC:Caption-Abstract=Old caption", "-IPTC:By-line=Staff",
                   "-IPTC:Sub-location=Maidan", "-XMP-photoshop:Source=Reuters", "-XMP-photoshop:State=Kyiv City")
    assert_same_as_exiftool(path)
    assert read_metadata(path).sublocation == "Maidan"


# --- hand-built containers: TIFF-based raw, HEIF, CR3 ------------------------------


def build_tiff(ifd0: dict, exif: dict | None = None, gps: dict | None = None,
               subifds: list[dict] = (), order: str = "<", base: int = 0) -> bytes:
    """A TIFF structure: IFD0 (+ EXIF, GPS and SubIFDs), values laid out after each IFD.

    Values: str (ASCII), bytes (UNDEFINED), int or list of ints (LONG, or
    SHORT if all < 65536 and the tag is not a pointer), ("R", [...]) rationals.
    ``base`` is where the structure will sit in its file (TIFF offsets are
    file offsets).
    """
    pointer_tags = {0x8769, 0x8825, 0x014A}
    ifds = [dict(ifd0)]
    links = []
    if exif:
        links.append((0, 0x8769, len(ifds)))
        ifds.append(dict(exif))
    if gps:
        links.append((0, 0x8825, len(ifds)))
        ifds.append(dict(gps))
    sub_indices = []
    for sub in subifds:
        sub_indices.append(len(ifds))
        ifds.append(dict(sub))
    for owner, tag, _ in links:
        ifds[owner][tag] = 0
    if sub_indices:
        ifds[0][0x014A] = [0] * len(sub_indices)

    def encode(tag, value):
        if isinstance(value, str):
            data = value.encode("utf-8") + b"\0"
            return 2, len(data), data
        if isinstance(value, bytes):
            return 7, len(value), value
        if isinstance(value, tuple) and value[0] == "R":
            data = b"".join(struct.pack(order + "II", round(v * 1000), 1000) for v in value[1])
            return 5, len(value[1]), data
        values = value if isinstance(value, list) else [value]
        if tag not in pointer_tags and all(v < 65536 for v in values):
            return 3, len(values), struct.pack(order + "H" * len(values), *values)
        return 4, len(values), struct.pack(order + "I" * len(values), *values)

    def size(ifd):
        extra = 0
        for tag, value in ifd.items():
            data = encode(tag, value)[2]
            if len(data) > 4:
                extra += len(data) + (len(data) & 1)
        return 2 + 12 * len(ifd) + 4 + extra

    offsets, pos = [], base + 8
    for ifd in ifds:
        offsets.append(pos)
        pos += size(ifd)
    for owner, tag, target in links:
        ifds[owner][tag] = offsets[target]
    if sub_indices:
        ifds[0][0x014A] = [offsets[i] for i in sub_indices]
    out = bytearray((b"II*\0" if order == "<" else b"MM\0*") + struct.pack(order + "I", offsets[0]))
    for ifd, offset in zip(ifds, offsets):
        table, data_area = bytearray(struct.pack(order + "H", len(ifd))), bytearray()
        data_pos = offset + 2 + 12 * len(ifd) + 4
        for tag in sorted(ifd):
            typ, count, data = encode(tag, ifd[tag])
            if len(data) <= 4:
                field = data.ljust(4, b"\0")
            else:
                field = struct.pack(order + "I", data_pos + len(data_area))
                data_area += data + (b"\0" if len(data) & 1 else b"")
            table += struct.pack(order + "HHI", tag, typ, count) + field
        out += table + b"\0\0\0\0" + data_area
    return bytes(out)


IFD0_CAMERA = {0x010F: "NIKON CORPORATION", 0x0110: "NIKON Z 9", 0x0112: 1, 0x013B: "Ann Smith; Bob Jones"}
EXIF_CAMERA = {0x9003: "2023:03:01 09:15:00", 0xA434: "NIKKOR Z 24-70mm f/2.8 S"}
GPS_SOUTH = {1: "S", 2: ("R", [33.0, 51.0, 54.0]), 3: "E", 4: ("R", [151.0, 12.0, 36.0])}


@needs_exiftool
@pytest.mark.parametrize("ext,dng", [(".dng", True), (".nef", False), (".arw", False)])
def test_tiff_based_raw_takes_the_full_resolution_subifd(tmp_path, ext, dng):
    ifd0 = {0x00FE: 1, 0x0100: 160, 0x0101: 120, **IFD0_CAMERA}
    if dng:
        ifd0[0xC612] = [1, 4, 0, 0]
    path = tmp_path / f"raw{ext}"
    path.write_bytes(build_tiff(ifd0, EXIF_CAMERA, GPS_SOUTH,
                                subifds=[{0x00FE: 1, 0x0100: 640, 0x0101: 480},
                                         {0x00FE: 0, 0x0100: 6048, 0x0101: 4032}]))
    assert_same_as_exiftool(path)
    meta = read_metadata(path)
    assert (meta.format, meta.width, meta.height) == (ext[1:].upper(), 6048, 4032)
    assert meta.creator == ["Ann Smith", "Bob Jones"]      # MWG list in EXIF Artist
    assert meta.gps_lat == pytest.approx(-33.865)


@needs_exiftool
def test_cr2_sizes_from_exif(tmp_path):
    """CR2: a TIFF with "CR\\x02\\0" after the header; IFD0 holds a reduced JPEG, EXIF the sensor size."""
    tiff = build_tiff({0x0100: 1536, 0x0101: 1024, **IFD0_CAMERA, 0x010F: "Canon", 0x0110: "Canon EOS 5D Mark IV"},
                      {**EXIF_CAMERA, 0xA002: 6720, 0xA003: 4480}, base=8)
    path = tmp_path / "IMG_0002.CR2"
    path.write_bytes(b"II*\0" + struct.pack("<I", 16) + b"CR\x02\0" + struct.pack("<I", 0) + tiff[8:])
    assert_same_as_exiftool(path)
    meta = read_metadata(path)
    assert (meta.format, meta.width, meta.height) == ("CR2", 6720, 4480)


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def full_box(kind: bytes, version: int, payload: bytes, flags: int = 0) -> bytes:
    return box(kind, bytes([version]) + flags.to_bytes(3, "big") + payload)


def build_heic(exif_tiff: bytes, xmp: bytes, size=(4032, 3024)) -> bytes:
    """A minimal HEIF: an (empty) hvc1 primary item, an Exif item and an XMP item."""
    ftyp = box(b"ftyp", b"heic" + b"\0\0\0\0" + b"mif1heic")
    hdlr = full_box(b"hdlr", 0, b"\0\0\0\0pict" + b"\0" * 12 + b"\0")
    pitm = full_box(b"pitm", 0, struct.pack(">H", 1))
    infes = [full_box(b"infe", 2, struct.pack(">HH", 1, 0) + b"hvc1" + b"\0"),
             full_box(b"infe", 2, struct.pack(">HH", 2, 0) + b"Exif" + b"\0"),
             full_box(b"infe", 2, struct.pack(">HH", 3, 0) + b"mime" + b"\0" + b"application/rdf+xml\0")]
    iinf = full_box(b"iinf", 0, struct.pack(">H", len(infes)) + b"".join(infes))
    ispe = full_box(b"ispe", 0, struct.pack(">II", *size))
    ipco = box(b"ipco", ispe)
    ipma = full_box(b"ipma", 0, struct.pack(">I", 1) + struct.pack(">HB", 1, 1) + bytes([0x81]))
    iprp = box(b"iprp", ipco + ipma)
    exif_item = struct.pack(">I", 6) + b"Exif\0\0" + exif_tiff
    items = [(1, b"\0" * 16), (2, exif_item), (3, xmp)]

    def iloc(mdat_start):
        entries, pos = b"", mdat_start
        for item_id, data in items:
            entries += struct.pack(">HHHII", item_id, 0, 1, pos, len(data))
            pos += len(data)
        return full_box(b"iloc", 0, bytes([0x44, 0x00]) + struct.pack(">H", len(items)) + entries)

    def meta(mdat_start):
        return full_box(b"meta", 0, hdlr + pitm + iinf + iloc(mdat_start) + iprp)

    head_len = len(ftyp) + len(meta(0))
    return ftyp + meta(head_len + 8) + box(b"mdat", b"".join(d for _, d in items))


@needs_exiftool
def test_heic_exif_and_xmp_items(tmp_path):
    path = tmp_path / "phone.heic"
    path.write_bytes(build_heic(build_tiff(IFD0_CAMERA, EXIF_CAMERA, GPS_SOUTH, order=">"), XMP))
    assert_same_as_exiftool(path)
    meta = read_metadata(path)
    assert (meta.format, meta.width, meta.height) == ("HEIC", 4032, 3024)
    assert meta.model == "NIKON Z 9" and meta.caption.startswith("Workers install")


CANON_UUID = bytes.fromhex("85c0b687820f11e08111f4ce462b6a48")
XMP_UUID = bytes.fromhex("be7acfcb97a942e89c71999491e3afac")


def build_cr3(xmp: bytes) -> bytes:
    ftyp = box(b"ftyp", b"crx " + b"\0\0\0\1" + b"crx isom")
    cmt1 = box(b"CMT1", build_tiff({0x010F: "Canon", 0x0110: "Canon EOS R6", 0x0112: 8,
                                     0x0100: 5472, 0x0101: 3648, 0x8298: "Jane Doe"}))
    cmt2 = box(b"CMT2", build_tiff({0x9003: "2024:05:06 07:08:09", 0x9011: "-04:00", 0xA434: "RF50mm F1.8 STM"}))
    cmt4 = box(b"CMT4", build_tiff({1: "N", 2: ("R", [40.0, 44.0, 54.0]), 3: "W", 4: ("R", [73.0, 59.0, 9.0])}))
    moov = box(b"moov", box(b"uuid", CANON_UUID + cmt1 + cmt2 + cmt4))
    return ftyp + moov + box(b"uuid", XMP_UUID + xmp) + box(b"mdat", b"\0" * 32)


@needs_exiftool
def test_cr3_canon_boxes(tmp_path):
    path = tmp_path / "IMG_0001.CR3"
    path.write_bytes(build_cr3(XMP))
    assert_same_as_exiftool(path, skip=("width", "height"))   # exiftool sizes CR3 from the CRAW track
    meta = read_metadata(path)
    assert (meta.format, meta.width, meta.height, meta.orientation) == ("CR3", 5472, 3648, 8)
    assert meta.taken_at == "2024-05-06T07:08:09-04:00"
    assert meta.copyright == "Jane Doe" and meta.gps_lon == pytest.approx(-73.985833, abs=1e-6)


# --- the corpus HEIC and the sizes of real files ------------------------------------


def test_head_argument_is_used_instead_of_reading_again(tmp_path):
    path = tmp_path / "given.jpg"
    Image.new("RGB", (8, 6)).save(path, exif=camera_exif())
    head = path.read_bytes()[:4096]
    assert read_metadata(path, head=head).model == "Canon EOS R5"


def test_segment_running_past_the_head_is_read_from_the_file(tmp_path):
    """A 300 KB APP segment before the XMP: the head (256 KiB) ends inside it."""
    path = tmp_path / "big.jpg"
    Image.new("RGB", (8, 6)).save(path, exif=camera_exif())
    data = path.read_bytes()
    padding = b"\xff\xe2" + struct.pack(">H", 65535) + b"\0" * 65533
    xmp_seg = b"http://ns.adobe.com/xap/1.0/\0" + XMP
    xmp_app1 = b"\xff\xe1" + struct.pack(">H", len(xmp_seg) + 2) + xmp_seg
    path.write_bytes(data[:2] + padding * 5 + xmp_app1 + data[2:])
    meta = read_metadata(path)
    assert meta.caption.startswith("Workers install") and meta.make == "Canon"
    assert (meta.width, meta.height) == (8, 6)


def test_zlib_damage_in_png_text_is_a_warning_not_an_error(tmp_path):
    path = tmp_path / "damaged.png"
    Image.new("RGB", (5, 4)).save(path)
    data = path.read_bytes()
    chunk = b"XML:com.adobe.xmp\0\1\0\0\0" + b"not zlib"
    itxt = struct.pack(">I", len(chunk)) + b"iTXt" + chunk + struct.pack(">I", zlib.crc32(b"iTXt" + chunk))
    path.write_bytes(data[:33] + itxt + data[33:])
    meta = read_metadata(path)
    assert (meta.width, meta.height) == (5, 4)
    assert any("damaged iTXt" in w for w in meta.warnings)


@needs_exiftool
def test_extended_xmp_in_jpeg(tmp_path):
    """XMP over 64 KB: exiftool moves the big properties into extended XMP segments."""
    path = tmp_path / "long.jpg"
    Image.new("RGB", (8, 8)).save(path)
    caption = "A very long caption. " * 4000
    exiftool_write(path, f"-XMP-dc:Description={caption}", "-XMP-photoshop:City=Kyiv")
    assert path.read_bytes().count(b"http://ns.adobe.com/xmp/extension/") > 1
    assert_same_as_exiftool(path)
    assert read_metadata(path).caption == caption.strip()


@needs_exiftool
def test_iptc_in_png_is_read_although_exiftool_mwg_ignores_it(tmp_path):
    """exiftool writes IPTC into PNG as a "Raw profile type iptc" but its MWG composites use
    IPTC only from JPEG/TIFF/PSD; an agency's caption in a PNG is still the caption to us."""
    path = tmp_path / "agency.png"
    Image.new("RGB", (10, 10)).save(path)
    exiftool_write(path, "-IPTC:City=Kyiv", "-IPTC:Caption-Abstract=IPTC caption", "-IPTC:By-line=Ann")
    exp = exiftool_reading(path)
    assert "MWG:City" not in exp
    meta = read_metadata(path)
    assert (meta.city, meta.caption, meta.creator) == (exp["IPTC:City"], exp["IPTC:Caption-Abstract"], [exp["IPTC:By-line"]])
