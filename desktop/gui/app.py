"""Starting the window: the QApplication (settings names, high-DPI policy, theme)
and the main window on an archive."""

from __future__ import annotations

import datetime as _dt
import sys


def make_app(argv=None):
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(list(argv or sys.argv[:1]))
    QCoreApplication.setOrganizationName("Picture Desk")
    QCoreApplication.setApplicationName("Picture Desk")
    app.setApplicationDisplayName("Picture Desk")
    from PySide6.QtCore import QSettings

    from desktop.gui.theme import apply_theme, icon

    apply_theme(app, str(QSettings().value("view/theme", "dark")))
    app.setWindowIcon(icon("app"))
    return app


def build_window(archive_dir=None, *, on: _dt.date | None = None, create: bool = True):
    """(app, window) on the archive in ``archive_dir`` (default: the user's)."""
    app = make_app()
    from archive.desk import Desk
    from desktop.gui.context import DeskContext
    from desktop.gui.main_window import MainWindow
    from desktop.gui.settings import default_date

    desk = Desk.open(archive_dir, create=create)
    context = DeskContext(desk)
    context.set_date(on or default_date())
    window = MainWindow(context)
    return app, window


def run(archive_dir=None, *, on: _dt.date | None = None) -> int:
    app, window = build_window(archive_dir, on=on)
    window.show()
    code = app.exec()
    window.context.desk.close()
    return code
