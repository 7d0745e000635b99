"""Forward migrations: an archive made by an older version opens and keeps its data."""

from __future__ import annotations

import sqlean
import pytest

from archive.errors import ArchiveError
from archive.store import open_archive
from archive.store.schema import MIGRATIONS, SCHEMA_VERSION, apply


def test_version_1_archive_migrates_forward_keeping_photos(tmp_path):
    directory = tmp_path / "old"
    directory.mkdir()
    conn = sqlean.connect(str(directory / "archive.db"))
    apply(conn, MIGRATIONS[0])
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
        apply(conn, migration)
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
        apply(conn, migration)
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


def _shape(conn, table):
    return [tuple(r[1:]) for r in conn.execute(f"PRAGMA table_xinfo({table})")]


def _objects(conn, table):
    return sorted(conn.execute("SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ? "
                               "AND type IN ('index', 'trigger') AND sql IS NOT NULL", [table]).fetchall())


def test_columns_added_through_sqlite_utils_have_the_types_sql_gave_them(archive):
    types = {r[1]: (r[2], r[3], r[4]) for r in archive.conn.execute("PRAGMA table_info(photos)")}
    for name in ("licence_id", "licence_resolved", "checked_epoch"):
        assert types[name] == ("INTEGER", 0, None)
    for name in ("clearance_status", "clearance_on", "clearance", "rule_status", "checked_profile",
                 "clearance_from", "clearance_until"):
        assert types[name] == ("TEXT", 0, None)


def test_transform_changes_a_column_and_keeps_rows_indexes_and_triggers(archive):
    from archive.store.schema import database, transform

    conn = archive.conn
    conn.execute("INSERT INTO photos(sort_key, path, caption, orientation, checked_epoch) "
                 "VALUES (42, '/x/a.jpg', 'Kyiv', 6, 3)")
    before_objects, before_rows = _objects(conn, "photos"), conn.execute("SELECT * FROM photos").fetchall()
    before_shape = _shape(conn, "photos")
    conn.execute("BEGIN IMMEDIATE")                   # as a migration runs
    transform(database(conn), "photos", types={"orientation": str})
    conn.execute("COMMIT")
    assert _objects(conn, "photos") == before_objects
    after_shape = _shape(conn, "photos")
    assert [c[0] for c in after_shape] == [c[0] for c in before_shape]
    assert dict((c[0], c[1]) for c in after_shape)["orientation"] == "TEXT"
    assert conn.execute("SELECT * FROM photos").fetchall() == [tuple("6" if v == 6 else v for v in before_rows[0])]
    # The triggers still work: an edit logs the photo and makes its check stale.
    seq = conn.execute("SELECT max(seq) FROM changes").fetchone()[0]
    conn.execute("UPDATE photos SET caption = 'Kyiv, Ukraine' WHERE path = '/x/a.jpg'")
    assert conn.execute("SELECT checked_epoch FROM photos").fetchone()[0] is None
    assert conn.execute("SELECT count(*) FROM changes WHERE seq > ?", [seq]).fetchone()[0] >= 1
    with pytest.raises(ValueError):
        transform(database(conn), "photos", drop=["caption"])


def test_opening_a_current_archive_does_not_load_sqlite_utils(archive):
    import subprocess
    import sys

    code = ("import sys; from archive.store import open_archive; open_archive(sys.argv[1]).close(); "
            "print('sqlite_utils' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(archive.directory)], capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr


def test_making_a_new_archive_does_not_load_sqlite_utils(tmp_path):
    """Every migration runs for a new archive; none of them needs sqlite-utils (70 ms of
    a 1,000-photo import's start)."""
    import subprocess
    import sys

    code = ("import sys; from archive.store import open_archive; a = open_archive(sys.argv[1]); "
            "print(a.schema_version, 'sqlite_utils' in sys.modules); a.close()")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "new")], capture_output=True, text=True)
    assert out.stdout.split() == [str(SCHEMA_VERSION), "False"], out.stderr
