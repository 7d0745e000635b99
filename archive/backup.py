"""Backups of the archive: a consistent copy while it is in use, one a day kept
for a while, and a restore that checks the copy before it touches anything.

The copy is made with SQLite's online backup (the same pages a reader would see at
one moment, whatever the window or an import writes meanwhile), into a hidden file
beside the target that is checked (``PRAGMA quick_check``), flushed and renamed
only when whole, so a full disk or a cancel leaves no half backup behind.  Only
``archive.db`` is copied: thumbnails (``thumbs.db``) and the search arrays beside
the database (``archive.db-search/``) are made again from it.

A restore first checks the file (a Picture Desk archive, not newer than this
program, ``PRAGMA integrity_check`` clean), then keeps the archive as it is in
``backups/before-restore-….db`` and copies the backup in through SQLite (so an open
window's connection sees the restored archive, never a torn file).  The restored
archive gets a new identity, so no cached search result of the old one is reused.
"""

from __future__ import annotations

import datetime as _dt
import errno
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import sqlean as sqlite3

from archive.durable import sync_folder
from archive.errors import ArchiveError, UsageError
from archive.jobs import check_cancel, no_progress
from archive.store import copies

BACKUP_DIR = "backups"
DAILY = "daily-"
MANUAL = "archive-"
BEFORE_RESTORE = "before-restore-"
STEP_PAGES = 2048            # pages copied between progress reports (8 MiB at 4 KiB pages)
DAILY_EVERY = _dt.timedelta(hours=20)   # "once a day", for a desk that opens a little earlier each morning


@dataclass(frozen=True)
class BackupFile:
    path: Path
    size: int
    photos: int
    made: _dt.datetime


def backups_dir(archive_dir) -> Path:
    return Path(archive_dir) / BACKUP_DIR


def _stamp(now: _dt.datetime) -> str:
    return now.strftime("%Y%m%d-%H%M%S")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        if exc.errno == errno.ENOSPC:
            return "the disk is full"
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return "the folder is not writable"
        return exc.strerror or str(exc)
    text = str(exc)
    if "full" in text:
        return "the disk is full"
    return text


def _copy(src, dst, progress, cancel, what: str) -> None:
    def step(status, remaining, total):
        progress(total - remaining, total, what)
        check_cancel(cancel)

    src.backup(dst, pages=STEP_PAGES, progress=step)


def backup(archive_dir, target=None, *, prefix: str = MANUAL, progress=None, cancel=None,
           now: Optional[_dt.datetime] = None) -> BackupFile:
    """Copy the archive in ``archive_dir`` to ``target`` (default
    ``backups/archive-YYYYMMDD-HHMMSS.db`` in the archive).  Never replaces a file."""
    progress = progress or no_progress
    now = now or _dt.datetime.now()
    source = Path(archive_dir) / "archive.db"
    if not source.is_file():
        raise ArchiveError(f"{archive_dir}: no archive here to back up")
    if target is None:
        folder = backups_dir(archive_dir)
        try:
            folder.mkdir(exist_ok=True)
        except OSError as exc:
            raise ArchiveError(f"{folder}: cannot make the backups folder: {_reason(exc)}") from None
        target = folder / f"{prefix}{_stamp(now)}.db"
    target = Path(target).absolute()
    if target.exists():
        raise UsageError(f"{target}: already exists; a backup never replaces a file (choose another name)")
    if not target.parent.is_dir():
        raise UsageError(f"{target.parent}: no such folder")
    if not os.access(target.parent, os.W_OK):
        raise ArchiveError(f"{target}: cannot write the backup: the folder is not writable")
    part = target.with_name(f".{target.name}.part")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    try:
        dst = sqlite3.connect(str(part))
        try:
            _copy(src, dst, progress, cancel, f"backing up to {target.name}")
            check = copies.quick_check(dst)
            if check != "ok":
                raise ArchiveError(f"{target}: the copy does not check out ({check}); the backup was not kept")
            copies.stand_alone(dst)
            photos = copies.photo_count(dst)
        finally:
            dst.close()
        with open(part, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(part, target)
        sync_folder(target.parent)
    except BaseException as exc:
        for leftover in (part, Path(str(part) + "-journal")):
            try:
                leftover.unlink()
            except OSError:
                pass
        if isinstance(exc, (OSError, sqlite3.DatabaseError)):
            raise ArchiveError(f"{target}: cannot write the backup: {_reason(exc)}") from None
        raise
    finally:
        src.close()
    return BackupFile(target, target.stat().st_size, photos, now)


def listed(archive_dir) -> list[BackupFile]:
    """The backups in the archive's backups folder, newest first."""
    folder = backups_dir(archive_dir)
    out = []
    for path in folder.glob("*.db") if folder.is_dir() else ():
        st = path.stat()
        out.append(BackupFile(path, st.st_size, -1, _dt.datetime.fromtimestamp(st.st_mtime)))
    return sorted(out, key=lambda b: b.made, reverse=True)


def daily_backup(archive_dir, *, keep: int = 7, progress=None, cancel=None,
                 now: Optional[_dt.datetime] = None) -> Optional[BackupFile]:
    """Back up unless a daily backup was made in the last day; then keep the newest
    ``keep`` daily backups (the manual ones and those made before a restore are never
    removed).  ``keep`` 0 turns daily backups off.  Returns the new backup, if any."""
    if keep <= 0:
        return None
    now = now or _dt.datetime.now()
    daily = [b for b in listed(archive_dir) if b.path.name.startswith(DAILY)]
    if daily and now - daily[0].made < DAILY_EVERY:
        return None
    made = backup(archive_dir, prefix=DAILY, progress=progress, cancel=cancel, now=now)
    os.utime(made.path, (now.timestamp(), now.timestamp()))
    daily = [b for b in listed(archive_dir) if b.path.name.startswith(DAILY)]
    for old in daily[keep:]:
        try:
            old.path.unlink()
        except OSError:
            pass
    return made


def check_backup(path, *, whole: bool = True) -> int:
    """Raise ArchiveError naming ``path`` unless it is a whole Picture Desk archive this
    program can open; return its number of photos.  ``whole=False`` reads only what
    names it (schema, identity, photos) and leaves the page-by-page check, which
    takes seconds on a big archive, to :func:`restore` (a window asks first)."""
    from archive.store.schema import SCHEMA_VERSION

    path = Path(path)
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    except sqlite3.DatabaseError as exc:
        raise ArchiveError(f"{path}: cannot open it: {exc}") from None
    try:
        try:
            version, ident = copies.identity(conn)
        except sqlite3.DatabaseError as exc:
            raise ArchiveError(f"{path}: not a Picture Desk archive ({exc})") from None
        if ident is None:
            raise ArchiveError(f"{path}: not a Picture Desk archive (it has no archive id)")
        if version > SCHEMA_VERSION:
            raise ArchiveError(f"{path}: made by a newer Picture Desk (schema {version}, this one reads up to "
                               f"{SCHEMA_VERSION}); update Picture Desk to restore it")
        if not whole:
            return copies.photo_count(conn)
        problems = copies.integrity_problems(conn)
        if problems:
            raise ArchiveError(f"{path}: damaged, not restored: {'; '.join(problems)}")
        return copies.photo_count(conn)
    finally:
        conn.close()


@dataclass(frozen=True)
class Restored:
    source: Path
    photos: int
    kept: BackupFile          # the archive as it was before the restore


def restore(archive_dir, source, *, progress=None, cancel=None) -> Restored:
    """Put the backup ``source`` in place of the archive in ``archive_dir``, after
    checking it and keeping the archive as it is now (see the module's docstring)."""
    from archive.job_lock import one_job_at_a_time
    from archive.store.db import ARCHIVE_DB, connect, open_archive

    progress = progress or no_progress
    source = Path(source).absolute()
    photos = check_backup(source)
    target = Path(archive_dir) / ARCHIVE_DB
    if target.exists() and source.resolve() == target.resolve():
        raise UsageError(f"{source}: is the archive itself, not a backup of it")
    if not target.exists():
        open_archive(archive_dir).close()             # an empty archive to restore into
    with one_job_at_a_time(archive_dir, progress=progress, cancel=cancel):
        kept = backup(archive_dir, prefix=BEFORE_RESTORE, progress=progress, cancel=cancel)
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
        try:
            dst = connect(target)
            try:
                try:
                    _copy(src, dst, progress, None, f"restoring {source.name}")   # not stopped half-way
                except sqlite3.DatabaseError as exc:
                    raise ArchiveError(f"{target}: cannot restore {source}: {_reason(exc)}; the archive "
                                       f"as it was is in {kept.path}") from None
                copies.new_identity(dst)
            finally:
                dst.close()
        finally:
            src.close()
        _forget_derived(target)
    open_archive(archive_dir).close()                 # brought to this program's schema now
    return Restored(source, photos, kept)


def _forget_derived(db_path: Path) -> None:
    """The search arrays beside the database belong to the archive that was: gone."""
    import shutil

    derived = Path(str(db_path) + "-search")
    if derived.is_dir():
        shutil.rmtree(derived, ignore_errors=True)
