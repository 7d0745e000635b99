"""Long work in the status bar: what runs, how far it is, a Cancel button; and the
report of an import that failed or skipped files, with the reasons."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QPlainTextEdit, QProgressBar,
                               QPushButton, QVBoxLayout, QWidget)


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
        self.cancel = QPushButton("Cancel", self)
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


def report_lines(report: dict) -> list[str]:
    """What an import or sync did, for a person."""
    lines = [f"Added {report.get('added', 0)}, updated {report.get('updated', 0)}, moved {report.get('moved', 0)}, "
             f"missing {report.get('missing', 0)}, unchanged {report.get('unchanged', 0)}."]
    skipped = report.get("skipped")
    if isinstance(skipped, dict) and skipped.get("total"):
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(skipped.get("by_type", {}).items()))
        lines.append(f"Skipped {skipped['total']} files that are not photos ({kinds}).")
    failed = report.get("failed") or []
    if failed:
        lines.append(f"{len(failed)} file(s) could not be read:")
        for item in failed:
            path, reason = (item["path"], item["reason"]) if isinstance(item, dict) else item
            lines.append(f"  {path}: {reason}")
    for w in report.get("warnings") or []:
        lines.append(f"  warning: {w if isinstance(w, str) else ': '.join(map(str, w))}")
    thumbs = report.get("thumbnails") or {}
    for item in thumbs.get("failed", []) or []:
        lines.append(f"  thumbnail: {item if isinstance(item, str) else ': '.join(map(str, item))}")
    return lines


class ReportDialog(QDialog):
    def __init__(self, title: str, lines: list[str], parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.text = QPlainTextEdit(self)
        self.text.setReadOnly(True)
        self.text.setPlainText("\n".join(lines))
        self.text.setLineWrapMode(QPlainTextEdit.NoWrap)
        buttons = QDialogButtonBox(QDialogButtonBox.Close, self)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.resize(720, 360)
