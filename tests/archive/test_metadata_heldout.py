"""What held-out files found in the metadata reader (issue 15, part 5), judged by exiftool.

- GPS written as 0,0 with empty (or no) N/S/E/W references is "no fix", not a
  position in the Gulf of Guinea; 0,0 with the references set stays.
- XMP that points to its values with rdf:nodeID (f-spot and other RDF writers).
- BigTIFF (8-byte offsets, 20-byte IFD entries, LONG8/SLONG8/IFD8 values).
"""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from PIL import Image
from PIL.TiffImagePlugin import IFDRational

from archive.metadata import read_metadata

from .test_metadata_formats import (
    EXIFTOOL, assert_same_as_exiftool, exiftool_reading, exiftool_write, needs_exiftool)

# --- GPS 0/0 without references --------------------------------------------------

ZERO = (IFDRational(0, 1),) * 3
NO_FIX = (IFDRational(0, 0),) * 3       # 0/0 rationals: how some cameras write "no fix"
KYIV_LAT = (IFDRational(50, 1), IFDRational(27, 1), IFDRational(0, 1))
KYIV_LON = (IFDRational(30, 1), IFDRational(31, 1), IFDRational(0, 1))


def gps_jpeg(path: Path, lat_ref, lon_ref, lat, lon, alt=None) -> Path:
    """A JPEG whose EXIF GPS IFD holds exactly these fields (a ref of None is left out)."""
    exif = Image.Exif()
    exif[0x010F] = "Camera"
    gps = exif.get_ifd(0x8825)
    gps[0] = b"\x02\x03\x00\x00"
    if lat_ref is not None:
        gps[1] = lat_ref
    gps[2] = lat
    if lon_ref is not None:
        gps[3] = lon_ref
    gps[4] = lon
    if alt is not None:
        gps[5], gps[6] = b"\x00", alt
    Image.new("RGB", (32, 24), "grey").save(path, exif=exif.tobytes())
    return path


@needs_exiftool
@pytest.mark.parametrize("refs", [("", ""), (None, None), ("N", "")])
def test_gps_zero_zero_without_references_is_unset(tmp_path, refs):
    path = gps_jpeg(tmp_path / "nofix.jpg", *refs, ZERO, ZERO, alt=IFDRational(0, 1))
    exp = exiftool_reading(path)
    # the fixture is what it claims: exiftool sees 0 and 0, and references blank or absent
    assert float(exp["GPS:GPSLatitude"]) == 0 and float(exp["GPS:GPSLongitude"]) == 0
    assert exp.get("GPS:GPSLatitudeRef", "") in ("", "N") and exp.get("GPS:GPSLongitudeRef", "") == ""
    meta = read_metadata(path)
    assert (meta.gps_lat, meta.gps_lon, meta.gps_alt) == (None, None, None)
    assert_same_as_exiftool(path, skip=("gps_lat", "gps_lon", "gps_alt"))


@needs_exiftool
def test_gps_zero_zero_with_references_is_a_real_position(tmp_path):
    path = gps_jpeg(tmp_path / "null_island.jpg", "N", "E", ZERO, ZERO, alt=IFDRational(3, 1))
    exp = exiftool_reading(path)
    assert (exp["GPS:GPSLatitudeRef"], exp["GPS:GPSLongitudeRef"]) == ("N", "E")
    meta = read_metadata(path)
    assert (meta.gps_lat, meta.gps_lon, meta.gps_alt) == (0.0, 0.0, 3.0)
    assert_same_as_exiftool(path)


@needs_exiftool
def test_gps_zero_denominators_are_unset_as_exiftool_reads_them(tmp_path):
    path = gps_jpeg(tmp_path / "zero_den.jpg", "N", "E", NO_FIX, NO_FIX)
    exp = exiftool_reading(path)
    assert exp.get("Composite:GPSLatitude", "") == "" and exp.get("Composite:GPSLongitude", "") == ""
    meta = read_metadata(path)
    assert (meta.gps_lat, meta.gps_lon) == (None, None)


@needs_exiftool
def test_gps_position_with_blank_references_stays(tmp_path):
    """Only 0,0 is suspect: a real position written without references is kept, as exiftool keeps it."""
    path = gps_jpeg(tmp_path / "kyiv.jpg", "", "", KYIV_LAT, KYIV_LON)
    meta = read_metadata(path)
    assert meta.gps_lat == pytest.approx(50.45) and meta.gps_lon == pytest.approx(30.516667)
    assert_same_as_exiftool(path)


def test_has_gps_is_false_for_unset_gps(tmp_path):
    from tests.conftest import run_cli

    photos = tmp_path / "photos"
    photos.mkdir()
    gps_jpeg(photos / "nofix.jpg", "", "", ZERO, ZERO)
    gps_jpeg(photos / "null_island.jpg", "N", "E", ZERO, ZERO)
    arch = tmp_path / "archive"
    run_cli("import", photos, "--no-thumbnails", archive_dir=arch, check=True)
    import json

    found = json.loads(run_cli("search", "has:gps", "--json", archive_dir=arch, check=True).stdout)
    assert [Path(p["path"]).name for p in found["photos"]] == ["null_island.jpg"]
    record = json.loads(run_cli("show", photos / "nofix.jpg", "--json", archive_dir=arch, check=True).stdout)
    assert record["gps"] is None
