"""IPTC-IIM: character sets, values cut at the IIM limits, and the IPTC digest.

exiftool writes the IPTC (and the digest) on a Pillow-made JPEG and judges
our reading with its MWG composites, except where we deliberately read
better than ``-charset iptc=Latin`` (UTF-8 IPTC without a 1:90 declaration)
or where exiftool does not decode at all (ISO 2022 sets other than UTF-8).
"""

from __future__ import annotations

import hashlib
import struct

import pytest
from PIL import Image

from archive.metadata import read_metadata
from archive.metadata.iptc import charset_from_escape, decode, parse_iptc

from .test_metadata_formats import assert_same_as_exiftool, exiftool_reading, exiftool_write, needs_exiftool


@pytest.fixture
def jpeg(tmp_path):
    path = tmp_path / "agency.jpg"
    Image.new("RGB", (40, 30), "navy").save(path)
    return path


def iim(*datasets: tuple[int, int, bytes]) -> bytes:
    return b"".join(b"\x1c" + bytes([rec, ds]) + struct.pack(">H", len(v)) + v for rec, ds, v in datasets)


def jpeg_with_iptc(path, iptc_block: bytes, digest: bytes | None = None):
    """A JPEG whose APP13 holds exactly ``iptc_block`` (and a digest if given)."""
    def resource(rid, data):
        return b"8BIM" + struct.pack(">H", rid) + b"\0\0" + struct.pack(">I", len(data)) + data + b"\0" * (len(data) & 1)
    irb = resource(0x0404, iptc_block) + (resource(0x0425, digest) if digest else b"")
    payload = b"Photoshop 3.0\0" + irb
    app13 = b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload
    Image.new("RGB", (4, 4)).save(path)
    data = path.read_bytes()
    path.write_bytes(data[:2] + app13 + data[2:])
    return path


# --- character sets -------------------------------------------------------------


@needs_exiftool
def test_utf8_declared_by_coded_character_set(jpeg):
    exiftool_write(jpeg, "-codedcharacterset=utf8", "-IPTC:City=Zürich", "-IPTC:By-line=Łukasz Głowala",
                   "-IPTC:Caption-Abstract=Київ, 19 грудня")
    assert_same_as_exiftool(jpeg)
    meta = read_metadata(jpeg)
    assert (meta.city, meta.creator, meta.caption) == ("Zürich", ["Łukasz Głowala"], "Київ, 19 грудня")


@needs_exiftool
def test_latin_iptc_without_declaration(jpeg):
    exiftool_write(jpeg, "-charset", "iptc=Latin", "-IPTC:City=Zürich", "-IPTC:Credit=Agence France-Presse – AFP")
    assert b"Z\xfcrich" in jpeg.read_bytes()          # stored as Windows-1252 bytes
    assert_same_as_exiftool(jpeg)
    assert read_metadata(jpeg).credit == "Agence France-Presse – AFP"


@needs_exiftool
def test_utf8_iptc_without_declaration_is_not_mojibake(jpeg):
    """exiftool -charset iptc=Latin shows 'ZÃ¼rich' here; UTF-8 that decodes is UTF-8."""
    exiftool_write(jpeg, "-charset", "iptc=UTF8", "-IPTC:City=Zürich")
    assert exiftool_reading(jpeg)["IPTC:City"] == "ZÃ¼rich"
    assert read_metadata(jpeg).city == "Zürich"


def test_iso_8859_5_designated_by_iso_2022_escape(tmp_path):
    block = iim((1, 90, b"\x1b-L"), (2, 90, "Київ".encode("iso8859_5")), (2, 101, "Україна".encode("iso8859_5")))
    meta = read_metadata(jpeg_with_iptc(tmp_path / "cyr.jpg", block))
    assert (meta.city, meta.country) == ("Київ", "Україна")


def test_latin1_designated_by_iso_2022_escape(tmp_path):
    block = iim((1, 90, b"\x1b-A"), (2, 80, "José Martí".encode("latin-1")))
    assert read_metadata(jpeg_with_iptc(tmp_path / "lat.jpg", block)).creator == ["José Martí"]


@pytest.mark.parametrize("escape,codec", [(b"\x1b%G", "utf-8"), (b"\x1b-A", "cp1252"), (b"\x1b.A", "cp1252"),
                                          (b"\x1b-B", "iso8859_2"), (b"\x1b(B\x1b-F", "iso8859_7"), (b"", None)])
def test_coded_character_set_escapes(escape, codec):
    assert charset_from_escape(escape) == codec


@pytest.mark.parametrize("raw,charset,text", [
    ("Zürich".encode("utf-8"), None, "Zürich"),
    ("Zürich".encode("cp1252"), None, "Zürich"),
    (b"caf\xe9\0\0", None, "café"),                        # NUL padding some writers add
    ("Łódź".encode("utf-8")[:-1], "utf-8", "Łód"),        # cut inside the last character
    (b"\x81\x8d", None, "\x81\x8d"),                       # cp1252 holes fall back to Latin-1
])
def test_decode(raw, charset, text):
    assert decode(raw, charset) == text


def test_extended_dataset_length_and_repeatable_keywords():
    caption = ("x" * 40000).encode()
    block = iim((2, 25, b"one"), (2, 25, b"two")) + b"\x1c\x02\x78\x80\x04" + struct.pack(">I", len(caption)) + caption
    warnings: list[str] = []
    parsed = parse_iptc(block, warnings)
    assert [v.text for v in parsed.all(25)] == ["one", "two"]
    assert parsed.one(120).nbytes == 40000 and not warnings
    assert parsed.digest == hashlib.md5(block).digest()


# --- values cut at the IIM limits ---------------------------------------------------


@needs_exiftool
def test_byline_cut_at_32_bytes_is_recovered_from_xmp(jpeg):
    long_name = "Alexandra Konstantinopoulou-Smithsonian"
    exiftool_write(jpeg, f"-IPTC:By-line={long_name}", f"-XMP-dc:Creator={long_name}",
                   "-IPTC:Keywords=" + "k" * 70, "-XMP-dc:Subject=" + "k" * 70)
    # a stale digest makes the MWG prefer IPTC, and so exercise the recovery
    exiftool_write(jpeg, "-Photoshop:IPTCDigest=00112233445566778899aabbccddeeff")
    assert len(exiftool_reading(jpeg)["IPTC:By-line"]) == 32
    assert_same_as_exiftool(jpeg)
    meta = read_metadata(jpeg)
    assert meta.creator == [long_name] and meta.keywords == ["k" * 70]


@needs_exiftool
def test_cut_value_not_recovered_from_unrelated_xmp(jpeg):
    exiftool_write(jpeg, "-IPTC:By-line=" + "B" * 40, "-XMP-dc:Creator=Someone Else Entirely, a long name")
    exiftool_write(jpeg, "-Photoshop:IPTCDigest=00112233445566778899aabbccddeeff")
    assert_same_as_exiftool(jpeg)
    assert read_metadata(jpeg).creator == ["B" * 32]


# --- the IPTC digest decides between IPTC and XMP ---------------------------------


@needs_exiftool
def test_digest_in_sync_prefers_xmp(jpeg):
    exiftool_write(jpeg, "-IPTC:Caption-Abstract=Old caption", "-XMP-dc:Description=New caption",
                   "-IPTC:City=Kiev", "-XMP-photoshop:City=Kyiv", "-Photoshop:IPTCDigest=new")
    assert_same_as_exiftool(jpeg)
    assert (read_metadata(jpeg).caption, read_metadata(jpeg).city) == ("New caption", "Kyiv")


@needs_exiftool
def test_stale_digest_prefers_iptc_even_where_only_xmp_has_a_value(jpeg):
    exiftool_write(jpeg, "-IPTC:Caption-Abstract=Edited in an old IPTC-only tool", "-XMP-dc:Description=Original",
                   "-XMP-photoshop:Country=Ukraine", "-XMP-photoshop:Credit=Reuters", "-IPTC:Credit=AP",
                   "-Photoshop:IPTCDigest=ffeeddccbbaa99887766554433221100")
    assert_same_as_exiftool(jpeg)
    meta = read_metadata(jpeg)
    assert (meta.caption, meta.country, meta.credit) == ("Edited in an old IPTC-only tool", None, "AP")
    assert any("digest" in w for w in meta.warnings)


@needs_exiftool
def test_no_digest_prefers_xmp_and_falls_back_to_iptc(jpeg):
    exiftool_write(jpeg, "-IPTC:Caption-Abstract=IPTC caption", "-XMP-dc:Description=XMP caption",
                   "-IPTC:Headline=Only in IPTC", "-IPTC:Source=Only IPTC source")
    assert "Photoshop:IPTCDigest" not in exiftool_reading(jpeg)
    assert_same_as_exiftool(jpeg)
    meta = read_metadata(jpeg)
    assert (meta.caption, meta.headline, meta.source) == ("XMP caption", "Only in IPTC", "Only IPTC source")


@needs_exiftool
def test_exif_strings_come_first(jpeg):
    exiftool_write(jpeg, "-EXIF:ImageDescription=EXIF caption", "-EXIF:Artist=Ann; Bob",
                   "-EXIF:Copyright=EXIF rights", "-IPTC:Caption-Abstract=IPTC caption",
                   "-XMP-dc:Description=XMP caption", "-XMP-dc:Creator=Carol", "-XMP-dc:Rights=XMP rights")
    assert_same_as_exiftool(jpeg)
    meta = read_metadata(jpeg)
    assert (meta.caption, meta.creator, meta.copyright) == ("EXIF caption", ["Ann", "Bob"], "EXIF rights")


@needs_exiftool
def test_iptc_date_and_time_created(jpeg):
    exiftool_write(jpeg, "-IPTC:DateCreated=2022:12:19", "-IPTC:TimeCreated=02:14:07+02:00",
                   "-IPTC:ObjectName=KYIV-TREE", "-IPTC:By-lineTitle=Staff photographer",
                   "-IPTC:Country-PrimaryLocationCode=UKR", "-IPTC:SpecialInstructions=No sales")
    assert_same_as_exiftool(jpeg)
    meta = read_metadata(jpeg)
    assert meta.taken_at == "2022-12-19T02:14:07+02:00"
    assert (meta.title, meta.creator_title, meta.country_code, meta.instructions) == (
        "KYIV-TREE", "Staff photographer", "UKR", "No sales")
