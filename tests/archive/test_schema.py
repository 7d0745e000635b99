"""Forward migrations: an archive made by an older version opens and keeps its data."""

from __future__ import annotations

import sqlean
import pytest

from archive.errors import ArchiveError
from archive.store import open_archive
from archive.store.schema import MIGRATIONS, SCHEMA_VERSION


def test_version_1_archive_migrates_forward_keeping_photos(tmp_path):
    directory = tmp_path / "old"
    directory.mkdir()
    conn = sqlean.connect(str(directory / "archive.db"))
    for statement in MIGRATIONS[0]:
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO photos(sort_key, path, caption, creator) VALUES (42, '/x/a.jpg', 'Old caption', '[\"A B\"]')")
    conn.commit()
    conn.close()
    with open_archive(directory) as archive:
        assert archive.schema_version == SCHEMA_VERSION
        row = archive.conn.execute("SELECT path, caption, creator, licence_id FROM photos").fetchone()
        assert row == ("/x/a.jpg", "Old caption", '["A B"]', None)
        tables = {r[0] for r in archive.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert {"articles", "pairs", "licences", "leases", "violations"} <= tables


def test_newer_archive_is_refused_not_damaged(tmp_path):
    directory = tmp_path / "new"
    directory.mkdir()
    conn = sqlean.connect(str(directory / "archive.db"))
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.commit()
    conn.close()
    with pytest.raises(ArchiveError, match="newer"):
        open_archive(directory)


def test_not_a_database_is_a_clear_error(tmp_path):
    directory = tmp_path / "junk"
    directory.mkdir()
    (directory / "archive.db").write_bytes(b"hello, this is not sqlite" * 100)
    with pytest.raises(ArchiveError, match="not a Picture Desk archive"):
        open_archive(directory)
