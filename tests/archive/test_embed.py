"""Caption and credit written into the image file itself (issue 18), judged by exiftool.

Real camera and agency JPEGs from the corpus, a PNG and a TIFF made by Pillow,
all copied into tmp_path.  exiftool reads the new values (directly and through
its MWG composite tags, which weigh the IPTC digest), the picture's bytes are
the same, every other tag reads the same, a failure leaves the original byte
for byte, and a sync right after embedding finds nothing to do.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from archive.desk import Desk
from archive.metadata import embed as embed_mod
from archive.metadata import embed_bytes
from archive.metadata.embed import EmbedError, cut_utf8, embed
from tests.conftest import CORPUS

EXIFTOOL = shutil.which("exiftool")
pytestmark = [
    pytest.mark.skipif(EXIFTOOL is None, reason="exiftool is not installed"),
    pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the real corpus ({CORPUS}) is absent"),
]
# an agency file with a current IPTC digest and an EXIF ImageDescription; a camera
# file with maker notes and no IPTC or XMP; a file with EXIF Artist and ImageDescription;
# a Nikon whose maker note carries its own TIFF header; an agency TIFF with IPTC; a
# Canon whose maker note exiv2 would misplace and a Coolpix whose one it would
# re-encode, both with EXIF ImageDescription to keep in step; a file with EXIF tags
# exiv2 drops from a JPEG when it rewrites EXIF (the original EXIF block is kept, patched);
# agency files whose XMP segment has a broken header ("XMP\0://ns.adobe.com/..."); a
# digest of an empty IIM block
JPEGS = ("xmp_BlueSquare.jpg", "Canon_40D.jpg", "long_description.jpg", "Nikon_D70.jpg", "grid_flag.tif",
         "hdr_canon_hdr_YES.jpg", "xmp_no_exif.jpg", "gps_DSCN0010.jpg", "tests_45-gps_ifd.jpg",
         "grid_guardian-turner.jpg", "grid_pa.jpg", "tests_67-0_length_string.jpg")
VALUES = {
    "caption": "Workers install a Christmas tree in central Київ, Ukraine, on Saturday.",
    "creator": ["Kim Hong-Ji Jørgensen-Sm 김홍지", "Laura Boushnak"],
    "credit": "Jørgensen/Reuters",
    "credit_line": "Photograph: 김홍지/Reuters",
}
# tags the embedding writes (or that follow from writing), beside the file-system ones
WRITTEN = {
    "XMP-dc:Description", "XMP-dc:Creator", "XMP-photoshop:Credit", "XMP-picturedesk:CreditLine",
    "IPTC:Caption-Abstract", "IPTC:By-line", "IPTC:Credit", "IPTC:CodedCharacterSet",
    "IFD0:ImageDescription", "IFD0:Artist", "Photoshop:IPTCDigest", "File:CurrentIPTCDigest",
    "XMP-x:XMPToolkit",             # exiv2 names itself as the packet's writer
    "IFD1:ThumbnailOffset",         # the EXIF thumbnail moves with the tags before it (its bytes do not change)
    "IFD0:StripOffsets",            # the TIFF's strips move (their bytes do not change)
    "IPTC:ApplicationRecordVersion",  # exiv2 adds 2:00 to a new IIM block
    "ExifTool:Warning",             # e.g. "Non-standard header for APP1 XMP segment", mended
}


def copy(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copyfile(CORPUS / name, target)
    return target


def exiftool(path: Path, *args: str) -> dict:
    out = subprocess.run([EXIFTOOL, "-j", "-G1", "-struct", "-charset", "utf8", *args, str(path)],
                         capture_output=True, check=True, text=True, encoding="utf-8").stdout
    return json.loads(out)[0]


def mwg(path: Path) -> dict:
    out = subprocess.run([EXIFTOOL, "-j", "-use", "MWG", "-charset", "utf8", "-MWG:Description", "-MWG:Creator",
                          str(path)], capture_output=True, check=True, text=True, encoding="utf-8").stdout
    return json.loads(out)[0]


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def other_tags(tags: dict) -> dict:
    """Every tag but those written and the file system's.  An XMP property with an
    empty value is left out too: exiv2 drops those (long_description.jpg's empty
    dc:rights), which loses no information."""
    return {k: v for k, v in tags.items()
            if k not in WRITTEN and not (k.startswith("XMP-") and v == "") and not k.startswith(("System:", "SourceFile", "ExifTool:"))
            and k not in ("File:FileName", "File:Directory", "File:FileSize")}


def made_png(tmp_path: Path) -> Path:
    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Software", "Pillow test")
    path = tmp_path / "made.png"
    image = Image.new("RGB", (64, 48))
    image.putdata([(x * 4, y * 5, (x + y) % 256) for y in range(48) for x in range(64)])
    image.save(path, pnginfo=info)
    return path


def made_tiff(tmp_path: Path) -> Path:
    from PIL import Image

    path = tmp_path / "made.tif"
    image = Image.new("RGB", (40, 30))
    image.putdata([(x * 6, y * 8, 128) for y in range(30) for x in range(40)])
    image.save(path, tiffinfo={270: "A caption a camera wrote", 315: "Old Artist"})
    return path


@pytest.mark.parametrize("name", JPEGS)
def test_a_real_file_takes_the_values_and_keeps_everything_else(tmp_path, name):
    path = copy(tmp_path, name)
    before_bytes = path.read_bytes()
    before = exiftool(path, "-a")
    embed(path, VALUES)
    after = exiftool(path, "-a")

    assert after["XMP-dc:Description"] == VALUES["caption"]
    assert after["IPTC:Caption-Abstract"] == VALUES["caption"]
    assert as_list(after["XMP-dc:Creator"]) == VALUES["creator"]
    # IIM By-line is 32 bytes: the first name is cut on a character boundary, XMP has it whole
    assert as_list(after["IPTC:By-line"]) == [cut_utf8(n, 32).decode() for n in VALUES["creator"]]
    assert as_list(after["IPTC:By-line"])[0] == "Kim Hong-Ji Jørgensen-Sm 김홍"     # 31 bytes: 지 would be 34
    assert after["XMP-photoshop:Credit"] == VALUES["credit"] and after["IPTC:Credit"] == "Jørgensen/Reuters"
    assert after["XMP-picturedesk:CreditLine"] == VALUES["credit_line"]
    assert after["IPTC:CodedCharacterSet"] == "UTF8"
    if str(before.get("IFD0:ImageDescription", "")).strip():    # kept in step only where the file had one
        assert after["IFD0:ImageDescription"] == VALUES["caption"]
    else:
        assert after.get("IFD0:ImageDescription") == before.get("IFD0:ImageDescription")
    if str(before.get("IFD0:Artist", "")).strip():
        assert after["IFD0:Artist"] == "; ".join(VALUES["creator"])
    # the digest is current, so MWG readers take XMP: the full names, not the IIM's cut ones
    assert after.get("Photoshop:IPTCDigest", after.get("File:CurrentIPTCDigest")) == after["File:CurrentIPTCDigest"]
    read = mwg(path)
    assert read["Description"] == VALUES["caption"]
    assert as_list(read["Creator"]) == VALUES["creator"]
    # the picture is byte for byte the same, and every other tag reads the same
    assert embed_bytes.image_data(path.read_bytes()) == embed_bytes.image_data(before_bytes)
    assert other_tags(after) == other_tags(before)


def test_pillow_png_and_tiff(tmp_path):
    for path in (made_png(tmp_path), made_tiff(tmp_path)):
        from PIL import Image

        with Image.open(path) as image:
            pixels = image.tobytes()
        before_bytes = path.read_bytes()
        before = exiftool(path, "-a")
        embed(path, VALUES)
        after = exiftool(path, "-a")
        with Image.open(path) as image:
            assert image.tobytes() == pixels, path
        assert after["XMP-dc:Description"] == VALUES["caption"], path
        assert after["IPTC:Caption-Abstract"] == VALUES["caption"], path
        assert as_list(after["XMP-dc:Creator"]) == VALUES["creator"], path
        assert after["XMP-picturedesk:CreditLine"] == VALUES["credit_line"], path
        assert mwg(path)["Description"] == VALUES["caption"], path
        assert embed_bytes.image_data(path.read_bytes()) == embed_bytes.image_data(before_bytes), path
        assert other_tags(after) == other_tags(before), path
        if path.suffix == ".tif":
            assert after["IFD0:ImageDescription"] == VALUES["caption"]
            assert after["IFD0:Artist"] == "; ".join(VALUES["creator"])


def test_a_stale_digest_is_brought_up_to_date(tmp_path):
    path = copy(tmp_path, "xmp_BlueSquare.jpg")
    assert embed_bytes.iptc_digest_state(path.read_bytes()) is True
    embed(path, {"caption": "Київ at night."})
    tags = exiftool(path)
    assert tags["Photoshop:IPTCDigest"] == tags["File:CurrentIPTCDigest"]
    assert "Warning" not in " ".join(k for k in tags if k.startswith("ExifTool:"))
    assert embed_bytes.iptc_digest_state(path.read_bytes()) is True


def test_an_empty_value_removes_the_field(tmp_path):
    path = copy(tmp_path, "long_description.jpg")
    embed(path, {"caption": "", "credit": None})
    tags = exiftool(path)
    assert not {"XMP-dc:Description", "IPTC:Caption-Abstract", "XMP-photoshop:Credit", "IPTC:Credit"} & set(tags)
    assert tags.get("IFD0:ImageDescription", "") == ""         # blank: MWG readers pass over it
    assert as_list(tags["XMP-dc:Creator"]) == ["SSG KYLE DAVIS"]


@pytest.mark.parametrize("name", ("IMG_5195.HEIC",))
def test_heic_and_raw_stay_sidecar_only(tmp_path, name):
    path = copy(tmp_path, name)
    before = path.read_bytes()
    with pytest.raises(EmbedError, match="sidecar") as caught:
        embed(path, VALUES)
    assert name in str(caught.value)
    assert path.read_bytes() == before and sorted(os.listdir(tmp_path)) == [name]


def test_raw_files_are_refused_even_when_tiff_inside(tmp_path):
    """A DNG or NEF is a TIFF by its bytes, a CR3 an ISO-BMFF box: none is written into."""
    tiff = made_tiff(tmp_path)
    for name, data in (("IMG_1.DNG", tiff.read_bytes()), ("IMG_2.NEF", tiff.read_bytes()),
                       ("IMG_3.CR3", b"\0\0\0\x18ftypcrx \0\0\0\x01crx isom" + bytes(64))):
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(EmbedError, match="sidecar"):
            embed(path, VALUES)
        assert path.read_bytes() == data
    assert sorted(os.listdir(tmp_path)) == ["IMG_1.DNG", "IMG_2.NEF", "IMG_3.CR3", "made.tif"]


def test_a_stale_digest_stays_stale_so_other_fields_read_as_before(tmp_path):
    """grid_corbis.jpg's IIM was changed after its XMP (the digest is stale), so MWG
    readers take IIM for every field; they still do, and read the new values."""
    path = copy(tmp_path, "grid_corbis.jpg")
    assert embed_bytes.iptc_digest_state(path.read_bytes()) is False
    keys = ["-MWG:City", "-MWG:Country", "-MWG:Copyright", "-MWG:Keywords"]
    before = exiftool(path, "-use", "MWG", *keys)
    embed(path, VALUES)
    assert embed_bytes.iptc_digest_state(path.read_bytes()) is False
    assert exiftool(path, "-use", "MWG", *keys) == before
    read = mwg(path)
    assert read["Description"] == VALUES["caption"] and as_list(read["Creator"]) == VALUES["creator"]


def test_xmp_in_a_second_segment_is_refused(tmp_path):
    """grid_cech.jpg has two XMP packets: exiv2 rewrites one, exiftool would read both."""
    path = copy(tmp_path, "grid_cech.jpg")
    before = path.read_bytes()
    with pytest.raises(EmbedError, match="two XMP packets"):
        embed(path, VALUES)
    assert path.read_bytes() == before and sorted(os.listdir(tmp_path)) == [path.name]


def test_jpeg_exif_keeps_every_byte_but_the_patched_tags(tmp_path):
    """A camera JPEG with maker notes and an ImageDescription ("Gran Turismo 5"): the
    longer caption is appended to the EXIF block, nothing in it moves."""
    path = copy(tmp_path, "tests_45-gps_ifd.jpg")
    before = path.read_bytes()
    assert embed_bytes.maker_note(before) is not None
    embed(path, {"caption": "Київ at night, a longer caption than the game's name."})
    after = path.read_bytes()
    assert embed_bytes.maker_note(after) == embed_bytes.maker_note(before)
    old, new = embed_bytes._exif_tiff(before), embed_bytes._exif_tiff(after)
    assert len(new) > len(old) and new[len(old):].startswith("Київ".encode())   # appended, nothing moved
    assert exiftool(path)["IFD0:ImageDescription"].startswith("Київ at night")


@pytest.mark.parametrize("name, reason", (("hdr_canon_hdr_YES.jpg", "maker notes"), ("xmp_no_exif.jpg", "0x0106")))
def test_what_exiv2_alone_would_do_to_exif_is_refused(tmp_path, monkeypatch, name, reason):
    """Without putting the original EXIF block back, exiv2 misplaces the Canon maker note
    and drops PhotometricInterpretation from a JPEG's IFD0: the checks refuse both."""
    from archive.metadata import exif_patch

    monkeypatch.setattr(exif_patch, "patched_jpeg", lambda written, original, changes: written)
    path = copy(tmp_path, name)
    before = path.read_bytes()
    with pytest.raises(EmbedError, match=reason):
        embed(path, VALUES)
    assert path.read_bytes() == before and sorted(os.listdir(tmp_path)) == [path.name]


def test_a_failing_rename_leaves_the_original_and_no_copy(tmp_path, monkeypatch):
    path = copy(tmp_path, "Canon_40D.jpg")
    before = path.read_bytes()

    def no_space(*_):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(embed_mod.os, "replace", no_space)
    with pytest.raises(EmbedError) as caught:
        embed(path, VALUES)
    assert "disk is full" in caught.value.reason and str(path) in str(caught.value)
    assert path.read_bytes() == before and sorted(os.listdir(tmp_path)) == ["Canon_40D.jpg"]


def test_a_check_that_fails_keeps_the_original(tmp_path, monkeypatch):
    path = copy(tmp_path, "Canon_40D.jpg")
    before = path.read_bytes()
    real = embed_bytes.image_data
    calls = []

    def changed_second_time(data):
        calls.append(1)
        return real(data) + (b"x" if len(calls) > 1 else b"")

    monkeypatch.setattr(embed_bytes, "image_data", changed_second_time)
    with pytest.raises(EmbedError, match="image data"):
        embed(path, VALUES)
    assert path.read_bytes() == before and sorted(os.listdir(tmp_path)) == ["Canon_40D.jpg"]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_is_said_and_changes_nothing(tmp_path):
    path = copy(tmp_path, "Canon_40D.jpg")
    before = path.read_bytes()
    tmp_path.chmod(0o555)
    try:
        with pytest.raises(EmbedError, match="cannot be written"):
            embed(path, VALUES)
    finally:
        tmp_path.chmod(0o755)
    assert path.read_bytes() == before


def test_a_read_only_file_is_left_alone(tmp_path):
    path = copy(tmp_path, "Canon_40D.jpg")
    before = path.read_bytes()
    path.chmod(0o444)
    with pytest.raises(EmbedError, match="read-only"):
        embed(path, VALUES)
    assert path.read_bytes() == before


def test_latin1_iim_is_reencoded_not_misread(tmp_path):
    """A file whose IIM is Windows-1252 without 1:90 keeps its other datasets' text."""
    path = copy(tmp_path, "Canon_40D.jpg")
    subprocess.run([EXIFTOOL, "-q", "-overwrite_original", "-charset", "iptc=cp1252",
                    "-IPTC:City=Zürich", "-IPTC:CodedCharacterSet=", str(path)], check=True)
    assert exiftool(path, "-charset", "iptc=cp1252")["IPTC:City"] == "Zürich"
    embed(path, {"caption": "Київ"})
    tags = exiftool(path)
    assert tags["IPTC:City"] == "Zürich" and tags["IPTC:Caption-Abstract"] == "Київ"


# ---------------------------------------------------------------- through the archive

@pytest.fixture
def desk(tmp_path):
    folder = tmp_path / "photos"
    folder.mkdir()
    for name in ("xmp_BlueSquare.jpg", "Canon_40D.jpg", "IMG_5195.HEIC"):
        shutil.copyfile(CORPUS / name, folder / name)
    with Desk.open(tmp_path / "archive") as d:
        assert d.import_paths([folder], thumbnails=True, processes=1).added == 3
        yield d


def ids(desk: Desk) -> dict[str, int]:
    return {Path(desk.record(pid)["path"]).name: pid for pid in range(1, 4)}


def test_desk_embeds_working_values_and_sync_then_changes_nothing(desk):
    photo = ids(desk)
    jpeg, camera, heic = photo["xmp_BlueSquare.jpg"], photo["Canon_40D.jpg"], photo["IMG_5195.HEIC"]
    desk.edit([jpeg, camera, heic], {"caption": VALUES["caption"], "creator": VALUES["creator"],
                                     "credit_line": VALUES["credit_line"]})
    steps = []
    report = desk.embed([jpeg, camera, heic], progress=lambda d, t, m: steps.append((d, t)))
    assert sorted(report.written) == sorted([jpeg, camera])
    assert [(f.photo_id, Path(f.path).name) for f in report.failed] == [(heic, "IMG_5195.HEIC")]
    assert "sidecar" in report.failed[0].reason
    assert steps[-1] == (3, 3)
    tags = exiftool(Path(desk.record(jpeg)["path"]))
    assert tags["IPTC:Caption-Abstract"] == VALUES["caption"]
    record = desk.record(jpeg)
    assert record["caption"] == VALUES["caption"] and record["embedded"] == {}   # the file agrees now
    assert record["size"] == Path(record["path"]).stat().st_size

    sync = desk.sync(thumbnails=True, processes=1)
    assert (sync.added, sync.updated, sync.moved, sync.missing, sync.conflicts) == (0, 0, 0, 0, [])
    assert sync.unchanged == 3 and sync.thumbnails["made"] == 0      # the thumbnails stand for the new bytes
    assert desk.record(jpeg)["conflicts"] == {} and desk.record(jpeg)["caption"] == VALUES["caption"]


def test_an_outside_change_after_embedding_is_still_seen(desk):
    jpeg = ids(desk)["xmp_BlueSquare.jpg"]
    desk.edit([jpeg], {"caption": "Our caption."})
    assert desk.embed([jpeg]).written == [jpeg]
    path = desk.record(jpeg)["path"]
    subprocess.run([EXIFTOOL, "-q", "-overwrite_original", "-XMP-dc:Description=The agency's new caption",
                    "-IPTC:Caption-Abstract=The agency's new caption", "-EXIF:ImageDescription=The agency's new caption",
                    path], check=True)
    sync = desk.sync(thumbnails=False, processes=1)
    assert sync.updated == 1 and [(c[0], c[2]) for c in sync.conflicts] == [(jpeg, "caption")]
    assert desk.record(jpeg)["caption"] == "Our caption."


def test_a_missing_file_is_reported_and_the_rest_written(desk, tmp_path):
    photo = ids(desk)
    gone = Path(desk.record(photo["Canon_40D.jpg"])["path"])
    gone.unlink()
    report = desk.embed([photo["Canon_40D.jpg"], photo["xmp_BlueSquare.jpg"]])
    assert report.written == [photo["xmp_BlueSquare.jpg"]]
    assert report.failed[0].path == str(gone) and "missing" in report.failed[0].reason


def test_a_folder_that_refuses_the_copy_is_said(tmp_path, monkeypatch):
    """What a read-only folder does to the hidden copy (simulated: tests may run as root)."""
    import errno

    path = copy(tmp_path, "Canon_40D.jpg")
    before = path.read_bytes()

    def refused(*_a, **_k):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(embed_mod.tempfile, "mkstemp", refused)
    with pytest.raises(EmbedError) as caught:
        embed(path, VALUES)
    assert str(path) in str(caught.value) and "cannot be written" in caught.value.reason
    assert path.read_bytes() == before and sorted(os.listdir(tmp_path)) == ["Canon_40D.jpg"]


def test_a_link_stays_a_link_and_its_target_is_written(tmp_path):
    target = copy(tmp_path, "Canon_40D.jpg")
    link = tmp_path / "link.jpg"
    link.symlink_to(target)
    embed(link, {"caption": "Київ."})
    assert link.is_symlink() and exiftool(target)["IPTC:Caption-Abstract"] == "Київ."


def test_a_file_changed_meanwhile_is_not_overwritten(tmp_path, monkeypatch):
    path = copy(tmp_path, "Canon_40D.jpg")
    real_check = embed_mod._check

    def agency_writes_meanwhile(*a, **k):
        real_check(*a, **k)
        path.write_bytes(path.read_bytes() + b"new version")

    monkeypatch.setattr(embed_mod, "_check", agency_writes_meanwhile)
    with pytest.raises(EmbedError, match="changed while"):
        embed(path, VALUES)
    assert path.read_bytes().endswith(b"new version") and sorted(os.listdir(tmp_path)) == ["Canon_40D.jpg"]


def test_stop_between_files_keeps_what_was_written_known(desk):
    from archive.jobs import Cancelled

    photo = ids(desk)
    order = [photo["Canon_40D.jpg"], photo["xmp_BlueSquare.jpg"]]
    desk.edit(order, {"caption": "Stopped half way."})
    untouched = Path(desk.record(order[1])["path"]).read_bytes()

    class StopAfterFirst:
        def __init__(self):
            self.asked = 0

        def is_set(self) -> bool:
            self.asked += 1
            return self.asked > 1

    with pytest.raises(Cancelled):
        desk.embed(order, cancel=StopAfterFirst())
    assert exiftool(Path(desk.record(order[0])["path"]))["IPTC:Caption-Abstract"] == "Stopped half way."
    assert Path(desk.record(order[1])["path"]).read_bytes() == untouched
    sync = desk.sync(thumbnails=False, processes=1)
    assert sync.updated == 0 and sync.conflicts == []
