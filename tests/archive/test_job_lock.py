"""One import or sync at a time per archive: a second waits its turn, says so, and
can be cancelled while it waits (issue 18: two imports of one folder at once
failed with "UNIQUE constraint failed: photos.path")."""

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PIL import Image

from archive.job_lock import WAITING, one_job_at_a_time
from archive.jobs import Cancelled
from archive.store import open_archive
from archive.sync import import_paths

REPO = Path(__file__).resolve().parents[2]


def _photos(folder, n):
    folder.mkdir()
    for i in range(n):
        Image.new("RGB", (48, 32), (i % 250, i // 250, 9)).save(folder / f"p{i:04d}.jpg")
    return folder


def test_an_import_waits_for_the_one_running_and_says_so(tmp_path):
    folder = _photos(tmp_path / "in", 5)
    archive = open_archive(tmp_path / "archive")
    said, done = [], threading.Event()

    def second():
        other = open_archive(tmp_path / "archive")
        try:
            import_paths(other, [folder], thumbnails=False, progress=lambda d, t, m: said.append(m))
        finally:
            other.close()
            done.set()

    with one_job_at_a_time(archive.directory):          # the first job
        worker = threading.Thread(target=second)
        worker.start()
        assert not done.wait(1.0)                        # still waiting
        assert said and said[0] == WAITING
    assert done.wait(60)
    worker.join()
    assert archive.conn.execute("SELECT count(*) FROM photos").fetchone()[0] == 5


def test_a_waiting_import_can_be_cancelled(tmp_path):
    folder = _photos(tmp_path / "in", 2)
    archive = open_archive(tmp_path / "archive")
    cancel = threading.Event()
    with one_job_at_a_time(archive.directory):
        cancel.set()
        with pytest.raises(Cancelled):
            import_paths(archive, [folder], thumbnails=False, cancel=cancel)
    assert archive.conn.execute("SELECT count(*) FROM photos").fetchone()[0] == 0


def test_two_processes_importing_one_folder_both_finish(tmp_path):
    folder = _photos(tmp_path / "in", 300)
    cmd = [sys.executable, "-m", "desktop", "--archive", str(tmp_path / "archive"), "import", str(folder),
           "--no-thumbnails", "--jobs", "1"]
    runs = [subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    outs = [p.communicate(timeout=180) for p in runs]
    for p, (_out, err) in zip(runs, outs):
        assert p.returncode == 0 and "Traceback" not in err, err
    assert sorted("added 300" in err for _o, err in outs) == [False, True]
