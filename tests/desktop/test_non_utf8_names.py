"""A file or folder whose name is not UTF-8 (POSIX names are bytes) is reported by
name and passed over; it never stops the import of the rest of its folder (issue
18: one such name aborted the import of 38 good photos, with a traceback)."""

import json
import os

import pytest
from PIL import Image

from tests.conftest import run_cli


def _make(folder):
    folder.mkdir()
    for i in range(3):
        Image.new("RGB", (64, 48), (i * 60, 10, 10)).save(folder / f"ok{i}.jpg")
    raw = os.fsencode(folder)
    try:
        Image.new("RGB", (64, 48)).save(os.fsdecode(raw + b"/caf\xe9.jpg"))
        sub = os.fsdecode(raw + b"/d\xe9p\xf4t")
        os.mkdir(sub)
        Image.new("RGB", (64, 48)).save(os.path.join(sub, "inside.jpg"))
    except (OSError, UnicodeError):
        pytest.skip("this file system refuses names that are not UTF-8")


def test_names_that_are_not_utf8_are_reported_and_the_rest_imported(tmp_path):
    folder = tmp_path / "feed"
    _make(folder)
    archive_dir = tmp_path / "archive"
    result = run_cli("import", folder, "--no-thumbnails", "--json", archive_dir=archive_dir)
    assert result.returncode == 1, result.stderr             # some files failed
    assert "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    assert report["added"] == 3
    failed = {f["path"]: f["reason"] for f in report["failed"]}
    assert set(failed) == {f"{folder}/caf\\xe9.jpg", f"{folder}/d\\xe9p\\xf4t"}
    assert all("not valid UTF-8" in reason for reason in failed.values())
    human = run_cli("import", folder, "--no-thumbnails", archive_dir=archive_dir)
    assert f"failed: {folder}/caf\\xe9.jpg: the name is not valid UTF-8" in human.stderr
    assert run_cli("search", "--json", archive_dir=archive_dir).returncode == 0


def test_a_folder_named_so_is_refused_with_its_name(tmp_path):
    folder = tmp_path / "feed"
    _make(folder)
    bad = os.fsdecode(os.fsencode(folder) + b"/d\xe9p\xf4t")
    result = run_cli("import", bad, archive_dir=tmp_path / "archive")
    assert result.returncode == 2
    assert "d\\xe9p\\xf4t: the name is not valid UTF-8" in result.stderr
