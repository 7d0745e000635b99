"""Fixtures for the window's tests: the demo archive (built once per session, copied
per test), a Desk on it and the window's shared context.  Offscreen Qt."""

from __future__ import annotations

import datetime as dt
import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

DEMO_DAY = dt.date(2022, 12, 19)      # the demo article's publication date


@pytest.fixture
def desk(demo_dir):
    from archive.desk import Desk

    opened = Desk.open(demo_dir / "archive", create=False)
    yield opened
    opened.close()


@pytest.fixture
def context(qtbot, desk):
    from desktop.gui.context import DeskContext

    ctx = DeskContext(desk)
    ctx.set_date(DEMO_DAY)
    yield ctx
    ctx.jobs.cancel_all()
    ctx.jobs.wait(10000)


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path_factory):
    """QSettings in a temporary INI file: tests never read or write a person's settings."""
    from PySide6.QtCore import QCoreApplication, QSettings

    folder = tmp_path_factory.mktemp("settings")
    QSettings.setDefaultFormat(QSettings.IniFormat)
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(folder))
    QCoreApplication.setOrganizationName("picturedesk-tests")
    QCoreApplication.setApplicationName("picturedesk-tests")
    yield


@pytest.fixture
def window(qtbot, context):
    from desktop.gui.main_window import MainWindow

    win = MainWindow(context)
    win.resize(1400, 900)
    win.show()
    qtbot.waitUntil(lambda: win.sheet.model.total > 0, timeout=10000)
    yield win
    win.close()
    _delete_now(win)


def _delete_now(widget) -> None:
    """Delete a window and its children (and their timers) before the next test's desk opens."""
    from PySide6.QtCore import QCoreApplication, QEvent

    widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.DeferredDelete)
    QCoreApplication.processEvents()


def wait_job(qtbot, job, timeout: int = 60000) -> None:
    """Wait until ``job`` has ended and the window has taken its signals.  Not
    ``waitSignal(job.signals.ended)``: a quick job may end (its signal emitted from the
    pool thread) before that connection is made, and then it is never seen."""
    from PySide6.QtCore import QCoreApplication

    qtbot.waitUntil(job.done.is_set, timeout=timeout)
    QCoreApplication.processEvents()        # the queued signals, posted before done was set
