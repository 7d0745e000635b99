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
    lines = [f"Wrote caption and credit into {written:,} file{'s' if written != 1 else ''}; "
             f"{len(report.failed):,} could not be written (they are unchanged):"]
    lines += [f"{f.path or f'photo #{f.photo_id}'}: {f.reason}" for f in report.failed]
    return lines


def write_into_files(window):
    """Ask, then run the job over the selection; returns the Job (None when not started)."""
    from desktop.gui.status import ReportDialog

    ids = list(window.context.selection)
    if window.context.desk is None or not ids:
        return None
    answer = QMessageBox.question(window, "Write caption into the files?", confirm_text(len(ids)))
    if answer != QMessageBox.Yes:
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
