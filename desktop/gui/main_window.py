"""The main window: the contact sheet in the middle, facets on the left, the
inspector, articles and preview on the right; menus, a toolbar and shortcuts
for every action; long work in the status bar with Cancel.

It only arranges the panels and turns actions into calls on the Desk or on a
job; the panels talk to each other through the shared :class:`DeskContext`.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from PySide6.QtCore import QDate, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QApplication, QDateEdit, QDockWidget, QFileDialog, QLabel, QMainWindow,
                               QMessageBox, QStackedWidget)

from archive.errors import PictureDeskError
from desktop.gui.jobs import Job
from desktop.gui.status import JobStatus, ReportDialog, report_lines
from desktop.gui.theme import apply_theme, icon

RECENT_MAX = 8
LAYOUT_VERSION = 2          # bump when the panels change: an older saved layout is then ignored
# Where a platform defines no standard key (Linux has none for Preferences).
FALLBACK_KEYS = {QKeySequence.Preferences: "Ctrl+,", QKeySequence.Quit: "Ctrl+Q",
                 QKeySequence.SelectAll: "Ctrl+A", QKeySequence.Find: "Ctrl+F"}


DAILY_BACKUP_DELAY_MS = 20_000      # after start-up's own work
DEFAULT_DAILY_BACKUPS = 7
WRITEBACK_DELAY_MS = 300


class MainWindow(QMainWindow):
    def __init__(self, context, parent=None):
        super().__init__(parent)
        self.context = context
        self.setWindowIcon(icon("app"))
        self.setAcceptDrops(True)
        self.setDockNestingEnabled(True)
        self.actions_by_name: dict[str, QAction] = {}
        self._icon_names: dict[str, str] = {}
        self.last_report: list[str] = []
        self._first_show = True
        self._closed = False
        self._on_finished: dict = {}
        self._build_panels()
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self.status_widget = JobStatus(context.jobs, self.statusBar(), self)
        self.statusBar().addPermanentWidget(self.status_widget)
        context.status.connect(self._status_message)
        context.deskChanged.connect(self._desk_changed)
        context.dateChanged.connect(self._date_changed)
        context.selectionChanged.connect(self._selection_changed)
        context.currentChanged.connect(self._current_changed)
        # Edits, undo and pairing make stored checks stale: bring them current once things settle.
        self._stale_timer = QTimer(self)
        self._stale_timer.setSingleShot(True)
        self._stale_timer.setInterval(800)
        self._stale_timer.timeout.connect(self._check_if_stale)
        context.photosChanged.connect(self._photos_changed)
        # Edits are in the archive at once; their sidecars follow in a job a moment later.
        self._writeback_timer = QTimer(self)
        self._writeback_timer.setSingleShot(True)
        self._writeback_timer.setInterval(WRITEBACK_DELAY_MS)
        self._writeback_timer.timeout.connect(self.write_sidecars)
        self._backup_timer = QTimer(self)
        self._backup_timer.setSingleShot(True)
        self._backup_timer.timeout.connect(self._daily_backup)
        self._restore_layout()
        self._desk_changed()
        self._selection_changed(context.selection)
        self._current_changed(context.current)

    # ------------------------------------------------------------ panels

    def _build_panels(self) -> None:
        from desktop.gui.articles import ArticlesPanel
        from desktop.gui.facets import FacetPanel
        from desktop.gui.inspector import Inspector
        from desktop.gui.preview import PreviewPane
        from desktop.gui.search_bar import SearchBar
        from desktop.gui.sheet import ContactSheet
        from desktop.gui.welcome import Welcome

        c = self.context
        self.sheet = ContactSheet(c, self)
        size = int(QSettings().value("sheet/thumb_size", 180))
        self.sheet.set_thumb_size(size)
        self.welcome = Welcome(self)
        self.welcome.addFolder.connect(self.add_folder)
        self.welcome.openDemo.connect(self.open_demo)
        self.centre = QStackedWidget(self)
        self.centre.addWidget(self.sheet)
        self.centre.addWidget(self.welcome)
        self.setCentralWidget(self.centre)
        self.search = SearchBar(c, self)
        self.facets = FacetPanel(c, self)
        self.inspector = Inspector(c, self)
        self.articles = ArticlesPanel(c, self)
        self.preview = PreviewPane(c, self)
        self.sheet.previewRequested.connect(self.show_preview)
        self.sheet.countChanged.connect(lambda _n: self._show_centre())
        self.docks = {}
        for name, title, widget, area in (
                ("facets", "Facets", self.facets, Qt.LeftDockWidgetArea),
                ("inspector", "Inspector", self.inspector, Qt.RightDockWidgetArea),
                ("articles", "Articles", self.articles, Qt.RightDockWidgetArea),
                ("preview", "Preview", self.preview, Qt.RightDockWidgetArea)):
            dock = QDockWidget(title, self)
            dock.setObjectName(f"dock-{name}")
            dock.setWidget(widget)
            self.addDockWidget(area, dock)
            self.docks[name] = dock
        self.docks["facets"].setMinimumWidth(170)
        self.docks["inspector"].setMinimumWidth(320)
        self.tabifyDockWidget(self.docks["inspector"], self.docks["articles"])
        self.tabifyDockWidget(self.docks["articles"], self.docks["preview"])
        self.docks["inspector"].raise_()
        self.resizeDocks([self.docks["facets"], self.docks["inspector"]], [250, 470], Qt.Horizontal)

    # ------------------------------------------------------------ actions

    def _action(self, name, text, slot, shortcut=None, icon_name=None, tip=None, checkable=False) -> QAction:
        a = QAction(text, self)
        if icon_name:
            a.setIcon(icon(icon_name))
            self._icon_names[name] = icon_name
        if shortcut:
            if isinstance(shortcut, QKeySequence.StandardKey):
                keys = QKeySequence.keyBindings(shortcut) or [QKeySequence(FALLBACK_KEYS[shortcut])]
            else:
                keys = [QKeySequence(shortcut)]
            a.setShortcuts(keys)
        if tip:
            a.setStatusTip(tip)
            a.setToolTip(tip)
        a.setCheckable(checkable)
        if slot is not None:
            a.triggered.connect(slot)
        self.actions_by_name[name] = a
        self.addAction(a)
        return a

    def _build_actions(self) -> None:
        A = self._action
        A("add_folder", "&Add folder…", self.add_folder, "Ctrl+I", "import", "Import photos from a folder")
        A("add_files", "Add &files…", self.add_files, "Ctrl+Shift+I", None, "Import single photos")
        A("sync", "&Rescan folders", self.rescan, "F5", "sync", "Find new, changed, moved and missing files")
        A("folders", "F&olders…", self.open_folders, "Ctrl+Shift+F", "open",
          "The folders this archive reads, to add to or rescan")
        A("last_report", "Last import &report…", self.show_last_report, "Ctrl+Shift+R", None,
          "What the last import or rescan added, skipped and could not read")
        A("export_sheet", "&Export caption sheet…", self.export_sheet, "Ctrl+E", None,
          "The licensed caption sheet of an article, the search or the selection: PDF, HTML, CSV, JSON")
        A("back_up", "&Back up archive…", self.back_up, "Ctrl+Shift+B", None,
          "A consistent copy of the archive, safe while you work")
        A("restore", "&Restore from backup…", self.restore_backup, "Ctrl+Alt+B", None,
          "Put a backup in place of the archive (the archive as it is now is kept)")
        A("open_archive", "&Open archive…", self.open_archive, "Ctrl+O", "archive", "Open another archive")
        A("open_demo", "Open the &demo", self.open_demo, "Ctrl+Shift+D", "demo", "Build and open the demo archive")
        A("settings", "&Settings…", self.open_settings, QKeySequence.Preferences, "settings")
        A("quit", "&Quit", self.close, QKeySequence.Quit, "quit")
        undo = self.context.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcuts(QKeySequence.Undo)
        redo = self.context.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcuts(QKeySequence.Redo)
        for name, action in (("undo", undo), ("redo", redo)):
            action.setIcon(icon(name))
            self._icon_names[name] = name
            self.actions_by_name[name] = action
            self.addAction(action)
        A("select_all", "Select &all", lambda: self.sheet.select_all(), QKeySequence.SelectAll, "select-all")
        A("batch_edit", "&Batch edit…", self.batch_edit, "Ctrl+B", "batch",
          "Edit a field of every selected photo at once")
        A("find", "&Find…", lambda: self.search.edit.setFocus(), QKeySequence.Find, "search")
        A("save_search", "Sa&ve search…", lambda: self.search.save_current(), "Ctrl+Shift+S")
        A("check", "&Check now", self.check_now, "Ctrl+K", "check",
          "Check captions, credits and licences for the publication date")
        A("licences", "&Licences…", self.open_licences, "Ctrl+L", "licence", "The desk's licences")
        A("leases", "L&eases on selection…", self.open_leases, "Ctrl+Shift+L", "lease",
          "Allow or deny the selected photos between two dates")
        A("assign_licence", "&Assign licence…", self.assign_licence, "Ctrl+Shift+A", "assign",
          "Say by hand which licence covers the selected photos")
        A("embed", "&Write caption into the files…", self.write_into_files, "Ctrl+Shift+E", None,
          "Write the caption, photographer and credit of the selected photos into their image files")
        A("preview", "&Preview photo", lambda: self.show_preview(self.context.current), "Ctrl+P", "preview")
        A("bigger", "&Larger thumbnails", lambda: self._thumb_step(24), "Ctrl+=", "zoom")
        A("smaller", "&Smaller thumbnails", lambda: self._thumb_step(-24), "Ctrl+-", "zoom-out")
        A("theme", "&Dark theme", self.toggle_theme, "Ctrl+Shift+T", "theme",
          "Neutral dark grey, or the system's colours", checkable=True)
        self.actions_by_name["theme"].setChecked(QSettings().value("view/theme", "dark") == "dark")
        A("open_article", "&Open article…", lambda: self._articles("open_file"), "Ctrl+Shift+O", "article")
        A("paste_article", "&Paste article…", lambda: self._articles("paste_text"), "Ctrl+Shift+V", "paste")
        A("match", "&Match captions", lambda: self._articles("match"), "Ctrl+M", "match")
        A("shortcuts", "&Keyboard shortcuts", self.show_shortcuts, "F1", "keyboard")
        A("about", "&About Picture Desk", self.show_about, None, "about")

    def export_sheet(self) -> None:
        from desktop.gui.export_dialog import ExportDialog

        ExportDialog(self.context, self, article_id=self.articles.article_id).open()

    def _build_menus(self) -> None:
        names = self.actions_by_name
        bar = self.menuBar()
        menus = (
            ("&File", ["add_folder", "add_files", "sync", "folders", "last_report", None, "export_sheet", None, "back_up", "restore", None, "open_archive", "@recent",
                       "open_demo", None, "settings", None, "quit"]),
            ("&Edit", ["undo", "redo", None, "select_all", "batch_edit", None, "find", "save_search"]),
            ("&View", ["@panels", None, "preview", "bigger", "smaller", None, "theme"]),
            ("&Photos", ["check", None, "licences", "leases", "assign_licence", None, "embed"]),
            ("&Articles", ["open_article", "paste_article", "match"]),
            ("&Help", ["shortcuts", "about"]),
        )
        for title, items in menus:
            menu = bar.addMenu(title)
            for item in items:
                if item is None:
                    menu.addSeparator()
                elif item == "@recent":
                    self.recent_menu = menu.addMenu("Recent archives")
                    self.recent_menu.setObjectName("recent")
                    self.recent_menu.aboutToShow.connect(self._fill_recent)
                elif item == "@panels":
                    panels = menu.addMenu("Panels")
                    for number, dock in enumerate(self.docks.values(), start=1):
                        toggle = dock.toggleViewAction()
                        toggle.setShortcut(QKeySequence(f"Alt+{number}"))
                        self.actions_by_name[f"panel_{dock.objectName()[5:]}"] = toggle
                        panels.addAction(toggle)
                else:
                    menu.addAction(names[item])

    def _build_toolbar(self) -> None:
        tb = self.addToolBar("Main")
        tb.setObjectName("toolbar-main")
        tb.setMovable(False)
        for name in ("add_folder", "sync", None, "undo", "redo", None, "check", "licences", "open_article",
                     "preview"):
            if name is None:
                tb.addSeparator()
            else:
                tb.addAction(self.actions_by_name[name])
        tb.addSeparator()
        tb.addWidget(self.search)
        tb.addSeparator()
        tb.addWidget(QLabel(" Publishing on ", self))
        self.date_edit = QDateEdit(self)
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("ddd d MMM yyyy")
        self.date_edit.setToolTip("The publication date licences and embargoes are judged for")
        on = self.context.on
        self.date_edit.setDate(QDate(on.year, on.month, on.day))
        self.date_edit.dateChanged.connect(self._date_edited)
        tb.addWidget(self.date_edit)

    # ------------------------------------------------------------ state

    def _status_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 10000)

    def _desk_changed(self) -> None:
        desk = self.context.desk
        if desk is None:
            self.setWindowTitle("Picture Desk")
            self._show_centre()
            return
        self.setWindowTitle(f"Picture Desk — {desk.directory}")
        self._remember_recent(str(desk.directory))
        self._show_centre()
        QTimer.singleShot(0, self._check_if_stale)
        self._backup_timer.start(DAILY_BACKUP_DELAY_MS)
        self._writeback_timer.start()              # what an earlier session left queued

    def _show_centre(self) -> None:
        empty = self.context.desk is None or (self.sheet.model.total == 0 and not self.context.query
                                              and self.context.desk.photo_count() == 0)
        self.centre.setCurrentWidget(self.welcome if empty else self.sheet)

    def _date_edited(self, qdate: QDate) -> None:
        self.context.set_date(_dt.date(qdate.year(), qdate.month(), qdate.day()))

    def _date_changed(self, on) -> None:
        q = QDate(on.year, on.month, on.day)
        if self.date_edit.date() != q:
            self.date_edit.blockSignals(True)
            self.date_edit.setDate(q)
            self.date_edit.blockSignals(False)
        self._check_if_stale()

    def _selection_changed(self, ids) -> None:
        n = len(ids)
        self.actions_by_name["leases"].setEnabled(n > 0)
        self.actions_by_name["assign_licence"].setEnabled(n > 0)
        self.actions_by_name["embed"].setEnabled(n > 0)
        self.actions_by_name["batch_edit"].setEnabled(n > 1)
        if n > 1:
            self.statusBar().showMessage(f"{n:,} photos selected", 4000)

    def _photos_changed(self, _ids) -> None:
        if not self._closed:
            self._stale_timer.start()
            self._writeback_timer.start()

    def write_sidecars(self) -> Job | None:
        """Write the queued sidecar writes (every edit queues its own in its transaction),
        off the GUI thread; say which could not be written (they stay queued)."""
        if self._closed or self.context.desk is None:
            return None
        from desktop.gui.embed_action import TITLE as EMBEDDING

        if any(j.title in ("Writing sidecars", EMBEDDING) for j in self.context.jobs.running()):
            self._writeback_timer.start()          # after this one: edits made meanwhile (the
            #                                        embedding writes its photos' sidecars itself)
            return None

        def done(unwritten) -> None:
            if unwritten:
                first = unwritten[0]
                more = f" and {len(unwritten) - 1:,} more" if len(unwritten) > 1 else ""
                self.statusBar().showMessage(
                    f"Not written to the sidecar {first.path}{more}: {first.reason}. The edits are saved in "
                    "the archive and written at the next edit or rescan.", 20000)

        return self.start_job("Writing sidecars", lambda d, progress, cancel: d.write_pending(), done)

    def write_into_files(self) -> None:
        """Photos → Write caption into the files… (asks first; a job)."""
        from desktop.gui.embed_action import write_into_files

        write_into_files(self)

    def _current_changed(self, pid: int) -> None:
        self.actions_by_name["preview"].setEnabled(pid is not None and pid >= 0)

    # ------------------------------------------------------------ jobs

    def start_job(self, title: str, work, on_finished=None) -> Job:
        job = Job(title, self.context.desk, work)
        if on_finished is not None:
            # A bound method of this window: Qt drops the connection if the window is gone.
            self._on_finished[job.signals] = on_finished
            job.signals.finished.connect(self._job_finished)
        job.signals.ended.connect(self._job_ended)
        job.signals.failed.connect(self._job_failed)
        return self.context.jobs.start(job)

    def _job_finished(self, result) -> None:
        callback = self._on_finished.pop(self.sender(), None)
        if callback is not None and not self._closed:
            callback(result)

    def _job_failed(self, message: str) -> None:
        if self._closed:
            return
        box = QMessageBox(QMessageBox.Warning, "Picture Desk", message, QMessageBox.Close, self)
        box.setWindowModality(Qt.NonModal)
        self.failure_box = box
        box.show()

    def _job_ended(self) -> None:
        self._on_finished.pop(self.sender(), None)
        if not self._closed:
            self.context.archiveChanged.emit()

    def import_paths(self, paths) -> Job | None:
        paths = [str(p) for p in paths if p]
        if not paths or self.context.desk is None:
            return None
        what = Path(paths[0]).name or paths[0]
        more = f" and {len(paths) - 1:,} more" if len(paths) > 1 else ""
        return self.start_job(f"Importing {what}{more}",
                              lambda desk, progress, cancel: desk.import_paths(paths, progress=progress,
                                                                                cancel=cancel),
                              lambda report: self._job_report("Import", report))

    def rescan(self) -> Job | None:
        if self.context.desk is None:
            return None
        return self.start_job("Rescanning folders",
                              lambda desk, progress, cancel: desk.sync(progress=progress, cancel=cancel),
                              lambda report: self._job_report("Rescan", report))

    def _job_report(self, what: str, report) -> None:
        data = report.to_dict() if hasattr(report, "to_dict") else dict(report or {})
        lines = report_lines(data)
        self.last_report, self._last_report_title = lines, what
        self.actions_by_name["last_report"].setEnabled(True)
        problems = bool(data.get("failed")) or bool((data.get("thumbnails") or {}).get("failed"))
        if problems:
            self.show_last_report()
        summary = lines[0]
        skipped = data.get("skipped")
        if isinstance(skipped, dict) and skipped.get("total"):
            summary += f" Skipped {skipped['total']:,} files that are not photos (File → Last import report)."
        damaged = {w.get("path") for w in data.get("warnings") or [] if isinstance(w, dict)}
        if damaged:
            summary += (f" {len(damaged):,} photo{'s' if len(damaged) != 1 else ''} went in with warnings "
                        "(File → Last import report; search has:warnings).")
        self.statusBar().showMessage(f"{what} done. {summary}", 15000)
        self._show_centre()
        QTimer.singleShot(0, self._check_if_stale)

    def show_last_report(self) -> None:
        if not self.last_report:
            return
        title = f"{self._last_report_title}: what was done, skipped and could not be read"
        self.report_dialog = ReportDialog(title, self.last_report, self)
        self.report_dialog.show()

    def check_now(self, *, quiet: bool = False) -> Job | None:
        """Bring the stored checks current for the publication date (a job).  ``quiet``
        (the automatic runs): its end does not cover a message already showing."""
        if self.context.desk is None:
            return None
        on = self.context.on

        def done(result) -> None:
            if quiet and self.statusBar().currentMessage():
                return
            n = getattr(result, "checked", 0) + getattr(result, "rejudged", 0)
            self.statusBar().showMessage(f"Checked {n:,} photo{'s' if n != 1 else ''} for {on:%a %d %b %Y}", 8000)

        return self.start_job("Checking photos",
                              lambda desk, progress, cancel: desk.bring_checks_current(on=on, progress=progress,
                                                                                        cancel=cancel), done)

    def _check_if_stale(self) -> None:
        desk = self.context.desk
        if self._closed or desk is None or any(j.title == "Checking photos" for j in self.context.jobs.running()):
            return
        try:
            state = desk.checks_state(self.context.on)
        except PictureDeskError:
            return
        if not state.current and desk.photo_count():
            self.check_now(quiet=True)

    def _daily_backup(self) -> None:
        """Once a day, a while after the archive opens: a backup kept in its backups
        folder, the oldest beyond the number in Settings removed (0: none)."""
        desk = self.context.desk
        keep = int(QSettings().value("backup/keep_daily", DEFAULT_DAILY_BACKUPS))
        if self._closed or desk is None or keep <= 0 or not desk.photo_count():
            return
        if any(j.title == "Daily backup" for j in self.context.jobs.running()):
            return

        def done(made) -> None:
            if made is not None and not self.statusBar().currentMessage():
                self.statusBar().showMessage(f"Daily backup kept in {made.path}", 8000)

        self.start_job("Daily backup",
                       lambda d, progress, cancel: d.daily_backup(keep=keep, progress=progress, cancel=cancel), done)

    def back_up(self) -> None:
        from archive.backup import MANUAL, backups_dir

        desk = self.context.desk
        if desk is None:
            return
        folder = backups_dir(desk.directory)
        folder.mkdir(exist_ok=True)
        suggested = folder / f"{MANUAL}{_dt.datetime.now():%Y%m%d-%H%M%S}.db"
        target, _ = QFileDialog.getSaveFileName(self, "Back up the archive to", str(suggested),
                                                "Picture Desk backups (*.db)")
        if not target:
            return
        if Path(target).resolve().parent == Path(desk.directory).resolve() and Path(target).name.startswith("archive.db"):
            QMessageBox.warning(self, "Cannot back up", "Choose another name: that is the archive itself.")
            return
        if Path(target).exists():                 # the dialog asked; a backup never replaces a file
            try:
                Path(target).unlink()
            except OSError as exc:
                QMessageBox.warning(self, "Cannot back up", f"{target}: {exc.strerror}")
                return

        def done(made) -> None:
            self.statusBar().showMessage(f"Backed up {made.photos:,} photo{'' if made.photos == 1 else 's'} to "
                                         f"{made.path}", 15000)

        self.start_job("Backing up the archive",
                       lambda d, progress, cancel: d.backup(target, progress=progress, cancel=cancel), done)

    def restore_backup(self, path: str | None = None) -> None:
        from archive.backup import backups_dir, check_backup

        desk = self.context.desk
        if desk is None:
            return
        if not path:
            path, _ = QFileDialog.getOpenFileName(self, "Restore the archive from", str(backups_dir(desk.directory)),
                                                  "Picture Desk backups (*.db)")
        if not path:
            return
        try:
            photos = check_backup(path, whole=False)     # the integrity check runs in the job
        except PictureDeskError as exc:
            QMessageBox.warning(self, "Cannot restore this backup", str(exc))
            return
        made = _dt.datetime.fromtimestamp(Path(path).stat().st_mtime)
        answer = QMessageBox.question(
            self, "Restore from backup?",
            f"Replace the archive in {desk.directory} by the backup\n{path}\n"
            f"({photos:,} photos, saved {made:%a %d %b %Y %H:%M})?\n\n"
            # Non-breaking hyphens: the name's start is not wrapped at a hyphen.
            "The archive as it is now is kept in its backups folder (before\u2011restore\u2011…), "
            "so this can be undone by restoring that file.")
        if answer != QMessageBox.Yes:
            return
        directory = str(desk.directory)

        def work(d, progress, cancel):
            from archive.backup import restore

            return restore(directory, path, progress=progress, cancel=cancel)

        def done(result) -> None:
            self.open_archive_at(directory, create=False)      # every view and cache starts afresh
            self.statusBar().showMessage(f"Restored {result.photos:,} photo{'' if result.photos == 1 else 's'} from "
                                         f"{result.source}; the archive "
                                         f"as it was is kept in {result.kept.path}", 20000)

        self.context.jobs.cancel_all()
        self.context.jobs.wait(5000)
        self.start_job("Restoring the archive", work, done)

    # ------------------------------------------------------------ actions' slots

    def add_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Add a folder of photos")
        if folder:
            self.import_paths([folder])

    def add_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "Add photos")
        if files:
            self.import_paths(files)

    def open_folders(self) -> None:
        from desktop.gui.import_dialog import FoldersDialog

        dlg = FoldersDialog(self.context, self)
        dlg.addFolder.connect(self.add_folder)
        dlg.addFiles.connect(self.add_files)
        dlg.rescan.connect(self.rescan)
        self.folders_dialog = dlg
        dlg.show()

    def open_archive(self) -> None:
        from archive.store.db import ARCHIVE_DB

        folder = QFileDialog.getExistingDirectory(self, "Open an archive (a folder with archive.db)")
        if not folder:
            return
        if not (Path(folder) / ARCHIVE_DB).exists():
            # A folder of photos chosen by mistake should not silently become an archive.
            answer = QMessageBox.question(
                self, "Start a new archive?",
                f"{folder} holds no Picture Desk archive. Start a new, empty archive there?\n\n"
                "(To add the photos in a folder to this archive, use File → Add folder… instead.)")
            if answer != QMessageBox.Yes:
                return
        self.open_archive_at(folder)

    def open_archive_at(self, folder: str, create: bool = True) -> bool:
        from archive.desk import Desk

        try:
            desk = Desk.open(folder, create=create, mapped=False, write_back=False, readers_apart=True)   # a job writes them
        except PictureDeskError as exc:
            QMessageBox.warning(self, "Cannot open the archive", str(exc))
            return False
        self.context.jobs.cancel_all()
        self.context.jobs.wait(5000)
        self.context.set_desk(desk)
        return True

    def open_demo(self) -> None:
        from archive.demo import build_demo

        def work(_desk, progress, cancel):
            return build_demo(None, progress=progress)

        job = Job("Building the demo", None, work, own_connection=False)
        job.signals.finished.connect(self._demo_built)
        self.context.jobs.start(job)

    def _demo_built(self, summary) -> None:
        if self.open_archive_at(summary["archive"], create=False):
            self.context.set_date(_dt.date(2022, 12, 19))

    def open_settings(self) -> None:
        from desktop.gui.settings import SettingsDialog

        dlg = SettingsDialog(self.context, self)
        dlg.openArchive.connect(self.open_archive)
        self.settings_dialog = dlg
        dlg.accepted.connect(lambda: self.apply_settings(dlg.store()))
        dlg.open()

    def apply_settings(self, v: dict) -> None:
        self.sheet.set_thumb_size(v["thumb_size"])
        self.set_theme(v["theme"])
        desk = self.context.desk
        if desk is not None and v["profile"] and v["profile"] != desk.profile_name():
            profile, on = v["profile"], self.context.on
            self.start_job(f"Checking with the {profile} house style",
                           lambda d, progress, cancel: d.bring_checks_current(on=on, profile=profile,
                                                                               progress=progress, cancel=cancel))
        if v["fixed"]:
            self.context.set_date(_dt.date.fromisoformat(v["date"]))

    def toggle_theme(self, dark: bool) -> None:
        self.set_theme("dark" if dark else "system")

    def set_theme(self, name: str) -> None:
        QSettings().setValue("view/theme", name)
        apply_theme(QApplication.instance(), name)
        theme = self.actions_by_name["theme"]
        theme.blockSignals(True)
        theme.setChecked(name == "dark")
        theme.blockSignals(False)
        for action_name, icon_name in self._icon_names.items():      # icons follow the palette
            self.actions_by_name[action_name].setIcon(icon(icon_name))

    def _thumb_step(self, step: int) -> None:
        size = max(96, min(320, self.sheet.thumb_size + step))
        self.sheet.set_thumb_size(size)
        QSettings().setValue("sheet/thumb_size", size)

    def open_licences(self) -> None:
        from desktop.gui.licences import LicencesDialog

        if self.context.desk is None:
            return
        dlg = LicencesDialog(self.context, self)
        dlg.changed.connect(self._rights_changed)
        dlg.photoChosen.connect(self.reveal_photo)
        dlg.assignRequested.connect(self.assign_licence_to_selection)
        self.licences_dialog = dlg
        dlg.show()

    def open_leases(self) -> None:
        from desktop.gui.licences import LeasesDialog

        if self.context.desk is None:
            return
        dlg = LeasesDialog(self.context, self)
        dlg.changed.connect(self._rights_changed)
        self.leases_dialog = dlg
        dlg.show()

    def assign_licence(self) -> None:
        from desktop.gui.licences import AssignLicenceDialog

        if self.context.desk is None or not (self.context.selection or self.context.current >= 0):
            self.statusBar().showMessage("Select the photos to assign a licence to first.", 6000)
            return
        dlg = AssignLicenceDialog(self.context, self)
        dlg.accepted.connect(self._licence_assigned)
        self.assign_dialog = dlg
        dlg.open()

    def _licence_assigned(self) -> None:
        from desktop.gui.undo import push

        entry = self.assign_dialog.entry
        if entry is None:
            return
        push(self.context, entry, f"assign {self.assign_dialog.licence.currentText()} "
                                  f"to {len(self.assign_dialog.ids)} photo(s)")
        self._rights_changed()

    def assign_licence_to_selection(self, licence_id: int, name: str = "") -> bool:
        """From the licences dialog: the selected photos are this licence's, undoably."""
        from desktop.gui.undo import push

        ids = list(self.context.selection) or ([self.context.current] if self.context.current >= 0 else [])
        if not ids:
            self.statusBar().showMessage("Select the photos to assign the licence to first.", 6000)
            return False
        try:
            entry = self.context.desk.assign_licence(ids, licence_id)
        except PictureDeskError as exc:
            self.statusBar().showMessage(str(exc), 10000)
            return False
        push(self.context, entry, f"assign {name or f'licence {licence_id}'} to {len(ids)} photo(s)")
        self.statusBar().showMessage(f"{len(ids):,} photo{'s' if len(ids) != 1 else ''} assigned to "
                                     f"{name or f'licence {licence_id}'}", 8000)
        self._rights_changed()
        return True

    def reveal_photo(self, pid: int) -> None:
        """Select a photo in the sheet, clearing the search if the result does not hold it."""
        if self.sheet.model.position_of(pid) is None and self.context.query:
            self.search.set_query("")
        if self.sheet.model.position_of(pid) is None:
            self.statusBar().showMessage("That photo is further down the contact sheet; search for it by name.",
                                         8000)
            return
        self.sheet.select_photo(pid)
        self.docks["inspector"].show()
        self.docks["inspector"].raise_()

    def _rights_changed(self) -> None:
        self.context.archiveChanged.emit()
        self.check_now()

    def batch_edit(self) -> None:
        self.docks["inspector"].show()
        self.docks["inspector"].raise_()
        self.inspector.setFocus()

    def show_preview(self, pid) -> None:
        if pid is None or pid < 0:
            return
        self.docks["preview"].show()
        self.docks["preview"].raise_()
        if self.preview.pid != pid:
            self.preview.show_photo(pid)

    def _articles(self, method: str) -> None:
        self.docks["articles"].show()
        self.docks["articles"].raise_()
        getattr(self.articles, method)()

    def show_shortcuts(self) -> None:
        from desktop.gui.shortcuts import ShortcutsDialog

        extra = [("Contact sheet", "Move", "Arrows"), ("Contact sheet", "Open the preview", "Space, Enter"),
                 ("Contact sheet", "Add to the selection", "Shift/Ctrl+click, drag a rectangle"),
                 ("Preview", "Fit / 100%", "Z"), ("Caption editor", "Save", "Ctrl+Return"),
                 ("Facets", "Exclude a value", "Ctrl+click")]
        self.shortcuts_dialog = ShortcutsDialog(self, extra)
        self.shortcuts_dialog.show()

    def show_about(self) -> None:
        from archive import __version__

        QMessageBox.about(self, "About Picture Desk",
                          f"<b>Picture Desk</b> {__version__}<br>Caption, check and archive news photos."
                          "<br>GPL-3.0-or-later. Places from GeoNames (CC BY 4.0).")

    # ------------------------------------------------------------ drag and drop of files

    def dragEnterEvent(self, event) -> None:
        local = [u for u in event.mimeData().urls() if u.isLocalFile()] if event.mimeData().hasUrls() else []
        if local:
            event.acceptProposedAction()
            n = len(local)
            self.statusBar().showMessage(f"Drop to import {n:,} folder{'s' if n != 1 else ''} or file"
                                         f"{'s' if n != 1 else ''} (articles open in the Articles panel)")

    def dragLeaveEvent(self, event) -> None:
        self.statusBar().clearMessage()
        super().dragLeaveEvent(event)

    def dropEvent(self, event) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        articles = [p for p in paths if Path(p).suffix.lower() in (".txt", ".md", ".html", ".htm")]
        photos = [p for p in paths if p not in articles]
        if articles:
            self.docks["articles"].show()
            self.docks["articles"].raise_()
            self.articles.add_files(articles)
        if photos:
            self.import_paths(photos)
        event.acceptProposedAction()

    # ------------------------------------------------------------ layout and recent archives

    def _restore_layout(self) -> None:
        s = QSettings()
        geometry = s.value("window/geometry")
        state = s.value("window/state")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1600, 1000)
        self._layout_restored = state is not None and bool(self.restoreState(state, LAYOUT_VERSION))

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._first_show:
            self._first_show = False
            if not self._layout_restored:       # first start: the panels at useful widths
                self.resizeDocks([self.docks["facets"], self.docks["inspector"]], [240, 470], Qt.Horizontal)

    def _remember_recent(self, path: str) -> None:
        s = QSettings()
        recent = [path] + [p for p in (s.value("archives/recent", []) or []) if p != path]
        s.setValue("archives/recent", recent[:RECENT_MAX])

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        here = str(self.context.desk.directory) if self.context.desk is not None else None
        recent = [p for p in (QSettings().value("archives/recent", []) or []) if Path(p).is_dir()]
        for path in recent:
            action = self.recent_menu.addAction(path, lambda p=path: self.open_archive_at(p, create=False))
            action.setCheckable(True)
            action.setChecked(path == here)
        if not recent:
            self.recent_menu.addAction("No recent archives").setEnabled(False)

    def closeEvent(self, event) -> None:
        if self._closed:                        # closed once already (app.close_window closes again)
            super().closeEvent(event)
            return
        self._closed = True
        self._stale_timer.stop()
        if self.context.jobs.running():
            self.statusBar().showMessage("Stopping the running jobs…")
            QApplication.processEvents()
        s = QSettings()
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState(LAYOUT_VERSION))
        self.context.jobs.cancel_all()
        self.context.jobs.wait(5000)
        self.sheet.shutdown()
        for panel in (self.facets, self.preview):
            panel.shutdown()
        super().closeEvent(event)
