"""import and sync through the real command line: exit codes, skipped files, decoder warnings.

Held-out data found (issue 15, part 5): an import with failed files exited 0,
files that are not photos were skipped without a word, and Pillow's and
libtiff's warnings spilled onto the terminal while thumbnails were made.
The command runs in this process (``desktop.cli.main``); ``capfd`` captures
file descriptors 1 and 2, so a C library writing to stderr would show.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
from pathlib import Path

import pytest
from PIL import Image

from desktop.cli import main


def run(capfd, *args):
    code = main([str(a) for a in args])
    out, err = capfd.readouterr()
    return code, out, err


def photo(path: Path, colour="grey") -> Path:
    Image.new("RGB", (60, 40), colour).save(path)
    return path


def noisy_lzw_tiff_damaged(path: Path) -> Path:
    """An LZW TIFF whose strip is overwritten in the middle: libtiff complains on stderr."""
    w, h = 120, 90
    data = b"".join(hashlib.sha256(str(i).encode()).digest() for i in range(w * h * 3 // 32 + 1))
    Image.frombytes("RGB", (w, h), data[:w * h * 3]).save(path, compression="tiff_lzw")
    raw = path.read_bytes()
    mid = len(raw) // 3
    junk = (hashlib.sha256(b"junk").digest() * 40)[:1200]
    path.write_bytes(raw[:mid] + junk + raw[mid + 1200:])
    return path


def tiff_with_pillow_warning(path: Path) -> Path:
    """PlanarConfiguration written with two values: Pillow warns, then decodes it fine."""
    Image.new("RGB", (60, 40), "blue").save(path)
    raw = path.read_bytes()
    entry = struct.pack("<HHI", 284, 3, 1)
    assert raw.count(entry) == 1
    path.write_bytes(raw.replace(entry, struct.pack("<HHI", 284, 3, 2)))
    return path


@pytest.fixture
def folder(tmp_path):
    """Two photos, and the other things a picture desk's folders hold."""
    root = tmp_path / "feed"
    (root / "day2").mkdir(parents=True)
    photo(root / "IMG_0001.jpg")
    photo(root / "day2" / "IMG_0002.JPG", "red")
    for name in ("P1000001.RW2", "P1000002.rw2", "day2/P1000003.RW2", "day2/P1000004.RW2",
                 "layout.psd", "day2/cover.PSD", "README", "notes.txt"):
        (root / name).write_bytes(b"not a photo we read")
    # not counted: sidecars (both names), hidden files, folders, and what is not a regular file
    (root / "IMG_0001.xmp").write_text("<x:xmpmeta xmlns:x='adobe:ns:meta/'/>")
    (root / "IMG_0001.jpg.xmp").write_text("<x:xmpmeta xmlns:x='adobe:ns:meta/'/>")
    (root / ".DS_Store").write_bytes(b"\0")
    (root / "._IMG_0001.jpg").write_bytes(b"\0")
    (root / ".hidden").mkdir()
    (root / ".hidden" / "x.psd").write_bytes(b"\0")
    if hasattr(os, "mkfifo"):
        os.mkfifo(root / "pipe")
    return root


def test_skipped_files_are_counted_by_type(tmp_path, folder, capfd):
    arch = tmp_path / "archive"
    code, out, err = run(capfd, "--archive", arch, "import", folder, "--no-thumbnails")
    assert code == 0, err                                   # skipped files are not errors
    assert "added 2," in err and "failed 0" in err
    assert "skipped 8 (RW2 4, PSD 2, TXT 1, no extension 1)" in err
    code, out, err = run(capfd, "--archive", arch, "sync", "--json", "--no-thumbnails")
    assert code == 0
    report = json.loads(out)
    assert report["skipped"] == {"total": 8, "by_type": {"RW2": 4, "PSD": 2, "TXT": 1, "no extension": 1}}
    assert report["unchanged"] == 2 and report["failed"] == [] and report["warnings"] == []


def test_nothing_skipped_says_nothing(tmp_path, capfd):
    root = tmp_path / "clean"
    root.mkdir()
    photo(root / "a.jpg")
    code, out, err = run(capfd, "--archive", tmp_path / "archive", "import", root, "--no-thumbnails", "--json")
    assert code == 0 and json.loads(out)["skipped"] == {"total": 0, "by_type": {}}
    code, out, err = run(capfd, "--archive", tmp_path / "archive", "import", root, "--no-thumbnails")
    assert "skipped" not in err and "warnings" not in err


def test_a_failed_file_makes_import_and_sync_exit_1(tmp_path, folder, capfd):
    arch = tmp_path / "archive"
    (folder / "broken.jpg").write_bytes(b"\xff\xd8\xff")        # a JPEG cut off after its first marker
    code, out, err = run(capfd, "--archive", arch, "import", folder, "--no-thumbnails", "--json")
    assert code == 1
    report = json.loads(out)
    assert [Path(f["path"]).name for f in report["failed"]] == ["broken.jpg"]
    assert report["added"] == 2 and report["skipped"]["total"] == 8
    code, out, err = run(capfd, "--archive", arch, "sync", "--no-thumbnails")
    assert code == 1 and "failed 1" in err and "broken.jpg" in err
    (folder / "broken.jpg").unlink()
    code, out, err = run(capfd, "--archive", arch, "sync", "--no-thumbnails")
    assert code == 0 and "failed 0" in err


def test_a_named_file_that_fails_exits_1(tmp_path, capfd):
    bad = tmp_path / "notes.jpg"
    bad.write_text("this is not a JPEG")
    code, out, err = run(capfd, "--archive", tmp_path / "archive", "import", bad, "--no-thumbnails")
    assert code == 1 and "failed 1" in err and "notes.jpg" in err


@pytest.mark.parametrize("jobs", ["1", "2"], ids=["in-process", "workers"])
def test_decoder_warnings_go_to_the_report_not_the_terminal(tmp_path, capfd, jobs):
    root = tmp_path / "feed"
    root.mkdir()
    photo(root / "fine.jpg")
    noisy_lzw_tiff_damaged(root / "damaged.tif")
    tiff_with_pillow_warning(root / "planar.tif")
    arch = tmp_path / "archive"
    code, out, err = run(capfd, "--archive", arch, "import", root, "--jobs", jobs, "--json")
    report = json.loads(out)
    assert code == 0, report                        # every file is in; a thumbnail failure is not an import error
    said = {(Path(w["path"]).name, w["message"]) for w in report["warnings"]}
    assert ("damaged.tif", "libtiff: Using code not yet in table.") in said
    assert ("planar.tif", "UserWarning: Metadata Warning, tag 284 had too many entries: 2, expected 1") in said
    assert not any(name == "fine.jpg" for name, _ in said)
    assert [Path(f["path"]).name for f in report["thumbnails"]["failed"]] == ["damaged.tif"]
    failure = report["thumbnails"]["failed"][0]["reason"]
    assert ("damaged.tif", "thumbnail: " + failure) in said     # listed by name, not only counted
    # nothing raw on the terminal: stderr holds only the progress lines
    assert "Using code" not in err and "Metadata Warning" not in err and "tempfile" not in err

    for name in ("damaged.tif", "planar.tif"):         # again, as text: counted and listed
        os.utime(root / name, ns=(1, 1))
    import sqlite3
    sqlite3.connect(arch / "thumbs.db").execute("DELETE FROM thumbs").connection.commit()
    code, out, err = run(capfd, "--archive", arch, "sync", "--jobs", jobs)
    assert code == 0 and out == ""
    assert "warnings: 3" in err                  # the two decoders' messages and the thumbnail that failed
    assert "  warning: " + str(root / "damaged.tif") + ": thumbnail: " in err
    assert "  warning: " + str(root / "planar.tif") + ": UserWarning: Metadata Warning" in err
    assert err.count("Using code not yet in table") == 1          # the report's line, not libtiff's
