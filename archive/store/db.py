"""Opening an archive directory: archive.db, WAL, migrations, clear errors.

An archive is a directory holding ``archive.db`` (the catalogue) and
``thumbs.db`` (a disposable thumbnail cache).  SQLite comes from sqlean.py so
every machine has the same modern SQLite (3.45+): FTS5's ``ORDER BY rowid``
with a rowid bound is wrong before 3.42 and contentless-delete needs 3.43.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import sqlean as sqlite3

from archive.errors import ArchiveError
from archive.store.schema import MIGRATIONS, SCHEMA_VERSION, apply

ARCHIVE_DB = "archive.db"
THUMBS_DB = "thumbs.db"


def default_archive_dir() -> Path:
    """The user's archive: $PICTUREDESK_ARCHIVE, else the platform data dir."""
    env = os.environ.get("PICTUREDESK_ARCHIVE")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir("picturedesk")) / "archive"


class Archive:
    """An open archive: its directory, its connection and its sqlite-utils view."""

    def __init__(self, directory: Path, conn: sqlite3.Connection, *, mapped: bool = True):
        self.directory = directory
        self.conn = conn
        self.mapped = mapped
        # Read photo files only in the worker processes, never in this one: a long-lived
        # process (the window) must not die or hang with a reader on a hostile file.
        self.readers_apart = False
        self._db = None

    @property
    def db(self):
        """The sqlite-utils view of the archive, made on first use (it imports numpy)."""
        if self._db is None:
            from archive.store.schema import database

            self._db = database(self.conn)
        return self._db

    @property
    def path(self) -> Path:
        return self.directory / ARCHIVE_DB

    @property
    def thumbs_path(self) -> Path:
        return self.directory / THUMBS_DB

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Archive":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]


# A connection that maps the archive reads big scans (facet counts, checks, imports)
# fastest, but every page it touches stays in the process's resident memory until
# it closes: right for a job, wrong for the window's connections that live all day
# (scrolling 10,000 rows left 118 MB of archive.db resident).  Those read through
# a smaller page cache instead; the kernel's file cache serves them as fast.
MAPPED_BYTES = 256 * 2**20
MAPPED_CACHE_KIB = 65536
UNMAPPED_CACHE_KIB = 16384


def connect(db_path: Path, *, readonly: bool = False, mapped: bool = True) -> sqlite3.Connection:
    if readonly:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30,
                               isolation_level=None, check_same_thread=False)
    else:
        conn = sqlite3.connect(str(db_path), timeout=30, isolation_level=None,
                               check_same_thread=False)
    conn.execute("PRAGMA busy_timeout = 30000")
    if not readonly:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")   # WAL + NORMAL: consistent after power loss
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA cache_size = -{MAPPED_CACHE_KIB if mapped else UNMAPPED_CACHE_KIB}")
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute(f"PRAGMA mmap_size = {MAPPED_BYTES if mapped else 0}")
    return conn


def open_archive(directory: str | os.PathLike | None = None, *, create: bool = True,
                 mapped: bool = True) -> Archive:
    """Open (and create or migrate) the archive in ``directory``; ``mapped=False`` for
    a connection that lives as long as a window (see :data:`MAPPED_BYTES`).

    Raises ArchiveError naming the directory when it cannot be created, is not
    writable, is not a Picture Desk archive, or is newer than this program.
    """
    directory = Path(directory) if directory is not None else default_archive_dir()
    db_path = directory / ARCHIVE_DB
    if not db_path.exists():
        if not create:
            raise ArchiveError(f"{directory}: no archive here (run 'picturedesk import PATH' to make one)")
        if directory.exists() and not directory.is_dir():
            raise ArchiveError(f"{directory}: is a file, not an archive directory")
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ArchiveError(f"{directory}: cannot create the archive directory: {exc.strerror}") from None
    if not os.access(directory, os.W_OK):
        raise ArchiveError(f"{directory}: the archive directory is read-only")
    try:
        conn = connect(db_path, mapped=mapped)
        _migrate(conn, directory)
    except sqlite3.DatabaseError as exc:
        raise ArchiveError(f"{db_path}: cannot open the archive: {_sqlite_reason(exc)}") from None
    return Archive(directory, conn, mapped=mapped)


def _migrate(conn: sqlite3.Connection, directory: Path) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise ArchiveError(
            f"{directory}: archive schema version {version} is newer than this Picture Desk "
            f"understands ({SCHEMA_VERSION}); update Picture Desk")
    if version == SCHEMA_VERSION:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Another process may have migrated while we waited for the lock.
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        db = None
        for target in range(version, SCHEMA_VERSION):
            db = apply(conn, MIGRATIONS[target], db)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:     # an interrupt may come just after COMMIT
            conn.execute("ROLLBACK")
        raise


def is_read_only(exc: BaseException) -> bool:
    """Did a write fail because the archive's database cannot be written (a read-only
    file, folder or disk)?  Reading it still works."""
    return isinstance(exc, sqlite3.OperationalError) and (
        "readonly" in str(exc) or "read-only" in str(exc))


def _sqlite_reason(exc: Exception) -> str:
    text = str(exc)
    if "not a database" in text:
        return "not a Picture Desk archive (the file is not an SQLite database)"
    if "disk is full" in text or "database or disk is full" in text:
        return "the disk is full"
    if "readonly" in text or "read-only" in text:
        return "the archive is read-only"
    return text


@contextmanager
def transaction(conn) -> Iterator[None]:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any error.  Inside a transaction
    already open it is a savepoint, so an action made of several steps (an edit and
    its licence, an accepted pairing) commits or rolls back as one."""
    if conn.in_transaction:
        conn.execute("SAVEPOINT nested")
        try:
            yield
        except BaseException:
            conn.execute("ROLLBACK TO nested")
            conn.execute("RELEASE nested")
            raise
        conn.execute("RELEASE nested")
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def rollback(conn) -> None:
    """Roll back what is open (after an error or a cancel), if anything is."""
    if conn.in_transaction:
        conn.execute("ROLLBACK")


class Batches:
    """Writes in transactions of ``size`` rows (an import's): a failure or a kill
    loses one open batch at most."""

    def __init__(self, conn, size: int):
        self.conn = conn
        self.size = size
        self.pending = 0

    def begin_if_needed(self):
        if self.pending == 0:
            self.conn.execute("BEGIN IMMEDIATE")

    def done_one(self):
        self.pending += 1
        if self.pending >= self.size:
            self.commit()

    def commit(self):
        if self.pending:
            self.conn.execute("COMMIT")
            self.pending = 0

    def rollback(self):
        if self.pending or self.conn.in_transaction:
            self.conn.execute("ROLLBACK")
            self.pending = 0
