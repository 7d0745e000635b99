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


def test_version_4_generation_carries_on_in_the_change_log(tmp_path):
    directory = tmp_path / "v4"
    directory.mkdir()
    conn = sqlean.connect(str(directory / "archive.db"))
    for migration in MIGRATIONS[:4]:
        for statement in migration:
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 4")
    conn.execute("UPDATE meta SET value = 1234 WHERE key = 'generation'")
    conn.execute("INSERT INTO bitmap_cache(key, generation, data) VALUES ('k', 1300, x'00')")
    conn.commit()
    conn.close()
    from archive.store.bitmaps import generation

    with open_archive(directory) as archive:
        conn = archive.conn
        assert generation(conn) == 1235                  # no cached bitmap can look current
        assert conn.execute("SELECT count(*) FROM bitmap_cache").fetchone()[0] == 0
        triggers = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")}
        assert not any(t.endswith("_generation") for t in triggers)
        conn.execute("INSERT INTO photos(sort_key, path) VALUES (42, '/x/a.jpg')")
        assert generation(conn) == 1236
        assert conn.execute("SELECT photo_id FROM changes ORDER BY seq DESC LIMIT 1").fetchone()[0] == 1


def test_version_5_verdicts_hold_for_their_own_day_after_migrating(tmp_path):
    directory = tmp_path / "v5"
    directory.mkdir()
    conn = sqlean.connect(str(directory / "archive.db"))
    for migration in MIGRATIONS[:5]:
        for statement in migration:
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 5")
    conn.execute("INSERT INTO photos(sort_key, path, clearance_status, clearance_on, checked_epoch) "
                 "VALUES (42, '/x/a.jpg', 'cleared', '2022-12-19', 1)")
    conn.execute("INSERT INTO photos(sort_key, path) VALUES (43, '/x/b.jpg')")
    conn.commit()
    conn.close()
    with open_archive(directory) as archive:
        rows = archive.conn.execute("SELECT path, clearance_from, clearance_until FROM photos ORDER BY path").fetchall()
        assert rows == [("/x/a.jpg", "2022-12-19", "2022-12-19"), ("/x/b.jpg", None, None)]
        indexes = {r[0]: r[1] for r in archive.conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type='index' AND name='photos_cleared'")}
        assert "clearance_on" not in indexes["photos_cleared"]
