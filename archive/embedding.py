"""Writing photos' caption and credit into their files, on request (``edit --embed``, the window's action).

For each photo the archive's working values of the embeddable fields (caption,
creator, credit, credit line; see archive/metadata/embed.py for where each
goes) are written into the file, which is then noted as the archive's own
write: its new size, mtime, inode, fingerprint and content hash, and what it
says now.  So the next sync finds nothing changed and flags nothing, and an
agency's later replacement of the file is still seen as an outside change.

Each file is one step: written (through a checked copy and an atomic rename)
and recorded in its own transaction, so a cancel or a crash between files
leaves every file either as it was or written and known.  A file that cannot
be written (a HEIC, a read-only folder, a full disk, a check that failed, a
missing file) is reported with its reason and the others go on.  Queued
sidecar writes of those photos are done first, so the sidecar's state the
archive notes is the final one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from archive.hashing import content_hash, fingerprint
from archive.jobs import check_cancel, no_progress
from archive.metadata import read_metadata
from archive.metadata.embed import FIELDS, EmbedError, embed
from archive.scan import stat_file
from archive.store import photos as store
from archive.store.db import transaction


@dataclass(frozen=True)
class NotEmbedded:
    """A photo whose file was not written, and why (its file is as it was)."""

    photo_id: int
    path: str
    reason: str

    def message(self) -> str:
        return f"photo #{self.photo_id}: {self.path}: {self.reason}"


@dataclass
class EmbedReport:
    written: list[int] = field(default_factory=list)          # photo ids whose file now holds the values
    failed: list[NotEmbedded] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"written": list(self.written),
                "failed": [{"photo_id": f.photo_id, "path": f.path, "reason": f.reason} for f in self.failed]}


def embed_photos(archive, photo_ids, *, progress=None, cancel=None) -> EmbedReport:
    """Write the working caption, creator, credit and credit line of each photo into its file."""
    from archive.job_lock import one_job_at_a_time
    from archive.writeback import write_pending

    progress = progress or no_progress
    ids = list(dict.fromkeys(int(p) for p in photo_ids))
    report = EmbedReport()
    with one_job_at_a_time(archive.directory, progress=progress, cancel=cancel):
        write_pending(archive.conn, ids)
        for done, pid in enumerate(ids):
            check_cancel(cancel)
            progress(done, len(ids), "writing caption and credit into the files")
            problem = _embed_one(archive, pid)
            if problem is None:
                report.written.append(pid)
            else:
                report.failed.append(problem)
        progress(len(ids), len(ids), "writing caption and credit into the files")
    return report


def _embed_one(archive, pid: int):
    record = store.get_record(archive.conn, pid)
    if record is None:
        return NotEmbedded(pid, "", "no such photo in the archive")
    path = record["path"]
    if record["missing"] or not os.path.isfile(path):
        return NotEmbedded(pid, path, "the photo's file is missing")
    values = {f: record.get(f) for f in FIELDS}
    try:
        embed(path, values)
    except EmbedError as exc:
        return NotEmbedded(pid, path, exc.reason)
    _record(archive, pid, path, old_hash=record.get("content_hash"))
    return None


def _record(archive, pid: int, path: str, *, old_hash) -> None:
    """Note the rewritten file as the archive's own (see the module's docstring); its
    thumbnail, made from the same picture, is kept under the new content hash."""
    from archive.thumbnails import ThumbnailStore

    meta = read_metadata(path).to_dict()
    fp, digest = fingerprint(path)
    if digest is None and old_hash is not None:
        digest = content_hash(path)
    with transaction(archive.conn):
        store.file_rewritten(archive.conn, pid, stat=stat_file(path), meta=meta, content_hash=digest,
                             fingerprint=fp, fields=FIELDS)
    if os.path.exists(archive.thumbs_path):
        with ThumbnailStore(str(archive.thumbs_path)) as thumbs:
            thumbs.rehash(pid, old_hash, digest)
