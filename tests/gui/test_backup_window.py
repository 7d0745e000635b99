"""File → Back up archive… and Restore from backup…, and the daily backup the
window makes a while after an archive opens (kept as many days as Settings say)."""

from __future__ import annotations

import sqlite3

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QMessageBox

from tests.gui.conftest import wait_job


def _job(window, title):
    return next(j for j in window.context.jobs.running() if j.title == title)


def test_the_daily_backup_keeps_as_many_as_settings_say(qtbot, window):
    backups = window.context.desk.directory / "backups"
    QSettings().setValue("backup/keep_daily", 0)
    window._daily_backup()
    assert not any(j.title == "Daily backup" for j in window.context.jobs.running()) and not backups.exists()
    QSettings().setValue("backup/keep_daily", 3)
    assert window._backup_timer.isActive()                 # set when the archive opened
    window._daily_backup()
    wait_job(qtbot, _job(window, "Daily backup"))
    made = list(backups.glob("daily-*.db"))
    assert len(made) == 1
    assert sqlite3.connect(made[0]).execute("SELECT count(*) FROM photos").fetchone()[0] == 10
    qtbot.waitUntil(lambda: "Daily backup kept in" in window.statusBar().currentMessage(), timeout=3000)


def test_settings_say_how_many_daily_backups(qtbot, context):
    from desktop.gui.settings import SettingsDialog

    dlg = SettingsDialog(context)
    qtbot.addWidget(dlg)
    assert dlg.backups.value() == 7
    dlg.backups.setValue(0)
    assert dlg.backups.text() == "Off"
    dlg.store()
    assert int(QSettings().value("backup/keep_daily")) == 0


def test_back_up_then_restore_through_the_window(qtbot, window, tmp_path, monkeypatch):
    target = tmp_path / "before-the-edit.db"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window.actions_by_name["back_up"].trigger()
    wait_job(qtbot, _job(window, "Backing up the archive"))
    assert target.exists()
    desk = window.context.desk
    pid = window.sheet.model.row(0).id
    before = desk.record(pid)["caption"]
    desk.edit([pid], {"caption": "A caption written after the backup"})
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.Yes)
    window.restore_backup(str(target))
    assert "10 photos" in asked[0] and "before\u2011restore\u2011" in asked[0]
    wait_job(qtbot, _job(window, "Restoring the archive"))
    qtbot.waitUntil(lambda: window.context.desk is not desk, timeout=5000)    # opened afresh
    assert window.context.desk.record(pid)["caption"] == before
    assert "Restored 10 photos" in window.statusBar().currentMessage()
    kept = list((window.context.desk.directory / "backups").glob("before-restore-*.db"))
    assert len(kept) == 1


def test_a_file_that_is_not_a_backup_is_refused_before_asking(qtbot, window, tmp_path, monkeypatch):
    bad = tmp_path / "notes.db"
    bad.write_text("hello")
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warned.append(a[2]))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: (_ for _ in ()).throw(AssertionError("asked")))
    window.restore_backup(str(bad))
    assert warned and "notes.db" in warned[0]


def test_a_damaged_backup_is_checked_in_the_job_and_nothing_changes(qtbot, window, tmp_path, monkeypatch):
    from archive.backup import backup
    from tests.archive.test_backup import _damaged

    good = backup(window.context.desk.directory, tmp_path / "good.db")
    bad = _damaged(good.path, tmp_path)
    before = (window.context.desk.directory / "archive.db").stat().st_mtime_ns
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Yes)
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warned.append(a[2]))   # never a modal box here
    window.restore_backup(str(bad))                 # asked (its photos counted), then checked off the screen's thread
    assert warned == []
    qtbot.waitUntil(lambda: getattr(window, "failure_box", None) is not None, timeout=10000)
    assert "damaged, not restored" in window.failure_box.text()
    assert (window.context.desk.directory / "archive.db").stat().st_mtime_ns == before

