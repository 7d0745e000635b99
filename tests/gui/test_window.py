"""The main window through its real panels, on a copy of the demo archive."""

from __future__ import annotations

import datetime as dt

import pytest
from PIL import Image
from PySide6.QtCore import QItemSelectionModel, Qt

from tests.gui.conftest import DEMO_DAY, _delete_now


def names(window) -> list[str]:
    m = window.sheet.model
    return [m.row(i).name for i in range(m.total) if m.row(i) is not None]


def ids_by_name(desk) -> dict:
    return {r.name: r.id for r in desk.results("", limit=100).rows}


def test_the_window_opens_on_the_demo(window, qtbot):
    assert "Picture Desk" in window.windowTitle()
    menus = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert menus == ["File", "Edit", "View", "Photos", "Articles", "Help"]
    assert window.sheet.model.total == 10
    assert window.centre.currentWidget() is window.sheet
    assert window.date_edit.date().toPython() == DEMO_DAY
    # The first photo is current, so the inspector shows it.
    qtbot.waitUntil(lambda: window.context.current == window.sheet.model.row(0).id, timeout=3000)


def test_every_menu_action_has_a_shortcut_and_the_help_lists_them(window):
    from desktop.gui.shortcuts import ShortcutsDialog, shortcut_rows

    rows = shortcut_rows(window.menuBar())
    assert len(rows) >= 20
    without = [name for menu, name, keys in rows if not keys and name not in
               ("About Picture Desk", "Open the demo", "Add files…") and menu != "View"]
    assert without == []
    window.show_shortcuts()                                     # Help -> Keyboard shortcuts
    dialog = window.shortcuts_dialog
    assert isinstance(dialog, ShortcutsDialog) and dialog.isVisible()
    listed = {dialog.tree.topLevelItem(i).child(j).text(0)
              for i in range(dialog.tree.topLevelItemCount())
              for j in range(dialog.tree.topLevelItem(i).childCount())}
    assert {"Undo", "Add folder…", "Licences…", "Check now", "Open the preview"} <= listed


def test_search_by_photographer_and_place_then_narrow_by_a_facet(window, qtbot):
    bar = window.search
    bar.set_query('by:"Brendan Hoffman"')
    assert window.sheet.model.total == 3
    assert all("Brendan Hoffman" in window.sheet.model.row(i).creators for i in range(3))
    bar.set_query("place:Kyiv")
    assert window.sheet.model.total == 6
    qtbot.waitUntil(lambda: window.facets.query_counted == "place:Kyiv", timeout=10000)
    creators = {name: (count, term) for name, count, term in window.facets.items("creator")}
    count, term = creators["Laura Boushnak"]
    window.facets.apply(term)                                   # a click on the value
    assert bar.text() == f"place:Kyiv {term}"
    assert window.sheet.model.total == count == 1
    bar.set_query("place:Kyiv")
    qtbot.waitUntil(lambda: window.facets.query_counted == "place:Kyiv", timeout=10000)
    window.facets.apply(term, exclude=True)                     # Ctrl-click: exclude
    assert bar.text() == f"place:Kyiv -{term}"
    assert window.sheet.model.total == 6 - count


def test_a_bad_query_is_shown_at_its_column_and_keeps_the_result(window):
    window.search.set_query("by:Hoffman")
    before = window.sheet.model.total
    window.search.set_query('by:"Hoffman')
    assert window.search.error.isVisibleTo(window)
    assert "quote" in window.search.error.text().lower()
    assert window.sheet.model.total == before


def test_sort_by_file_name_and_back(window):
    window.sheet.sort.setCurrentIndex(2)        # file name: A to Z
    shown = names(window)
    assert shown == sorted(shown, key=str.lower) and len(shown) == 10
    window.sheet.order.setChecked(True)         # Z to A
    assert names(window) == shown[::-1]
    window.sheet.sort.setCurrentIndex(0)        # capture time, newest first
    moments = [dt.datetime.fromisoformat(window.sheet.model.row(i).taken_at) for i in range(10)]
    as_utc = [m if m.tzinfo else m.replace(tzinfo=dt.timezone.utc) for m in moments]
    assert as_utc == sorted(as_utc, reverse=True)


def test_selection_reaches_the_inspector_and_space_opens_the_preview(window, qtbot):
    view = window.sheet.view
    view.setFocus()
    view.setCurrentIndex(window.sheet.model.index_of(2))
    view.selectionModel().select(window.sheet.model.index_of(2), QItemSelectionModel.ClearAndSelect)
    qtbot.waitUntil(lambda: window.context.current == window.sheet.model.row(2).id, timeout=3000)
    qtbot.keyClick(view, Qt.Key_Space)
    assert window.docks["preview"].isVisible()
    qtbot.waitUntil(lambda: not window.preview.image.isNull(), timeout=10000)
    view.selectAll()
    qtbot.waitUntil(lambda: len(window.context.selection) == 10, timeout=3000)
    assert window.inspector.mode() == "batch"


def test_thumbnails_arrive_off_the_gui_thread(window, qtbot):
    first = window.sheet.model.row(0).id
    qtbot.waitUntil(lambda: window.sheet.loader.pixmap(first) is not None, timeout=10000)
    assert window.sheet.loader.pixmap(first).width() > 0


def test_a_licence_added_in_the_dialog_changes_the_badges(window, qtbot):
    from desktop.gui.licences import LicencesDialog

    desk = window.context.desk
    pid = ids_by_name(desk)["exif_only_kyiv.jpg"]          # Brendan Hoffman, no credit in the file
    before = desk.record(pid, on=DEMO_DAY)["clearance"]["status"]
    assert before == "not_cleared"
    dialog = LicencesDialog(window.context, window)
    dialog.changed.connect(window._rights_changed)
    dialog.licensor.setText("Brendan Hoffman")
    dialog.kind.setCurrentText("commissioned")
    dialog.creators.setPlainText("Brendan Hoffman")
    dialog.valid_until.setText("next week")
    assert dialog.add() is False
    assert "not a date" in dialog.error.text()
    dialog.valid_until.setText("2023-12-31")
    assert dialog.add() is True
    assert any("Brendan Hoffman" in n for n in dialog.licence_names())
    qtbot.waitUntil(lambda: not window.context.jobs.running(), timeout=30000)
    assert desk.record(pid, on=DEMO_DAY)["clearance"]["status"] != "not_cleared"
    row = next(r for r in desk.rows([pid], on=DEMO_DAY))
    assert row.clearance.current and row.clearance.status != "not_cleared"


def test_a_deny_lease_on_the_selection(window, qtbot):
    from desktop.gui.licences import LeasesDialog

    desk = window.context.desk
    pid = ids_by_name(desk)["pa_copenhagen.jpg"]
    assert desk.record(pid, on=DEMO_DAY)["clearance"]["status"] == "cleared"
    window.context.set_selection([pid])
    dialog = LeasesDialog(window.context, window)
    dialog.changed.connect(window._rights_changed)
    dialog.deny.setChecked(True)
    dialog.note.setText("withdrawn by the agency")
    assert dialog.add()
    assert dialog.list.count() == 1
    qtbot.waitUntil(lambda: not window.context.jobs.running(), timeout=30000)
    assert desk.record(pid, on=DEMO_DAY)["clearance"]["status"] == "not_cleared"
    assert desk.rows([pid], on=DEMO_DAY)[0].clearance.lease == "deny"


def _jpegs(folder, n, start=0):
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(start, start + n):
        Image.new("RGB", (96, 64), (i % 250, 40, 90)).save(folder / f"new_{i:04d}.jpg", quality=70)


def test_import_a_folder_with_a_bad_file_through_the_job(window, qtbot, tmp_path):
    folder = tmp_path / "feed"
    _jpegs(folder, 5)
    (folder / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    job = window.import_paths([folder])
    qtbot.waitUntil(lambda: job not in window.context.jobs.running(), timeout=60000)
    qtbot.waitUntil(lambda: window.sheet.model.total == 15, timeout=10000)
    assert window.report_dialog.isVisible()
    text = window.report_dialog.text.toPlainText()
    assert "broken.jpg" in text and "Added 5" in text


def test_cancel_an_import(window, qtbot, tmp_path):
    folder = tmp_path / "big"
    _jpegs(folder, 400)
    job = window.import_paths([folder])
    job.cancel()
    qtbot.waitUntil(lambda: job not in window.context.jobs.running(), timeout=60000)
    qtbot.waitUntil(lambda: not window.context.jobs.running(), timeout=30000)
    total = window.context.desk.photo_count()
    assert 10 <= total < 410
    # The archive is consistent: importing again finishes the job.
    job = window.import_paths([folder])
    qtbot.waitUntil(lambda: job not in window.context.jobs.running(), timeout=120000)
    assert window.context.desk.photo_count() == 410


def test_an_empty_archive_shows_the_welcome_view(qtbot, tmp_path):
    from archive.desk import Desk
    from desktop.gui.context import DeskContext
    from desktop.gui.main_window import MainWindow

    ctx = DeskContext(Desk.open(tmp_path / "empty"))
    win = MainWindow(ctx)
    win.show()
    assert win.centre.currentWidget() is win.welcome
    assert win.welcome.add_button.text() == "Add folder…"
    win.close()
    _delete_now(win)
    ctx.desk.close()


def test_settings_persist(window):
    from desktop.gui.settings import SettingsDialog, default_date

    dialog = SettingsDialog(window.context, window)
    dialog.fixed.setChecked(True)
    dialog.date.setDate(dt.date(2023, 1, 5))
    dialog.size.setValue(240)
    window.apply_settings(dialog.store())
    assert default_date() == dt.date(2023, 1, 5)
    assert window.sheet.thumb_size == 240
    assert window.context.on == dt.date(2023, 1, 5)
    again = SettingsDialog(window.context, window)
    assert again.size.value() == 240 and again.fixed.isChecked()


def test_the_window_reads_photo_files_only_in_worker_processes(window, tmp_path):
    """A reader that crashes or hangs on a hostile file costs that file, not the window
    (tests/archive/test_import_crashing_reader.py shows the crash through the desk)."""
    window.open_archive_at(str(tmp_path / "another"), create=True)
    assert window.context.desk.directory == tmp_path / "another"
    assert window.context.desk.archive.readers_apart


def test_the_photo_count_and_the_note_beside_it_stand_apart(window):
    """Seen in a screenshot: "10 photosChecks are out of date…" ran together."""
    window.sheet.message.setText("Checks are out of date for this date; checking…")
    window.sheet.layout().activate()
    count, message = window.sheet.count.geometry(), window.sheet.message.geometry()
    assert message.left() - count.right() >= 8
