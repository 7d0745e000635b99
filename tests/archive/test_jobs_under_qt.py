"""Import and check jobs run while a Qt event loop and a QThreadPool are busy.

The window runs long jobs on QThreadPool threads while its event loop keeps
painting.  Forking such a process can deadlock a worker (a lock some Qt thread
held is copied locked); the shared pool never forks it (archive/workers.py).
Here the workers are started for the first time from inside a QThreadPool job,
with other Qt threads busy, and the GUI thread's timer must keep ticking.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from PySide6.QtCore import QRunnable, QThreadPool, QTimer  # noqa: E402

from archive import checking, licence_book, workers  # noqa: E402
from archive.demo.photos import PhotoSpec, write_photo  # noqa: E402
from archive.store import open_archive  # noqa: E402
from archive.sync import import_paths  # noqa: E402

KYIV = dt.timezone(dt.timedelta(hours=2))
N = 90              # above the import's pool threshold (48)
ON = dt.date(2022, 12, 19)


class Call(QRunnable):
    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def run(self):
        self.fn()


def make_photos(folder):
    folder.mkdir()
    places = ["Kyiv", "Kiev", "Lviv"]
    for i in range(N):
        write_photo(folder, PhotoSpec(
            f"p{i:03d}.jpg", creator=[f"Photographer {i % 4}"], credit=["Reuters", "AFP via Getty Images"][i % 2],
            caption=f"Scene {i} in {places[i % 3]}, Ukraine, on {'Monday' if i % 2 else 'Sunday'}.",
            city="Kyiv", country="Ukraine", taken=dt.datetime(2022, 12, 19, 10, i % 60, tzinfo=KYIV),
            size=(64, 48)), seed=i)


def cpu_ticks(pids):
    """CPU clock ticks each worker has used (Linux; None elsewhere)."""
    if not os.path.isdir("/proc/self"):
        return None
    ticks = {}
    for pid in pids:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        ticks[pid] = int(fields[11]) + int(fields[12])
    return ticks


def violations_in_process(archive_dir):
    """The check's answer worked out in this process, without workers: the reference."""
    with open_archive(archive_dir) as archive:
        licence_book.add_licence(archive, licensor="Nobody")           # every check stale again
        return sorted(map(repr, checking.check_photos(archive, on=ON, processes=1).violations))


def test_import_and_check_run_while_qt_is_busy(qtbot, tmp_path, monkeypatch):
    make_photos(tmp_path / "in")
    archive_dir = tmp_path / "archive"
    monkeypatch.setattr(checking, "POOL_THRESHOLD", 0)             # the check uses the pool too
    monkeypatch.setattr(checking, "CHUNK", 16)
    workers.shutdown()              # the workers start from inside the Qt job, with Qt threads running

    pool = QThreadPool()
    pool.setMaxThreadCount(4)
    stop = threading.Event()
    spins = [0, 0]

    def busy(k):
        def spin():
            while not stop.is_set():                               # other Qt work going on meanwhile
                spins[k] += 1
                time.sleep(0.0005)
        return spin

    for k in range(2):
        pool.start(Call(busy(k)))

    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()

    outcome: dict = {}

    def job():
        try:
            # As the window does once it is up: start the workers, from a Qt thread,
            # with other Qt threads running (a small import would otherwise be
            # done by this thread alone before they are up).
            workers.start(2, background=False)
            outcome["pids"] = workers.pool(2).pids()
            outcome["cpu_before"] = cpu_ticks(outcome["pids"])
            with open_archive(archive_dir) as archive:
                outcome["import"] = import_paths(archive, [tmp_path / "in"], thumbnails=False, processes=2)
                assert workers.pool(2).pids() == outcome["pids"]     # the same warm workers
                outcome["cpu_import"] = cpu_ticks(outcome["pids"])
                licence_book.add_licence(archive, licensor="Reuters")
                outcome["check"] = checking.check_photos(archive, on=ON, processes=2)
        except BaseException as exc:  # reported on the test's thread
            outcome["error"] = exc
        finally:
            outcome["done"] = time.monotonic()

    started = time.monotonic()
    pool.start(Call(job))
    qtbot.waitUntil(lambda: "done" in outcome, timeout=120_000)
    timer.stop()
    stop.set()
    pool.waitForDone()

    assert "error" not in outcome, outcome.get("error")
    report = outcome["import"]
    assert (report.added, report.failed) == (N, [])
    assert len(outcome["pids"]) == 2 and os.getpid() not in outcome["pids"]
    assert workers.pool(2).method != "fork"
    if outcome["cpu_before"] is not None:                          # the workers did read photos
        assert sum(outcome["cpu_import"].values()) > sum(outcome["cpu_before"].values())
    check = outcome["check"]
    assert check.refresh.checked == N
    # The event loop kept turning: ticks all along the job, never a long stall.
    during = [t for t in ticks if started <= t <= outcome["done"]]
    assert len(during) >= 0.3 * (outcome["done"] - started) / 0.010
    gaps = [b - a for a, b in zip(during, during[1:])]
    assert not gaps or max(gaps) < 1.0
    assert all(spins)                                              # and the Qt threads ran too
    # The pooled check gave the answer the in-process check gives.
    assert sorted(map(repr, check.violations)) == violations_in_process(archive_dir)
