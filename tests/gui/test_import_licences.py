"""Importing and rescanning folders through jobs (progress and Cancel in the status bar,
the report of what failed or was skipped), and the licences, leases and assign-licence
dialogs changing what the sheet shows.  Real Desk on a copy of the demo, offscreen Qt."""

from __future__ import annotations

import shutil
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent

from tests.gui.conftest import DEMO_DAY, wait_job

# The shared corpus beside the repository (a worktree may sit one level deeper).
CORPUS = next((p / "shared" / "corpus" / "real" for p in Path(__file__).resolve().parents
               if (p / "shared" / "corpus" / "real").is_dir()), Path("/nonexistent"))


def _jpegs(folder: Path, n: int, start: int = 0) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(start, start + n):
        Image.new("RGB", (80, 60), (i * 5 % 250, 60, 120)).save(folder / f"feed_{i:04d}.jpg", quality=60)
    return folder


def _ids(desk) -> dict[str, int]:
    return {r.name: r.id for r in desk.results("", limit=200).rows}


def _row(window, name):
    m = window.sheet.model
    for i in range(m.total):
        row = m.row(i)
        if row is not None and row.name == name:
            return row
    return None


def _watch_jobs(window) -> dict:
    """Record every job's progress as the status bar receives it (connected before it runs)."""
    seen = {"jobs": [], "progress": []}

    def started(job):
        seen["jobs"].append(job)
        job.signals.progress.connect(lambda done, total, msg: seen["progress"].append((done, total)))

    window.context.jobs.started.connect(started)
    return seen


def _wait_idle(window, qtbot, timeout=60000):
    qtbot.waitUntil(lambda: not window.context.jobs.running(), timeout=timeout)


# ------------------------------------------------------------------ import and rescan

def test_import_a_folder_through_the_job_with_progress_in_the_status_bar(window, qtbot, tmp_path):
    folder = _jpegs(tmp_path / "feed", 6)
    if CORPUS.is_dir():
        for name in ("Canon_40D.jpg", "Nikon_D70.jpg"):
            shutil.copy(CORPUS / name, folder / name)
    expected = 10 + len(list(folder.iterdir()))
    seen = _watch_jobs(window)
    job = window.import_paths([folder])
    status = window.status_widget
    assert status.isVisible() and status.cancel.isVisible()            # progress with Cancel
    assert status.label.text().startswith("Importing")
    wait_job(qtbot, job, 60000)
    assert seen["progress"] and seen["progress"][-1][0] > 0
    qtbot.waitUntil(lambda: window.sheet.model.total == expected, timeout=10000)
    assert window.statusBar().currentMessage().startswith("Import done. Added")
    assert getattr(window, "report_dialog", None) is None                 # nothing failed: no dialog
    qtbot.waitUntil(lambda: not status.isVisible(), timeout=60000)
    assert window.actions_by_name["last_report"].isEnabled()


def test_a_bad_file_and_skipped_files_appear_in_the_report(window, qtbot, tmp_path):
    folder = _jpegs(tmp_path / "feed", 3)
    (folder / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    (folder / "layout.psd").write_bytes(b"8BPS")
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4")
    job = window.import_paths([folder])
    wait_job(qtbot, job, 60000)
    qtbot.waitUntil(lambda: getattr(window, "report_dialog", None) is not None
                    and window.report_dialog.isVisible(), timeout=5000)
    text = window.report_dialog.text.toPlainText()
    assert "Added 3" in text
    assert "broken.jpg" in text and "truncated" in text.lower()          # the file and why
    assert "Skipped 2" in text and "PDF 1" in text and "PSD 1" in text
    window.report_dialog.close()
    window.actions_by_name["last_report"].trigger()                       # File -> Last import report
    assert window.report_dialog.isVisible() and "broken.jpg" in window.report_dialog.text.toPlainText()


def test_cancel_an_import_with_the_status_bar_button(window, qtbot, tmp_path):
    folder = _jpegs(tmp_path / "big", 300)
    job = window.import_paths([folder])
    qtbot.mouseClick(window.status_widget.cancel, Qt.LeftButton)          # Cancel
    assert job.is_cancelled
    wait_job(qtbot, job, 60000)
    assert "cancelled" in window.statusBar().currentMessage()
    _wait_idle(window, qtbot)
    desk = window.context.desk
    count = desk.photo_count()
    assert 10 <= count < 310
    qtbot.waitUntil(lambda: window.sheet.model.total == count, timeout=10000)
    # Consistent: every photo that is in has its record, and importing again finishes the job.
    for pid in list(_ids(desk).values())[:20]:
        assert desk.record(pid, on=DEMO_DAY)["path"]
    job = window.import_paths([folder])
    wait_job(qtbot, job, 120000)
    assert desk.photo_count() == 310


def test_drop_folders_on_the_window_to_import_them(window, qtbot, tmp_path):
    folder = _jpegs(tmp_path / "dropped", 2)
    seen = _watch_jobs(window)
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(folder))])
    event = QDropEvent(QPoint(200, 200), Qt.CopyAction, data, Qt.LeftButton, Qt.NoModifier)
    window.dropEvent(event)
    assert seen["jobs"] and seen["jobs"][0].title.startswith("Importing")
    qtbot.waitUntil(lambda: window.sheet.model.total == 12, timeout=60000)


def test_rescan_finds_a_missing_file(window, qtbot, tmp_path):
    folder = _jpegs(tmp_path / "feed", 3)
    job = window.import_paths([folder])
    wait_job(qtbot, job, 60000)
    (folder / "feed_0001.jpg").unlink()
    seen = _watch_jobs(window)
    window.actions_by_name["sync"].trigger()                      # File -> Rescan folders
    assert [j.title for j in seen["jobs"]][:1] == ["Rescanning folders"]
    qtbot.waitUntil(lambda: window.last_report and "missing 1" in window.last_report[0], timeout=60000)
    assert "Rescan done." in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: _row(window, "feed_0001.jpg") is not None and _row(window, "feed_0001.jpg").missing,
                    timeout=10000)


def test_stale_checks_are_brought_current_in_the_background(window, qtbot):
    seen = _watch_jobs(window)
    window.context.set_date(DEMO_DAY.replace(year=2031))          # every licence judged again
    assert [j.title for j in seen["jobs"]] == ["Checking photos"]
    _wait_idle(window, qtbot)
    assert window.context.desk.checks_state(window.context.on).current


# ------------------------------------------------------------------ licences

def _licences(window):
    from desktop.gui.licences import LicencesDialog

    window.actions_by_name["licences"].trigger()
    dialog = window.licences_dialog
    assert isinstance(dialog, LicencesDialog) and dialog.isVisible()
    return dialog


def test_add_a_licence_in_the_dialog_and_see_the_clearance_change(window, qtbot):
    desk = window.context.desk
    pid = _ids(desk)["exif_only_kyiv.jpg"]                       # Brendan Hoffman, no credit in the file
    assert desk.record(pid, on=DEMO_DAY)["clearance"]["status"] == "not_cleared"
    dialog = _licences(window)
    before = len(dialog.licence_names())
    qtbot.keyClicks(dialog.licensor, "Brendan Hoffman")
    dialog.kind.setCurrentText("commissioned")
    qtbot.keyClicks(dialog.creators, "Brendan Hoffman")
    qtbot.keyClicks(dialog.valid_until, "2023-12-31")
    qtbot.mouseClick(dialog.add_button, Qt.LeftButton)                      # Add
    assert dialog.error.text() == ""
    assert len(dialog.licence_names()) == before + 1 and "Brendan Hoffman" in dialog.licence_names()
    _wait_idle(window, qtbot)
    status = desk.record(pid, on=DEMO_DAY)["clearance"]["status"]
    assert status in ("cleared", "conditional")                   # commissioned: conditional by its kind
    qtbot.waitUntil(lambda: _row(window, "exif_only_kyiv.jpg").clearance.status == status, timeout=10000)
    # The licence lists the photos it covers.
    dialog.reload()
    dialog.select_licence(max(r["id"] for r in desk.licences()))
    shown = [dialog.photos.item(i).text() for i in range(dialog.photos.count())]
    assert any(t.startswith("exif_only_kyiv.jpg") for t in shown)


def test_a_bad_date_is_shown_beside_the_form_and_nothing_is_added(window, qtbot):
    dialog = _licences(window)
    before = dialog.licence_names()
    qtbot.keyClicks(dialog.licensor, "Scanpix")
    qtbot.keyClicks(dialog.valid_until, "next week")
    qtbot.mouseClick(dialog.add_button, Qt.LeftButton)
    assert dialog.error.isVisible()
    assert "not a date" in dialog.error.text() and "next week" in dialog.error.text()
    # Beside the form, not over it: the fields keep their places.
    assert dialog.creators.geometry().bottom() < dialog.territories.geometry().top()
    assert "border" in dialog.valid_until.styleSheet() and dialog.licensor.styleSheet() == ""
    assert dialog.licence_names() == before
    dialog.valid_until.setText("2024-01-01")
    dialog.valid_from.setText("2025-01-01")
    qtbot.mouseClick(dialog.add_button, Qt.LeftButton)
    assert "before" in dialog.error.text()
    assert "border" in dialog.valid_from.styleSheet() and "border" in dialog.valid_until.styleSheet()
    dialog.valid_from.clear()
    qtbot.mouseClick(dialog.add_button, Qt.LeftButton)
    assert dialog.error.text() == "" and dialog.valid_until.styleSheet() == ""
    assert "Scanpix" in dialog.licence_names()


def test_edit_and_remove_a_licence(window, qtbot):
    desk = window.context.desk
    pid = _ids(desk)["pa_copenhagen.jpg"]
    assert desk.record(pid, on=DEMO_DAY)["clearance"]["status"] == "cleared"
    pa = next(r for r in desk.licences() if r["licensor"] == "PA")
    dialog = _licences(window)
    dialog.select_licence(pa["id"])
    assert dialog.licensor.text() == "PA" and dialog.save_button.isEnabled()
    assert any(dialog.photos.item(i).text().startswith("pa_copenhagen.jpg") for i in range(dialog.photos.count()))
    dialog.valid_until.setText("2022-06-30")                       # it ended before the publication date
    qtbot.mouseClick(dialog.save_button, Qt.LeftButton)
    assert dialog.error.text() == ""
    _wait_idle(window, qtbot)
    assert desk.record(pid, on=DEMO_DAY)["clearance"]["status"] == "not_cleared"
    assert dialog.remove() is True
    assert "PA" not in dialog.licence_names()
    assert all(r["licensor"] != "PA" for r in desk.licences())


# ------------------------------------------------------------------ leases and assignment

def test_a_deny_lease_on_the_selected_photo(window, qtbot):
    from desktop.gui.licences import LeasesDialog

    desk = window.context.desk
    pid = _ids(desk)["hoffman_air_raid_kyiv.jpg"]
    assert desk.record(pid, on=DEMO_DAY)["clearance"]["status"] == "cleared"
    window.sheet.select_photo(pid)
    qtbot.waitUntil(lambda: window.context.selection == [pid], timeout=5000)
    window.actions_by_name["leases"].trigger()
    dialog = window.leases_dialog
    assert isinstance(dialog, LeasesDialog) and "1 photo" in dialog.windowTitle()
    dialog.deny.setChecked(True)
    qtbot.keyClicks(dialog.valid_from, "someday")
    qtbot.mouseClick(dialog.add_button, Qt.LeftButton)
    assert dialog.error.isVisible() and "not a date" in dialog.error.text()
    assert dialog.list.count() == 0
    dialog.valid_from.setText("2022-12-01")
    qtbot.keyClicks(dialog.note, "the family asked us not to use it")
    qtbot.mouseClick(dialog.add_button, Qt.LeftButton)
    assert not dialog.error.isVisible()
    assert dialog.list.count() == 1 and "Deny" in dialog.list.item(0).text()
    _wait_idle(window, qtbot)
    assert desk.record(pid, on=DEMO_DAY)["clearance"]["status"] == "not_cleared"
    qtbot.waitUntil(lambda: _row(window, "hoffman_air_raid_kyiv.jpg").clearance.lease == "deny", timeout=10000)
    dialog.list.setCurrentRow(0)
    qtbot.mouseClick(dialog.remove_button, Qt.LeftButton)
    assert dialog.list.count() == 0
    _wait_idle(window, qtbot)
    assert desk.record(pid, on=DEMO_DAY)["clearance"]["status"] == "cleared"


def test_assign_a_licence_to_the_selection_and_undo_it(window, qtbot):
    from desktop.gui.licences import AssignLicenceDialog

    desk = window.context.desk
    pid = _ids(desk)["exif_only_kyiv.jpg"]
    assert desk.record(pid, on=DEMO_DAY)["clearance"]["status"] == "not_cleared"
    nyt = next(r for r in desk.licences() if r["licensor"] == "The New York Times")
    window.sheet.select_photo(pid)
    qtbot.waitUntil(lambda: window.context.selection == [pid], timeout=5000)
    window.actions_by_name["assign_licence"].trigger()
    dialog = window.assign_dialog
    assert isinstance(dialog, AssignLicenceDialog) and dialog.isVisible()
    dialog.choose(nyt["id"])
    dialog.accept()                                                    # Assign
    _wait_idle(window, qtbot)
    record = desk.record(pid, on=DEMO_DAY)
    assert record["licence"]["id"] == nyt["id"]
    assert record["clearance"]["status"] != "not_cleared"
    assert window.context.undo_stack.canUndo()
    assert "The New York Times" in window.context.undo_stack.undoText()
    seen = _watch_jobs(window)
    window.actions_by_name["undo"].trigger()                           # Edit -> Undo
    qtbot.waitUntil(lambda: "Checking photos" in [j.title for j in seen["jobs"]], timeout=5000)   # a check follows
    _wait_idle(window, qtbot)
    assert desk.record(pid, on=DEMO_DAY)["clearance"]["status"] == "not_cleared"


def test_the_folders_dialog_lists_what_rescan_reads(window, qtbot, tmp_path):
    from desktop.gui.import_dialog import FoldersDialog

    folder = _jpegs(tmp_path / "agency", 2)
    job = window.import_paths([folder])
    wait_job(qtbot, job, 60000)
    window.actions_by_name["folders"].trigger()                       # File -> Folders…
    dialog = window.folders_dialog
    assert isinstance(dialog, FoldersDialog) and dialog.isVisible()
    qtbot.waitUntil(lambda: str(folder) in dialog.folders(), timeout=5000)
    assert "12 photos" in dialog.summary.text()
    seen = _watch_jobs(window)
    qtbot.mouseClick(dialog.rescan_button, Qt.LeftButton)
    assert [j.title for j in seen["jobs"]][:1] == ["Rescanning folders"]
    _wait_idle(window, qtbot)


def test_a_job_that_fails_says_so_in_a_message(window, qtbot, monkeypatch):
    from archive.errors import UsageError

    def broken(self, *args, **kwargs):
        raise UsageError("the folder /feeds/afp is on a drive that is not connected")

    monkeypatch.setattr(type(window.context.desk), "sync", broken)
    job = window.rescan()
    wait_job(qtbot, job, 30000)
    qtbot.waitUntil(lambda: getattr(window, "failure_box", None) is not None
                    and window.failure_box.isVisible(), timeout=5000)
    assert "not connected" in window.failure_box.text()
    assert "not connected" in window.statusBar().currentMessage()
    window.failure_box.close()


def test_assign_from_the_licences_dialog_and_reveal_a_covered_photo(window, qtbot):
    desk = window.context.desk
    pid = _ids(desk)["exif_only_kyiv.jpg"]
    reuters = next(r for r in desk.licences() if r["licensor"] == "Reuters")
    window.sheet.select_photo(pid)
    qtbot.waitUntil(lambda: window.context.selection == [pid], timeout=5000)
    dialog = _licences(window)
    dialog.select_licence(reuters["id"])
    assert dialog.assign_button.isEnabled()
    qtbot.mouseClick(dialog.assign_button, Qt.LeftButton)
    assert desk.record(pid, on=DEMO_DAY)["licence"]["id"] == reuters["id"]
    assert any(dialog.photos.item(i).text().startswith("exif_only_kyiv.jpg") for i in range(dialog.photos.count()))
    assert "Reuters" in window.context.undo_stack.undoText()
    _wait_idle(window, qtbot)
    # Double-click a covered photo: the sheet shows it, even when the search had hidden it.
    window.search.set_query("by:Boushnak")
    assert window.sheet.model.position_of(pid) is None
    dialog.photoChosen.emit(pid)
    assert window.search.text() == ""
    qtbot.waitUntil(lambda: window.context.current == pid, timeout=5000)
