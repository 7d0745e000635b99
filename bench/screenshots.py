"""Screenshots of the window and its dialogs, made from the real window on the demo archive.

    python bench/screenshots.py [--out docs/screenshots] [--scale 1|2] [--all] [--xvfb]

Without a display it renders offscreen (QT_QPA_PLATFORM=offscreen); with ``--xvfb``
and no DISPLAY it runs itself again under ``xvfb-run`` (the real xcb platform).
The window is 1600×1000; ``--scale 2`` renders at 200% (QT_SCALE_FACTOR=2), as on a
high-DPI screen, into files named ``NAME@2x.png``.  Without ``--all`` it writes the
two the README shows (the sheet with the inspector; an article's pairing); with it,
every dialog too: licences, leases, assign licence, settings, keyboard shortcuts, the
report of an import with a bad file, and the welcome view of an empty archive.
Settings live in a temporary INI file: a person's own settings are never touched.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
DEMO_DAY = dt.date(2022, 12, 19)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="docs/screenshots")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--all", action="store_true", help="every dialog too")
    parser.add_argument("--xvfb", action="store_true", help="without a display, run under xvfb-run")
    args = parser.parse_args()
    if (args.xvfb and not os.environ.get("DISPLAY") and shutil.which("xvfb-run")
            and not os.environ.get("PD_SHOTS_UNDER_XVFB")):
        env = {**os.environ, "PD_SHOTS_UNDER_XVFB": "1", "QT_QPA_PLATFORM": "xcb"}
        return subprocess.call(["xvfb-run", "-a", "-s", "-screen 0 3600x2400x24", sys.executable, *sys.argv],
                               env=env)
    if not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if args.scale != 1.0:
        os.environ["QT_SCALE_FACTOR"] = f"{args.scale:g}"
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    suffix = "" if args.scale == 1.0 else f"@{args.scale:g}x"
    Shots(out, suffix, every=args.all).run()
    return 0


class Shots:
    def __init__(self, out: Path, suffix: str, every: bool):
        self.out, self.suffix, self.every = out, suffix, every
        self.work = Path(tempfile.mkdtemp(prefix="pd-shots-"))

    def run(self) -> None:
        from PySide6.QtCore import QCoreApplication, QSettings

        from archive.demo import build_demo

        QSettings.setDefaultFormat(QSettings.IniFormat)
        QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(self.work / "settings"))
        QCoreApplication.setOrganizationName("picturedesk-screenshots")
        QCoreApplication.setApplicationName("picturedesk-screenshots")
        summary = build_demo(self.work / "demo")

        from desktop.gui.app import build_window

        self.app, window = build_window(summary["archive"], on=DEMO_DAY, create=False)
        self.window = window
        window.resize(1600, 1000)
        window.show()
        self.settle(1500)
        desk = window.context.desk
        by_name = {r.name: r.id for r in desk.results("", limit=50).rows}
        reuters = by_name["reuters_metro_kiev.jpg"]
        # The sheet with a photo whose caption breaks the house style, in the inspector.
        window.sheet.select_photo(reuters)
        self.settle()
        self.save(window, "sheet-and-inspector")
        # The article and its captions paired with photos.
        window.docks["articles"].show()
        window.docks["articles"].raise_()
        self.settle()
        self.save(window, "article-pairing")
        if self.every:
            self.dialogs(reuters, by_name)
        window.close()

    def dialogs(self, reuters: int, by_name: dict) -> None:
        window = self.window
        window.search.set_query("place:Kyiv")
        self.settle()
        window.sheet.select_photo(reuters)
        self.settle()
        window.show_preview(reuters)
        self.settle(1500)
        self.save(window, "search-and-preview")
        window.search.set_query("")
        window.open_licences()
        dialog = window.licences_dialog
        nyt = next(r["id"] for r in window.context.desk.licences() if r["licensor"] == "The New York Times")
        dialog.select_licence(nyt)
        self.settle()
        self.save(dialog, "licences")
        dialog.new()
        dialog.licensor.setText("Scanpix")
        dialog.valid_until.setText("next week")
        dialog.add()
        self.settle()
        self.save(dialog, "licences-error")
        dialog.close()
        window.sheet.select_photo(by_name["hoffman_air_raid_kyiv.jpg"])
        self.settle()
        window.open_leases()
        self.window.leases_dialog.note.setText("the family asked us not to use it")
        self.window.leases_dialog.valid_from.setText("2022-12-01")
        self.window.leases_dialog.add()
        self.settle()
        self.save(window.leases_dialog, "leases")
        window.leases_dialog.close()
        window.assign_licence()
        self.settle()
        self.save(window.assign_dialog, "assign-licence")
        window.assign_dialog.reject()
        window.open_settings()
        self.settle()
        self.save(window.settings_dialog, "settings")
        window.settings_dialog.reject()
        window.show_shortcuts()
        self.settle()
        self.save(window.shortcuts_dialog, "shortcuts")
        window.shortcuts_dialog.close()
        self.import_report()
        self.welcome()

    def import_report(self) -> None:
        """A real import of a folder with a bad file and files that are not photos."""
        from PIL import Image

        feed = self.work / "feed"
        feed.mkdir()
        for i in range(400):
            Image.new("RGB", (120, 80), (i % 200, 90, 120)).save(feed / f"AFP_{i:04d}.jpg")
        (feed / "AFP_0113.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"\0" * 64)
        (feed / "layout.psd").write_bytes(b"8BPS")
        (feed / "contract.pdf").write_bytes(b"%PDF-1.4")
        shot = []

        def progress(done, total, _message) -> None:      # the status bar part-way through
            if not shot and total > 0 and 0 < done < total:
                shot.append(done)
                self.app.processEvents()
                self.save(self.window, "import-progress")

        self.window.context.jobs.started.connect(lambda job: job.signals.progress.connect(progress))
        job = self.window.import_paths([feed])
        self.wait_for(job)
        self.settle()
        self.save(self.window.report_dialog, "import-report")
        self.window.report_dialog.close()

    def welcome(self) -> None:
        from archive.desk import Desk
        from desktop.gui.context import DeskContext
        from desktop.gui.main_window import MainWindow

        empty = MainWindow(DeskContext(Desk.open(self.work / "empty")))
        empty.resize(1200, 800)
        empty.show()
        self.settle()
        self.save(empty, "welcome")
        empty.close()

    # -- helpers

    def settle(self, ms: int = 600) -> None:
        from PySide6.QtCore import QEventLoop, QTimer

        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()
        self.window.context.jobs.wait(20000)
        self.app.processEvents()

    def pause(self, ms: int) -> None:
        """Let the event loop run without waiting for the jobs."""
        from PySide6.QtCore import QEventLoop, QTimer

        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def wait_for(self, job) -> None:
        from PySide6.QtCore import QEventLoop

        loop = QEventLoop()
        job.signals.ended.connect(loop.quit)
        if job in self.window.context.jobs.running():
            loop.exec()
        self.app.processEvents()

    def save(self, widget, name: str) -> None:
        path = self.out / f"{name}{self.suffix}.png"
        widget.grab().save(str(path), "PNG", 9)
        print(path)


if __name__ == "__main__":
    raise SystemExit(main())
