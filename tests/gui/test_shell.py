"""The window's shell: starting it (from the command line too), its menus, toolbar and
shortcuts, the welcome view, settings, theme, recent archives, the layout it
remembers and closing it with jobs running.  Real Desk, offscreen Qt."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QDateEdit, QFileDialog, QToolBar

from tests.gui.conftest import DEMO_DAY, _delete_now, wait_job

REPO = Path(__file__).resolve().parents[2]
NO_SHORTCUT = {"About Picture Desk"}          # reachable from the Help menu; nobody needs a key for it


def menu_titles(window) -> list[str]:
    return [a.text().replace("&", "") for a in window.menuBar().actions()]


def menu_items(window, title: str) -> list[str]:
    menu = next(a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == title)
    return [a.text().replace("&", "") for a in menu.actions() if not a.isSeparator()]


def _jpegs(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        Image.new("RGB", (64, 48), (i * 7 % 250, 90, 40)).save(folder / f"shot_{i:04d}.jpg", quality=60)
    return folder


def _new_window(desk, on=None):
    from desktop.gui.context import DeskContext
    from desktop.gui.main_window import MainWindow

    ctx = DeskContext(desk)
    if on:
        ctx.set_date(on)
    win = MainWindow(ctx)
    win.show()
    return win


def _dispose(win) -> None:
    win.close()
    _delete_now(win)
    win.context.desk.close()


# ------------------------------------------------------------------ what it shows

def test_the_window_opens_on_the_demo_with_its_menus_toolbar_and_date(window):
    assert window.windowTitle().startswith("Picture Desk")
    assert str(window.context.desk.directory) in window.windowTitle()
    assert menu_titles(window) == ["File", "Edit", "View", "Photos", "Articles", "Help"]
    assert menu_items(window, "File")[:3] == ["Add folder…", "Add files…", "Rescan folders"]
    assert {"Open archive…", "Recent archives", "Open the demo", "Settings…", "Quit"} <= set(menu_items(window, "File"))
    assert {"Undo", "Redo", "Select all", "Batch edit…"} <= set(menu_items(window, "Edit"))
    assert {"Check now", "Licences…", "Leases on selection…", "Assign licence…"} <= set(menu_items(window, "Photos"))
    assert {"Open article…", "Paste article…"} <= set(menu_items(window, "Articles"))
    assert menu_items(window, "Help") == ["Keyboard shortcuts", "About Picture Desk"]
    assert "Export caption sheet…" in menu_items(window, "File")
    # The sheet in the middle, not the welcome view, with the demo's photos.
    assert window.centre.currentWidget() is window.sheet
    assert window.sheet.model.total == 10
    # The toolbar: actions with icons, the search bar and "publishing on".
    toolbar = window.findChild(QToolBar, "toolbar-main")
    assert window.search.parent() is toolbar or toolbar.isAncestorOf(window.search)
    dates = toolbar.findChildren(QDateEdit)
    assert dates and dates[0].date().toPython() == DEMO_DAY
    icons = [a for a in toolbar.actions() if not a.isSeparator() and a.text() and not a.icon().isNull()]
    assert len(icons) >= 7
    # The panels: facets left; inspector, articles and preview tabbed on the right.
    assert window.dockWidgetArea(window.docks["facets"]) == Qt.LeftDockWidgetArea
    assert window.dockWidgetArea(window.docks["inspector"]) == Qt.RightDockWidgetArea
    assert set(window.tabifiedDockWidgets(window.docks["inspector"])) == {window.docks["articles"],
                                                                         window.docks["preview"]}


def test_the_date_in_the_toolbar_is_the_context_date(window):
    window.date_edit.setDate(dt.date(2023, 3, 1))
    assert window.context.on == dt.date(2023, 3, 1)
    window.context.set_date(DEMO_DAY)
    assert window.date_edit.date().toPython() == DEMO_DAY


def test_every_action_has_an_icon_file_drawn_as_svg():
    from desktop.gui.theme import icon_names, resource

    names = set(icon_names())
    assert {"import", "sync", "search", "undo", "redo", "licence", "check", "article", "preview", "zoom",
            "settings", "lease", "assign", "keyboard"} <= names
    for name in names:
        text = resource("icons", f"{name}.svg").read_text()
        assert text.startswith("<svg") and 'viewBox="0 0 24 24"' in text


def test_every_menu_action_has_a_shortcut_no_two_share_one_and_help_lists_them(window, qtbot):
    from desktop.gui.shortcuts import ShortcutsDialog, shortcut_rows

    rows = shortcut_rows(window.menuBar())
    assert len(rows) >= 28
    assert [name for _menu, name, keys in rows if not keys and name not in NO_SHORTCUT] == []
    assert any(menu == "View › Panels" for menu, _n, _k in rows)      # submenus too
    # One key, one action: an ambiguous shortcut fires neither.
    seen = {}
    for action in window.findChildren(QAction):
        if action.shortcutContext() not in (Qt.WindowShortcut, Qt.ApplicationShortcut):
            continue
        for seq in action.shortcuts():
            key = seq.toString(QKeySequence.PortableText)
            if key and action.isEnabled():
                assert seen.setdefault(key, action.text()) == action.text(), f"{key} twice"
    window.actions_by_name["shortcuts"].trigger()                 # Help -> Keyboard shortcuts
    dialog = window.shortcuts_dialog
    assert isinstance(dialog, ShortcutsDialog) and dialog.isVisible()
    listed = dialog.listed()
    for menu, name, keys in rows:
        assert listed[(menu, name)] == keys
    assert listed[("Photos", "Licences…")] == QKeySequence("Ctrl+L").toString(QKeySequence.NativeText)
    assert listed[("Contact sheet", "Open the preview")]                   # keys of the panels too
    assert "Undo" not in listed[("Edit", "Undo")].split(", ")               # a dedicated key is not listed
    dialog.filter.setText("licence")
    shown = [dialog.tree.topLevelItem(i).child(j).text(0) for i in range(dialog.tree.topLevelItemCount())
             for j in range(dialog.tree.topLevelItem(i).childCount())
             if not dialog.tree.topLevelItem(i).child(j).isHidden()]
    assert set(shown) == {"Licences…", "Assign licence…"}


def test_a_shortcut_triggers_its_action(window, qtbot):
    qtbot.keyClick(window, Qt.Key_L, Qt.ControlModifier)
    qtbot.waitUntil(lambda: getattr(window, "licences_dialog", None) is not None
                    and window.licences_dialog.isVisible(), timeout=3000)
    window.licences_dialog.close()


def test_an_empty_archive_shows_the_welcome_view_and_add_folder_imports(qtbot, tmp_path, monkeypatch):
    from archive.desk import Desk

    win = _new_window(Desk.open(tmp_path / "empty"))
    try:
        assert win.centre.currentWidget() is win.welcome
        assert win.welcome.isVisible()
        assert win.welcome.add_button.text() == "Add folder…"
        assert win.welcome.demo_button.text() == "Open the demo"
        folder = _jpegs(tmp_path / "first", 4)
        monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
        started = []
        win.context.jobs.started.connect(started.append)
        qtbot.mouseClick(win.welcome.add_button, Qt.LeftButton)
        assert started and started[0].title.startswith("Importing")
        wait_job(qtbot, started[0], 60000)
        qtbot.waitUntil(lambda: win.centre.currentWidget() is win.sheet, timeout=10000)
        qtbot.waitUntil(lambda: win.sheet.model.total == 4, timeout=10000)
    finally:
        _dispose(win)


def test_open_the_demo_from_the_welcome_view(qtbot, tmp_path, monkeypatch, demo_dir):
    import archive.demo
    from archive.desk import Desk

    built = []

    def fake_build(directory=None, progress=None):        # the demo is built (copied) in tmp
        built.append(directory)
        return {"archive": str(demo_dir / "archive")}

    monkeypatch.setattr(archive.demo, "build_demo", fake_build)
    win = _new_window(Desk.open(tmp_path / "empty"), on=dt.date(2024, 1, 1))
    try:
        qtbot.mouseClick(win.welcome.demo_button, Qt.LeftButton)
        qtbot.waitUntil(lambda: win.context.desk.directory == demo_dir / "archive", timeout=20000)
        assert built == [None]
        assert win.context.on == DEMO_DAY and win.date_edit.date().toPython() == DEMO_DAY
        qtbot.waitUntil(lambda: win.centre.currentWidget() is win.sheet and win.sheet.model.total == 10,
                        timeout=10000)
        assert str(demo_dir / "archive") in win.windowTitle()
    finally:
        win.context.jobs.cancel_all()
        win.context.jobs.wait(20000)
        _dispose(win)


# ------------------------------------------------------------------ settings, theme, layout

def test_settings_persist_and_apply(window, qtbot):
    from desktop.gui.settings import SettingsDialog, default_date

    window.actions_by_name["settings"].trigger()
    dialog = window.settings_dialog
    assert isinstance(dialog, SettingsDialog) and dialog.isVisible()
    assert str(window.context.desk.directory) in dialog.archive.text()
    assert dialog.profile.currentText() == window.context.desk.profile_name()
    dialog.fixed.setChecked(True)
    dialog.date.setDate(dt.date(2023, 2, 14))
    dialog.size.setValue(220)
    dialog.theme.setCurrentIndex(dialog.theme.findData("system"))
    dialog.accept()                                                # OK
    assert window.sheet.thumb_size == 220
    assert window.context.on == dt.date(2023, 2, 14)
    assert not window.actions_by_name["theme"].isChecked()
    s = QSettings()
    assert s.value("sheet/thumb_size", type=int) == 220 and s.value("view/theme") == "system"
    assert default_date() == dt.date(2023, 2, 14)
    again = SettingsDialog(window.context, window)
    assert again.size.value() == 220 and again.fixed.isChecked()
    assert again.theme.currentData() == "system"
    window.set_theme("dark")
    assert window.actions_by_name["theme"].isChecked()


def test_the_theme_is_dark_grey_by_default_and_the_system_palette_on_request(window):
    from PySide6.QtGui import QPalette

    from desktop.gui.theme import apply_theme, current_theme

    app = QApplication.instance()
    apply_theme(app, "dark")
    window.set_theme("dark")
    colour = app.palette().color(QPalette.Window)
    assert colour.red() == colour.green() == colour.blue() < 80          # neutral and dark
    assert "QToolBar" in app.styleSheet()
    window.actions_by_name["theme"].trigger()                            # View -> Dark theme off
    assert current_theme() == "system" and app.styleSheet() == ""
    assert QSettings().value("view/theme") == "system"
    window.actions_by_name["theme"].trigger()
    assert current_theme() == "dark"


def test_the_layout_and_recent_archives_are_remembered(qtbot, desk, tmp_path):
    win = _new_window(desk, on=DEMO_DAY)
    win.docks["facets"].hide()
    win.close()
    _delete_now(win)
    s = QSettings()
    assert s.value("window/state") is not None and s.value("window/geometry") is not None
    assert s.value("archives/recent")[0] == str(desk.directory)
    again = _new_window(desk, on=DEMO_DAY)
    try:
        assert not again.docks["facets"].isVisible()
        again.recent_menu.aboutToShow.emit()
        entries = [a.text() for a in again.recent_menu.actions()]
        assert entries == [str(desk.directory)]
        assert again.recent_menu.actions()[0].isChecked()
    finally:
        again.close()
        _delete_now(again)


def test_closing_the_window_cancels_its_jobs(qtbot, desk, tmp_path):
    folder = _jpegs(tmp_path / "many", 300)
    win = _new_window(desk, on=DEMO_DAY)
    job = win.import_paths([folder])
    cancelled = []
    job.signals.cancelled.connect(lambda: cancelled.append(True))
    win.close()
    assert win.context.jobs.pool.activeThreadCount() == 0          # waited for it
    assert job.is_cancelled
    _delete_now(win)
    count = desk.photo_count()
    assert 10 <= count <= 310                                       # whole batches only


# ------------------------------------------------------------------ starting it

def test_help_does_not_import_qt():
    code = ("import sys; from desktop.cli import build_parser; build_parser().format_help(); "
            "print('PySide6' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def _patched_exec(monkeypatch, seen):
    """app.exec() returns at once, after noting the window it would have run."""
    def fake_exec(*_args):
        for w in QApplication.topLevelWidgets():
            if w.isVisible() and w.objectName() == "" and hasattr(w, "context"):
                seen.append((w.windowTitle(), w.context.on, w.centre.currentWidget() is w.welcome, w))
        return 0
    monkeypatch.setattr(QApplication, "exec", staticmethod(fake_exec))


def test_picturedesk_with_no_command_opens_the_window_on_the_archive(qtbot, monkeypatch, tmp_path):
    from desktop.cli import main

    seen = []
    _patched_exec(monkeypatch, seen)
    monkeypatch.setenv("PICTUREDESK_ARCHIVE", str(tmp_path / "mine"))
    assert main([]) == 0
    title, on, welcome, win = seen[-1]
    assert str(tmp_path / "mine") in title and welcome            # a new archive: the welcome view
    assert on == dt.date.today()
    assert not win.isVisible()                                    # closed after the loop
    _delete_now(win)
    seen.clear()
    assert main(["--archive", str(tmp_path / "other")]) == 0
    assert str(tmp_path / "other") in seen[-1][0]
    _delete_now(seen[-1][3])


def test_picturedesk_demo_opens_the_window_on_the_demo_date(qtbot, monkeypatch, tmp_path):
    from desktop.cli import main

    seen = []
    _patched_exec(monkeypatch, seen)
    assert main(["demo", "--archive", str(tmp_path / "demo")]) == 0
    title, on, welcome, win = seen[-1]
    assert on == DEMO_DAY and not welcome and str(tmp_path / "demo" / "archive") in title
    _delete_now(win)


def test_demo_no_window_keeps_the_headless_behaviour(qtbot, monkeypatch, tmp_path, capsys):
    from desktop.cli import main

    seen = []
    _patched_exec(monkeypatch, seen)
    assert main(["demo", "--archive", str(tmp_path / "demo"), "--no-window"]) == 0
    assert "Demo archive:" in capsys.readouterr().out
    assert main(["demo", "--archive", str(tmp_path / "demo"), "--json"]) == 0
    assert '"photos": 10' in capsys.readouterr().out
    assert seen == []


def test_no_display_is_a_message_not_a_crash(monkeypatch, capsys):
    from desktop.cli import main

    if not sys.platform.startswith("linux"):
        pytest.skip("the display check is for X11 and Wayland")
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    assert main([]) == 2
    assert "no display" in capsys.readouterr().err


def test_build_window_through_the_app_module(qtbot, demo_dir):
    from desktop.gui.app import build_window, close_window

    app, win = build_window(demo_dir / "archive", on=DEMO_DAY, create=False)
    try:
        win.show()
        qtbot.waitUntil(lambda: win.sheet.model.total == 10, timeout=10000)
        assert app is QApplication.instance()
        assert win.context.desk.archive.readers_apart        # photo files are read in workers only
    finally:
        close_window(win)
        _delete_now(win)
    assert not win.context.jobs.running()


def test_the_app_passes_fractional_scale_factors_through(tmp_path):
    code = ("from desktop.gui.app import make_app; app = make_app(); "
            "print(app.highDpiScaleFactorRoundingPolicy().name, app.property('pd_theme'))")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path), "HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, env=env,
                         timeout=60, check=True)
    assert out.stdout.split() == ["PassThrough", "dark"]


def test_open_archive_asks_before_starting_a_new_one(window, qtbot, monkeypatch, tmp_path, demo_dir):
    from PySide6.QtWidgets import QMessageBox

    before = window.context.desk.directory
    plain = tmp_path / "just-photos"
    plain.mkdir()
    asked = []
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(plain))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.No)
    window.actions_by_name["open_archive"].trigger()               # File -> Open archive…
    assert asked and "no Picture Desk archive" in asked[0]
    assert window.context.desk.directory == before and not (plain / "archive.db").exists()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Yes)
    window.actions_by_name["open_archive"].trigger()
    assert window.context.desk.directory == plain
    qtbot.waitUntil(lambda: window.centre.currentWidget() is window.welcome, timeout=5000)
    # An existing archive opens without a question, and it is first in Recent archives.
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(before))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: pytest.fail("asked about an archive"))
    window.actions_by_name["open_archive"].trigger()
    assert window.context.desk.directory == before
    qtbot.waitUntil(lambda: window.sheet.model.total == 10, timeout=10000)
    assert QSettings().value("archives/recent")[:2] == [str(before), str(plain)]
