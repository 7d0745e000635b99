"""XMP sidecars: both names are found, and sidecar values override embedded ones."""

from __future__ import annotations

import pytest
from PIL import Image

from archive.metadata import read_metadata, sidecar_paths

from .test_metadata_corpus import as_datetime
from .test_metadata_formats import XMP, exiftool_reading, exiftool_write, needs_exiftool


def sidecar(**props: str) -> str:
    attrs = " ".join(f'{k}="{v}"' for k, v in props.items())
    return f"""<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
 <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"
   xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" xmlns:exif="http://ns.adobe.com/exif/1.0/"
   xmlns:tiff="http://ns.adobe.com/tiff/1.0/" {attrs}/>
</rdf:RDF></x:xmpmeta>"""


@pytest.fixture
def photo(tmp_path):
    """A JPEG with an embedded caption, creator and city (in XMP)."""
    path = tmp_path / "IMG_0001.jpg"
    Image.new("RGB", (10, 8)).save(path, xmp=XMP)
    return path


def test_no_sidecar(photo):
    assert sidecar_paths(photo) == []
    meta = read_metadata(photo)
    assert meta.sidecar is None and meta.city == "Kyiv"


def test_both_names_found_in_the_order_they_apply(photo):
    lightroom = photo.with_suffix(".xmp")
    digikam = photo.with_name(photo.name + ".xmp")
    lightroom.write_text(sidecar())
    digikam.write_text(sidecar())
    assert sidecar_paths(photo) == [lightroom, digikam]
    assert sidecar_paths(str(photo)) == [lightroom, digikam]


def test_uppercase_extension_is_found(photo):
    upper = photo.with_suffix(".XMP")
    upper.write_text(sidecar())
    assert sidecar_paths(photo) == [upper]


def test_sidecar_overrides_field_by_field(photo):
    photo.with_suffix(".xmp").write_text(sidecar(**{"photoshop:City": "Kharkiv", "photoshop:Headline": "Tree"}))
    meta = read_metadata(photo)
    assert meta.city == "Kharkiv" and meta.headline == "Tree"            # from the sidecar
    assert meta.creator == ["Brendan Hoffman"] and meta.country == "Ukraine"   # kept from the file
    assert meta.sidecar == str(photo.with_suffix(".xmp"))


def test_blank_sidecar_values_do_not_erase(photo):
    photo.with_suffix(".xmp").write_text(sidecar(**{"photoshop:City": "", "photoshop:Credit": "  "}))
    meta = read_metadata(photo)
    assert (meta.city, meta.credit) == ("Kyiv", "The New York Times")


def test_name_ext_xmp_wins_over_name_xmp(photo):
    photo.with_suffix(".xmp").write_text(sidecar(**{"photoshop:City": "Lviv", "photoshop:Source": "Bridge"}))
    photo.with_name(photo.name + ".xmp").write_text(sidecar(**{"photoshop:City": "Odesa"}))
    meta = read_metadata(photo)
    assert (meta.city, meta.source) == ("Odesa", "Bridge")
    assert meta.sidecar.endswith("IMG_0001.jpg.xmp")
    assert any("two sidecars" in w for w in meta.warnings)


def test_sidecar_camera_edits_orientation_gps_and_capture_time(photo):
    photo.with_suffix(".xmp").write_text(sidecar(**{
        "tiff:Orientation": "8", "exif:GPSLatitude": "50,27.025N", "exif:GPSLongitude": "30,31.4333W",
        "exif:GPSAltitude": "1700/10", "exif:GPSAltitudeRef": "1", "exif:DateTimeOriginal": "2022-12-19T02:14:07+02:00"}))
    meta = read_metadata(photo)
    assert meta.orientation == 8
    assert meta.gps_lat == pytest.approx(50.450417, abs=1e-6) and meta.gps_lon == pytest.approx(-30.523888, abs=1e-6)
    assert meta.gps_alt == pytest.approx(-170.0)
    assert meta.taken_at == "2022-12-19T02:14:07+02:00"   # the edited capture time, not the file's


def test_damaged_sidecar_is_a_warning(photo):
    photo.with_suffix(".xmp").write_text("<x:xmpmeta><rdf:RDF>not closed")
    meta = read_metadata(photo)
    assert meta.city == "Kyiv" and meta.sidecar is None
    assert any("sidecar IMG_0001.xmp" in w for w in meta.warnings)


@needs_exiftool
def test_sidecar_alone_reads_like_exiftool_reads_the_sidecar(tmp_path):
    """A raw-like photo without embedded text: its values are the sidecar's, as exiftool reads it."""
    photo = tmp_path / "DSC_0002.tif"
    Image.new("RGB", (6, 4)).save(photo)
    side = tmp_path / "DSC_0002.xmp"
    side.write_bytes(XMP)
    exiftool_write(side, "-XMP-photoshop:Headline=Christmas tree", "-XMP-dc:Subject+=Ukraine")
    want = exiftool_reading(side)
    meta = read_metadata(photo)
    assert meta.caption == want["MWG:Description"] and meta.creator == want["MWG:Creator"]
    assert meta.keywords == want["MWG:Keywords"] and meta.city == want["MWG:City"]
    assert meta.headline == want["XMP-photoshop:Headline"]
    assert as_datetime(meta.taken_at) == as_datetime(want["MWG:DateTimeOriginal"])
