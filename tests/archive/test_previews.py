"""Finding embedded JPEG previews: JPEG (EXIF IFD1, MPF), TIFF raws, CR3, RAF.

Files are built here byte by byte the way cameras lay them out, and exiftool
(installed, the project's metadata oracle) is asked what it finds in them:
where exiftool extracts a preview, we must find the very same bytes.  Real
photos from ../shared/corpus check the EXIF thumbnails against exiftool's
recorded readings.
"""

from __future__ import annotations

import base64
import io
import json
import shutil
import struct
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from archive.previews import (
    CR3_METADATA_UUID, CR3_PREVIEW_UUID, Preview, embedded_previews, read_preview, scan_file,
)

SHARED = Path(__file__).parents[2].parent / "shared"
CORPUS = SHARED / "corpus" / "real"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus not found at {CORPUS}")
needs_exiftool = pytest.mark.skipif(shutil.which("exiftool") is None, reason="exiftool not installed")


# --- building files ---------------------------------------------------------

def jpeg(size, color=(200, 60, 40), quality=90, **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG", quality=quality, **save)
    return out.getvalue()


def lossless_jpeg_header(width=64, height=48) -> bytes:
    """The start of a lossless (SOF3) JPEG, as DNG and CR2 store sensor data."""
    sof3 = b"\xff\xc3" + struct.pack(">HBHHB", 11, 14, height, width, 1) + b"\x00\x11\x00"
    return b"\xff\xd8" + sof3 + b"\xff\xda" + b"\x00" * 2000


def add_mpf(primary: bytes, previews: list[bytes], order: str = ">",
            types=(0x010002, 0x010001)) -> bytes:
    """Camera-style MPF: APP2 after APP0/APP1, preview JPEGs appended after the primary."""
    pos = 2
    while primary[pos] == 0xFF and primary[pos + 1] in (0xE0, 0xE1):
        pos += 2 + struct.unpack(">H", primary[pos + 2:pos + 4])[0]
    count = 1 + len(previews)
    ifd_size = 2 + 3 * 12 + 4
    body_size = 4 + 8 + ifd_size + 16 * count
    header_at = pos + 8
    primary_size = len(primary) + 4 + body_size
    e = order
    tiff = (b"MM\x00*" if e == ">" else b"II*\x00") + struct.pack(e + "I", 8) + struct.pack(e + "H", 3)
    tiff += struct.pack(e + "HHI", 0xB000, 7, 4) + b"0100"
    tiff += struct.pack(e + "HHII", 0xB001, 4, 1, count)
    tiff += struct.pack(e + "HHII", 0xB002, 7, 16 * count, 8 + ifd_size)
    tiff += struct.pack(e + "I", 0)
    tiff += struct.pack(e + "IIIHH", 0x20030000, primary_size, 0, 0, 0)
    at = primary_size
    for i, data in enumerate(previews):
        tiff += struct.pack(e + "IIIHH", types[i % len(types)], len(data), at - header_at, 0, 0)
        at += len(data)
    segment = b"\xff\xe2" + struct.pack(">H", 2 + body_size) + b"MPF\x00" + tiff
    return primary[:pos] + segment + primary[pos:] + b"".join(previews)


class Blob:
    """Data placed after the IFDs; an entry value Blob(x) stands for its offset."""

    def __init__(self, data: bytes):
        self.data = data


class Sub:
    """SubIFDs: an entry value Sub([ifd, ...]) stands for their offsets."""

    def __init__(self, ifds):
        self.ifds = ifds


def build_tiff(chain, order="<", header: bytes | None = None) -> bytes:
    """A TIFF file from IFDs given as [(tag, type, value)], value: list of ints, bytes, Blob or Sub.

    ``header`` replaces the standard 8-byte header (CR2, ORF, RW2 variants);
    its bytes 4..8 are overwritten with the first IFD's offset.
    """
    e = order
    head = bytearray(header or ((b"II*\x00" if e == "<" else b"MM\x00*") + b"\x00" * 4))
    sizes = {1: 1, 2: 1, 3: 2, 4: 4, 7: 1}
    ifds, blobs = [], []

    def collect(ifd):
        ifds.append(ifd)
        for _tag, _typ, value in ifd:
            if isinstance(value, Sub):
                for sub in value.ifds:
                    collect(sub)
            elif isinstance(value, Blob):
                blobs.append(value)

    for ifd in chain:
        collect(ifd)

    def extra(typ, value) -> int:
        if isinstance(value, (Blob, Sub)):
            return 4 * len(value.ifds) if isinstance(value, Sub) and len(value.ifds) > 1 else 0
        n = len(value) * sizes[typ]
        return n + (n & 1) if n > 4 else 0

    where: dict[int, int] = {}
    pos = len(head)
    for ifd in ifds:
        where[id(ifd)] = pos
        pos += 2 + 12 * len(ifd) + 4 + sum(extra(t, v) for _, t, v in ifd)
    for blob in blobs:
        pos += pos & 1
        where[id(blob)] = pos
        pos += len(blob.data)

    out = bytearray(pos)
    out[:len(head)] = head
    out[4:8] = struct.pack(e + "I", where[id(chain[0])])
    for ifd in ifds:
        at = where[id(ifd)]
        data_at = at + 2 + 12 * len(ifd) + 4
        struct.pack_into(e + "H", out, at, len(ifd))
        for k, (tag, typ, value) in enumerate(sorted(ifd, key=lambda x: x[0])):
            p = at + 2 + 12 * k
            if isinstance(value, Blob):
                count = len(value.data) if typ == 7 else 1
                raw = struct.pack(e + "I", where[id(value)])
            elif isinstance(value, Sub):
                offsets = [where[id(s)] for s in value.ifds]
                count = len(offsets)
                raw = struct.pack(e + "I" * count, *offsets)
            elif isinstance(value, bytes):
                count, raw = len(value), value
            else:
                count = len(value)
                raw = struct.pack(e + {1: "B", 3: "H", 4: "I"}[typ] * count, *value)
            struct.pack_into(e + "HHI", out, p, tag, typ, count)
            if len(raw) <= 4:
                out[p + 8:p + 8 + len(raw)] = raw
            else:
                struct.pack_into(e + "I", out, p + 8, data_at)
                out[data_at:data_at + len(raw)] = raw
                data_at += len(raw) + (len(raw) & 1)
    # chain links: IFD0 -> IFD1 -> ...
    for a, b in zip(chain, chain[1:]):
        at = where[id(a)]
        struct.pack_into(e + "I", out, at + 2 + 12 * len(a), where[id(b)])
    for blob in blobs:
        out[where[id(blob)]:where[id(blob)] + len(blob.data)] = blob.data
    return bytes(out)


def jpeg_entries(data: bytes):
    return [(0x0103, 3, [6]), (0x0201, 4, Blob(data)), (0x0202, 4, [len(data)])]


def strip_entries(data: bytes, compression: int, width: int, height: int, photometric: int):
    return [(0x0100, 4, [width]), (0x0101, 4, [height]), (0x0103, 3, [compression]),
            (0x0106, 3, [photometric]), (0x0111, 4, Blob(data)), (0x0116, 4, [height]),
            (0x0117, 4, [len(data)])]


def rgb_strip_ifd(width: int, height: int):
    pixels = bytes(width * height * 3)
    return [(0x00FE, 4, [1]), (0x0102, 3, [8, 8, 8]), (0x0115, 3, [3]),
            *strip_entries(pixels, 1, width, height, 2)]


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def build_cr3(prvw: bytes, thmb: bytes, orientation: int = 1) -> bytes:
    """ISO BMFF laid out like a Canon CR3 (lclevy/canon_cr3's description)."""
    ftyp = box(b"ftyp", b"crx " + struct.pack(">I", 1) + b"crx isom")
    cmt1 = build_tiff([[(0x010F, 2, b"Canon\x00"), (0x0112, 3, [orientation])]])
    thmb_box = box(b"THMB", struct.pack(">IHHII", 0, 160, 120, len(thmb), 0x00010000)
                   + thmb + b"\x00" * (-len(thmb) % 4))
    canon = box(b"uuid", CR3_METADATA_UUID + box(b"CNCV", b"CanonCR3_001/00.09.00/00.00.00")
                + box(b"CMT1", cmt1) + thmb_box)
    moov = box(b"moov", canon)
    prvw_box = box(b"PRVW", struct.pack(">IHHHHI", 0, 1, 1620, 1080, 1, len(prvw))
                   + prvw + b"\x00" * (-len(prvw) % 4))
    preview = box(b"uuid", CR3_PREVIEW_UUID + struct.pack(">Q", 1) + prvw_box)
    return ftyp + moov + preview + box(b"mdat", b"\x00" * 4096)


def exiftool_images(path: Path) -> set[bytes]:
    """Every preview, thumbnail and JpgFromRaw exiftool extracts from the file."""
    out = subprocess.run(
        ["exiftool", "-j", "-a", "-b", "-PreviewImage", "-ThumbnailImage", "-JpgFromRaw",
         "-OtherImage", "-MPImage2", "-MPImage3", str(path)],
        capture_output=True, check=True, text=True).stdout
    found = set()
    for key, value in json.loads(out)[0].items():
        if isinstance(value, str) and value.startswith("base64:"):
            found.add(base64.b64decode(value[7:]))
    return found


def our_images(path: Path) -> set[bytes]:
    return {read_preview(path, p) for p in embedded_previews(path)}


# --- JPEG -------------------------------------------------------------------

@pytest.fixture(scope="module")
def camera_jpeg(tmp_path_factory) -> Path:
    """A 3:2 JPEG with an exiftool-written IFD1 thumbnail and two MPF previews."""
    d = tmp_path_factory.mktemp("jpeg")
    thumb = d / "thumb.jpg"
    thumb.write_bytes(jpeg((160, 120), (0, 0, 0)))
    main = d / "main.jpg"
    main.write_bytes(jpeg((1800, 1200)))
    if shutil.which("exiftool"):
        subprocess.run(["exiftool", "-q", "-overwrite_original", "-Orientation#=6",
                        f"-ThumbnailImage<={thumb}", str(main)], check=True)
    path = d / "camera.jpg"
    path.write_bytes(add_mpf(main.read_bytes(),
                             [jpeg((1620, 1080), (0, 0, 255)), jpeg((640, 424), (0, 255, 0))]))
    return path


@needs_exiftool
def test_jpeg_exif_thumbnail_and_mpf_previews_are_found(camera_jpeg):
    scan = scan_file(camera_jpeg)
    assert scan.format == "jpeg" and (scan.width, scan.height) == (1800, 1200)
    assert scan.orientation == 6 and not scan.raw
    assert [(p.width, p.height, p.source) for p in scan.previews] == [
        (1620, 1080, "mpf"), (640, 424, "mpf"), (160, 120, "exif-ifd1")]
    assert our_images(camera_jpeg) == exiftool_images(camera_jpeg)


@needs_exiftool
def test_bytes_and_open_files_are_read_like_paths(camera_jpeg):
    data = camera_jpeg.read_bytes()
    assert embedded_previews(data) == embedded_previews(camera_jpeg)
    with open(camera_jpeg, "rb") as fp:
        assert embedded_previews(fp) == embedded_previews(str(camera_jpeg))


def test_preview_size_comes_from_its_own_sof(tmp_path):
    # MPF says nothing about size; a progressive preview has SOF2.
    path = tmp_path / "p.jpg"
    path.write_bytes(add_mpf(jpeg((900, 600)), [jpeg((300, 200), progressive=True)]))
    (p,) = embedded_previews(path)
    assert (p.width, p.height) == (300, 200)
    assert Image.open(io.BytesIO(read_preview(path, p))).size == (300, 200)


def test_pillow_mpo_little_endian_is_found(tmp_path):
    """Pillow's own MPF writer (little-endian, MP type 'undefined') is another real writer."""
    path = tmp_path / "pillow.mpo"
    Image.new("RGB", (1200, 800), "red").save(
        path, "MPO", save_all=True, append_images=[Image.new("RGB", (600, 400), "blue")])
    (p,) = embedded_previews(path)
    assert (p.width, p.height, p.source) == (600, 400, "mpf")
    assert Image.open(io.BytesIO(read_preview(path, p))).getpixel((10, 10))[2] > 200


def test_damaged_mpf_and_exif_pointers_are_ignored(tmp_path):
    good = add_mpf(jpeg((900, 600)), [jpeg((300, 200))])
    # Point the preview entry past the end of the file.
    at = good.index(b"MPF\x00") + 4 + 8 + 42 + 16 + 8
    bad = good[:at] + struct.pack(">I", 10 ** 8) + good[at + 4:]
    assert embedded_previews(bad) == []
    # A file cut short inside its preview: the preview is reported as far as it goes
    # (decoding it will fail later and the thumbnail falls back to the main image).
    (cut,) = embedded_previews(good[:-500])
    assert cut.offset + cut.length == len(good) - 500
    for junk in (b"", b"\xff\xd8", b"\xff\xd8\xff\xe1\x00\x10Exif\x00\x00II*\x00", b"not an image" * 10):
        assert embedded_previews(junk) == []


def test_read_only_what_is_needed(camera_jpeg):
    """Scanning a file touches its headers, not its image data."""

    class Counting(io.BytesIO):
        read_bytes = 0

        def read(self, n=-1):
            data = super().read(n)
            Counting.read_bytes += len(data)
            return data

    data = camera_jpeg.read_bytes()
    embedded_previews(Counting(data))
    assert Counting.read_bytes < 40_000 < len(data)


@needs_corpus
def test_corpus_exif_thumbnails_match_exiftool_readings():
    checked = 0
    for expected in sorted((CORPUS / "expected").glob("*.json")):
        name = expected.name[:-5]
        record = json.loads(expected.read_text())[0]
        offset, length = record.get("IFD1:ThumbnailOffset"), record.get("IFD1:ThumbnailLength")
        found = [(p.offset, p.length) for p in embedded_previews(CORPUS / name) if p.source == "exif-ifd1"]
        if offset is not None and name.lower().endswith((".jpg", ".jpeg")):
            assert found == [(offset, length)], name
            checked += 1
        elif offset is None:
            assert found == [], name
    assert checked >= 20


@needs_corpus
def test_corpus_jpeg_scan_reports_size_and_orientation():
    scan = scan_file(CORPUS / "grid_exif-orientated.jpg")
    assert (scan.width, scan.height, scan.orientation) == (3456, 2304, 6)
    (thumb,) = scan.previews
    # Canon's 160x120 thumbnail of a 3:2 picture: black bars (ThumbnailImageValidArea 7..112)
    assert (thumb.width, thumb.height) == (160, 120)
    assert scan_file(CORPUS / "IMG_5195.HEIC").format == "heif"
    tiff = scan_file(CORPUS / "BSG1.tiff")
    assert (tiff.format, tiff.width, tiff.height, tiff.raw) == ("tiff", 635, 348, False)


# --- TIFF-based raws --------------------------------------------------------

@pytest.fixture
def nef(tmp_path) -> Path:
    """Nikon layout: IFD0 a 160x120 RGB thumbnail, SubIFD0 the JPEG, SubIFD1 the CFA raw."""
    preview = jpeg((900, 600), (10, 200, 10))
    raw = [(0x00FE, 4, [0]), *strip_entries(b"\x00" * 4096, 34713, 912, 608, 32803)]
    sub0 = [(0x00FE, 4, [1]), *jpeg_entries(preview)]
    ifd0 = [*rgb_strip_ifd(160, 120), (0x010F, 2, b"NIKON CORPORATION\x00"),
            (0x0110, 2, b"NIKON D750\x00"), (0x0112, 3, [8]), (0x014A, 4, Sub([sub0, raw]))]
    path = tmp_path / "DSC_0001.NEF"
    path.write_bytes(build_tiff([ifd0], order="<"))
    return path


@needs_exiftool
def test_nef_preview_in_subifd(nef):
    scan = scan_file(nef)
    assert scan.raw and scan.orientation == 8 and scan.width is None
    assert [(p.width, p.height, p.source) for p in scan.previews] == [(900, 600, "tiff-subifd")]
    assert our_images(nef) == exiftool_images(nef)


@pytest.fixture
def dng(tmp_path) -> Path:
    """DNG: RGB thumbnail in IFD0; SubIFDs hold the lossless-JPEG raw and a JPEG preview strip."""
    preview = jpeg((1024, 683), (250, 250, 0))
    raw = [(0x00FE, 4, [0]), *strip_entries(lossless_jpeg_header(), 7, 64, 48, 32803)]
    sub_preview = [(0x00FE, 4, [1]), (0x0102, 3, [8, 8, 8]), (0x0115, 3, [3]),
                   *strip_entries(preview, 7, 1024, 683, 6)]
    ifd0 = [*rgb_strip_ifd(256, 171), (0x010F, 2, b"Leica\x00"), (0x0112, 3, [6]),
            (0xC612, 1, [1, 4, 0, 0]), (0xC614, 2, b"Leica Q2\x00"),
            (0x014A, 4, Sub([raw, sub_preview]))]
    path = tmp_path / "L1000001.DNG"
    path.write_bytes(build_tiff([ifd0], order="<"))
    return path


@needs_exiftool
def test_dng_preview_strip_found_and_lossless_raw_skipped(dng):
    scan = scan_file(dng)
    assert scan.raw and scan.orientation == 6
    assert [(p.width, p.height, p.source) for p in scan.previews] == [(1024, 683, "tiff-subifd")]
    assert our_images(dng) == exiftool_images(dng)


@pytest.fixture
def cr2(tmp_path) -> Path:
    """CR2: 'CR' header, IFD0 strip = big JPEG, IFD1 = 160x120 thumbnail, IFD3 = lossless raw."""
    big = jpeg((1200, 800), (255, 0, 255))
    thumb = jpeg((160, 120), (0, 0, 0))
    ifd0 = [*strip_entries(big, 6, 1200, 800, 6), (0x010F, 2, b"Canon\x00"),
            (0x0110, 2, b"Canon EOS 5D Mark III\x00"), (0x0112, 3, [1])]
    ifd1 = jpeg_entries(thumb)
    ifd2 = rgb_strip_ifd(48, 32)
    ifd3 = [(0x0103, 3, [6]), (0x0111, 4, Blob(lossless_jpeg_header())), (0x0117, 4, [2007])]
    header = b"II*\x00\x00\x00\x00\x00CR\x02\x00\x00\x00\x00\x00"
    path = tmp_path / "IMG_0001.CR2"
    path.write_bytes(build_tiff([ifd0, ifd1, ifd2, ifd3], order="<", header=header))
    return path


@needs_exiftool
def test_cr2_big_jpeg_in_ifd0_and_thumbnail_in_ifd1(cr2):
    scan = scan_file(cr2)
    assert scan.raw and scan.orientation == 1
    assert [(p.width, p.height, p.source) for p in scan.previews] == [
        (1200, 800, "tiff-ifd0"), (160, 120, "tiff-ifd1")]
    assert our_images(cr2) == exiftool_images(cr2)


@needs_exiftool
def test_arw_preview_in_ifd0_jpeg_interchange_format(tmp_path):
    preview = jpeg((1616, 1080), (0, 128, 255))
    raw = [(0x00FE, 4, [0]), *strip_entries(b"\x00" * 4096, 32767, 6048, 4024, 32803)]
    ifd0 = [(0x00FE, 4, [1]), *jpeg_entries(preview), (0x010F, 2, b"SONY\x00"),
            (0x0110, 2, b"ILCE-7M3\x00"), (0x0112, 3, [1]), (0x014A, 4, Sub([raw]))]
    ifd1 = jpeg_entries(jpeg((160, 120), (0, 0, 0)))
    path = tmp_path / "DSC00001.ARW"
    path.write_bytes(build_tiff([ifd0, ifd1], order="<"))
    scan = scan_file(path)
    assert scan.raw
    assert [(p.width, p.height, p.source) for p in scan.previews] == [
        (1616, 1080, "tiff-ifd0"), (160, 120, "tiff-ifd1")]
    assert our_images(path) == exiftool_images(path)


def test_rw2_jpg_from_raw(tmp_path):
    embedded = jpeg((1920, 1080), (90, 90, 90))
    ifd0 = [(0x0001, 7, b"0310"), (0x0002, 4, [5200]), (0x0003, 4, [3900]),
            (0x002E, 7, Blob(embedded)), (0x010F, 2, b"Panasonic\x00"), (0x0112, 3, [3])]
    path = tmp_path / "P1000001.RW2"
    path.write_bytes(build_tiff([ifd0], order="<", header=b"IIU\x00\x00\x00\x00\x00"))
    scan = scan_file(path)
    assert scan.raw and scan.orientation == 3
    assert [(p.width, p.height, p.source) for p in scan.previews] == [(1920, 1080, "rw2-jpgfromraw")]
    assert read_preview(path, scan.previews[0]) == embedded


def test_ifd_loops_and_nonsense_offsets_end_quietly(tmp_path):
    data = bytearray(build_tiff([[(0x0100, 4, [10]), (0x0101, 4, [10])]], order="<"))
    struct.pack_into("<I", data, 8 + 2 + 24, 8)            # IFD0's next IFD is itself
    assert scan_file(bytes(data)).previews == ()
    data[4:8] = struct.pack("<I", 2 ** 31)                  # IFD0 far past the end
    assert scan_file(bytes(data)).previews == ()


# --- CR3 and RAF ------------------------------------------------------------

@needs_exiftool
def test_cr3_prvw_and_thmb(tmp_path):
    prvw, thmb = jpeg((1620, 1080), (0, 200, 200)), jpeg((160, 120), (0, 0, 0))
    path = tmp_path / "IMG_0001.CR3"
    path.write_bytes(build_cr3(prvw, thmb, orientation=6))
    scan = scan_file(path)
    assert (scan.format, scan.raw, scan.orientation) == ("cr3", True, 6)
    assert [(p.width, p.height, p.source) for p in scan.previews] == [
        (1620, 1080, "cr3-prvw"), (160, 120, "cr3-thmb")]
    assert our_images(path) == {prvw, thmb}
    # exiftool takes each JPEG from the same place to its box's end, padding included
    theirs = sorted(exiftool_images(path), key=len)
    ours = sorted(our_images(path), key=len)
    assert [t[:len(o)] for t, o in zip(theirs, ours)] == ours
    assert all(set(t[len(o):]) <= {0} for t, o in zip(theirs, ours))


def test_raf_embedded_jpeg_and_its_own_previews(tmp_path):
    inner = add_mpf(jpeg((1920, 1280), (255, 128, 0)), [jpeg((640, 427))])
    header = bytearray(b"FUJIFILMCCD-RAW 0201FF383501" + b"X-T3".ljust(32, b"\x00") + b"0100")
    header += b"\x00" * (84 - len(header))
    header += struct.pack(">II", 160, len(inner)) + b"\x00" * (160 - 92)
    path = tmp_path / "DSCF0001.RAF"
    path.write_bytes(bytes(header) + inner + b"\x00" * 1000)
    scan = scan_file(path)
    assert scan.raw
    assert [(p.width, p.height, p.source) for p in scan.previews] == [
        (1920, 1280, "raf-jpeg"), (640, 427, "mpf")]
    assert read_preview(path, scan.previews[0]) == inner


def test_formats_without_jpeg_previews(tmp_path):
    png = tmp_path / "a.png"
    exif = Image.Exif()
    exif[0x0112] = 3
    Image.new("RGB", (30, 20)).save(png, exif=exif)
    scan = scan_file(png)
    assert (scan.format, scan.width, scan.height, scan.orientation, scan.previews) == ("png", 30, 20, 3, ())
    assert scan_file(b"RIFF\x00\x00\x00\x00WEBPVP8 ").format == "webp"
    assert scan_file(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic").format == "heif"
    assert Preview(4, 3, 1, 1, "x").aspect == pytest.approx(4 / 3)


def test_damaged_headers_never_raise(nef, cr2, dng, tmp_path):
    """Flip bytes in the headers of every kind of file: scanning must simply find less."""
    import random

    cr3 = tmp_path / "x.CR3"
    cr3.write_bytes(build_cr3(jpeg((1620, 1080)), jpeg((160, 120))))
    mpf = add_mpf(jpeg((900, 600)), [jpeg((300, 200))], order="<")
    rnd = random.Random(1)
    for original in (nef.read_bytes(), cr2.read_bytes(), dng.read_bytes(), cr3.read_bytes(), mpf):
        for _ in range(300):
            data = bytearray(original)
            for _ in range(rnd.randint(1, 4)):
                data[rnd.randrange(min(len(data), 700))] = rnd.randrange(256)
            for p in scan_file(bytes(data)).previews:
                assert 0 < p.offset < p.offset + p.length <= len(data)
