"""An archive whose database cannot be written can still be searched and shown; a
change is refused with the reason and exit 2, not a traceback (issue 18)."""

import shutil
import subprocess

import pytest

from tests.conftest import run_cli


@pytest.fixture
def frozen(demo_dir):
    db = demo_dir / "archive" / "archive.db"
    for extra in ("archive.db-wal", "archive.db-shm"):
        (demo_dir / "archive" / extra).unlink(missing_ok=True)
    # chattr +i: not even root may write it (a chmod does not stop root, which CI runs as).
    if not shutil.which("chattr") or subprocess.run(["chattr", "+i", str(db)], capture_output=True).returncode:
        pytest.skip("this file system cannot make a file immutable")
    yield demo_dir / "archive"
    subprocess.run(["chattr", "-i", str(db)], capture_output=True)


def test_a_read_only_archive_is_searched_and_shown_and_refuses_changes(frozen):
    found = run_cli("search", "kyiv", archive_dir=frozen)
    assert found.returncode == 0 and found.stdout.startswith("#"), found.stderr
    shown = run_cli("show", "1", archive_dir=frozen)
    assert shown.returncode == 0 and shown.stdout.startswith("#1"), shown.stderr
    edited = run_cli("edit", "1", "--caption", "New caption.", archive_dir=frozen)
    assert edited.returncode == 2
    assert "the archive cannot be written" in edited.stderr and "Traceback" not in edited.stderr
