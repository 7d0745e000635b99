"""Writing the archive's edits out to the photos' XMP sidecars, after each edit commits.

An edit is committed to the archive first, with a row in the write-back queue
(archive/store/writebacks.py) in the same transaction; then each photo's
sidecar gets the working values of the queued fields, read at the time of
writing (so a late write never puts back an older value), and its row is
cleared.  A crash in between leaves the rows, which the next open, sync or
edit finishes.  A write that fails (a full disk, a read-only folder, a
damaged sidecar, a photo whose file is gone) keeps the edit in the archive
and the row in the queue, with the reason, and is reported as
:class:`Unwritten`; nothing already saved is lost.

After a write the photo's stored sidecar state is set to the new file's, so
the next sync knows our own write and does not read the photo again, unless
someone else had changed the sidecar since the archive last read it: then the
old state stays and the next sync reads what they wrote.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Iterable, Optional

from archive.metadata.sidecar_write import PROPERTIES, SidecarError, target_sidecar, write_sidecar
from archive.scan import stat_file
from archive.store import photos as photo_store
from archive.store import writebacks as queue
from archive.store.db import transaction

MISSING = "the photo's file is missing; the edit is kept in the archive and goes to the sidecar when the file is back"


@dataclass(frozen=True)
class Unwritten:
    """An edit the archive holds that the photo's sidecar does not (yet)."""

    photo_id: int
    path: str            # the sidecar it should go to (the photo, when its file is gone)
    reason: str

    def message(self) -> str:
        return f"photo #{self.photo_id}: {self.path}: {self.reason}"


def write_pending(conn, photo_ids: Optional[Iterable[int]] = None, *, leftovers: bool = False) -> list[Unwritten]:
    """Write the queued edits of ``photo_ids`` (None: every queued photo) to their
    sidecars; with ``leftovers``, also those of any photo never tried (an edit whose
    process died before writing), or only those when ``photo_ids`` is None.  Returns
    what could not be written."""
    if photo_ids is None:
        rows = queue.pending(conn, untried=leftovers)
    else:
        ids = {int(p) for p in photo_ids if p is not None}
        rows = queue.pending(conn, ids)
        if leftovers:
            rows += [r for r in queue.pending(conn, untried=True) if r["photo_id"] not in ids]
    problems: list[Unwritten] = []
    done: list[tuple] = []
    for row in rows:
        outcome = _write_one(conn, row)
        (problems if isinstance(outcome, Unwritten) else done).append(outcome)
    if problems or done:
        # One transaction for the lot: a crash before it only means writing them again.
        with transaction(conn):
            for pid, seq, state in done:
                queue.written(conn, pid, seq, state)
            for p in problems:
                queue.failed(conn, p.photo_id, p.reason)
    return problems


def _write_one(conn, row: dict):
    """Write one photo's queued fields: its Unwritten, or (photo id, seq, the sidecar
    state to record or None) when written."""
    pid, path = row["photo_id"], row["path"]
    if not os.path.isfile(path):            # the file at its path decides, not a stale mark
        return Unwritten(pid, path, MISSING)
    record = photo_store.get_record(conn, pid)
    values = {f: record.get(f) for f in row["fields"] if f in PROPERTIES}
    try:
        seen = stat_file(path)[3]               # the sidecar state as a sync sees it
        write_sidecar(path, values)
        now = stat_file(path)[3]
    except SidecarError as exc:
        return Unwritten(pid, exc.path, exc.reason)
    except OSError as exc:
        return Unwritten(pid, path, exc.strerror or str(exc))
    except Exception as exc:  # noqa: BLE001 - a writer bug must not lose the edit: keep it queued
        return Unwritten(pid, str(target_sidecar(path)), f"unexpected error: {type(exc).__name__}: {exc}")
    ours = seen == (row["sidecar_mtime_ns"] or 0)
    return pid, row["seq"], now if ours else None


def pending(conn) -> list[dict]:
    """Every edit waiting for its sidecar: photo id, path, fields, attempts, last error."""
    return queue.pending(conn)
