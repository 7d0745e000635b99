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
        self.setVisible(False)
        runner.started.connect(self.watch)

    def watch(self, job) -> None:
        self.jobs.append(job)
        job.signals.progress.connect(lambda d, t, m, j=job: self._progress(j, d, t, m))
        job.signals.ended.connect(lambda j=job: self._ended(j))
        job.signals.cancelled.connect(lambda j=job: self.status_bar.showMessage(f"{j.title}: cancelled", 8000))
        job.signals.failed.connect(lambda msg, j=job: self.status_bar.showMessage(f"{j.title}: {msg}", 15000))
        self.label.setText(f"{job.title}…")
        self.bar.setRange(0, 0)
        self.setVisible(True)

    def _progress(self, job, done: int, total: int, message: str) -> None:
        if job is not self.jobs[-1] if self.jobs else True:
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
