"""Photos → Write caption into the files…: the window's side of ``edit --embed``.

Changing a photo's own file is the one thing Picture Desk never does unasked,
so the action asks first, saying how many files and which kinds are left to
their sidecars.  The writing is a job (off the GUI thread, progress in the
status bar, Stop between files, see archive/embedding.py); files that could
not be written are listed with their reasons, and the others are written.
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

TITLE = "Writing caption into the files"


def confirm_text(count: int) -> str:
    what = "the selected photo" if count == 1 else f"the {count:,} selected photos"
    return (f"Write the caption, photographer, credit and credit line of {what} into the image "
            f"file{'s' if count != 1 else ''} themselves?\n\n"
            "This changes the photos' files (JPEG, PNG and TIFF; the picture itself is not touched). "
            "HEIC and raw files keep them in their XMP sidecars.")


def report_lines(report) -> list[str]:
    written = len(report.written)
    failed = len(report.failed)
    lines = [f"Wrote caption and credit into {written:,} file{'s' if written != 1 else ''}; "
             f"{failed:,} could not be written ({'it is' if failed == 1 else 'they are'} unchanged):"]
    lines += [f"{f.path or f'photo #{f.photo_id}'}: {f.reason}" for f in report.failed]
    return lines


def write_into_files(window) -> None:
    """Ask, then run the job over the selection (after a sidecar job that is running)."""
    ids = list(window.context.selection)
    if window.context.desk is None or not ids:
        return None
    answer = QMessageBox.question(window, "Write caption into the files?", confirm_text(len(ids)))
    if answer != QMessageBox.Yes:
        return None

    start_after_sidecars(window, ids)
    return None


SIDECARS = "Writing sidecars"


def start_after_sidecars(window, ids):
    """Start the job once the window's sidecar job is not running: both write the same
    sidecars, and the state the embedding notes must be the last one (else the next
    sync would see a sidecar changed after it and read the photo again)."""
    from PySide6.QtCore import QTimer

    from desktop.gui.status import ReportDialog

    if window.context.desk is None or getattr(window, "_closed", False):
        return None
    if any(j.title == SIDECARS for j in window.context.jobs.running()):
        QTimer.singleShot(100, lambda: start_after_sidecars(window, ids))
        return None

    def done(report) -> None:
        window.embed_result = report           # the last run's, for a look afterwards
        if report.failed:
            window.embed_report = ReportDialog("Writing caption into the files", report_lines(report), window)
            window.embed_report.show()
        else:
            window.statusBar().showMessage(report_lines(report)[0].split(";")[0] + ".", 10000)
        window.context.photosChanged.emit(list(report.written))

    return window.start_job(TITLE, lambda desk, progress, cancel: desk.embed(ids, progress=progress,
                                                                             cancel=cancel), done)
