"""Backups: a consistent copy while the archive is written, never a half one, one a
day kept for a while; a restore checks the backup first, keeps the archive as it
was, and leaves no search result of the old archive behind."""

from __future__ import annotations

import datetime as dt
import errno
import os
import sqlite3
import threading

import pytest

from archive import backup as backup_mod
from archive.backup import backup, check_backup, daily_backup, restore
from archive.desk import Desk
from archive.errors import ArchiveError, UsageError
from archive.jobs import Cancelled
from tests.conftest import run_cli

DAY = dt.datetime(2026, 12, 5, 9, 0)


def _caption(directory, pid):
    with Desk.open(directory, create=False) as desk:
        return desk.record(pid)["caption"]


def _first(directory):
    with Desk.open(directory, create=False) as desk:
        return desk.results("", limit=1).rows[0].id


def _no_leftovers(folder):
    return [p.name for p in folder.iterdir() if p.name.endswith((".part", ".part-journal"))] == []


def test_a_backup_while_the_archive_is_edited_is_whole(demo_dir, tmp_path):
    archive_dir = demo_dir / "archive"
    pid = _first(archive_dir)
    stop = threading.Event()

    def keep_editing():
        with Desk.open(archive_dir, create=False) as desk:
            n = 0
            while not stop.is_set():
                n += 1
                desk.edit([pid], {"headline": f"edit {n}"})

    editor = threading.Thread(target=keep_editing)
    editor.start()
    try:
        made = backup(archive_dir, tmp_path / "copy.db")
    finally:
        stop.set()
        editor.join()
    assert made.path == tmp_path / "copy.db" and made.photos == 10 and made.size == made.path.stat().st_size
    conn = sqlite3.connect(made.path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM photos").fetchone()[0] == 10
    conn.close()
    assert _no_leftovers(tmp_path)


def test_the_default_place_and_a_file_is_never_replaced(demo_dir):
    archive_dir = demo_dir / "archive"
    made = backup(archive_dir, now=DAY)
    assert made.path == archive_dir / "backups" / "archive-20261205-090000.db"
    with pytest.raises(UsageError, match="already exists"):
        backup(archive_dir, now=DAY)
    with pytest.raises(UsageError, match="no such folder"):
        backup(archive_dir, demo_dir / "nowhere" / "copy.db")


def test_a_full_disk_or_a_cancel_leaves_no_half_backup(demo_dir, tmp_path, monkeypatch):
    archive_dir = demo_dir / "archive"

    def full(*a, **kw):
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as m:
        m.setattr(backup_mod.os, "replace", full)
        with pytest.raises(ArchiveError, match="copy.db: cannot write the backup: the disk is full"):
            backup(archive_dir, tmp_path / "copy.db")
    assert not (tmp_path / "copy.db").exists() and _no_leftovers(tmp_path)
    monkeypatch.setattr(backup_mod, "STEP_PAGES", 1)          # many steps, so the cancel comes mid-copy
    flag = threading.Event()
    seen = []

    def progress(done, total, message=""):
        seen.append(done)
        if done >= 3:
            flag.set()

    with pytest.raises(Cancelled):
        backup(archive_dir, tmp_path / "copy.db", progress=progress, cancel=flag)
    assert seen and not (tmp_path / "copy.db").exists() and _no_leftovers(tmp_path)


def test_one_daily_backup_a_day_and_only_the_newest_kept(demo_dir):
    archive_dir = demo_dir / "archive"
    backup(archive_dir, now=DAY)                                # a manual one: never removed
    made = [daily_backup(archive_dir, keep=2, now=DAY + dt.timedelta(days=d)) for d in range(4)]
    assert all(m is not None for m in made)
    assert daily_backup(archive_dir, keep=2, now=DAY + dt.timedelta(days=3, hours=5)) is None   # same day
    assert daily_backup(archive_dir, keep=0, now=DAY + dt.timedelta(days=9)) is None            # off
    names = sorted(p.name for p in (archive_dir / "backups").iterdir())
    assert names == ["archive-20261205-090000.db", "daily-20261207-090000.db", "daily-20261208-090000.db"]


def test_restore_brings_the_caption_back_and_keeps_the_archive_as_it_was(demo_dir, tmp_path):
    archive_dir = demo_dir / "archive"
    pid = _first(archive_dir)
    before = _caption(archive_dir, pid)
    saved = backup(archive_dir, tmp_path / "monday.db")
    with Desk.open(archive_dir, create=False) as desk:
        ident = desk.conn.execute("SELECT value FROM meta WHERE key = 'archive_id'").fetchone()[0]
        desk.edit([pid], {"caption": "Zanzibarish words after the backup"})
        assert desk.results("zanzibarish").total == 1         # cached in this process
        done = restore(archive_dir, saved.path)
        # The open desk sees the restored archive, and no result of the old one.
        assert desk.results("zanzibarish").total == 0
        assert desk.record(pid)["caption"] == before
        assert desk.conn.execute("SELECT value FROM meta WHERE key = 'archive_id'").fetchone()[0] != ident
    assert done.photos == 10 and done.kept.path.name.startswith("before-restore-")
    kept = sqlite3.connect(done.kept.path)
    assert kept.execute("SELECT caption FROM photos WHERE id = ?", (pid,)).fetchone()[0] == \
        "Zanzibarish words after the backup"
    kept.close()
    assert _caption(archive_dir, pid) == before


def _damaged(path, tmp_path):
    """A backup whose identity still reads but whose full-text index's root page is
    scribbled over: only SQLite's whole integrity check finds it.  (Scribbling at
    fixed offsets hit whichever table the layout put there, the meta table too.)"""
    conn = sqlite3.connect(str(path))
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'photo_fts_data'").fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    start = (root - 1) * page_size
    data[start + 8:start + page_size] = os.urandom(page_size - 8)
    out = tmp_path / "damaged.db"
    out.write_bytes(bytes(data))
    return out


def test_a_damaged_or_foreign_file_is_refused_and_nothing_changes(demo_dir, tmp_path):
    archive_dir = demo_dir / "archive"
    good = backup(archive_dir, tmp_path / "good.db")
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    newer = tmp_path / "newer.db"
    newer.write_bytes(good.path.read_bytes())
    c = sqlite3.connect(newer)
    c.execute("PRAGMA user_version = 999")
    c.close()
    text = tmp_path / "notes.txt"
    text.write_text("not a database\n" * 300)
    before = (archive_dir / "archive.db").stat().st_mtime_ns
    for path, message in ((_damaged(good.path, tmp_path), "damaged, not restored"),
                          (other, "not a Picture Desk archive"), (newer, "made by a newer Picture Desk"),
                          (text, str(text)), (tmp_path / "missing.db", "no such file")):
        with pytest.raises((ArchiveError, UsageError), match=message):
            restore(archive_dir, path)
    assert not (archive_dir / "backups").exists()             # no safety copy: nothing was about to change
    assert (archive_dir / "archive.db").stat().st_mtime_ns == before
    assert check_backup(good.path) == 10


def test_the_command_line(demo_dir, tmp_path):
    archive_dir = demo_dir / "archive"
    made = run_cli("backup", archive_dir=archive_dir, check=True)
    assert "backed up 10 photos to" in made.stdout and str(archive_dir / "backups") in made.stdout
    listed = run_cli("backup", "--list", archive_dir=archive_dir, check=True)
    assert "archive-" in listed.stdout
    target = tmp_path / "copy.db"
    run_cli("backup", target, "--json", archive_dir=archive_dir, check=True)
    again = run_cli("backup", target, archive_dir=archive_dir)
    assert again.returncode == 2 and "already exists" in again.stderr and "Traceback" not in again.stderr
    done = run_cli("restore", target, archive_dir=archive_dir, check=True)
    assert "restored 10 photos from" in done.stdout and "before-restore-" in done.stdout
    bad = run_cli("restore", tmp_path / "nothing.db", archive_dir=archive_dir)
    assert bad.returncode == 2 and "nothing.db: no such file" in bad.stderr
