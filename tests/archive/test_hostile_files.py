"""Damaged files are read with a warning that says what is wrong, never silently
(issue 18): a runaway IFD gives no garbage caption, a bad CRC, a bad RIFF or box
size and image data cut short are each named."""

from __future__ import annotations

import os
import struct

import pytest

from archive.metadata import read_metadata

from . import hostile_files as H

CORPUS = H.corpus_dir()
needs_corpus = pytest.mark.skipif(CORPUS is None, reason="the real corpus is not beside the repository (../shared/corpus/real)")


def read(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return read_metadata(path)


def one_warning(meta, *words) -> str:
    found = [w for w in meta.warnings if all(word in w for word in words)]
    assert len(found) == 1, meta.warnings
    return found[0]


# --- EXIF: a directory that claims more entries than its data holds ------------------

def test_runaway_ifd0_gives_no_garbage_caption_and_a_warning(tmp_path):
    block = H.tiff_with_runaway_ifd0()
    meta = read(tmp_path, "runaway.jpg", H.jpeg_with_exif(block))
    assert meta.caption is None and meta.make is None     # the directory is not believed (exiftool: "Bad IFD0")
    assert "65535" in one_warning(meta, "EXIF", "bad IFD0 directory")
    assert meta.width == 64                               # the photo itself is still read

    honest = block[:8] + (2).to_bytes(2, "little") + block[10:]   # the same bytes, the true count
    meta = read(tmp_path, "honest.jpg", H.jpeg_with_exif(honest))
    assert (meta.make, meta.caption, meta.warnings) == ("Canon", None, [])


@needs_corpus
def test_every_corpus_jpeg_with_a_runaway_ifd0_gains_no_value(tmp_path):
    checked = 0
    for path in sorted(CORPUS.glob("*.jp*g")):
        data = path.read_bytes()
        if data.find(b"Exif\0\0", 0, 70000) < 0:
            continue
        before = read_metadata(path).to_dict()
        after = read(tmp_path, path.name, H.set_ifd0_count(data, 0xFFFF))
        one_warning(after, "bad IFD0 directory")
        # Nothing read from the EXIF block any more (IFD0 leads to the EXIF and GPS IFDs):
        # what is left comes from IPTC and XMP, as it does for exiftool.
        assert not [o for o in after.origins.values() if o.startswith("EXIF")], (path.name, after.origins)
        for key in ("make", "model", "lens", "orientation"):
            assert getattr(after, key) in (None, before[key]), (path.name, key)
        checked += 1
    assert checked >= 20


# --- PNG, WebP, TIFF ----------------------------------------------------------------------

@pytest.mark.parametrize("chunk", [b"IDAT", b"tEXt", b"IHDR"])
def test_png_with_a_bad_crc(tmp_path, chunk):
    meta = read(tmp_path, "bad.png", H.png_with_bad_crc(chunk))
    assert meta.format == "PNG" and meta.width == 64
    one_warning(meta, "PNG", chunk.decode(), "bad CRC")


def test_png_with_a_chunk_past_the_end(tmp_path):
    png = H.pillow_bytes("PNG", colour="maroon")
    meta = read(tmp_path, "cut.png", png[: len(png) - 20])       # inside IDAT
    one_warning(meta, "PNG", "IDAT", "runs past the end")


@pytest.mark.parametrize("size, words", [
    (1 << 30, ("RIFF header says", "truncated")),
    (20, ("after the end of the RIFF data",)),
])
def test_webp_with_a_bad_riff_size(tmp_path, size, words):
    meta = read(tmp_path, "bad.webp", H.webp_with_riff_size(size))
    assert meta.format == "WEBP"
    one_warning(meta, "WebP", *words)


def test_webp_with_a_chunk_claiming_a_gigabyte(tmp_path):
    meta = read(tmp_path, "huge.webp", H.webp_with_huge_chunk())
    assert meta.width == 64
    one_warning(meta, "WebP", "VP8", "runs past the end")


def test_webp_with_a_damaged_chunk_header(tmp_path):
    webp = bytearray(H.pillow_bytes("WEBP", colour="navy"))
    webp[12:16] = b"\x00\x9f\xff\x01"
    with pytest.raises(Exception) as info:            # no image chunk left: unreadable, with the reason
        read(tmp_path, "header.webp", bytes(webp))
    assert "WebP" in str(info.value)


def test_truncated_tiff(tmp_path):
    meta = read(tmp_path, "cut.tif", H.truncated_tiff())
    assert (meta.width, meta.height) == (200, 150)
    one_warning(meta, "TIFF", "past the end of the file", "truncated")


# --- JPEG cut mid-scan ---------------------------------------------------------------------

def test_jpeg_cut_mid_scan(tmp_path):
    jpeg = H.noisy_jpeg()
    meta = read(tmp_path, "cut.jpg", H.jpeg_cut_mid_scan(jpeg))
    assert meta.width == 320
    one_warning(meta, "JPEG", "cut short", "truncated")
    assert read(tmp_path, "whole.jpg", jpeg).warnings == []


@pytest.mark.parametrize("trailer", [bytes(40_000), os.urandom(40_000), b"SEFH" + bytes(100) + b"SEFT"],
                         ids=["zero-padding", "video-like", "samsung"])
def test_a_whole_jpeg_with_a_trailer_is_not_taken_for_a_cut_one(tmp_path, trailer):
    meta = read(tmp_path, "trailer.jpg", H.noisy_jpeg() + trailer)
    assert meta.warnings == []


@needs_corpus
@pytest.mark.parametrize("name", ["mobile_jolla.jpg", "grid_exif-orientated.jpg"])
def test_real_jpeg_cut_mid_scan(tmp_path, name):
    data = (CORPUS / name).read_bytes()
    meta = read(tmp_path, name, H.jpeg_cut_mid_scan(data))
    assert meta.width == read_metadata(CORPUS / name).width
    one_warning(meta, "JPEG", "cut short")


# --- HEIC -----------------------------------------------------------------------------------

@needs_corpus
@pytest.mark.parametrize("box, size, words", [
    (b"iloc", 3, ("'iloc'", "impossible size")),
    (b"iinf", 1 << 20, ("'iinf'", "past the end of its parent")),
    (b"pitm", 0xFFFFFFF0, ("'pitm'", "past the end of its parent")),
])
def test_heic_with_a_broken_box_size(tmp_path, box, size, words):
    heic = (CORPUS / "IMG_5195.HEIC").read_bytes()
    meta = read(tmp_path, "broken.heic", H.heic_with_box_size(heic, box, size))
    one_warning(meta, "HEIC", *words)


@needs_corpus
@pytest.mark.parametrize("damage, words", [
    (lambda heic: H.heic_with_first_infe_size(heic, 8), ("damaged item entry",)),       # was an IndexError
    (lambda heic: H.heic_with_box_size(heic, b"iloc", 12), ("'iloc'", "too short to read")),
    (lambda heic: H.heic_with_box_size(heic, b"pitm", 8), ("'pitm'", "too short to read")),
], ids=["empty-infe", "short-iloc", "empty-pitm"])
def test_heic_with_a_box_too_short_for_its_header_is_read_with_a_warning(tmp_path, damage, words):
    heic = (CORPUS / "IMG_5195.HEIC").read_bytes()
    meta = read(tmp_path, "short.heic", damage(heic))      # not "damaged HEIC structure" any more
    assert meta.format == "HEIC"
    one_warning(meta, "HEIC", *words)


@needs_corpus
def test_heic_cut_short(tmp_path):
    heic = (CORPUS / "IMG_5195.HEIC").read_bytes()
    meta = read(tmp_path, "cut.heic", heic[: len(heic) // 2])
    assert meta.make == "Apple"                         # the meta box is whole: its facts stand
    one_warning(meta, "HEIC", "'mdat'", "past the end of the file")


# --- and good files say nothing ----------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "TIFF"])
def test_good_pillow_files_have_no_warnings(tmp_path, fmt):
    assert read(tmp_path, f"good.{fmt.lower()}", H.pillow_bytes(fmt)).warnings == []


@needs_corpus
def test_the_corpus_gains_no_warning_from_these_checks():
    """The real files warn only where exiftool warns too (non-standard or duplicate XMP,
    an IPTC digest out of date): none of the damage checks fires on a whole file."""
    damage = ("bad IFD", "bad entries", "bad CRC", "RIFF", "runs past the end", "cut short",
              "impossible size", "past the end of", "damaged chunk header")
    for path in sorted(CORPUS.iterdir()):
        if path.suffix.lower() in (".jpg", ".jpeg", ".tif", ".tiff", ".png", ".heic"):
            said = read_metadata(path).warnings
            assert not [w for w in said if any(d in w for d in damage)], (path.name, said)


@pytest.mark.parametrize("size", [4, 5, 7, 10])
def test_a_tiff_cut_inside_its_header_is_unreadable_with_the_reason(tmp_path, size):
    """Found by the fuzzer: a struct.error escaped the reader for a TIFF of 4 to 7 bytes."""
    from archive.errors import UnreadableFile

    path = tmp_path / "stub.tif"
    path.write_bytes(H.pillow_bytes("TIFF")[:size])
    with pytest.raises(UnreadableFile) as info:
        read_metadata(path)
    assert "truncated" in info.value.reason or "past the end" in info.value.reason


# --- found by the fuzzer: EXIF entries that exifread cannot take ---------------------------

def _make() -> tuple[int, int, int, bytes]:
    return (0x010F, 2, 4, b"Ikon")                       # inline ASCII ("Ikon" without its NUL)


def test_an_exif_pointer_typed_signed_and_negative_is_a_bad_directory(tmp_path):
    block = H.tiff_block([_make(), (0x8769, 9, 1, struct.pack("<i", -52))])
    meta = read(tmp_path, "negative.jpg", H.jpeg_with_exif(block))      # was: "negative seek value"
    assert meta.make == "Ikon"
    one_warning(meta, "bad ExifIFD directory", "-52")
    assert not [w for w in meta.warnings if "damaged block" in w]


def test_a_float_typed_orientation_cut_short_costs_only_itself(tmp_path):
    block = H.tiff_block([_make(), (0x0112, 12, 1, struct.pack("<I", 5000))])   # a double past the end
    meta = read(tmp_path, "float.jpg", H.jpeg_with_exif(block))         # was: IndexError in exifread
    assert meta.make == "Ikon" and meta.orientation is None
    one_warning(meta, "0x0112", "float type")
    assert not [w for w in meta.warnings if "damaged block" in w]


def test_a_long_ascii_description_is_read_whole(tmp_path):
    text = ("A long caption. " * 100).encode()             # 1,600 bytes: past exifread's 1,000-value limit
    block = H.tiff_block([(0x010E, 2, len(text) + 1, struct.pack("<I", H.values_at(1)))], text + b"\0")
    meta = read(tmp_path, "long.jpg", H.jpeg_with_exif(block))
    assert meta.caption == text.decode().strip() and meta.warnings == []


def test_a_cr3_whose_ifd0_box_is_only_a_tiff_magic_is_read(tmp_path):
    from .test_metadata_formats import CANON_UUID, box

    ftyp = box(b"ftyp", b"crx " + b"\0\0\0\1" + b"crx isom")
    cr3 = ftyp + box(b"moov", box(b"uuid", CANON_UUID + box(b"CMT1", b"II*\0"))) + box(b"mdat", bytes(32))
    meta = read(tmp_path, "stub.cr3", cr3)                # was: struct.error out of the reader
    assert meta.format == "CR3"
    assert any("TIFF header" in w for w in meta.warnings), meta.warnings
