"""One import or sync at a time per archive, across processes and threads.

Two jobs that add the same files at once would both find them new (one failed
with "UNIQUE constraint failed: photos.path").  A job takes the archive's job
lock first (an OS file lock on ``jobs.lock`` in the archive directory, released
by the OS if the process dies); a second one says it is waiting and waits its
turn, and can be cancelled while it waits.  Then it finds the first one's work
done and has little left to do.
"""

from __future__ import annotations

import os
import time
from contextlib import contextmanager

from archive.jobs import check_cancel, no_progress

LOCK_NAME = "jobs.lock"
WAITING = "another import or sync of this archive is running; waiting for it to finish"

if os.name == "nt":
    import msvcrt

    def _try(f) -> bool:
        try:
            msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False

    def _release(f) -> None:
        try:
            f.seek(0)
            msvcrt.locking(f.fileno(), msvcrt.LK_UNLCK, 1)
        except OSError:
            pass
else:
    import fcntl

    def _try(f) -> bool:
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False

    def _release(f) -> None:
        fcntl.flock(f.fileno(), fcntl.LOCK_UN)


@contextmanager
def one_job_at_a_time(directory, *, progress=None, cancel=None, poll_s: float = 0.2):
    """Hold the archive's job lock for the ``with`` block, waiting (with a progress
    message, cancellable) while another job holds it."""
    progress = progress or no_progress
    f = open(os.path.join(directory, LOCK_NAME), "a+b")
    try:
        said = False
        while not _try(f):
            if not said:
                progress(0, None, WAITING)
                said = True
            check_cancel(cancel)
            time.sleep(poll_s)
        try:
            yield
        finally:
            _release(f)
    finally:
        f.close()
