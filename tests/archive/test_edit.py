"""Edits live in the archive; the file's own values stay visible and can be restored."""

from __future__ import annotations

import datetime as dt

import pytest

from archive.demo.photos import PhotoSpec, write_photo
from archive.edit import edit_photo, revert_fields
from archive.errors import UsageError
from archive.records import photo_record
from archive.store.search import search
from archive.sync import import_paths


@pytest.fixture
def photo(archive, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    path = write_photo(folder, PhotoSpec("a.jpg", creator=["Laura Boushnak"], caption="Agency caption",
                                         city="Kiev", taken=dt.datetime(2022, 12, 17, 11, tzinfo=dt.timezone.utc),
                                         size=(80, 60)))
    import_paths(archive, [folder], thumbnails=False)
    return archive.conn.execute("SELECT id FROM photos").fetchone()[0], path


def test_edit_changes_working_values_and_keeps_the_files_own(archive, photo):
    photo_id, path = photo
    before = path.read_bytes()
    edit_photo(archive, photo_id, {"caption": "Desk caption about Lviv", "city": "Lviv",
                                   "creator": ["Laura Boushnak", "Second Person"]})
    record = photo_record(archive, photo_id)
    assert record["caption"] == "Desk caption about Lviv"
    assert record["creator"] == ["Laura Boushnak", "Second Person"]
    assert record["embedded"]["caption"] == "Agency caption"
    assert record["embedded"]["city"] == "Kiev"
    assert path.read_bytes() == before                        # the original is never touched
    assert search(archive.conn, "place:Lviv").photo_ids == [photo_id]
    assert search(archive.conn, 'by:"Second Person"').photo_ids == [photo_id]
    assert search(archive.conn, "place:Kyiv").photo_ids == []


def test_revert_restores_the_files_values(archive, photo):
    photo_id, _ = photo
    edit_photo(archive, photo_id, {"caption": "Desk caption", "city": "Lviv"})
    revert_fields(archive, photo_id, ["caption", "city"])
    record = photo_record(archive, photo_id)
    assert record["caption"] == "Agency caption" and record["city"] == "Kiev"
    assert record["edited"] == [] and record["embedded"] == {}
    assert search(archive.conn, "place:Kyiv").photo_ids == [photo_id]


def test_unknown_field_is_a_clear_error(archive, photo):
    photo_id, _ = photo
    with pytest.raises(UsageError, match="cannot edit width"):
        edit_photo(archive, photo_id, {"width": 5})
