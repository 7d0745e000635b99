"""Long work in the status bar: what runs, how far it is, a Cancel button; and the
report of an import that failed or skipped files, with the reasons."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QPlainTextEdit, QProgressBar,
                               QPushButton, QSizePolicy, QVBoxLayout, QWidget)

from archive.sync import THUMBNAIL_FAILED
from desktop.gui.theme import icon


class JobStatus(QWidget):
    """Shows the running jobs of a JobRunner (the latest one's progress) with Cancel."""

    def __init__(self, runner, status_bar, parent=None):
        super().__init__(parent)
        self.runner = runner
        self.status_bar = status_bar
        self.label = QLabel("", self)
        self.bar = QProgressBar(self)
        self.bar.setFixedWidth(180)
        self.bar.setTextVisible(False)
        self.cancel = QPushButton(icon("cancel"), "Cancel", self)
        self.cancel.setSizePolicy(QSizePolicy.Fixed, QSizePolicy.Fixed)
        self.cancel.setToolTip("Stop at the next safe point; what is done so far is kept")
        self.cancel.clicked.connect(self._cancel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel)
        self.jobs = []
        self._by_signals: dict = {}
        self.setVisible(False)
        runner.started.connect(self.watch)

    def watch(self, job) -> None:
        # Bound methods (not lambdas): Qt drops them when this widget is gone, and the
        # sender says which job spoke.
        self.jobs.append(job)
        self._by_signals[job.signals] = job
        job.signals.progress.connect(self._on_progress)
        job.signals.ended.connect(self._on_ended)
        job.signals.cancelled.connect(self._on_cancelled)
        job.signals.failed.connect(self._on_failed)
        self.label.setText(f"{job.title}…")
        self.bar.setRange(0, 0)
        self.setVisible(True)

    def _job(self):
        return self._by_signals.get(self.sender())

    def _on_progress(self, done: int, total: int, message: str) -> None:
        job = self._job()
        if job is not None:
            self._progress(job, done, total, message)

    def _on_ended(self) -> None:
        job = self._by_signals.pop(self.sender(), None)
        if job is not None:
            self._ended(job)

    def _on_cancelled(self) -> None:
        job = self._job()
        if job is not None:
            self.status_bar.showMessage(f"{job.title}: cancelled", 8000)

    def _on_failed(self, message: str) -> None:
        job = self._job()
        if job is not None:
            self.status_bar.showMessage(f"{job.title}: {message}", 15000)

    def _progress(self, job, done: int, total: int, message: str) -> None:
        if not self.jobs or job is not self.jobs[-1]:
            return
        if total and total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
            self.label.setText(f"{job.title}: {message or ''} {done:,} of {total:,}".replace("  ", " "))
        else:
            self.bar.setRange(0, 0)
            self.label.setText(f"{job.title}: {message or ''} {done:,}".strip())

    def _ended(self, job) -> None:
        if job in self.jobs:
            self.jobs.remove(job)
        if self.jobs:
            self.label.setText(f"{self.jobs[-1].title}…")
        else:
            self.setVisible(False)

    def _cancel(self) -> None:
        if self.jobs:
            self.jobs[-1].cancel()
            self.label.setText(f"{self.jobs[-1].title}: cancelling…")


def _pair(item) -> tuple[str, str]:
    if isinstance(item, dict):
        return str(item.get("path", "")), str(item.get("reason") or item.get("message") or "")
    if isinstance(item, (list, tuple)) and len(item) >= 2:
        return str(item[0]), ": ".join(map(str, item[1:]))
    return "", str(item)


def _by_folder(items, heading: str) -> list[str]:
    """Problems grouped under their folder: a file name and its reason a line."""
    lines = ["", heading]
    folder = None
    for item in items:
        path, reason = _pair(item)
        where = str(Path(path).parent) if path else ""
        if where != folder:
            folder = where
            lines.append(f"  in {where}:" if where else "")
        lines.append(f"    {Path(path).name or path}: {reason}")
    return lines


def report_lines(report: dict) -> list[str]:
    """What an import or sync did, for a person: the counts first, then what was
    skipped by type, then each file that could not be read and why."""
    lines = [f"Added {report.get('added', 0):,}, updated {report.get('updated', 0):,}, "
             f"moved {report.get('moved', 0):,}, missing {report.get('missing', 0):,}, "
             f"unchanged {report.get('unchanged', 0):,}."]
    skipped = report.get("skipped")
    if isinstance(skipped, dict) and skipped.get("total"):
        kinds = ", ".join(f"{k} {n:,}" for k, n in sorted(skipped.get("by_type", {}).items()))
        lines.append(f"Skipped {skipped['total']:,} files that are not photos Picture Desk reads ({kinds}).")
    failed = report.get("failed") or []
    if failed:
        lines += _by_folder(failed, f"{len(failed):,} file{'s' if len(failed) != 1 else ''} could not be read:")
    thumbs = report.get("thumbnails") or {}
    if thumbs.get("failed"):
        lines += _by_folder(thumbs["failed"], "No thumbnail could be made for:")
    # The report's warnings already hold the thumbnails' (an import or sync puts them
    # there); a thumbnails-only report has them under "thumbnails" alone.  Each is
    # listed once, and a failed thumbnail only under its own heading above.
    failed_thumbs = {_pair(f) for f in thumbs.get("failed") or []}
    warnings, seen = [], set()
    for item in list(report.get("warnings") or []) + list(thumbs.get("file_warnings") or []):
        path, message = _pair(item)
        key = (path, message)
        if key in seen or (path, message.removeprefix(THUMBNAIL_FAILED)) in failed_thumbs:
            continue
        seen.add(key)
        warnings.append(key)
    if warnings:
        lines += _by_folder(warnings, "Warnings (the photos were read):")
    return lines


class ReportDialog(QDialog):
    """The report of an import or rescan: counts, skipped files by type, and every
    file that failed with its reason, grouped by folder; the text can be copied."""

    def __init__(self, title: str, lines: list[str], parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        summary = QLabel(f"<b>{lines[0]}</b>" if lines else "", self)
        summary.setWordWrap(True)
        self.text = QPlainTextEdit(self)
        self.text.setReadOnly(True)
        self.text.setPlainText("\n".join(lines))
        self.text.setLineWrapMode(QPlainTextEdit.WidgetWidth)
        buttons = QDialogButtonBox(QDialogButtonBox.Close, self)
        copy = buttons.addButton("Copy", QDialogButtonBox.ActionRole)
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.text.toPlainText()))
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.resize(760, 380)
