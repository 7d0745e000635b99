"""Thumbnails: orientation, previews versus decoding, thumbs.db, and runs over many files.

Orientation is checked by pixel colours: a picture with four coloured
quarters is stored as EXIF 2.3 describes for each of the eight orientations
(which displayed corner each stored corner shows), the tag is written by
exiftool or Pillow, and the thumbnail must show the quarters back in place.
"""

from __future__ import annotations

import importlib.util
import io
import json
import multiprocessing
import os
import shutil
import sqlite3
import subprocess
import threading
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageCms, ImageOps, ImageStat

from archive.errors import UnreadableFile
from archive.jobs import Cancelled
from archive.thumbnails import (
    ThumbnailStore, make_thumbnail, make_thumbnails, render_thumbnail,
)

SHARED = Path(__file__).parents[2].parent / "shared"
CORPUS = SHARED / "corpus" / "real"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus not found at {CORPUS}")
needs_exiftool = pytest.mark.skipif(shutil.which("exiftool") is None, reason="exiftool not installed")

# The camera-style file builders (MPF, TIFF raws, CR3) live with the preview tests.
_spec = importlib.util.spec_from_file_location(
    "preview_builders", Path(__file__).with_name("test_previews.py"))
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)

RED, GREEN, BLUE, YELLOW = (220, 30, 30), (30, 200, 30), (30, 30, 220), (230, 230, 30)
DISPLAYED = {"TL": RED, "TR": GREEN, "BL": BLUE, "BR": YELLOW}
# EXIF 2.3 tag 0x0112: for each orientation, the displayed corner that the stored
# image's top-left, top-right, bottom-left and bottom-right corners show
# (from "the 0th row is the visual top/bottom/left/right, the 0th column ...").
STORED_CORNERS = {
    1: ("TL", "TR", "BL", "BR"),
    2: ("TR", "TL", "BR", "BL"),
    3: ("BR", "BL", "TR", "TL"),
    4: ("BL", "BR", "TL", "TR"),
    5: ("TL", "BL", "TR", "BR"),
    6: ("TR", "BR", "TL", "BL"),
    7: ("BR", "TR", "BL", "TL"),
    8: ("BL", "TL", "BR", "TR"),
}


def quarters(size, colours) -> Image.Image:
    w, h = size
    img = Image.new("RGB", size)
    for (x, y), colour in zip(((0, 0), (1, 0), (0, 1), (1, 1)), colours):
        img.paste(colour, (x * w // 2, y * h // 2, (x + 1) * w // 2, (y + 1) * h // 2))
    return img


def stored_picture(orientation: int, displayed=(640, 480)) -> Image.Image:
    """How a camera stores the quarters picture for this orientation."""
    w, h = displayed
    size = (w, h) if orientation <= 4 else (h, w)
    return quarters(size, [DISPLAYED[c] for c in STORED_CORNERS[orientation]])


def corner_colours(jpeg: bytes) -> dict[str, tuple]:
    img = Image.open(io.BytesIO(jpeg)).convert("RGB")
    w, h = img.size
    return {name: img.getpixel((int(w * fx), int(h * fy)))
            for name, fx, fy in (("TL", .25, .25), ("TR", .75, .25), ("BL", .25, .75), ("BR", .75, .75))}


def assert_upright(jpeg: bytes, size=(320, 240)):
    assert Image.open(io.BytesIO(jpeg)).size == size
    for corner, colour in corner_colours(jpeg).items():
        assert all(abs(a - b) <= 30 for a, b in zip(colour, DISPLAYED[corner])), (corner, colour)


def jpeg_file(path: Path, img: Image.Image, **save) -> Path:
    img.save(path, "JPEG", quality=92, **save)
    return path


def displayed(path: Path, size) -> Image.Image:
    """The oracle: Pillow's exif_transpose, colours from the embedded profile to sRGB."""
    img = Image.open(path)
    upright = ImageOps.exif_transpose(img).convert("RGB")
    if img.info.get("icc_profile"):
        profile = ImageCms.ImageCmsProfile(io.BytesIO(img.info["icc_profile"]))
        upright = ImageCms.profileToProfile(upright, profile, ImageCms.createProfile("sRGB"))
    return upright.resize(size, Image.Resampling.BOX)


def mean_difference(a: Image.Image, b: Image.Image) -> float:
    return sum(ImageStat.Stat(ImageChops.difference(a.convert("RGB"), b.convert("RGB"))).mean) / 3


# --- orientation ------------------------------------------------------------

@pytest.fixture(scope="module")
def oriented_jpegs(tmp_path_factory) -> dict[int, Path]:
    """The quarters picture stored eight ways, Orientation written by exiftool."""
    d = tmp_path_factory.mktemp("oriented")
    files = {n: jpeg_file(d / f"o{n}.jpg", stored_picture(n)) for n in range(1, 9)}
    if shutil.which("exiftool"):
        args = []
        for n, path in files.items():
            args += ["-q", "-overwrite_original", f"-Orientation#={n}", str(path), "-execute"]
        subprocess.run(["exiftool", *args[:-1]], check=True)
    return files


@needs_exiftool
@pytest.mark.parametrize("orientation", range(1, 9))
def test_all_eight_orientations(oriented_jpegs, orientation):
    path = oriented_jpegs[orientation]
    assert_upright(make_thumbnail(path, orientation))
    assert_upright(make_thumbnail(path, None))      # read from the file's EXIF


@pytest.mark.parametrize("orientation", range(1, 9))
def test_all_eight_orientations_through_an_embedded_preview(tmp_path, orientation):
    """Pillow's MPO writer: a grey main image, the quarters in the preview."""
    stored = stored_picture(orientation, (1600, 1200))
    grey = Image.new("RGB", stored.size, (128, 128, 128))
    exif = Image.Exif()
    exif[0x0112] = orientation
    path = tmp_path / "mpo.jpg"
    grey.save(path, "MPO", save_all=True, exif=exif, quality=90,
              append_images=[stored.resize((stored.width // 2, stored.height // 2))])
    thumb = render_thumbnail(path, None)
    assert thumb.source == "preview:mpf"
    assert_upright(thumb.jpeg)


@needs_exiftool
def test_an_orientation_given_wins_over_the_file(oriented_jpegs):
    jpeg = make_thumbnail(oriented_jpegs[6], 1)
    assert Image.open(io.BytesIO(jpeg)).size == (240, 320)   # stored as it is
    assert make_thumbnail(oriented_jpegs[1], 99) == make_thumbnail(oriented_jpegs[1], 1)


@needs_corpus
@pytest.mark.parametrize("name, orientation, size", [
    ("orientation_landscape_6.jpg", 6, (320, 240)),
    ("orientation_portrait_8.jpg", 8, (240, 320)),
    ("grid_exif-orientated.jpg", 6, (213, 320)),
    ("hdr_canon_hdr_YES.jpg", 6, (240, 320)),
])
def test_corpus_orientation_matches_pillows_exif_transpose(name, orientation, size):
    path = CORPUS / name
    thumb = render_thumbnail(path, orientation)
    assert thumb.source == "decoded"      # their IFD1 thumbnails are too small
    got = Image.open(io.BytesIO(thumb.jpeg))
    assert got.size == size
    assert mean_difference(got, displayed(path, size)) < 8


# --- previews or decoding ---------------------------------------------------

def test_smallest_preview_that_is_big_enough_is_used(tmp_path):
    main = build.jpeg((3000, 2000), RED)
    path = tmp_path / "mpf.jpg"
    path.write_bytes(build.add_mpf(main, [build.jpeg((1920, 1280), BLUE), build.jpeg((480, 320), GREEN)]))
    thumb = render_thumbnail(path, 1)
    assert (thumb.source, thumb.width, thumb.height) == ("preview:mpf", 320, 213)
    assert corner_colours(thumb.jpeg)["TL"] == pytest.approx(GREEN, abs=20)


def test_preview_of_another_shape_is_rejected(tmp_path):
    """A 4:3 letterboxed preview of a 3:2 picture has black bars: decode the picture instead."""
    letterboxed = Image.new("RGB", (640, 480))
    letterboxed.paste(Image.new("RGB", (640, 427), BLUE), (0, 26))
    out = io.BytesIO()
    letterboxed.save(out, "JPEG")
    path = tmp_path / "bars.jpg"
    path.write_bytes(build.add_mpf(build.jpeg((3000, 2000), RED), [out.getvalue()]))
    thumb = render_thumbnail(path, 1)
    assert (thumb.source, thumb.width, thumb.height) == ("decoded", 320, 213)
    img = Image.open(io.BytesIO(thumb.jpeg))
    assert img.getpixel((160, 1)) == pytest.approx(RED, abs=20)   # no bar at the top


@needs_exiftool
@pytest.mark.parametrize("with_ifd1", [False, True])
def test_4000x3000_with_and_without_exif_thumbnail(tmp_path, with_ifd1):
    path = jpeg_file(tmp_path / "big.jpg", quarters((4000, 3000), list(DISPLAYED.values())))
    if with_ifd1:
        thumb = jpeg_file(tmp_path / "t.jpg", Image.new("RGB", (160, 120), "black"))
        subprocess.run(["exiftool", "-q", "-overwrite_original", f"-ThumbnailImage<={thumb}", str(path)],
                       check=True)
        assert [p.source for p in build.scan_file(path).previews] == ["exif-ifd1"]
    result = render_thumbnail(path, 1)
    assert result.source == "decoded"    # 160x120 is too small: never upscaled
    assert_upright(result.jpeg)


def test_small_pictures_are_not_enlarged(tmp_path):
    path = jpeg_file(tmp_path / "small.jpg", Image.new("RGB", (200, 100), RED))
    thumb = render_thumbnail(path, 1)
    assert (thumb.width, thumb.height) == (200, 100)


# --- raws -------------------------------------------------------------------

def test_raw_is_shown_through_its_preview_with_orientation(tmp_path):
    stored = stored_picture(8, (1620, 1080))
    out = io.BytesIO()
    stored.save(out, "JPEG", quality=90)
    path = tmp_path / "IMG_0001.CR3"
    path.write_bytes(build.build_cr3(out.getvalue(), build.jpeg((160, 120), (0, 0, 0)), orientation=8))
    thumb = render_thumbnail(path, None)
    assert thumb.source == "preview:cr3-prvw"
    assert_upright(thumb.jpeg, (320, 213))


def test_raw_without_preview_is_unreadable(tmp_path):
    raw = [(0x00FE, 4, [0]), *build.strip_entries(build.lossless_jpeg_header(), 7, 64, 48, 32803)]
    ifd0 = [*build.rgb_strip_ifd(256, 171), (0xC612, 1, [1, 4, 0, 0]), (0x014A, 4, build.Sub([raw]))]
    path = tmp_path / "bare.dng"
    path.write_bytes(build.build_tiff([ifd0]))
    with pytest.raises(UnreadableFile, match="raw file without a usable embedded JPEG preview"):
        make_thumbnail(path, 1)


def test_raw_falls_back_to_a_letterboxed_thumbnail_with_the_bars_cut(tmp_path):
    """The big preview is damaged: nothing else works, so the 160x120 thumbnail is used, bars cut off."""
    big = bytearray(build.jpeg((1200, 800), BLUE))
    sos = big.index(b"\xff\xda")
    big[sos + 20:] = b"\x00" * (len(big) - sos - 20)     # scan data gone
    small = Image.new("RGB", (160, 120))
    small.paste(Image.new("RGB", (160, 107), GREEN), (0, 6))
    out = io.BytesIO()
    small.save(out, "JPEG", quality=95)
    ifd0 = [*build.strip_entries(bytes(big[:sos + 40]), 6, 1200, 800, 6), (0x0112, 3, [1])]
    header = b"II*\x00\x00\x00\x00\x00CR\x02\x00\x00\x00\x00\x00"
    path = tmp_path / "IMG_0002.CR2"
    path.write_bytes(build.build_tiff([ifd0, build.jpeg_entries(out.getvalue())], header=header))
    thumb = render_thumbnail(path, 1)
    assert (thumb.source, thumb.width, thumb.height) == ("preview:tiff-ifd1", 160, 107)
    img = Image.open(io.BytesIO(thumb.jpeg))
    assert img.getpixel((80, 0)) == pytest.approx(GREEN, abs=30)   # no black bar left


# --- other formats ----------------------------------------------------------

@needs_corpus
def test_heic_through_pi_heif_ignores_exif_orientation():
    path = CORPUS / "IMG_5195.HEIC"
    thumb = render_thumbnail(path, 6)    # libheif has already applied the container's rotation
    assert (thumb.width, thumb.height) == (248, 320)
    import pi_heif

    full = pi_heif.open_heif(path).to_pillow().resize((248, 320), Image.Resampling.BOX)
    # within colour management (Display P3 to sRGB) of the decoded picture
    profile = ImageCms.ImageCmsProfile(io.BytesIO(pi_heif.open_heif(path).info["icc_profile"]))
    full = ImageCms.profileToProfile(full, profile, ImageCms.createProfile("sRGB"))
    assert mean_difference(Image.open(io.BytesIO(thumb.jpeg)), full) < 6


@needs_corpus
@pytest.mark.parametrize("name, size", [
    ("BSG1.tiff", (320, 175)), ("Arbitro.tiff", (174, 38)), ("grid_flag.tif", (124, 124)),
    ("grid_longdescription.png", (2, 2)),
])
def test_corpus_tiffs_and_png(name, size):
    thumb = render_thumbnail(CORPUS / name, None)
    assert (thumb.width, thumb.height) == size
    assert Image.open(io.BytesIO(thumb.jpeg)).format == "JPEG"


@needs_corpus
def test_every_corpus_file_gives_a_thumbnail_or_a_reason():
    for path in sorted(CORPUS.iterdir()):
        if path.is_dir() or path.suffix == ".md":
            continue
        try:
            jpeg = make_thumbnail(path, None)
        except UnreadableFile as exc:
            assert exc.reason, path
        else:
            assert max(Image.open(io.BytesIO(jpeg)).size) <= 320, path


def test_transparency_is_shown_on_white_and_16_bit_scaled(tmp_path):
    rgba = Image.new("RGBA", (400, 200), (255, 0, 0, 0))
    rgba.paste((0, 0, 255, 255), (200, 0, 400, 200))
    rgba.save(tmp_path / "a.png")
    img = Image.open(io.BytesIO(make_thumbnail(tmp_path / "a.png", 1)))
    assert img.getpixel((40, 80)) == pytest.approx((255, 255, 255), abs=8)
    assert img.getpixel((280, 80)) == pytest.approx((0, 0, 255), abs=8)
    Image.new("I;16", (300, 300), 40000).save(tmp_path / "g16.png")
    grey = Image.open(io.BytesIO(make_thumbnail(tmp_path / "g16.png", 1))).convert("L")
    assert grey.getpixel((10, 10)) == pytest.approx(40000 // 256, abs=3)


@needs_corpus
def test_adobe_rgb_is_converted_to_srgb(tmp_path):
    adobe = Image.open(CORPUS / "grid_guardian-turner.jpg").info["icc_profile"]
    colour = (100, 150, 50)
    path = tmp_path / "adobe.jpg"
    Image.new("RGB", (640, 480), colour).save(path, quality=98, icc_profile=adobe)
    expected = ImageCms.profileToProfile(Image.new("RGB", (1, 1), colour),
                                         ImageCms.ImageCmsProfile(io.BytesIO(adobe)),
                                         ImageCms.createProfile("sRGB")).getpixel((0, 0))
    got = Image.open(io.BytesIO(make_thumbnail(path, 1))).getpixel((100, 100))
    assert got == pytest.approx(expected, abs=4)
    assert max(abs(a - b) for a, b in zip(expected, colour)) > 10   # the check means something


def test_unreadable_files_raise_with_a_reason(tmp_path):
    data = build.jpeg((2000, 1500), RED, quality=95)
    (tmp_path / "cut.jpg").write_bytes(data[:len(data) * 2 // 5])
    with pytest.raises(UnreadableFile, match="truncated") as caught:
        make_thumbnail(tmp_path / "cut.jpg", 1)
    assert caught.value.path == str(tmp_path / "cut.jpg")
    (tmp_path / "notes.jpg").write_text("not a picture")
    with pytest.raises(UnreadableFile, match="not an image format"):
        make_thumbnail(tmp_path / "notes.jpg", 1)
    with pytest.raises(UnreadableFile, match="cannot open"):
        make_thumbnail(tmp_path / "gone.jpg", 1)


# --- thumbs.db --------------------------------------------------------------

def test_store_round_trip(tmp_path):
    with ThumbnailStore(tmp_path / "sub" / "thumbs.db") as store:
        assert not store.rebuilt and store.count() == 0
        assert store.put_many([(1, "h1", 320, 213, b"one"), (2, None, 320, 240, b"two")]) == 2
        assert store.get(1) == b"one" and store.get(3) is None
        assert store.has(1, "h1") and not store.has(1, "other") and store.has(2, None)
        assert store.missing([(1, "h1"), (2, None), (3, "h3"), (1, "changed")]) == [3, 1]
        assert store.get_many([1, 2, 3]) == {1: b"one", 2: b"two"}
        store.put_many([(1, "h1b", 320, 213, b"new")])
        assert store.get(1) == b"new" and store.count() == 2
        store.discard([1])
        assert store.get(1) is None
    conn = sqlite3.connect(tmp_path / "sub" / "thumbs.db")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert [r[1] for r in conn.execute("PRAGMA table_info(thumbs)")] == [
        "photo_id", "content_hash", "width", "height", "jpeg"]


def test_store_that_is_not_a_database_is_rebuilt_empty(tmp_path):
    path = tmp_path / "thumbs.db"
    path.write_bytes(b"this is not SQLite at all" * 400)
    with ThumbnailStore(path) as store:
        assert store.rebuilt
        assert "damaged" in store.warnings[0] and "thumbs.db" in store.warnings[0]
        assert store.count() == 0
        store.put_many([(1, "h", 1, 1, b"x")])
        assert store.get(1) == b"x"
    assert (tmp_path / "thumbs.db.damaged").exists()


def test_store_with_damaged_pages_never_raises(tmp_path):
    path = tmp_path / "thumbs.db"
    with ThumbnailStore(path) as store:
        store.put_many([(i, f"h{i}", 320, 213, os.urandom(3000)) for i in range(400)])
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    with open(path, "r+b") as fp:         # break it: overwrite most pages after the first
        fp.seek(4096)
        fp.write(b"\xa5" * (os.path.getsize(path) - 8192))
    store = ThumbnailStore(path)
    results = [store.get(i) for i in (5, 200, 399)]
    assert store.rebuilt and results[-1] is None
    assert store.put_many([(7, "h7", 1, 1, b"again")]) == 1
    assert store.get(7) == b"again"
    store.close()


def test_store_from_another_schema_is_rebuilt(tmp_path):
    path = tmp_path / "thumbs.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE thumbs (id INTEGER PRIMARY KEY, data BLOB)")
    conn.commit()
    conn.close()
    with ThumbnailStore(path) as store:
        assert store.rebuilt and store.count() == 0


# --- many thumbnails --------------------------------------------------------

@pytest.fixture
def photo_folder(tmp_path) -> list[tuple]:
    """Twelve photos, a truncated JPEG, a text file and a missing file."""
    items = []
    for i in range(12):
        path = jpeg_file(tmp_path / f"IMG_{i:04d}.jpg",
                         quarters((1600, 1200), list(DISPLAYED.values())).rotate(i * 3))
        items.append((i + 1, str(path), f"hash{i}", 1))
    data = build.jpeg((1600, 1200), RED)
    (tmp_path / "cut.jpg").write_bytes(data[:len(data) // 3])
    (tmp_path / "notes.jpg").write_text("not a picture")
    items += [(100, str(tmp_path / "cut.jpg"), "c", 1), (101, str(tmp_path / "notes.jpg"), "n", 1),
              (102, str(tmp_path / "gone.jpg"), None, None)]
    return items


@pytest.mark.parametrize("processes", [1, 2])
def test_make_thumbnails_reports_and_resumes(tmp_path, photo_folder, processes):
    db = tmp_path / "thumbs.db"
    calls = []
    report = make_thumbnails(db, photo_folder, processes=processes,
                             progress=lambda done, total, msg: calls.append((done, total)))
    assert (report.total, report.made, report.skipped) == (15, 12, 0)
    failed = {f.photo_id: f for f in report.failed}
    assert set(failed) == {100, 101, 102}
    assert failed[100].path.endswith("cut.jpg") and "truncated" in failed[100].reason
    assert "cannot open" in failed[102].reason
    assert calls[-1] == (15, 15) and [d for d, _ in calls] == sorted(d for d, _ in calls)
    as_json = json.loads(json.dumps(report.to_dict()))
    assert as_json["made"] == 12 and {"photo_id": 101, "path": failed[101].path,
                                      "reason": failed[101].reason} in as_json["failed"]
    with ThumbnailStore(db) as store:
        assert store.count() == 12
        assert Image.open(io.BytesIO(store.get(1))).size == (320, 240)

    again = make_thumbnails(db, photo_folder, processes=processes)
    assert (again.made, again.skipped, len(again.failed)) == (0, 12, 3)

    changed = [(pid, path, "new" if pid == 3 else digest, o) for pid, path, digest, o in photo_folder]
    assert make_thumbnails(db, changed, processes=processes).made == 1


def test_cancel_midway_then_carry_on(tmp_path, photo_folder):
    db = tmp_path / "thumbs.db"
    good = photo_folder[:12]
    cancel = threading.Event()

    def progress(done, total, message):
        # The person presses Cancel once the first thumbnail is in.  Progress is
        # throttled, but the first outcome is always reported, so this cancels on
        # every run, however fast the machine.
        if done >= 1:
            cancel.set()

    with pytest.raises(Cancelled) as caught:
        make_thumbnails(db, good, processes=2, cancel=cancel, progress=progress)
    first = caught.value.report
    assert first.made == 1                           # the cancel is honoured at once
    with ThumbnailStore(db) as store:
        assert store.count() == first.made           # what was done is committed
    rest = make_thumbnails(db, good, processes=2)
    assert (rest.skipped, rest.made) == (first.made, 12 - first.made)


def test_cancel_before_start_commits_nothing(tmp_path, photo_folder):
    event = threading.Event()
    event.set()
    with pytest.raises(Cancelled):
        make_thumbnails(tmp_path / "thumbs.db", photo_folder, cancel=event)
    with ThumbnailStore(tmp_path / "thumbs.db") as store:
        assert store.count() == 0


def test_damaged_cache_is_rebuilt_during_a_run(tmp_path, photo_folder):
    db = tmp_path / "thumbs.db"
    db.write_bytes(b"\x00garbage" * 1000)
    report = make_thumbnails(db, photo_folder[:3], processes=1)
    assert report.cache_rebuilt and report.warnings and report.made == 3


def test_duplicate_ids_keep_the_last_item(tmp_path, photo_folder):
    first, second = photo_folder[0], photo_folder[1]
    report = make_thumbnails(tmp_path / "t.db", [first, (first[0], *second[1:])], processes=1)
    assert (report.total, report.made) == (1, 1)
    with ThumbnailStore(tmp_path / "t.db") as store:
        assert store.has(first[0], second[2])


def test_a_crashing_decoder_fails_only_its_file(tmp_path, photo_folder, monkeypatch):
    """Break things: one file kills its worker process, as a segfault in a decoder would."""
    import archive.thumbnails as thumbnails

    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("a patched decoder reaches workers only when they are forked")

    real = thumbnails.render_thumbnail

    def crashing(path, orientation=None, size=320):
        if str(path).endswith("IMG_0004.jpg"):
            os._exit(11)
        return real(path, orientation, size)

    monkeypatch.setattr(thumbnails, "render_thumbnail", crashing)
    report = make_thumbnails(tmp_path / "thumbs.db", photo_folder[:12], processes=2, start_method="fork")
    assert report.made == 11
    (failure,) = report.failed
    assert failure.path.endswith("IMG_0004.jpg") and "crashed" in failure.reason


def test_damaged_files_give_a_thumbnail_or_unreadable(tmp_path):
    """Bytes flipped in headers and image data: never anything but UnreadableFile."""
    import random

    rnd = random.Random(7)
    sources = [build.add_mpf(build.jpeg((1200, 800), RED), [build.jpeg((600, 400), BLUE)]),
               build.build_cr3(build.jpeg((1620, 1080)), build.jpeg((160, 120)))]
    png = io.BytesIO()
    Image.new("RGB", (500, 300), GREEN).save(png, "PNG")
    sources.append(png.getvalue())
    path = tmp_path / "damaged.bin"
    outcomes = set()
    for original in sources:
        for _ in range(40):
            data = bytearray(original)
            for _ in range(rnd.randint(1, 6)):
                data[rnd.randrange(len(data))] = rnd.randrange(256)
            path.write_bytes(bytes(data))
            try:
                make_thumbnail(path, rnd.randint(0, 9))
                outcomes.add("made")
            except UnreadableFile:
                outcomes.add("unreadable")
    assert outcomes == {"made", "unreadable"}


def test_spawned_workers_as_in_the_window(tmp_path, photo_folder):
    """The window runs other threads, so its workers are spawned, not forked."""
    report = make_thumbnails(tmp_path / "thumbs.db", photo_folder[:4] + photo_folder[-1:],
                             processes=2, start_method="spawn")
    assert (report.made, len(report.failed)) == (4, 1)


def test_cmyk_and_formats_we_do_not_open(tmp_path):
    Image.new("CMYK", (400, 300), (255, 0, 0, 0)).save(tmp_path / "cyan.jpg", quality=95)
    cyan = Image.open(io.BytesIO(make_thumbnail(tmp_path / "cyan.jpg", 1)))
    assert cyan.mode == "RGB" and cyan.getpixel((10, 10)) == pytest.approx((0, 255, 255), abs=10)
    # EPS would have Pillow run Ghostscript on the file: not for files from outside
    (tmp_path / "x.eps").write_bytes(b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n")
    with pytest.raises(UnreadableFile, match="not an image format"):
        make_thumbnail(tmp_path / "x.eps", 1)
