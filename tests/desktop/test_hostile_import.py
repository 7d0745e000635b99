"""Damaged files through the real command line (issue 18): the import goes on, each
damaged photo is added with its warnings, the report names the file, `show` lists
them, and `has:warnings` finds exactly those photos."""

from __future__ import annotations

import json
import sqlite3

import pytest

from tests.archive import hostile_files as H
from tests.conftest import run_cli


def damaged_files() -> dict[str, bytes]:
    files = {
        "runaway-ifd.jpg": H.jpeg_with_exif(H.tiff_with_runaway_ifd0()),
        "bad-crc.png": H.png_with_bad_crc(b"IDAT"),
        "bad-riff.webp": H.webp_with_riff_size(1 << 30),
        "cut-mid-scan.jpg": H.jpeg_cut_mid_scan(H.noisy_jpeg()),
        "truncated.tif": H.truncated_tiff(),
    }
    corpus = H.corpus_dir()
    if corpus is not None:
        heic = (corpus / "IMG_5195.HEIC").read_bytes()
        files["broken-box.heic"] = H.heic_with_box_size(heic, b"iloc", 3)
        files["camera-runaway.jpg"] = H.set_ifd0_count((corpus / "Canon_40D.jpg").read_bytes(), 0xFFFF)
    return files


def good_files() -> dict[str, bytes]:
    return {"good.jpg": H.noisy_jpeg(), "good.png": H.pillow_bytes("PNG"), "good.webp": H.pillow_bytes("WEBP")}


@pytest.fixture
def imported(tmp_path):
    feed = tmp_path / "feed"
    feed.mkdir()
    for name, data in {**damaged_files(), **good_files()}.items():
        (feed / name).write_bytes(data)
    arch = tmp_path / "archive"
    result = run_cli("import", feed, "--json", "--jobs", "1", archive_dir=arch)
    return arch, feed, result


def ids_by_name(arch) -> dict[str, int]:
    conn = sqlite3.connect(arch / "archive.db")
    try:
        return {path.rsplit("/", 1)[-1]: pid for pid, path in conn.execute("SELECT id, path FROM photos")}
    finally:
        conn.close()


def test_damaged_files_are_added_with_warnings_in_the_report(imported):
    arch, feed, result = imported
    report = json.loads(result.stdout)
    assert result.returncode == 0, report                   # every file went in: warnings are not failures
    assert report["failed"] == []
    assert sorted(ids_by_name(arch)) == sorted({**damaged_files(), **good_files()})
    named = {w["path"].rsplit("/", 1)[-1] for w in report["warnings"]}
    assert named == set(damaged_files())                     # each damaged file by name, no good one


def test_the_cut_jpeg_thumbnail_failure_is_a_warning_not_silence(imported):
    arch, feed, result = imported
    report = json.loads(result.stdout)
    failed = {f["path"].rsplit("/", 1)[-1]: f["reason"] for f in report["thumbnails"]["failed"]}
    assert "cut-mid-scan.jpg" in failed
    said = {(w["path"].rsplit("/", 1)[-1], w["message"]) for w in report["warnings"]}
    assert ("cut-mid-scan.jpg", "thumbnail: " + failed["cut-mid-scan.jpg"]) in said
    record = json.loads(run_cli("show", ids_by_name(arch)["cut-mid-scan.jpg"], "--json",
                                archive_dir=arch, check=True).stdout)
    assert any(w.startswith("JPEG: the image data is cut short") for w in record["warnings"])
    assert "thumbnail: " + failed["cut-mid-scan.jpg"] in record["warnings"]


def test_show_lists_each_photo_warnings_as_text_and_json(imported):
    arch, feed, result = imported
    report = json.loads(result.stdout)
    ids = ids_by_name(arch)
    for name in {**damaged_files(), **good_files()}:
        record = json.loads(run_cli("show", ids[name], "--json", archive_dir=arch, check=True).stdout)
        expected = [w["message"] for w in report["warnings"] if w["path"].endswith("/" + name)]
        assert record["warnings"] == expected, name          # the photo keeps what the report said
        text = run_cli("show", ids[name], archive_dir=arch, check=True).stdout
        shown = [line.split(None, 1)[1] for line in text.splitlines() if line.strip().startswith("warning ")]
        assert shown == expected, name


def test_has_warnings_finds_exactly_the_damaged_photos(imported):
    arch, feed, result = imported
    ids = ids_by_name(arch)

    def found(query) -> set[str]:
        out = json.loads(run_cli("search", "--json", "--limit", "100", "--", query, archive_dir=arch,
                                 check=True).stdout)
        by_id = {v: k for k, v in ids.items()}
        assert out["total"] == len(out["photos"])
        return {by_id[p["id"]] for p in out["photos"]}

    assert found("has:warnings") == set(damaged_files())
    assert found("-has:warnings") == set(good_files())


def test_a_thumbnail_warning_stays_while_the_content_is_the_same(imported):
    arch, feed, result = imported
    cut = feed / "cut-mid-scan.jpg"
    cut.touch()                                          # a new mtime, the same bytes: read again
    result = run_cli("sync", "--json", "--jobs", "1", archive_dir=arch, check=True)
    assert json.loads(result.stdout)["updated"] == 1
    record = json.loads(run_cli("show", ids_by_name(arch)["cut-mid-scan.jpg"], "--json",
                                archive_dir=arch, check=True).stdout)
    assert any(w.startswith("thumbnail: ") for w in record["warnings"])

    cut.write_bytes(H.noisy_jpeg())                      # mended: the warnings go
    run_cli("sync", "--jobs", "1", archive_dir=arch, check=True)
    record = json.loads(run_cli("show", ids_by_name(arch)["cut-mid-scan.jpg"], "--json",
                                archive_dir=arch, check=True).stdout)
    assert record["warnings"] == []
    out = json.loads(run_cli("search", "has:warnings", "--json", archive_dir=arch, check=True).stdout)
    assert ids_by_name(arch)["cut-mid-scan.jpg"] not in {p["id"] for p in out["photos"]}
