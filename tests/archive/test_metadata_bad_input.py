"""Files that are not photos, or not whole, and files that must stay untouched."""

from __future__ import annotations

import hashlib
import os
import random

import pytest
from PIL import Image

from archive.errors import UnreadableFile
from archive.metadata import SUPPORTED_EXTENSIONS, read_metadata

from .test_metadata_corpus import CORPUS, FILES
from .test_metadata_formats import XMP, camera_exif


@pytest.fixture
def good_jpeg(tmp_path):
    path = tmp_path / "good.jpg"
    Image.new("RGB", (40, 30), "olive").save(path, exif=camera_exif(), xmp=XMP)
    return path


def unreadable(path) -> str:
    with pytest.raises(UnreadableFile) as info:
        read_metadata(path)
    assert info.value.path == str(path)
    assert str(path) in str(info.value)
    return info.value.reason


def test_zero_byte_file(tmp_path):
    path = tmp_path / "empty.jpg"
    path.write_bytes(b"")
    assert "empty" in unreadable(path)


def test_missing_file(tmp_path):
    assert "no such file" in unreadable(tmp_path / "gone.jpg")


def test_directory(tmp_path):
    folder = tmp_path / "folder.jpg"
    folder.mkdir()
    assert "directory" in unreadable(folder)


def test_text_file_with_photo_name(tmp_path):
    path = tmp_path / "notes.jpg"
    path.write_text("Caption: workers install a tree.\nCredit: NYT\n")
    assert "text file" in unreadable(path)


def test_random_bytes_with_jpg_name(tmp_path):
    path = tmp_path / "noise.jpg"
    path.write_bytes(bytes(random.Random(7).randrange(256) for _ in range(5000)).replace(b"\xff\xd8", b"\0\0"))
    assert "not a known image format" in unreadable(path)


def test_jpeg_cut_inside_its_header(good_jpeg, tmp_path):
    path = tmp_path / "cut.jpg"
    path.write_bytes(good_jpeg.read_bytes()[:60])
    assert "truncated JPEG" in unreadable(path)


def test_jpeg_start_marker_only(tmp_path):
    path = tmp_path / "soi.jpg"
    path.write_bytes(b"\xff\xd8")
    assert "JPEG" in unreadable(path)


def test_jpeg_cut_in_the_image_data_still_reads(good_jpeg, tmp_path):
    """The metadata and the frame header are all there: read them, warn nothing fatal."""
    data = good_jpeg.read_bytes()
    path = tmp_path / "half.jpg"
    path.write_bytes(data[: data.index(b"\xff\xda") + 20])
    meta = read_metadata(path)
    assert (meta.width, meta.height, meta.make) == (40, 30, "Canon")


def test_jpeg_cut_before_the_frame_header_keeps_its_metadata(good_jpeg, tmp_path):
    data = good_jpeg.read_bytes()
    path = tmp_path / "nosof.jpg"
    path.write_bytes(data[: data.index(b"\xff\xdb")])          # ends before the quantisation tables
    meta = read_metadata(path)
    assert meta.width is None and meta.caption.startswith("Workers install")
    assert any("SOF" in w for w in meta.warnings)


def test_truncated_png_and_tiff(tmp_path):
    png = tmp_path / "cut.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\x0dIH")
    assert "PNG" in unreadable(png)
    tif = tmp_path / "cut.tif"
    tif.write_bytes(b"II*\0\x00\x10\0\0")
    assert "TIFF" in unreadable(tif)


@pytest.mark.skipif(os.geteuid() == 0, reason="running as root: chmod 000 does not stop root from reading")
def test_unreadable_file(good_jpeg):
    good_jpeg.chmod(0)
    try:
        assert "permission denied" in unreadable(good_jpeg)
    finally:
        good_jpeg.chmod(0o644)


def test_damaged_exif_is_a_warning(good_jpeg, tmp_path):
    data = bytearray(good_jpeg.read_bytes())
    start = data.index(b"Exif\0\0") + 6
    data[start + 4:start + 8] = b"\xff\xff\xff\x7f"               # IFD0 offset far past the block
    path = tmp_path / "badexif.jpg"
    path.write_bytes(bytes(data))
    meta = read_metadata(path)
    assert meta.make is None and meta.creator == ["Brendan Hoffman"]   # XMP still read


def test_xmp_with_an_entity_bomb_is_refused(tmp_path):
    bomb = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
            b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
            b'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" dc:format="&b;"/></rdf:RDF></x:xmpmeta>')
    path = tmp_path / "bomb.jpg"
    Image.new("RGB", (4, 4)).save(path, xmp=bomb)
    meta = read_metadata(path)
    assert (meta.width, meta.height) == (4, 4)
    assert any("XMP" in w for w in meta.warnings)


@pytest.mark.parametrize("name", ["grid_rubbish.jpg", "invalid_image00971.jpg", "invalid_image01137.jpg"])
def test_odd_corpus_files_read_without_error(name):
    if name not in FILES:
        pytest.skip(f"{name} is not in the corpus at {CORPUS}")
    meta = read_metadata(CORPUS / name)
    assert meta.format == "JPEG" and meta.width and meta.height


def test_reading_never_changes_the_file(good_jpeg, tmp_path):
    side = good_jpeg.with_suffix(".xmp")
    side.write_bytes(XMP)
    before = {p: (p.stat().st_mtime_ns, p.stat().st_size, hashlib.sha256(p.read_bytes()).hexdigest())
              for p in (good_jpeg, side)}
    good_jpeg.chmod(0o444)            # read-only files read fine: opened "rb"
    read_metadata(good_jpeg)
    after = {p: (p.stat().st_mtime_ns, p.stat().st_size, hashlib.sha256(p.read_bytes()).hexdigest())
             for p in (good_jpeg, side)}
    assert after == before
    assert sorted(os.listdir(tmp_path)) == ["good.jpg", "good.xmp"]


def test_supported_extensions():
    assert SUPPORTED_EXTENSIONS == frozenset({".jpg", ".jpeg", ".tif", ".tiff", ".png", ".webp", ".heic",
                                              ".heif", ".dng", ".cr2", ".cr3", ".nef", ".arw"})
    assert all(ext == ext.lower() for ext in SUPPORTED_EXTENSIONS)


def test_file_without_read_permission(good_jpeg, monkeypatch):
    """As root chmod 000 does not bite, so take the read permission away where we ask for it."""
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if str(p) == str(good_jpeg) else real_access(p, mode))
    assert "permission denied" in unreadable(good_jpeg)
