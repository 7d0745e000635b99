"""Screenshots of every screen and dialog, made from the real window on the demo archive.

    python bench/screenshots.py [--out docs/screenshots] [--scale 1] [--all]

Runs offscreen (no display needed).  Without ``--all`` it writes the two the README
shows (the sheet with the inspector; an article's pairing); with it, every dialog
too.  ``--scale 2`` renders at 200% (QT_SCALE_FACTOR), as on a high-DPI screen.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="docs/screenshots")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--all", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if args.scale != 1.0:
        os.environ["QT_SCALE_FACTOR"] = str(args.scale)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    suffix = "" if args.scale == 1.0 else f"@{args.scale:g}x"

    from PySide6.QtCore import QCoreApplication, QSettings

    from archive.demo import build_demo

    work = Path(tempfile.mkdtemp(prefix="pd-shots-"))
    QSettings.setDefaultFormat(QSettings.IniFormat)
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(work / "settings"))
    summary = build_demo(work / "demo")

    from desktop.gui.app import build_window

    app, window = build_window(summary["archive"], on=dt.date(2022, 12, 19), create=False)
    QCoreApplication.setOrganizationName("picturedesk-screenshots")
    window.resize(1600, 1000)
    window.show()

    def settle(ms: int = 600) -> None:
        from PySide6.QtCore import QEventLoop, QTimer

        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()
        window.context.jobs.wait(10000)
        app.processEvents()

    def save(widget, name: str) -> None:
        path = out / f"{name}{suffix}.png"
        widget.grab().save(str(path))
        print(path)

    settle(1500)
    # The sheet with a photo whose caption has a problem in the inspector.
    reuters = next(r.id for r in window.context.desk.results("", limit=50).rows if r.name.startswith("reuters"))
    window.sheet.select_photo(reuters)
    settle()
    save(window, "sheet-and-inspector")
    window.docks["articles"].raise_()
    settle()
    save(window, "article-pairing")
    if args.all:
        window.search.set_query("place:Kyiv")
        window.docks["preview"].raise_()
        window.show_preview(reuters)
        settle(1500)
        save(window, "search-and-preview")
        window.open_licences()
        settle()
        save(window.licences_dialog, "licences")
        window.licences_dialog.close()
        window.context.set_selection([reuters], reuters)
        window.open_leases()
        settle()
        save(window.leases_dialog, "leases")
        window.leases_dialog.close()
        from desktop.gui.settings import SettingsDialog

        dialog = SettingsDialog(window.context, window)
        dialog.show()
        settle()
        save(dialog, "settings")
        dialog.close()
        window.show_shortcuts()
        settle()
        save(window.shortcuts_dialog, "shortcuts")
        window.shortcuts_dialog.close()
        from desktop.gui.status import ReportDialog

        report = ReportDialog("Import: what could not be read", [
            "Added 212, updated 3, moved 1, missing 0, unchanged 40.",
            "Skipped 6 files that are not photos (PSD 2, RW2 4).",
            "2 file(s) could not be read:", "  /feeds/afp/IMG_0113.jpg: no image data: the file is truncated",
            "  /feeds/afp/notes.jpg: not a photo (the file is text)"], window)
        report.show()
        settle()
        save(report, "import-report")
        report.close()
        from archive.desk import Desk
        from desktop.gui.context import DeskContext
        from desktop.gui.main_window import MainWindow

        empty = MainWindow(DeskContext(Desk.open(work / "empty")))
        empty.resize(1200, 800)
        empty.show()
        settle()
        save(empty, "welcome")
        empty.close()
    window.close()


if __name__ == "__main__":
    main()
