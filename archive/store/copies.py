"""The SQL run on whole copies of an archive: a backup being made, one about to be
restored (archive/backup.py), so that SQL on archive.db stays in ``store/``."""

from __future__ import annotations

import sqlean as sqlite3


def photo_count(conn) -> int:
    """How many photos the copy holds (0 when it cannot say)."""
    try:
        return conn.execute("SELECT count(*) FROM photos").fetchone()[0]
    except sqlite3.DatabaseError:
        return 0


def quick_check(conn) -> str:
    """SQLite's quick check of the copy: "ok", or the first problem."""
    return conn.execute("PRAGMA quick_check").fetchone()[0]


def integrity_problems(conn, limit: int = 5) -> list[str]:
    """SQLite's whole integrity check: [] when the copy is whole, else up to ``limit`` problems."""
    try:
        problems = [row[0] for row in conn.execute(f"PRAGMA integrity_check({int(limit)})")]
    except sqlite3.DatabaseError as exc:
        problems = [str(exc)]
    return [] if problems == ["ok"] else problems


def stand_alone(conn) -> None:
    """A copy that is one file (no write-ahead log beside it)."""
    conn.execute("PRAGMA journal_mode = DELETE")


def identity(conn) -> tuple[int, str | None]:
    """(schema version, archive id) of a copy; raises sqlite3.DatabaseError if it is no archive."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    row = conn.execute("SELECT value FROM meta WHERE key = 'archive_id'").fetchone()
    return version, (row[0] if row else None)


def new_identity(conn) -> None:
    """A new archive id, so no search value cached for the archive before is taken for it."""
    conn.execute("UPDATE meta SET value = abs(random()) WHERE key = 'archive_id'")
