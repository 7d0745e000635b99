"""One fold for names (archive/folding.py): the rules, the matcher and search's facet
keys read "Jean-Luc Martin", "Jean Luc Martin" and "JEAN-LUC MARTIN" as one name, and
an archive made before keeps its facets, merged where two values are now one."""

from __future__ import annotations

import datetime as dt

import sqlean

from archive.demo.photos import PhotoSpec, write_photo
from archive.folding import fold
from archive.rules.names import compare
from archive.store import open_archive
from archive.store.schema import MIGRATIONS, SCHEMA_VERSION, apply
from archive.store.search import facets_of, search
from archive.sync import import_paths

ON = dt.date(2024, 5, 1)


def test_the_fold_drops_what_is_not_a_letter_or_a_digit():
    assert fold("Jean-Luc Martin") == fold("Jean Luc  Martin") == fold("JEAN-LUC MARTIN") == "jean luc martin"
    assert fold("O’Connor") == fold("O'Connor") == "o connor"
    assert fold("Київ") == "kiiv"        # anyascii; the gazetteer knows it is Kyiv
    assert fold("Tomás Munita") == "tomas munita"
    assert fold("credit.format (error)") == "credit format error"
    assert fold("--") == ""


def test_search_finds_a_photographer_under_every_spelling_the_rules_call_the_same(tmp_path):
    folder = tmp_path / "photos"
    folder.mkdir()
    for i, name in enumerate(["Jean-Luc Martin", "Jean Luc Martin", "JEAN-LUC MARTIN", "Sam Lee"]):
        write_photo(folder, PhotoSpec(f"p{i}.jpg", creator=[name], caption="A crowd.", size=(32, 24)), seed=i)
    with open_archive(tmp_path / "archive") as archive:
        import_paths(archive, [folder], thumbnails=False)
        conn = archive.conn
        assert compare("Jean Luc Martin", "Jean-Luc Martin")[0] == "close"       # one person, spelt otherwise
        for typed in ("Jean-Luc Martin", "jean luc martin", "JEAN LUC MARTIN"):
            assert search(conn, f'by:"{typed}"', today=ON).total == 3, typed
        creators = facets_of(conn, "", today=ON)["creator"]
        # One value, of the three photos, whose term finds them.
        assert [count for name, count, _ in creators if fold(name) == "jean luc martin"] == [3]
        term = next(t for name, _, t in creators if fold(name) == "jean luc martin")
        assert search(conn, term, today=ON).total == 3


def _v10_archive(directory):
    directory.mkdir()
    conn = sqlean.connect(str(directory / "archive.db"))
    for migration in MIGRATIONS[:10]:
        apply(conn, migration)
    conn.execute("PRAGMA user_version = 10")
    for pid, key in ((1, 100), (2, 200), (3, 300)):
        conn.execute("INSERT INTO photos(id, sort_key, path) VALUES (?, ?, ?)", (pid, key, f"/x/{pid}.jpg"))
    # Keys as the old fold made them: hyphens and brackets kept.
    values = [(10, "creator", "Jean-Luc Martin", "jean-luc martin", 2), (11, "creator", "Jean Luc Martin",
              "jean luc martin", 2), (12, "rules", "credit.format (error)", "credit format (error)", 1),
              (13, "creator", "Sam Lee", "sam lee", 1)]
    conn.executemany("INSERT INTO facet_values(id, kind, name, norm, count) VALUES (?,?,?,?,?)", values)
    links = [(10, 100, 1), (10, 200, 2), (11, 200, 2), (11, 300, 3), (12, 100, 1), (13, 300, 3)]
    conn.executemany("INSERT INTO photo_facets(value_id, sort_key, photo_id) VALUES (?,?,?)", links)
    conn.execute("INSERT INTO bitmap_cache(key, generation, data) VALUES ('b:old', 1, x'00')")
    conn.commit()
    conn.close()


def test_an_archive_of_version_10_gets_the_new_keys_and_merged_values(tmp_path):
    _v10_archive(tmp_path / "v10")
    with open_archive(tmp_path / "v10") as archive:
        conn = archive.conn
        assert archive.schema_version == SCHEMA_VERSION
        rows = conn.execute("SELECT id, kind, name, norm, count FROM facet_values ORDER BY id").fetchall()
        # Jean-Luc (lower id of two equal counts) keeps its name and takes the other's photos.
        assert rows == [(10, "creator", "Jean-Luc Martin", "jean luc martin", 3),
                        (12, "rules", "credit.format (error)", "credit format error", 1),
                        (13, "creator", "Sam Lee", "sam lee", 1)]
        assert sorted(r[0] for r in conn.execute("SELECT photo_id FROM photo_facets WHERE value_id = 10")) == [1, 2, 3]
        assert conn.execute("SELECT count(*) FROM bitmap_cache WHERE key = 'b:old'").fetchone()[0] == 0
        assert sorted(search(conn, 'by:"Jean Luc Martin"', today=ON).photo_ids) == [1, 2, 3]
        assert search(conn, "rules:credit.format", today=ON).photo_ids == [1]
        assert search(conn, 'rules:"credit.format (error)"', today=ON).photo_ids == [1]
