"""``picturedesk edit ... --embed``: the edit, then caption and credit in the file itself.

Real corpus files copied into tmp_path, the command line run as a person runs
it, exiftool as the judge.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import CORPUS

ROOT = Path(__file__).resolve().parents[2]
EXIFTOOL = shutil.which("exiftool")
pytestmark = [
    pytest.mark.skipif(EXIFTOOL is None, reason="exiftool is not installed"),
    pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the real corpus ({CORPUS}) is absent"),
]


def cli(archive: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-m", "desktop", "--archive", str(archive), *args],
                          capture_output=True, text=True, encoding="utf-8", env=env, timeout=300)


def exiftool(path: Path) -> dict:
    out = subprocess.run([EXIFTOOL, "-j", "-G1", "-use", "MWG", "-charset", "utf8", "-a", "-XMP:all", "-IPTC:all",
                          "-MWG:Description", "-MWG:Creator", str(path)],
                         capture_output=True, check=True, text=True, encoding="utf-8").stdout
    return json.loads(out)[0]


@pytest.fixture
def archive(tmp_path) -> tuple[Path, Path]:
    folder = tmp_path / "photos"
    folder.mkdir()
    for name in ("xmp_BlueSquare.jpg", "IMG_5195.HEIC"):
        shutil.copyfile(CORPUS / name, folder / name)
    archive = tmp_path / "archive"
    assert cli(archive, "import", str(folder), "--no-thumbnails").returncode == 0
    return archive, folder


def test_edit_embed_writes_the_file_and_sync_changes_nothing(archive):
    archive, folder = archive
    photo = folder / "xmp_BlueSquare.jpg"
    result = cli(archive, "edit", str(photo), "--caption", "Київ at night, Saturday.",
                 "--creator", "Jørgensen", "--creator", "김홍지", "--embed")
    assert result.returncode == 0, result.stderr
    assert "wrote caption and credit into" in result.stdout
    tags = exiftool(photo)
    assert tags["MWG:Description"] == "Київ at night, Saturday." and tags["MWG:Creator"] == ["Jørgensen", "김홍지"]
    assert tags["IPTC:Caption-Abstract"] == "Київ at night, Saturday."
    assert (folder / "xmp_BlueSquare.xmp").is_file()          # the sidecar has the edit too
    sync = cli(archive, "sync", "--json")
    assert sync.returncode == 0, sync.stderr
    report = json.loads(sync.stdout)
    assert report["updated"] == 0 and report["added"] == 0 and report["conflicts"] == []


def test_embed_alone_writes_the_current_values(archive):
    archive, folder = archive
    photo = folder / "xmp_BlueSquare.jpg"
    assert cli(archive, "edit", str(photo), "--credit", "Reuters").returncode == 0
    assert "IPTC:Credit" not in exiftool(photo)
    result = cli(archive, "edit", str(photo), "--embed")
    assert result.returncode == 0, result.stderr
    tags = exiftool(photo)
    assert tags["IPTC:Credit"] == "Reuters" and tags["XMP-photoshop:Credit"] == "Reuters"


def test_a_file_that_cannot_take_it_exits_1_naming_it(archive):
    archive, folder = archive
    photo = folder / "IMG_5195.HEIC"
    before = photo.read_bytes()
    result = cli(archive, "edit", str(photo), "--caption", "Kyiv.", "--embed")
    assert result.returncode == 1
    assert str(photo) in result.stderr and "sidecar" in result.stderr
    assert photo.read_bytes() == before
    shown = json.loads(cli(archive, "show", str(photo), "--json").stdout)
    assert shown["caption"] == "Kyiv."                          # the edit itself is saved


def test_nothing_to_do_is_a_usage_error(archive):
    archive, folder = archive
    result = cli(archive, "edit", str(folder / "xmp_BlueSquare.jpg"))
    assert result.returncode == 2 and "--embed" in result.stderr
