"""Photos → Write caption into the files…: asks first, runs as a job off the GUI
thread with progress, writes the selection's files, lists the ones it could not."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading

import pytest
from PySide6.QtWidgets import QMessageBox

from archive import embedding

EXIFTOOL = shutil.which("exiftool")


@pytest.fixture
def desk(demo_template, tmp_path):
    """The window's desk over copies of the demo's photos: the demo archive's own rows
    point at the session's shared template photos, which these tests must not change."""
    from archive.desk import Desk

    photos = tmp_path / "photos"
    shutil.copytree(demo_template / "photos", photos)
    opened = Desk.open(tmp_path / "archive")
    opened.import_paths([photos], thumbnails=False, processes=1)
    yield opened
    opened.close()


def select(window, count: int) -> list[int]:
    ids = [window.sheet.model.row(i).id for i in range(count)]
    window.context.set_selection(ids)
    return ids


def test_the_action_is_in_the_photos_menu_with_a_shortcut(window):
    action = window.actions_by_name["embed"]
    assert action.text() == "&Write caption into the files…" and action.shortcut().toString() == "Ctrl+Shift+E"
    window.context.set_selection([])
    assert not action.isEnabled()
    select(window, 1)
    assert action.isEnabled()


@pytest.mark.skipif(EXIFTOOL is None, reason="exiftool is not installed")
def test_it_asks_then_writes_the_files_in_a_job(qtbot, window, monkeypatch):
    desk = window.context.desk
    ids = select(window, 2)
    desk.edit(ids, {"caption": "Київ at night, Saturday.", "credit": "Jørgensen"})
    window.context.photosChanged.emit(ids)            # as the inspector does: the sidecar job follows
    asked, threads = [], []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.Yes)
    real = embedding.embed_photos

    def spy(*a, **kw):
        threads.append(threading.get_ident())
        return real(*a, **kw)

    monkeypatch.setattr(embedding, "embed_photos", spy)
    qtbot.wait(300)                                   # the sidecar job starting as the action is chosen
    window.context.set_selection(ids)                 # (the sheet's refresh after the edit reset it)
    window.actions_by_name["embed"].trigger()
    assert "the 2 selected photos" in asked[0] and "changes the photos' files" in asked[0]
    qtbot.waitUntil(lambda: getattr(window, "embed_result", None) is not None, timeout=30000)
    assert sorted(window.embed_result.written) == sorted(ids) and window.embed_result.failed == []
    assert threads and threading.get_ident() not in threads
    for pid in ids:
        path = desk.record(pid)["path"]
        out = subprocess.run([EXIFTOOL, "-s3", "-charset", "utf8", "-IPTC:Caption-Abstract", path],
                             capture_output=True, text=True, encoding="utf-8", check=True).stdout
        assert out.strip() == "Київ at night, Saturday."
    sync = desk.sync(thumbnails=False, processes=1)
    assert sync.updated == 0 and sync.conflicts == []


def test_no_means_nothing_is_written(qtbot, window, monkeypatch):
    desk = window.context.desk
    ids = select(window, 1)
    path = desk.record(ids[0])["path"]
    with open(path, "rb") as f:
        before = f.read()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.No)
    called = []
    monkeypatch.setattr(embedding, "embed_photos", lambda *a, **k: called.append(1))
    window.write_into_files()
    qtbot.wait(200)
    assert called == []
    with open(path, "rb") as f:
        assert f.read() == before


def test_a_file_that_cannot_be_written_is_listed_and_the_others_written(qtbot, window, monkeypatch):
    desk = window.context.desk
    ids = select(window, 2)
    locked = desk.record(ids[0])["path"]
    os.chmod(locked, 0o444)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Yes)
    window.write_into_files()
    qtbot.waitUntil(lambda: getattr(window, "embed_report", None) is not None, timeout=30000)
    text = window.embed_report.text.toPlainText()
    assert "into 1 file;" in text and f"{locked}: the file is read-only" in text
