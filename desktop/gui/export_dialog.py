"""File → Export caption sheet…: the sheet of an article, the current search or the
selection, written by :meth:`archive.desk.Desk.export` as a job off the GUI thread
(progress and Cancel here), asking before it replaces a file."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from PySide6.QtCore import QDate, QSettings, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFileDialog,
                               QFormLayout, QHBoxLayout, QLabel, QLineEdit, QMessageBox, QProgressBar,
                               QPushButton, QRadioButton, QVBoxLayout, QWidget)

from desktop.gui.jobs import Job

FORMATS = (("pdf", "PDF (to print or send)"), ("html", "HTML (one file, opens in a browser)"),
           ("csv", "CSV (spreadsheet)"), ("json", "JSON (for scripts)"))


class ExportDialog(QDialog):
    exported = Signal(object)              # the ExportResult

    def __init__(self, context, parent=None, article_id=None):
        super().__init__(parent)
        self.context = context
        self.job = None
        self.result_value = None
        self.setWindowTitle("Export caption sheet")
        self.setMinimumWidth(520)

        self.from_article = QRadioButton("Article", self)
        self.articles = QComboBox(self)
        for a in context.desk.articles() if context.desk is not None else []:
            self.articles.addItem(f"{a['title'] or 'Untitled'} ({a.get('date') or 'no date'}, "
                                  f"{a.get('paired', 0)} photos)", a["id"])
        if article_id is not None and self.articles.findData(article_id) >= 0:
            self.articles.setCurrentIndex(self.articles.findData(article_id))
        query = (context.query or "").strip()
        self.from_search = QRadioButton(f"Current search: {query}" if query else "Current search (none)", self)
        self.from_search.setEnabled(bool(query))
        n = len(context.selection)
        self.from_selection = QRadioButton(f"Selection ({n} photo{'s' if n != 1 else ''})", self)
        self.from_selection.setEnabled(n > 0)
        self.from_article.setEnabled(self.articles.count() > 0)
        self.articles.setEnabled(self.articles.count() > 0)
        # The article asked for, else several selected photos, else the first source there is.
        order = [self.from_article] if article_id is not None else []
        order += [self.from_selection] if n > 1 else []
        order += [self.from_article, self.from_search, self.from_selection]
        first = next((b for b in order if b.isEnabled()), None)
        if first is not None:
            first.setChecked(True)

        self.format = QComboBox(self)
        for key, label in FORMATS:
            self.format.addItem(label, key)
        settings = QSettings()
        self.format.setCurrentIndex(max(0, self.format.findData(settings.value("export/format", "pdf"))))
        self.date = QDateEdit(self)
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("ddd d MMM yyyy")
        on = context.on
        self.date.setDate(QDate(on.year, on.month, on.day))
        self.paper = QComboBox(self)
        self.paper.addItem("A4", "a4")
        self.paper.addItem("Letter", "letter")
        self.paper.setCurrentIndex(max(0, self.paper.findData(settings.value("export/paper", "a4"))))
        self.include_uncleared = QCheckBox("Put not-cleared photos on the sheet, marked (else listed apart)", self)
        self.path = QLineEdit(self)
        self.path.setPlaceholderText("Where to save the sheet")
        folder = settings.value("export/folder", str(Path.home()))
        self.path.setText(str(Path(folder) / f"caption-sheet-{on.isoformat()}.{self.current_format()}"))
        browse = QPushButton("Choose…", self)
        browse.clicked.connect(self.choose_path)
        self.open_when_done = QCheckBox("Open the sheet when done", self)
        self.open_when_done.setChecked(settings.value("export/open", "true") in (True, "true"))
        self.format.currentIndexChanged.connect(self._format_changed)

        self.progress = QProgressBar(self)
        self.progress.setVisible(False)
        self.message = QLabel("", self)
        self.message.setWordWrap(True)

        source = QVBoxLayout()
        source.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(self.from_article)
        row.addWidget(self.articles, 1)
        source.addLayout(row)
        source.addWidget(self.from_search)
        source.addWidget(self.from_selection)
        where = QHBoxLayout()
        where.addWidget(self.path, 1)
        where.addWidget(browse)
        form = QFormLayout()
        box = QWidget(self)
        box.setLayout(source)
        form.addRow("Photos of", box)
        form.addRow("Format", self.format)
        form.addRow("Publishing on", self.date)
        form.addRow("Paper", self.paper)
        form.addRow("", self.include_uncleared)
        form.addRow("Save as", where)
        form.addRow("", self.open_when_done)
        self.buttons = QDialogButtonBox(self)
        self.export_button = self.buttons.addButton("Export", QDialogButtonBox.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.Cancel)
        self.export_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self._format_changed()

    # ------------------------------------------------------------ choices

    def current_format(self) -> str:
        return self.format.currentData()

    def _format_changed(self, *_):
        fmt = self.current_format()
        self.paper.setEnabled(fmt in ("pdf", "html"))
        text = self.path.text().strip()
        if text:
            p = Path(text)
            if p.suffix.lower().lstrip(".") in {k for k, _ in FORMATS}:
                self.path.setText(str(p.with_suffix("." + fmt)))

    def choose_path(self) -> None:
        fmt = self.current_format()
        name, _ = QFileDialog.getSaveFileName(self, "Save the caption sheet as", self.path.text(),
                                              f"{fmt.upper()} (*.{fmt})",
                                              options=QFileDialog.DontConfirmOverwrite)
        if name:
            if not Path(name).suffix:
                name += "." + fmt
            self.path.setText(name)

    def source(self) -> dict:
        """What the sheet is of, as Desk.export's keywords."""
        if self.from_article.isChecked():
            return {"article": self.articles.currentData()}
        if self.from_search.isChecked():
            return {"query": self.context.query}
        if self.from_selection.isChecked():
            return {"photo_ids": list(self.context.selection)}
        return {}

    def publication_date(self) -> _dt.date:
        d = self.date.date()
        return _dt.date(d.year(), d.month(), d.day())

    # ------------------------------------------------------------ the job

    def start(self) -> None:
        from archive.errors import PictureDeskError
        from archive.export import check_target

        source = self.source()
        if not source:
            self.message.setText("Choose an article, the current search or a selection.")
            return
        target = self.path.text().strip()
        force = False
        try:
            check_target(target or ".", force=True)
            if not target:
                raise PictureDeskError("say where to save the sheet")
            if Path(target).exists():
                answer = QMessageBox.question(self, "Replace the file?",
                                              f"{target} already exists. Replace it with the new sheet?",
                                              QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
                if answer != QMessageBox.Yes:
                    return
                force = True
        except PictureDeskError as exc:
            self.message.setText(str(exc))
            return
        fmt, paper, on = self.current_format(), self.paper.currentData(), self.publication_date()
        uncleared = self.include_uncleared.isChecked()
        settings = QSettings()
        settings.setValue("export/format", fmt)
        settings.setValue("export/paper", paper)
        settings.setValue("export/folder", str(Path(target).parent))
        settings.setValue("export/open", "true" if self.open_when_done.isChecked() else "false")

        def work(desk, progress, cancel):
            renderers = {}
            if fmt == "pdf":
                from desktop.pdf_sheet import render_pdf

                renderers["pdf"] = render_pdf
            return desk.export(target, format=fmt, on=on, paper=paper, include_uncleared=uncleared, force=force,
                               renderers=renderers, progress=progress, cancel=cancel, **source)

        self.job = Job("Export caption sheet", self.context.desk, self.work_wrapper(work))
        self.job.signals.progress.connect(self._progress)
        self.job.signals.finished.connect(self._finished)
        self.job.signals.failed.connect(self._failed)
        self.job.signals.cancelled.connect(self._cancelled)
        self.job.signals.ended.connect(self._ended)
        self._running(True)
        self.message.setText("Exporting…")
        self.context.jobs.start(self.job)

    def work_wrapper(self, work):
        """The function the job runs (a seam for tests that hold a job back)."""
        return work

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.message.setText("Cancelling…")
        else:
            self.reject()

    def _running(self, running: bool) -> None:
        self.progress.setVisible(running)
        self.export_button.setEnabled(not running)
        self.cancel_button.setText("Stop" if running else "Close")

    def _progress(self, done: int, total: int, message: str) -> None:
        if total < 0:
            self.progress.setRange(0, 0)
        else:
            self.progress.setRange(0, max(total, 1))
            self.progress.setValue(done)
        if message:
            self.message.setText(message[:1].upper() + message[1:] + "…")

    def _finished(self, result) -> None:
        self.result_value = result
        c = result.counts
        notes = "".join(f"\nNote: {n}" for n in result.notes)
        self.message.setText(f"Wrote {result.path}: {c['on_sheet']} photos on the sheet, {c['left_out']} not "
                             f"cleared listed apart.{notes}")
        self.context.status.emit(f"Caption sheet written: {result.path}")
        self.exported.emit(result)
        if self.open_when_done.isChecked():
            QDesktopServices.openUrl(QUrl.fromLocalFile(result.path))

    def _failed(self, message: str) -> None:
        self.message.setText(f"The sheet was not written: {message}")

    def _cancelled(self) -> None:
        self.message.setText("Cancelled: no file was written.")

    def _ended(self) -> None:
        self.job = None
        self._running(False)

    def closeEvent(self, event) -> None:
        if self.job is not None:
            self.job.cancel()
        super().closeEvent(event)
