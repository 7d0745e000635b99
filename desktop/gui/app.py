"""Starting the window: the QApplication (settings names, high-DPI policy, theme)
and the main window on an archive.

:func:`build_window` makes the window without running the event loop (tests and
screenshots use it); :func:`run` shows it and runs the loop until it closes.
"""

from __future__ import annotations

import datetime as _dt
import sys


def make_app(argv=None):
    from PySide6.QtCore import QCoreApplication, QSettings, Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        # Fractional scale factors (125%, 150%) as they are: SVG icons and text stay sharp.
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(list(argv or sys.argv[:1]))
    if not QCoreApplication.organizationName():        # tests and tools may have chosen their own
        QCoreApplication.setOrganizationName("Picture Desk")
        QCoreApplication.setApplicationName("Picture Desk")
    app.setApplicationDisplayName("Picture Desk")
    from desktop.gui.theme import apply_theme, icon

    apply_theme(app, str(QSettings().value("view/theme", "dark")))
    app.setWindowIcon(icon("app"))
    return app


def build_window(archive_dir=None, *, on: _dt.date | None = None, create: bool = True):
    """(app, window) on the archive in ``archive_dir`` (default: $PICTUREDESK_ARCHIVE or
    the user's), for the publication date ``on`` (default: the settings' date or today)."""
    app = make_app()
    from archive.desk import Desk
    from desktop.gui.context import DeskContext
    from desktop.gui.main_window import MainWindow
    from desktop.gui.settings import default_date

    desk = Desk.open(archive_dir, create=create, mapped=False, write_back=False, readers_apart=True)   # the window's job writes them
    context = DeskContext(desk)
    context.set_date(on or default_date())
    window = MainWindow(context)
    return app, window


def close_window(window) -> None:
    """Close the window (its jobs are cancelled and waited for) and its archive."""
    window.close()
    desk = window.context.desk
    if desk is not None:
        desk.close()


def run(archive_dir=None, *, on: _dt.date | None = None, quit_when_shown: bool = False) -> int:
    """Show the window and run until it closes.  ``quit_when_shown`` (``demo
    --smoke-test``, to check an installed bundle) closes it once the sheet has painted
    its first rows, printing what it shows; exit 1 if that takes over 60 s."""
    from archive.errors import PictureDeskError

    try:
        app, window = build_window(archive_dir, on=on)
    except PictureDeskError as exc:          # started from a desktop icon, nobody reads stderr
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(None, "Picture Desk cannot open the archive", str(exc))
        raise
    window.show()
    if quit_when_shown:
        _quit_when_shown(app, window)
    code = app.exec()
    close_window(window)
    return code


def _quit_when_shown(app, window, limit_s: float = 60.0) -> None:
    from PySide6.QtCore import QElapsedTimer, QTimer

    clock = QElapsedTimer()
    clock.start()
    timer = QTimer(window)

    def look() -> None:
        try:
            model = window.sheet.model
            first = model.row(0) if model.total else None
            if first is not None:
                window.sheet.view.viewport().grab()     # painted, not only read
        except Exception as exc:        # a smoke test reports what broke, once
            timer.stop()
            print(f"the window failed: {exc!r}", file=sys.stderr, flush=True)
            app.exit(1)
            return
        if first is not None:
            print(f"window shown in {clock.elapsed() / 1000:.2f} s: {model.total} photos, "
                  f"the first {first.name}", flush=True)
            timer.stop()
            app.exit(0)
        elif clock.elapsed() > limit_s * 1000:
            print(f"the window showed no photos within {limit_s:.0f} s", file=sys.stderr, flush=True)
            timer.stop()
            app.exit(1)

    timer.timeout.connect(look)
    timer.start(50)
