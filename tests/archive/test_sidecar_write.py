"""Writing fields into XMP sidecars, judged by exiftool.

Every field goes where the IPTC Photo Metadata Standard puts it, in the
sidecar peers read; what Lightroom, digiKam and Photo Mechanic keep there
survives; a damaged sidecar, a full disk or a refused rename leaves the old
file as it was.  Real photos from the corpus, copied into the test's folder.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from archive.metadata import read_metadata
from archive.metadata import sidecar_write as W
from archive.metadata.sidecar_write import SidecarError, target_sidecar, write_sidecar
from tests.conftest import CORPUS

EXIFTOOL = shutil.which("exiftool")
pytestmark = [
    pytest.mark.skipif(EXIFTOOL is None, reason="exiftool is not installed"),
    pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the real corpus ({CORPUS}) is absent"),
]

# Every field the archive edits, non-ASCII included.
VALUES = {
    "caption": "Workers install a Christmas tree in central Київ, on Saturday. «Ялинка» & <more>",
    "creator": ["Laura Jørgensen", "김홍지"],
    "creator_title": "Staff photographer",
    "credit": "The New York Times",
    "source": "Αθήνα News Agency",
    "copyright": "© 2022 Laura Jørgensen",
    "headline": "Christmas tree in Київ",
    "title": "Ялинка",
    "keywords": ["Christmas", "Київ", "Αθήνα"],
    "city": "Київ",
    "sublocation": "Sofiiska Square",
    "state": "Kyiv City",
    "country": "Україна",
    "country_code": "UA",
    "instructions": "EMBARGO until 2022-12-20T06:00Z",
    "usage_terms": "Editorial use only; no sales",
    "credit_line": "Photograph: Laura Jørgensen/The New York Times",
}
# Where exiftool (-G1) finds each field: the IPTC standard's XMP property.
EXIFTOOL_TAGS = {
    "caption": "XMP-dc:Description", "creator": "XMP-dc:Creator",
    "creator_title": "XMP-photoshop:AuthorsPosition", "credit": "XMP-photoshop:Credit",
    "source": "XMP-photoshop:Source", "copyright": "XMP-dc:Rights", "headline": "XMP-photoshop:Headline",
    "title": "XMP-dc:Title", "keywords": "XMP-dc:Subject", "city": "XMP-photoshop:City",
    "sublocation": "XMP-iptcCore:Location", "state": "XMP-photoshop:State", "country": "XMP-photoshop:Country",
    "country_code": "XMP-iptcCore:CountryCode", "instructions": "XMP-photoshop:Instructions",
    "usage_terms": "XMP-xmpRights:UsageTerms", "credit_line": "XMP-picturedesk:CreditLine",
}

LIGHTROOM = """<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="Adobe XMP Core 7.0-c000 1.000000">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
    xmlns:crs="http://ns.adobe.com/camera-raw-settings/1.0/"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:lr="http://ns.adobe.com/lightroom/1.0/"
    xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"
   xmp:Rating="4"
   xmp:Label="Red"
   photoshop:DateCreated="2022-12-19T02:14:07+02:00"
   photoshop:City="Kiev"
   crs:Version="15.0"
   crs:WhiteBalance="As Shot"
   crs:Exposure2012="+0.35"
   xmpMM:DocumentID="xmp.did:6b1e3c2a-1111-2222-3333-444455556666">
   <dc:title>
    <rdf:Alt>
     <rdf:li xml:lang="x-default">Kiev tree</rdf:li>
    </rdf:Alt>
   </dc:title>
   <dc:subject>
    <rdf:Bag>
     <rdf:li>Kiev</rdf:li>
    </rdf:Bag>
   </dc:subject>
   <lr:hierarchicalSubject>
    <rdf:Bag>
     <rdf:li>Places|Ukraine|Kyiv</rdf:li>
     <rdf:li>Events|Christmas</rdf:li>
    </rdf:Bag>
   </lr:hierarchicalSubject>
   <crs:ToneCurvePV2012>
    <rdf:Seq>
     <rdf:li>0, 0</rdf:li>
     <rdf:li>255, 255</rdf:li>
    </rdf:Seq>
   </crs:ToneCurvePV2012>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
"""

DIGIKAM = """<?xml version="1.0" encoding="UTF-8"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="XMP Core 4.4.0-Exiv2">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:digiKam="http://www.digikam.org/ns/1.0/"
    xmlns:MicrosoftPhoto="http://ns.microsoft.com/photo/1.0/"
    xmlns:acdsee="http://ns.acdsee.com/iptc/1.0/"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
   digiKam:ColorLabel="3"
   digiKam:PickLabel="2"
   MicrosoftPhoto:Rating="75"
   xmp:Rating="4">
   <digiKam:TagsList>
    <rdf:Seq>
     <rdf:li>Places/Україна/Київ</rdf:li>
     <rdf:li>People/김홍지</rdf:li>
    </rdf:Seq>
   </digiKam:TagsList>
   <MicrosoftPhoto:LastKeywordXMP>
    <rdf:Bag>
     <rdf:li>Places/Україна/Київ</rdf:li>
    </rdf:Bag>
   </MicrosoftPhoto:LastKeywordXMP>
   <acdsee:categories>&lt;Categories&gt;&lt;Category Assigned="1"&gt;Places&lt;/Category&gt;&lt;/Categories&gt;</acdsee:categories>
   <dc:subject>
    <rdf:Bag>
     <rdf:li>Київ</rdf:li>
    </rdf:Bag>
   </dc:subject>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
"""


@pytest.fixture
def photo(tmp_path) -> Path:
    target = tmp_path / "Canon_40D.jpg"
    shutil.copyfile(CORPUS / "Canon_40D.jpg", target)
    return target


def exiftool_json(path: Path) -> dict:
    out = subprocess.run([EXIFTOOL, "-j", "-G1", "-struct", "-charset", "utf8", str(path)],
                         capture_output=True, check=True, text=True, encoding="utf-8").stdout
    return json.loads(out)[0]


def exiftool_tags(path: Path) -> dict[str, str]:
    """Every XMP tag exiftool -X reads from a sidecar, as tag -> its XML (structures included)."""
    out = subprocess.run([EXIFTOOL, "-X", "-struct", str(path)], capture_output=True, check=True).stdout
    desc = ET.fromstring(out).find("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}Description")
    return {child.tag: ET.tostring(child, encoding="unicode").strip()
            for child in desc if "/XMP/" in child.tag}


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def test_every_field_lands_where_the_iptc_standard_puts_it(photo):
    before = photo.read_bytes()
    written = write_sidecar(photo, VALUES)
    sidecar = photo.with_suffix(".xmp")
    assert written.path == str(sidecar) and written.created
    assert written.size == sidecar.stat().st_size
    tags = exiftool_json(sidecar)
    for field, value in VALUES.items():
        got = tags.get(EXIFTOOL_TAGS[field])
        assert (as_list(got) if isinstance(value, list) else got) == value, field
    assert photo.read_bytes() == before                       # the photo itself is never touched
    meta = read_metadata(photo)                               # and our reader takes each value back
    for field, value in VALUES.items():
        assert getattr(meta, field) == value, field
    assert sorted(p.name for p in photo.parent.iterdir()) == ["Canon_40D.jpg", "Canon_40D.xmp"]


def test_a_new_sidecar_is_a_whole_packet(photo):
    write_sidecar(photo, {"caption": "Київ"})
    text = photo.with_suffix(".xmp").read_text(encoding="utf-8")
    assert text.startswith('<?xpacket begin="\ufeff"') and text.rstrip().endswith('<?xpacket end="w"?>')
    assert "<x:xmpmeta" in text and 'xmlns:dc="http://purl.org/dc/elements/1.1/"' in text
    tags = exiftool_json(photo.with_suffix(".xmp"))
    assert tags["XMP-dc:Description"] == "Київ" and "XMP-xmp:MetadataDate" in tags


def test_lightroom_sidecar_keeps_everything_else(photo):
    sidecar = photo.with_suffix(".xmp")
    sidecar.write_text(LIGHTROOM, encoding="utf-8")
    old = exiftool_tags(sidecar)
    write_sidecar(photo, {"caption": "Workers install a tree in Київ", "city": "Kyiv", "keywords": ["Kyiv"]})
    new = exiftool_tags(sidecar)
    changed = {"{http://ns.exiftool.org/XMP/XMP-%s/1.0/}%s" % tag for tag in (
        ("dc", "Description"), ("photoshop", "City"), ("dc", "Subject"), ("xmp", "MetadataDate"))}
    assert {k: v for k, v in old.items() if k not in changed} == {k: v for k, v in new.items() if k not in changed}
    tags = exiftool_json(sidecar)
    assert tags["XMP-photoshop:City"] == "Kyiv" and as_list(tags["XMP-dc:Subject"]) == ["Kyiv"]
    assert tags["XMP-xmp:Rating"] == 4 and tags["XMP-lr:HierarchicalSubject"] == ["Places|Ukraine|Kyiv",
                                                                                  "Events|Christmas"]
    assert tags["XMP-crs:Exposure2012"] == "+0.35" and tags["XMP-dc:Title"] == "Kiev tree"
    text = sidecar.read_text(encoding="utf-8")
    assert 'xmlns:crs="http://ns.adobe.com/camera-raw-settings/1.0/"' in text     # prefixes as Lightroom wrote them
    assert not re.search(r"<ns\d*:|xmlns:ns\d*=", text)


def test_digikam_sidecar_named_for_the_whole_file_is_the_one_written(photo):
    sidecar = photo.with_name(photo.name + ".xmp")
    sidecar.write_text(DIGIKAM, encoding="utf-8")
    old = exiftool_tags(sidecar)
    written = write_sidecar(photo, {"creator": ["김홍지"], "caption": "Αθήνα"})
    assert written.path == str(sidecar) and not written.created
    assert not photo.with_suffix(".xmp").exists()
    new = exiftool_tags(sidecar)
    changed = {"{http://ns.exiftool.org/XMP/XMP-%s/1.0/}%s" % tag for tag in (
        ("dc", "Description"), ("dc", "Creator"), ("xmp", "MetadataDate"))}
    assert {k: v for k, v in old.items() if k not in changed} == {k: v for k, v in new.items() if k not in changed}
    tags = exiftool_json(sidecar)
    assert tags["XMP-digiKam:TagsList"] == ["Places/Україна/Київ", "People/김홍지"]
    assert as_list(tags["XMP-dc:Creator"]) == ["김홍지"] and tags["XMP-dc:Description"] == "Αθήνα"
    assert sidecar.read_text(encoding="utf-8").startswith('<?xml version="1.0" encoding="UTF-8"?>')


def test_which_sidecar(photo):
    assert target_sidecar(photo) == photo.with_suffix(".xmp")            # none yet: the name peers read
    upper = photo.with_suffix(".XMP")
    upper.write_text(LIGHTROOM, encoding="utf-8")
    assert target_sidecar(photo) == upper                               # Photo Mechanic on Windows
    whole = photo.with_name(photo.name + ".xmp")
    whole.write_text(DIGIKAM, encoding="utf-8")
    assert target_sidecar(photo) == whole                               # names this photo alone; read last


def test_removing_a_value_removes_the_property(photo):
    sidecar = photo.with_suffix(".xmp")
    sidecar.write_text(LIGHTROOM, encoding="utf-8")
    write_sidecar(photo, {"title": None, "city": "", "keywords": []})
    tags = exiftool_json(sidecar)
    assert "XMP-dc:Title" not in tags and "XMP-photoshop:City" not in tags and "XMP-dc:Subject" not in tags
    assert tags["XMP-crs:Version"] == 15.0


def test_location_shown_is_kept_in_step(photo):
    sidecar = photo.with_suffix(".xmp")
    sidecar.write_text(LIGHTROOM.replace("   <dc:title>", """   <Iptc4xmpExt:LocationShown xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/">
    <rdf:Bag>
     <rdf:li rdf:parseType="Resource">
      <Iptc4xmpExt:City>Kiev</Iptc4xmpExt:City>
      <Iptc4xmpExt:CountryName>Ukraine</Iptc4xmpExt:CountryName>
     </rdf:li>
    </rdf:Bag>
   </Iptc4xmpExt:LocationShown>
   <dc:title>""", 1), encoding="utf-8")
    write_sidecar(photo, {"city": "Київ"})
    tags = exiftool_json(sidecar)
    assert tags["XMP-iptcExt:LocationShown"] == [{"City": "Київ", "CountryName": "Ukraine"}]
    assert tags["XMP-photoshop:City"] == "Київ"
    assert read_metadata(photo).city == "Київ"


def test_culling_properties_follow_the_same_path(photo):
    write_sidecar(photo, {"rating": 3, "label": "Winner", "color_class": "1", "tagged": True})
    tags = exiftool_json(photo.with_suffix(".xmp"))
    assert tags["XMP-xmp:Rating"] == 3 and tags["XMP-xmp:Label"] == "Winner"
    assert tags["XMP-photomech:ColorClass"] == "1 (Winner)" and tags["XMP-photomech:Tagged"] == "Yes"


def test_a_damaged_sidecar_is_never_overwritten(photo):
    sidecar = photo.with_suffix(".xmp")
    damaged = LIGHTROOM[: len(LIGHTROOM) // 2].encode() + b"<broken"
    sidecar.write_bytes(damaged)
    with pytest.raises(SidecarError, match="damaged sidecar is never overwritten") as info:
        write_sidecar(photo, {"caption": "new"})
    assert info.value.path == str(sidecar)
    assert sidecar.read_bytes() == damaged


def test_a_sidecar_with_a_doctype_is_refused(photo):
    sidecar = photo.with_suffix(".xmp")
    bomb = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>' + LIGHTROOM
    sidecar.write_text(bomb, encoding="utf-8")
    with pytest.raises(SidecarError, match="document type declaration"):
        write_sidecar(photo, {"caption": "new"})
    assert sidecar.read_text(encoding="utf-8") == bomb


def test_a_rewrite_that_would_drop_a_property_is_refused(photo, monkeypatch):
    sidecar = photo.with_suffix(".xmp")
    sidecar.write_text(LIGHTROOM, encoding="utf-8")
    real_apply = W._apply

    def careless(doc, values, now):     # a writer bug that loses the hierarchical keywords
        changed = real_apply(doc, values, now)
        W._remove(doc, "{http://ns.adobe.com/lightroom/1.0/}hierarchicalSubject")
        return changed

    monkeypatch.setattr(W, "_apply", careless)
    with pytest.raises(SidecarError, match="would drop lr:hierarchicalSubject") as info:
        write_sidecar(photo, {"caption": "new"})
    assert str(sidecar) in str(info.value)
    assert sidecar.read_text(encoding="utf-8") == LIGHTROOM


@pytest.mark.parametrize("call, code, words", [
    ("write", errno.ENOSPC, "the disk is full"),
    ("replace", errno.ENOSPC, "the disk is full"),
    ("replace", errno.EROFS, "read-only"),
    ("open", errno.EACCES, "permission denied"),
])
def test_a_failed_write_leaves_the_old_sidecar_and_no_temporary_file(photo, monkeypatch, call, code, words):
    sidecar = photo.with_suffix(".xmp")
    sidecar.write_text(LIGHTROOM, encoding="utf-8")

    def refuse(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(W.os, call, refuse)
    with pytest.raises(SidecarError) as info:
        write_sidecar(photo, {"caption": "new"})
    monkeypatch.undo()
    assert words in str(info.value) and str(sidecar) in str(info.value)
    assert sidecar.read_text(encoding="utf-8") == LIGHTROOM
    assert sorted(p.name for p in photo.parent.iterdir()) == ["Canon_40D.jpg", "Canon_40D.xmp"]


def test_the_sidecar_keeps_its_permissions(photo):
    sidecar = photo.with_suffix(".xmp")
    sidecar.write_text(LIGHTROOM, encoding="utf-8")
    sidecar.chmod(0o640)
    write_sidecar(photo, {"caption": "new"})
    assert sidecar.stat().st_mode & 0o777 == 0o640


def test_writing_twice_changes_only_what_is_written(photo):
    write_sidecar(photo, VALUES)
    first = exiftool_json(photo.with_suffix(".xmp"))
    write_sidecar(photo, {"headline": "Another"})
    second = exiftool_json(photo.with_suffix(".xmp"))
    skip = ("System:", "XMP-xmp:MetadataDate", "XMP-photoshop:Headline")
    assert {k: v for k, v in first.items() if not k.startswith(skip)} == \
        {k: v for k, v in second.items() if not k.startswith(skip)}
    assert second["XMP-photoshop:Headline"] == "Another"


def test_text_xml_cannot_carry_is_left_out_and_line_ends_kept(photo):
    write_sidecar(photo, {"caption": "one\r\ntwo\x01\x1b three"})
    assert exiftool_json(photo.with_suffix(".xmp"))["XMP-dc:Description"] == "one\r\ntwo three"


def test_a_temporary_file_left_by_a_killed_writer_is_cleared_by_the_next_write(photo):
    sidecar = photo.with_suffix(".xmp")
    sidecar.write_text(LIGHTROOM, encoding="utf-8")
    gone = subprocess.Popen(["true"])
    gone.wait()
    dead = photo.parent / f".Canon_40D.xmp.{gone.pid}.picturedesk-tmp"
    dead.write_text(LIGHTROOM[:100], encoding="utf-8")          # half a sidecar: its writer was killed
    old = photo.parent / f".Canon_40D.xmp.{os.getppid()}.picturedesk-tmp"
    old.write_text(LIGHTROOM[:100], encoding="utf-8")           # of a live process, but an hour old
    os.utime(old, (0, 0))
    write_sidecar(photo, {"caption": "new"})
    assert not dead.exists() and not old.exists()
    live = photo.parent / f".Canon_40D.xmp.{os.getppid()}.picturedesk-tmp"
    live.write_text("", encoding="utf-8")                        # a live process, writing now
    write_sidecar(photo, {"caption": "newer"})
    assert live.exists()
    assert exiftool_json(sidecar)["XMP-dc:Description"] == "newer"


def test_location_shown_in_attribute_shorthand_stays_valid(photo):
    sidecar = photo.with_suffix(".xmp")
    sidecar.write_text(LIGHTROOM.replace("   <dc:title>", """   <Iptc4xmpExt:LocationShown xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/">
    <rdf:Bag>
     <rdf:li Iptc4xmpExt:City="Kiev" Iptc4xmpExt:CountryName="Ukraine"/>
    </rdf:Bag>
   </Iptc4xmpExt:LocationShown>
   <dc:title>""", 1), encoding="utf-8")
    write_sidecar(photo, {"city": "Kyiv", "sublocation": "Майдан"})
    tags = exiftool_json(sidecar)
    assert tags["XMP-iptcExt:LocationShown"] == [{"City": "Kyiv", "CountryName": "Ukraine", "Sublocation": "Майдан"}]
    assert read_metadata(photo).sublocation == "Майдан"


def test_clearing_fields_makes_no_sidecar_where_there_was_none(photo):
    written = write_sidecar(photo, {"caption": None, "keywords": []})
    assert not written.created and not photo.with_suffix(".xmp").exists()
    assert sorted(p.name for p in photo.parent.iterdir()) == ["Canon_40D.jpg"]


def _corpus_with_xmp() -> list[str]:
    """Corpus files with an XMP packet exiftool extracts (a JPEG's under the standard
    APP1 header: a few agencies' files carry one under another, which exiftool skips)."""
    if not CORPUS.is_dir():
        return []
    names = []
    for p in sorted(CORPUS.iterdir()):
        suffix = p.suffix.lower()
        if not p.is_file() or suffix not in (".jpg", ".jpeg", ".tif", ".tiff", ".png", ".heic"):
            continue
        data = p.read_bytes()
        marker = b"http://ns.adobe.com/xap/1.0/\x00" if suffix in (".jpg", ".jpeg") else b"xmpmeta"
        if marker in data:
            names.append(p.name)
    return names


@pytest.mark.parametrize("name", _corpus_with_xmp())
def test_real_world_packets_as_sidecars_keep_every_other_tag(tmp_path, name):
    """The XMP that cameras, phones, Photoshop and agencies embedded, made a sidecar:
    after every field is written, exiftool finds each of its other tags unchanged."""
    image = tmp_path / name
    shutil.copyfile(CORPUS / name, image)
    packet = subprocess.run([EXIFTOOL, "-q", "-xmp", "-b", str(image)], capture_output=True, check=True).stdout
    if not packet:
        pytest.skip(f"exiftool finds no XMP packet in {name}")
    sidecar = image.with_suffix(".xmp")
    sidecar.write_bytes(packet)
    old = exiftool_tags(sidecar)
    write_sidecar(image, VALUES)
    new = exiftool_tags(sidecar)
    written = {"{http://ns.exiftool.org/XMP/%s/1.0/}%s" % tuple(tag.split(":")) for tag in EXIFTOOL_TAGS.values()}
    written.add("{http://ns.exiftool.org/XMP/XMP-xmp/1.0/}MetadataDate")
    assert {k: v for k, v in old.items() if k not in written} == {k: v for k, v in new.items() if k not in written}
    tags = exiftool_json(sidecar)
    for field, value in VALUES.items():
        got = tags.get(EXIFTOOL_TAGS[field])
        assert (as_list(got) if isinstance(value, list) else got) == value, field
