"""Long work off the GUI thread: a core job wrapped so that its progress and
cancel become Qt signals and a Cancel button.

A :class:`Job` runs ``work(desk, progress, cancel)`` on a QThreadPool thread
with its *own* Desk (:meth:`archive.desk.Desk.clone`: SQLite connections
belong to one thread).  Signals are delivered on the GUI thread (queued
connections), so slots may touch widgets.  ``cancel()`` sets the flag the core
checks between batches; the core leaves the archive consistent and raises
:class:`archive.jobs.Cancelled`, reported as ``cancelled``.
"""

from __future__ import annotations

import threading
import traceback
from typing import Callable, Optional

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class JobSignals(QObject):
    progress = Signal(int, int, str)      # done, total (-1 unknown), message
    finished = Signal(object)             # the work's return value
    failed = Signal(str)                  # a message for a person
    cancelled = Signal()
    ended = Signal()                      # after any of the three above


class Job(QRunnable):
    """One piece of long work.  ``title`` names it in the status bar."""

    def __init__(self, title: str, desk, work: Callable, *, own_connection: bool = True):
        super().__init__()
        self.setAutoDelete(False)
        self.title = title
        self.signals = JobSignals()
        self._desk = desk
        self._work = work
        self._own = own_connection
        self._cancel = threading.Event()
        self._last = 0.0
        # Set once run() has emitted its last signal: whoever begins to wait after a quick
        # job has ended (a signal emitted before the connection is never seen) asks this.
        self.done = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def _progress(self, done: int, total: Optional[int], message: str = "") -> None:
        import time

        now = time.monotonic()
        if now - self._last >= 0.05 or (total is not None and done >= total):
            self._last = now
            self.signals.progress.emit(int(done), -1 if total is None else int(total), message or "")

    def run(self) -> None:  # on a pool thread
        from archive.errors import PictureDeskError
        from archive.jobs import Cancelled

        desk = None
        try:
            desk = self._desk.clone(mapped=True) if self._own else self._desk
            result = self._work(desk, self._progress, self._cancel)
        except Cancelled:
            self.signals.cancelled.emit()
        except PictureDeskError as exc:
            self.signals.failed.emit(str(exc))
        except Exception as exc:  # a bug must reach the person as a message, not kill the app
            traceback.print_exc()
            self.signals.failed.emit(f"{self.title} failed: {type(exc).__name__}: {exc}")
        else:
            self.signals.finished.emit(result)
        finally:
            if desk is not None and self._own:
                desk.close()
            self.signals.ended.emit()
            self.done.set()


class JobRunner(QObject):
    """Starts jobs on a pool and keeps them alive until they end; the status bar
    listens to ``started`` to show progress and a Cancel button."""

    started = Signal(object)              # the Job

    def __init__(self, parent=None, max_threads: int = 2):
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self._running: set[Job] = set()

    def start(self, job: Job) -> Job:
        self._running.add(job)
        job.signals.ended.connect(lambda j=job: self._running.discard(j))
        self.started.emit(job)
        self.pool.start(job)
        return job

    def running(self) -> list[Job]:
        return list(self._running)

    def cancel_all(self) -> None:
        for job in list(self._running):
            job.cancel()

    def wait(self, msecs: int = 30000) -> bool:
        return self.pool.waitForDone(msecs)
