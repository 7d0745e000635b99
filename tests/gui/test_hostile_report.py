"""Damaged files imported in the window (issue 18): the status bar says some photos went in
with warnings, and the import report lists each damaged file once, by name."""

from __future__ import annotations

from tests.archive import hostile_files as H
from tests.gui.conftest import wait_job


def test_the_import_report_lists_damaged_files_once(window, qtbot, tmp_path):
    folder = tmp_path / "feed"
    folder.mkdir()
    (folder / "good.jpg").write_bytes(H.noisy_jpeg())
    (folder / "bad-crc.png").write_bytes(H.png_with_bad_crc(b"IDAT"))
    (folder / "runaway-ifd.jpg").write_bytes(H.jpeg_with_exif(H.tiff_with_runaway_ifd0()))
    (folder / "cut-mid-scan.jpg").write_bytes(H.jpeg_cut_mid_scan(H.noisy_jpeg()))
    job = window.import_paths([folder])
    wait_job(qtbot, job, 60000)
    qtbot.waitUntil(lambda: bool(window.last_report), timeout=10000)
    assert "3 photos went in with warnings" in window.statusBar().currentMessage()
    text = "\n".join(window.last_report)
    warned = text.split("Warnings (the photos were read):", 1)[1]
    for name in ("bad-crc.png", "runaway-ifd.jpg", "cut-mid-scan.jpg"):
        assert f"    {name}: " in warned, name
    assert "good.jpg" not in text
    # the cut JPEG's thumbnail failure has its own heading, and is not repeated among the warnings
    failed = text.split("No thumbnail could be made for:", 1)[1].split("Warnings", 1)[0]
    assert "cut-mid-scan.jpg" in failed
    assert "thumbnail: " not in warned
