"""Import reads files on the worker pool guarded: a file whose reader kills its
worker process (a decoder's segfault, the OOM killer) is answered as failed with
the reason, and every other file is read.  The reader here is the import's own
(archive.sync._read_chunk), called from a function the workers find by name that
crashes on one file, as a C library would; archive/workers.py's own tests cover
a reader that never ends."""

from __future__ import annotations

import os

from PIL import Image

from archive import sync

CRASHER = "photo_031.jpg"


def read_chunk_crashing_on_one_file(items):
    """Runs in a worker: the import's reader, but one file kills the process."""
    if any(os.path.basename(path) == CRASHER for path, _want in items):
        os._exit(11)
    return sync._read_chunk(items)


def test_a_file_that_crashes_the_reader_fails_alone_and_the_rest_are_read(tmp_path, monkeypatch):
    folder = tmp_path / "photos"
    folder.mkdir()
    items = []
    for i in range(96):
        path = folder / f"photo_{i:03d}.jpg"
        Image.new("RGB", (64, 48), (i * 2, 90, 160)).save(path, quality=70)
        items.append((str(path), False))
    parent = os.getpid()
    monkeypatch.setattr(sync, "CHUNK", 8)
    got = []
    # local reading in this process is left out: only the workers' crash is tried here.
    monkeypatch.setattr(sync, "POOL_THRESHOLD", 1)
    from archive import workers

    results = workers.run(read_chunk_crashing_on_one_file, sync._chunks(items, sync.CHUNK), processes=2,
                          isolate=sync._read_failed, limit_s=sync.FILE_LIMIT_S)
    for chunk in results:
        got += chunk
    assert os.getpid() == parent
    by_name = {os.path.basename(path): (meta, error) for path, meta, _derived, _ids, error in got}
    assert len(by_name) == 96
    meta, error = by_name.pop(CRASHER)
    assert meta is None and "crashed" in error
    assert all(meta is not None and error is None for meta, error in by_name.values())


def test_the_windows_archive_reads_even_a_few_files_apart_and_survives_a_crashing_reader(tmp_path, monkeypatch):
    """The window opens its desk with ``readers_apart``: an import of a handful of files
    (which a command reads in its own process) is read on the guarded workers, so a
    reader that kills its process costs that file, not the window."""
    from archive.desk import Desk

    folder = tmp_path / "photos"
    folder.mkdir()
    for i in (30, 31, 32):
        Image.new("RGB", (64, 48), (i * 2, 90, 160)).save(folder / f"photo_{i:03d}.jpg", quality=70)
    monkeypatch.setattr(sync, "_read_chunk", read_chunk_crashing_on_one_file)
    parent = os.getpid()
    with Desk.open(tmp_path / "archive", readers_apart=True) as desk:
        report = desk.import_paths([folder], thumbnails=False)
        with desk.clone() as job:                       # a job's connection too
            assert job.archive.readers_apart
    assert os.getpid() == parent
    assert report.added == 2
    assert [(os.path.basename(p), "crashed" in reason) for p, reason in report.failed] == [(CRASHER, True)]
