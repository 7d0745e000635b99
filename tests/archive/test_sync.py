"""Import and sync against real files on disk and a real archive.db."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from archive.demo.photos import PhotoSpec, write_photo
from archive.edit import edit_photo
from archive.errors import UsageError
from archive.records import photo_record
from archive.store import open_archive
from archive.store.search import search
from archive.sync import import_paths, sync_archive
from tests.conftest import REPO, run_cli

KYIV = dt.timezone(dt.timedelta(hours=2))


def make_folder(folder, n=6, start=0):
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(start, start + n):
        spec = PhotoSpec(f"img_{i:04d}.jpg", creator=[f"Photographer {i % 3}"],
                         caption=f"Scene number {i} in Kyiv", city="Kyiv", country="Ukraine",
                         credit="Reuters", taken=dt.datetime(2022, 12, 1 + i % 28, 10, i % 60, tzinfo=KYIV),
                         size=(96, 64))
        paths.append(write_photo(folder, spec, seed=i))
    return paths


def count(archive, where="1"):
    return archive.conn.execute(f"SELECT count(*) FROM photos WHERE {where}").fetchone()[0]


def test_import_makes_photos_searchable(archive, tmp_path):
    make_folder(tmp_path / "in", n=5)
    report = import_paths(archive, [tmp_path / "in"], thumbnails=False)
    assert (report.added, report.failed) == (5, [])
    assert count(archive) == 5
    page = search(archive.conn, "by:\"Photographer 1\"")
    assert page.total == len([i for i in range(5) if i % 3 == 1])
    assert count(archive, "content_hash LIKE 'xxh3_128:%'") == 5


def test_unchanged_files_are_not_read_again(archive, tmp_path):
    make_folder(tmp_path / "in", n=4)
    import_paths(archive, [tmp_path / "in"], thumbnails=False)
    before = archive.conn.execute("SELECT id, updated_at, content_hash FROM photos ORDER BY id").fetchall()
    report = sync_archive(archive, thumbnails=False)
    assert (report.added, report.updated, report.unchanged) == (0, 0, 4)
    after = archive.conn.execute("SELECT id, updated_at, content_hash FROM photos ORDER BY id").fetchall()
    assert before == after


def test_changed_file_keeps_edits_and_records_the_disagreement(archive, tmp_path):
    folder = tmp_path / "in"
    (path,) = make_folder(folder, n=1)
    import_paths(archive, [folder], thumbnails=False)
    photo_id = archive.conn.execute("SELECT id FROM photos").fetchone()[0]
    edit_photo(archive, photo_id, {"caption": "Edited on the desk."})
    time.sleep(0.01)
    spec = PhotoSpec(path.name, creator=["Someone Else"], caption="The agency resent a new caption.",
                     taken=dt.datetime(2022, 12, 3, 9, 0, tzinfo=KYIV), size=(96, 64))
    write_photo(folder, spec, seed=99)
    report = sync_archive(archive, thumbnails=False)
    assert report.updated == 1
    assert report.conflicts == [(photo_id, str(path), "caption")]
    record = photo_record(archive, photo_id)
    assert record["caption"] == "Edited on the desk."                 # the edit is kept
    assert record["creator"] == ["Someone Else"]                       # unedited fields follow the file
    assert record["embedded"]["caption"] == "The agency resent a new caption."
    assert record["conflicts"] == {"caption": "The agency resent a new caption."}
    assert record["taken_at"].startswith("2022-12-03T09:00:00")


def test_moved_and_renamed_files_keep_their_id_and_edits(archive, tmp_path):
    folder = tmp_path / "in"
    paths = make_folder(folder, n=3)
    import_paths(archive, [folder], thumbnails=False)
    photo_id = archive.conn.execute("SELECT id FROM photos WHERE path=?", (str(paths[0]),)).fetchone()[0]
    edit_photo(archive, photo_id, {"caption": "Desk caption"})
    (folder / "sub").mkdir()
    new_path = folder / "sub" / "renamed.jpg"
    shutil.move(paths[0], new_path)
    report = sync_archive(archive, thumbnails=False)
    assert (report.moved, report.added, report.missing) == (1, 0, 0)
    record = photo_record(archive, photo_id)
    assert record["path"] == str(new_path)
    assert record["caption"] == "Desk caption"
    assert count(archive) == 3


def test_missing_files_are_marked_not_deleted(archive, tmp_path):
    folder = tmp_path / "in"
    paths = make_folder(folder, n=3)
    import_paths(archive, [folder], thumbnails=False)
    os.remove(paths[1])
    report = sync_archive(archive, thumbnails=False)
    assert report.missing == 1
    assert count(archive) == 3
    assert search(archive.conn, "is:missing").total == 1
    # It comes back: no longer missing, same id.
    make_folder(folder, n=1, start=1)
    report = sync_archive(archive, thumbnails=False)
    assert search(archive.conn, "is:missing").total == 0


def test_bad_files_are_reported_and_the_import_goes_on(archive, tmp_path):
    folder = tmp_path / "in"
    make_folder(folder, n=2)
    (folder / "empty.jpg").write_bytes(b"")
    (folder / "notes.jpg").write_text("this is not a photo\n")
    good = (folder / "img_0000.jpg").read_bytes()
    (folder / "truncated.jpg").write_bytes(good[:200])
    report = import_paths(archive, [folder], thumbnails=False)
    assert report.added == 2
    failed = dict(report.failed)
    assert set(failed) == {str(folder / "empty.jpg"), str(folder / "notes.jpg"), str(folder / "truncated.jpg")}
    assert all(reason and "Traceback" not in reason for reason in failed.values())
    assert count(archive) == 2


def test_a_path_that_does_not_exist_is_bad_usage(archive, tmp_path):
    with pytest.raises(UsageError, match="no-such-folder"):
        import_paths(archive, [tmp_path / "no-such-folder"])
    assert count(archive) == 0


def test_cli_import_reports_and_exits(tmp_path):
    make_folder(tmp_path / "in", n=3)
    result = run_cli("import", tmp_path / "in", "--no-thumbnails", "--json", archive_dir=tmp_path / "a")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["added"] == 3
    result = run_cli("import", tmp_path / "nowhere", archive_dir=tmp_path / "a")
    assert result.returncode == 2
    assert "nowhere: no such file or folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_read_only_archive_directory_is_a_clear_error(tmp_path):
    if os.geteuid() == 0:
        # root writes anywhere; a file where the directory should be fails the same way for everyone
        (tmp_path / "a").write_text("not a directory")
        result = run_cli("import", tmp_path, archive_dir=tmp_path / "a")
    else:
        (tmp_path / "a").mkdir()
        os.chmod(tmp_path / "a", 0o555)
        result = run_cli("import", tmp_path, archive_dir=tmp_path / "a")
    assert result.returncode == 2
    assert str(tmp_path / "a") in result.stderr and "Traceback" not in result.stderr


@pytest.mark.slow
def test_killed_import_leaves_a_consistent_archive_and_resumes(tmp_path):
    folder = tmp_path / "in"
    make_folder(folder, n=1500)
    archive_dir = tmp_path / "a"
    proc = subprocess.Popen([sys.executable, "-m", "desktop", "--archive", str(archive_dir), "import",
                             str(folder), "--no-thumbnails", "--jobs", "2"],
                            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = archive_dir / "archive.db"
    deadline = time.monotonic() + 60
    import sqlean

    while time.monotonic() < deadline:
        time.sleep(0.05)
        if db.exists():
            try:
                c = sqlean.connect(f"file:{db}?mode=ro", uri=True)
                n = c.execute("SELECT count(*) FROM photos").fetchone()[0]
                c.close()
            except Exception:
                continue
            if n >= 500:
                break
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with open_archive(archive_dir) as archive:
        partial = count(archive)
        assert 0 < partial < 1500
        assert archive.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        fts = archive.conn.execute("SELECT count(*) FROM photo_fts").fetchone()[0]
        assert fts == partial
        report = import_paths(archive, [folder], thumbnails=False)
        assert report.added == 1500 - partial
        assert count(archive) == 1500
        assert archive.conn.execute("SELECT count(DISTINCT path) FROM photos").fetchone()[0] == 1500
        assert count(archive, "content_hash IS NULL") == 0


def test_a_full_disk_stops_cleanly_with_a_clear_message(archive, tmp_path):
    """The disk filling up is faked the way SQLite sees it: the database may grow no further."""
    from archive.errors import ArchiveError

    folder = tmp_path / "in"
    make_folder(folder, n=40)
    pages = archive.conn.execute("PRAGMA page_count").fetchone()[0]
    archive.conn.execute(f"PRAGMA max_page_count = {pages + 2}")
    with pytest.raises(ArchiveError, match="full"):
        import_paths(archive, [folder], thumbnails=False, processes=1)
    assert archive.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert not archive.conn.in_transaction
    archive.conn.execute("PRAGMA max_page_count = 1073741823")
    report = import_paths(archive, [folder], thumbnails=False)
    assert count(archive) == 40 and report.failed == []


def test_thumbnails_follow_the_metadata_and_are_searchable(archive, tmp_path):
    from archive.thumbnails import ThumbnailStore

    make_folder(tmp_path / "in", n=3)
    report = import_paths(archive, [tmp_path / "in"])
    assert report.thumbnails["made"] == 3
    assert search(archive.conn, "has:thumbnail").total == 3
    with ThumbnailStore(str(archive.thumbs_path)) as thumbs:
        jpeg = thumbs.get(1)
    from io import BytesIO

    from PIL import Image

    assert max(Image.open(BytesIO(jpeg)).size) == 96     # never upscaled beyond the original
    again = sync_archive(archive)
    assert again.thumbnails["made"] == 0
