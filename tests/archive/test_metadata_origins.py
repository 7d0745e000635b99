"""Where each reconciled value came from: PhotoMetadata.origins.

The matcher's reasons say "creator = IPTC By-line 'Laura Boushnak'"; the
label is the tag the MWG reconciliation actually took the value from, so
these tests follow the same rules as test_metadata_iptc (EXIF first for
description/creator/copyright; XMP over IPTC unless a stale IPTC digest says
the IPTC was edited later; a cut IIM value completed from XMP is XMP's
text), then a sidecar's non-blank values override with "XMP sidecar ...".
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image

from archive.errors import UnreadableFile
from archive.metadata import read_metadata
from archive.metadata.model import EDITABLE_FIELDS, PhotoMetadata

from .test_metadata_formats import XMP, exiftool_write, needs_exiftool

SHARED = Path(__file__).parents[2].parent / "shared"
CORPUS = SHARED / "corpus" / "real"


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS} (../shared is absent)")
    return CORPUS


NS = ('xmlns:dc="http://purl.org/dc/elements/1.1/" '
      'xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" '
      'xmlns:exif="http://ns.adobe.com/exif/1.0/" '
      'xmlns:Iptc4xmpCore="http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/" '
      'xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"')


def packet(attrs: str = "", body: str = "") -> str:
    return ('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
            f'<rdf:Description rdf:about="" {NS} {attrs}>{body}</rdf:Description></rdf:RDF></x:xmpmeta>')


def creator(name: str) -> str:
    return f"<dc:creator><rdf:Seq><rdf:li>{name}</rdf:li></rdf:Seq></dc:creator>"


@pytest.fixture
def xmp_only(tmp_path) -> Path:
    """A JPEG whose only metadata is the XMP of test_metadata_formats (no EXIF, no IPTC)."""
    path = tmp_path / "IMG_0001.jpg"
    Image.new("RGB", (10, 8)).save(path, xmp=XMP)
    return path


# --- real agency files ------------------------------------------------------------


def test_pa_exif_strings_first_then_xmp(corpus):
    meta = read_metadata(corpus / "grid_pa.jpg")
    # MWG: a non-blank EXIF ImageDescription / Artist / Copyright wins over IPTC and XMP
    assert meta.origins["caption"] == "EXIF ImageDescription"
    assert meta.caption.startswith("England's Moeen Ali plays defensively")
    assert (meta.creator, meta.origins["creator"]) == (["Martin Rickett"], "EXIF Artist")
    assert meta.origins["copyright"] == "EXIF Copyright"
    assert meta.origins["taken_at"] == "EXIF DateTimeOriginal"
    # pa.jpg has IPTC and XMP but no IPTC digest (Photoshop IRB 0x0425): the MWG then
    # takes XMP wherever XMP has the value (exiftool's composites do the same), so the
    # credit "PA" is XMP photoshop:Credit although IPTC Credit says "PA" too.
    assert (meta.credit, meta.origins["credit"]) == ("PA", "XMP photoshop:Credit")
    assert (meta.city, meta.origins["city"]) == ("Leeds", "XMP photoshop:City")


def test_corbis_stale_digest_gives_iptc_labels(corpus):
    meta = read_metadata(corpus / "grid_corbis.jpg")
    assert any("digest" in w for w in meta.warnings)
    assert (meta.creator, meta.origins["creator"]) == (["Mike Cardew"], "IPTC By-line")
    assert meta.origins["caption"] == "IPTC Caption-Abstract"
    assert meta.origins["copyright"] == "IPTC CopyrightNotice"
    assert meta.origins["keywords"] == "IPTC Keywords"
    assert meta.origins["city"] == "IPTC City"
    assert meta.origins["state"] == "IPTC Province-State"
    assert meta.origins["country"] == "IPTC Country-PrimaryLocationName"
    assert meta.origins["credit"] == "IPTC Credit"
    assert meta.origins["source"] == "IPTC Source"
    assert meta.origins["headline"] == "IPTC Headline"
    assert meta.origins["title"] == "IPTC ObjectName"
    assert meta.origins["instructions"] == "IPTC SpecialInstructions"
    assert meta.origins["taken_at"] == "IPTC DateCreated"
    # no IIM dataset for usage terms: XMP is the only place it can come from
    assert meta.origins["usage_terms"] == "XMP xmpRights:UsageTerms"


def test_every_value_has_an_origin_and_every_origin_a_value(corpus):
    files = sorted(p for p in corpus.iterdir() if p.is_file() and p.suffix.lower() != ".md")
    labelled = 0
    for path in files:
        try:
            meta = read_metadata(path)
        except UnreadableFile:
            continue
        for name in EDITABLE_FIELDS + ("web_statement", "taken_at"):
            has_value = bool(getattr(meta, name))
            assert (name in meta.origins) == has_value, (path.name, name, meta.origins)
        assert ("gps" in meta.origins) == (meta.gps is not None), path.name
        assert set(meta.origins) <= set(EDITABLE_FIELDS) | {"web_statement", "taken_at", "gps"}, path.name
        assert all(label.split(" ", 1)[0] in ("EXIF", "IPTC", "XMP") for label in meta.origins.values())
        labelled += bool(meta.origins)
    assert labelled >= 20


def test_corpus_gps_from_exif(corpus):
    meta = read_metadata(corpus / "gps_DSCN0010.jpg")
    assert meta.gps is not None and meta.origins["gps"] == "EXIF GPS"


# --- generated files ----------------------------------------------------------------


def test_xmp_only_file(xmp_only):
    meta = read_metadata(xmp_only)
    assert meta.origins == {
        "caption": "XMP dc:description",
        "creator": "XMP dc:creator",
        "copyright": "XMP dc:rights",
        "keywords": "XMP dc:subject",
        "city": "XMP photoshop:City",
        "country": "XMP photoshop:Country",
        "sublocation": "XMP Iptc4xmpCore:Location",
        "credit": "XMP photoshop:Credit",
        "instructions": "XMP photoshop:Instructions",
        "usage_terms": "XMP xmpRights:UsageTerms",
        "taken_at": "XMP photoshop:DateCreated",
    }


def test_location_shown_and_xmp_camera_fallbacks(tmp_path):
    body = ('<Iptc4xmpExt:LocationShown><rdf:Bag><rdf:li rdf:parseType="Resource">'
            "<Iptc4xmpExt:City>Kharkiv</Iptc4xmpExt:City><Iptc4xmpExt:CountryName>Ukraine</Iptc4xmpExt:CountryName>"
            "</rdf:li></rdf:Bag></Iptc4xmpExt:LocationShown>")
    attrs = ('photoshop:City="Kharkov" photoshop:State="Kharkiv Oblast" '
             'exif:GPSLatitude="49,59.5N" exif:GPSLongitude="36,13.9E" '
             'exif:DateTimeOriginal="2022-12-19T02:14:07+02:00"')
    path = tmp_path / "shown.jpg"
    Image.new("RGB", (10, 8)).save(path, xmp=packet(attrs, body).encode())
    meta = read_metadata(path)
    assert (meta.city, meta.origins["city"]) == ("Kharkiv", "XMP LocationShown City")
    assert (meta.country, meta.origins["country"]) == ("Ukraine", "XMP LocationShown CountryName")
    assert (meta.state, meta.origins["state"]) == ("Kharkiv Oblast", "XMP photoshop:State")
    assert meta.origins["gps"] == "XMP exif:GPSLatitude"
    assert meta.origins["taken_at"] == "XMP exif:DateTimeOriginal"


def test_blank_values_get_no_origin(tmp_path):
    path = tmp_path / "blank.jpg"
    Image.new("RGB", (10, 8)).save(path, xmp=packet('photoshop:Credit="   " photoshop:City="Odesa"').encode())
    meta = read_metadata(path)
    assert meta.credit is None and meta.origins == {"city": "XMP photoshop:City"}


@pytest.fixture
def jpeg(tmp_path) -> Path:
    path = tmp_path / "agency.jpg"
    Image.new("RGB", (40, 30), "navy").save(path)
    return path


@needs_exiftool
def test_digest_in_sync_gives_xmp_labels_and_exif_comes_first(jpeg):
    exiftool_write(jpeg, "-IPTC:Caption-Abstract=Old caption", "-XMP-dc:Description=New caption",
                   "-IPTC:City=Kiev", "-XMP-photoshop:City=Kyiv", "-IPTC:Credit=AP",
                   "-EXIF:Artist=Ann; Bob", "-IPTC:By-line=Carol", "-Photoshop:IPTCDigest=new")
    meta = read_metadata(jpeg)
    assert (meta.caption, meta.origins["caption"]) == ("New caption", "XMP dc:description")
    assert (meta.city, meta.origins["city"]) == ("Kyiv", "XMP photoshop:City")
    assert (meta.credit, meta.origins["credit"]) == ("AP", "IPTC Credit")     # XMP lacks it
    assert (meta.creator, meta.origins["creator"]) == (["Ann", "Bob"], "EXIF Artist")


@needs_exiftool
def test_cut_by_line_recovered_from_xmp_is_labelled_xmp(jpeg):
    long_name = "Alexandra Konstantinopoulou-Smithsonian"
    exiftool_write(jpeg, f"-IPTC:By-line={long_name}", f"-XMP-dc:Creator={long_name}",
                   "-IPTC:Caption-Abstract=Short caption", "-XMP-dc:Description=Short caption, longer in XMP",
                   "-IPTC:DateCreated=2022:12:19", "-IPTC:TimeCreated=02:14:07+02:00")
    exiftool_write(jpeg, "-Photoshop:IPTCDigest=00112233445566778899aabbccddeeff")   # stale: IPTC wins
    meta = read_metadata(jpeg)
    assert (meta.creator, meta.origins["creator"]) == ([long_name], "XMP dc:creator")
    # not cut at the IIM limit: IPTC's own text, even though XMP starts with it
    assert (meta.caption, meta.origins["caption"]) == ("Short caption", "IPTC Caption-Abstract")
    assert (meta.taken_at, meta.origins["taken_at"]) == ("2022-12-19T02:14:07+02:00", "IPTC DateCreated")


@needs_exiftool
def test_cut_by_line_with_unrelated_xmp_stays_iptc(jpeg):
    exiftool_write(jpeg, "-IPTC:By-line=" + "B" * 40, "-XMP-dc:Creator=Someone Else Entirely, a long name")
    exiftool_write(jpeg, "-Photoshop:IPTCDigest=00112233445566778899aabbccddeeff")
    meta = read_metadata(jpeg)
    assert (meta.creator, meta.origins["creator"]) == (["B" * 32], "IPTC By-line")


# --- sidecars ------------------------------------------------------------------------


def test_sidecar_override_is_labelled_field_by_field(xmp_only):
    xmp_only.with_suffix(".xmp").write_text(packet(
        'photoshop:City="Kharkiv" photoshop:Credit="  " photoshop:DateCreated="2022-12-19T02:14:07+02:00" '
        'exif:GPSLatitude="49,59.5N" exif:GPSLongitude="36,13.9E"',
        creator("Laura Boushnak")))
    meta = read_metadata(xmp_only)
    assert (meta.creator, meta.origins["creator"]) == (["Laura Boushnak"], "XMP sidecar dc:creator")
    assert (meta.city, meta.origins["city"]) == ("Kharkiv", "XMP sidecar photoshop:City")
    assert meta.origins["taken_at"] == "XMP sidecar photoshop:DateCreated"
    assert meta.origins["gps"] == "XMP sidecar exif:GPSLatitude"
    # what the sidecar leaves alone (or leaves blank) keeps the file's origin
    assert (meta.credit, meta.origins["credit"]) == ("The New York Times", "XMP photoshop:Credit")
    assert meta.origins["caption"] == "XMP dc:description"


def test_sidecar_over_a_real_agency_file(corpus, tmp_path):
    photo = tmp_path / "grid_corbis.jpg"
    shutil.copyfile(corpus / "grid_corbis.jpg", photo)
    photo.with_name(photo.name + ".xmp").write_text(packet(
        body=creator("Laura Boushnak") + '<Iptc4xmpExt:LocationShown><rdf:Bag><rdf:li rdf:parseType="Resource">'
        "<Iptc4xmpExt:City>Kyiv</Iptc4xmpExt:City></rdf:li></rdf:Bag></Iptc4xmpExt:LocationShown>"))
    meta = read_metadata(photo)
    assert meta.origins["creator"] == "XMP sidecar dc:creator"
    assert (meta.city, meta.origins["city"]) == ("Kyiv", "XMP sidecar LocationShown City")
    assert meta.origins["caption"] == "IPTC Caption-Abstract"
    assert meta.origins["taken_at"] == "IPTC DateCreated"


# --- the record ----------------------------------------------------------------------


def test_origins_survive_to_dict_and_from_dict(xmp_only):
    meta = read_metadata(xmp_only)
    d = meta.to_dict()
    assert d["origins"]["creator"] == "XMP dc:creator"
    again = PhotoMetadata.from_dict(d)
    assert again.origins == meta.origins and again == meta
    # records stored before origins existed read back with none
    del d["origins"]
    assert PhotoMetadata.from_dict(d).origins == {}
    assert PhotoMetadata().origins is not PhotoMetadata().origins
